"""One row per paid channel (plus a total): fitted curve and recommended 30-day budget.

Campaign-level attributed revenue, with the campaigns flagged for a cut taken
out (see growth_ledger.intelligence.response_curves).
"""

from growth_ledger.intelligence.response_curves import recommend_reallocation


def model(dbt, session):
    dbt.config(materialized="table")
    inputs = dbt.ref("int_kpi_daily_inputs").df()
    margins = dbt.ref("int_margin_rates").df().iloc[0]
    scored = dbt.ref("int_campaign_efficiency_scored").df()
    campaigns = dbt.ref("dim_campaign").df()[["campaign_key", "channel"]]
    daily = inputs[inputs["scope_type"] == "campaign"].rename(columns={"scope_id": "campaign_key"})
    daily = daily.merge(campaigns, on="campaign_key", how="inner")
    return recommend_reallocation(
        daily[["kpi_date", "campaign_key", "channel", "spend_eur", "revenue_eur"]],
        margin_rate=float(margins["contribution_margin_rate"]),
        cut_campaigns=set(scored.loc[scored["is_flagged"].astype(bool), "campaign_key"]),
    )
