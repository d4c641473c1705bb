{#- One row per source and data date: when rows for that date first arrived
    (earliest extract, superseded rows included) and how many days later than
    the source's cadence promised. Cadence: `daily` sources (GA4) land the
    next morning; `monthly` sources are due in the backfill on the 2nd of the
    next month, or earlier when a daily pull covered the day. -#}
with

arrivals as (
    select
        source_name,
        cadence,
        data_date,
        first_extracted_date,
        last_extracted_date,
        raw_rows
    from {{ ref('stg_landing__data_date_arrivals') }}
),

with_expected as (
    select
        *,
        {{ dbt.dateadd('day', 1, 'data_date') }} as expected_daily_date,
        {{ dbt.dateadd('day', 1, dbt.dateadd('month', 1, dbt.date_trunc('month', 'data_date'))) }}
            as expected_backfill_date
    from arrivals
),

final as (
    select
        source_name,
        cadence,
        cast(data_date as date) as data_date,
        first_extracted_date,
        last_extracted_date,
        raw_rows,
        cast(case when cadence = 'daily' then expected_daily_date else expected_backfill_date end as date)
            as expected_arrival_date,
        greatest(
            case
                when cadence = 'daily'
                    then {{ dbt.datediff('expected_daily_date', 'first_extracted_date', 'day') }}
                else least(
                        {{ dbt.datediff('expected_daily_date', 'first_extracted_date', 'day') }},
                        {{ dbt.datediff('expected_backfill_date', 'first_extracted_date', 'day') }}
                    )
            end,
            0
        ) as days_late
    from with_expected
)

select * from final
