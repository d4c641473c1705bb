"""One row per detected anomaly day and scope (see growth_ledger.intelligence.anomalies)."""

from growth_ledger.intelligence.anomalies import detect_all


def model(dbt, session):
    dbt.config(materialized="table")
    kpi_inputs = dbt.ref("int_kpi_daily_inputs").df()
    checks = dbt.ref("int_tracking_checks_daily").df()
    arrivals = dbt.ref("int_source_arrivals").df()
    calendar = dbt.ref("promo_calendar").df()
    product_costs = dbt.ref("int_product_costs_aggregated").df()
    return detect_all(kpi_inputs, checks, arrivals, calendar, product_costs)
