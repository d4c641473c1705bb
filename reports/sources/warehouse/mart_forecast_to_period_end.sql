-- One row per as-of date x period (month, quarter) x metric: actual to date, forecast with 80% interval, target.
select
    as_of_date,
    is_latest,
    period_type,
    period_start_date,
    period_end_date,
    metric,
    actual_to_date_eur,
    days_elapsed,
    days_remaining,
    forecast_eur,
    forecast_low_eur,
    forecast_high_eur,
    target_eur,
    gap_to_target_eur,
    probability_meeting_target
from marts.mart_forecast_to_period_end
