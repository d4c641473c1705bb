with

published_rates as (
    select
        rate_date,
        currency,
        units_per_eur
    from {{ ref('base_fx__rates') }}
    where quarantine_reason is null
),

bounds as (
    select
        min(rate_date) as first_date,
        -- Carry the last rate a week past the last publication, so data
        -- landing before the next FX file still converts.
        {{ dbt.dateadd('day', 7, 'max(rate_date)') }} as last_date
    from published_rates
),

spine as (
    {{ dbt.date_spine(
        'day',
        "cast('" ~ var('calendar_start_date') ~ "' as date)",
        "cast('" ~ var('calendar_end_date') ~ "' as date)"
    ) }}
),

calendar as (
    select cast(spine.date_day as date) as rate_date
    from spine
    inner join bounds
        on cast(spine.date_day as date) between bounds.first_date and bounds.last_date
),

currencies as (
    select distinct currency from published_rates
),

calendar_by_currency as (
    select
        calendar.rate_date,
        currencies.currency,
        published_rates.units_per_eur,
        published_rates.rate_date as published_on
    from calendar
    cross join currencies
    left join published_rates
        on
            calendar.rate_date = published_rates.rate_date
            and currencies.currency = published_rates.currency
),

carried_forward as (
    select
        rate_date,
        currency,
        {{ last_value_ignore_nulls('units_per_eur') }} over (
            partition by currency order by rate_date rows between unbounded preceding and current row
        ) as units_per_eur,
        {{ last_value_ignore_nulls('published_on') }} over (
            partition by currency order by rate_date rows between unbounded preceding and current row
        ) as published_on
    from calendar_by_currency
),

-- The reporting currency needs no published rate: every calendar day, so a
-- landing without fx/rates (all money in EUR) converts.
reporting_currency as (
    select
        cast(date_day as date) as rate_date,
        '{{ var("reporting_currency") }}' as currency,
        1.0 as units_per_eur,
        cast(date_day as date) as published_on
    from spine
),

final as (
    select
        rate_date,
        currency,
        units_per_eur,
        published_on,
        published_on < rate_date as is_carried_forward
    from carried_forward
    where
        units_per_eur is not null
        and {{ dbt.datediff('published_on', 'rate_date', 'day') }} <= 7
    union all
    select
        rate_date,
        currency,
        units_per_eur,
        published_on,
        false as is_carried_forward
    from reporting_currency
)

select * from final
