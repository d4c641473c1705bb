"""Month- and quarter-end forecasts of net revenue and gross margin vs target."""

from growth_ledger.intelligence.forecast import forecast_periods


def model(dbt, session):
    dbt.config(materialized="table")
    daily = dbt.ref("int_daily_finance_actuals").df()
    targets = dbt.ref("stg_finance__targets").df()
    return forecast_periods(daily, targets[["month_start_date", "kpi", "target_value"]])
