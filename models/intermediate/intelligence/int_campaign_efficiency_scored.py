"""One row per campaign active in the trailing 90 days, with POAS / CPA intervals."""

from growth_ledger.intelligence.efficiency import score_campaigns


def model(dbt, session):
    dbt.config(materialized="table")
    inputs = dbt.ref("int_kpi_daily_inputs").df()
    margins = dbt.ref("int_margin_rates").df().iloc[0]
    campaigns = inputs[inputs["scope_type"] == "campaign"]
    return score_campaigns(
        campaigns,
        margin_rate=float(margins["contribution_margin_rate"]),
        target_cac_eur=float(margins["target_cac_eur"]),
    )
