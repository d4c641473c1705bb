with

forecasts as (
    select * from {{ ref('int_period_end_forecast') }}
),

final as (
    select
        cast(cast(as_of_date as {{ dbt.type_string() }}) || '|' || period_type || '|' || metric as {{ dbt.type_string() }}) as forecast_id,
        cast(as_of_date as date) as as_of_date,
        cast(is_latest as boolean) as is_latest,
        cast(period_type as {{ dbt.type_string() }}) as period_type,
        cast(period_start_date as date) as period_start_date,
        cast(period_end_date as date) as period_end_date,
        cast(metric as {{ dbt.type_string() }}) as metric,
        cast(actual_to_date_eur as double) as actual_to_date_eur,
        cast(days_elapsed as integer) as days_elapsed,
        cast(days_remaining as integer) as days_remaining,
        cast(forecast_eur as double) as forecast_eur,
        cast(forecast_low_eur as double) as forecast_low_eur,
        cast(forecast_high_eur as double) as forecast_high_eur,
        cast(target_eur as double) as target_eur,
        cast(gap_to_target_eur as double) as gap_to_target_eur,
        cast(probability_meeting_target as double) as probability_meeting_target,
        cast(method as {{ dbt.type_string() }}) as method
    from forecasts
)

select * from final
