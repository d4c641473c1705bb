"""One row per paid channel (plus a total): fitted curve and recommended 30-day budget."""

from growth_ledger.intelligence.response_curves import recommend_reallocation


def model(dbt, session):
    dbt.config(materialized="table")
    inputs = dbt.ref("int_kpi_daily_inputs").df()
    margins = dbt.ref("int_margin_rates").df().iloc[0]
    channels = inputs[inputs["scope_type"] == "channel"].rename(columns={"scope_id": "channel"})
    return recommend_reallocation(
        channels[["kpi_date", "channel", "spend_eur", "revenue_eur"]],
        margin_rate=float(margins["contribution_margin_rate"]),
    )
