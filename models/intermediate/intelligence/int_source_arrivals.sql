{#- One row per source and data date: when rows for that date first arrived
    (earliest extract, superseded rows included) and how many days later than
    the source's cadence promised. Cadence: `daily` sources (GA4) land the
    next morning; `monthly` sources are due in the backfill on the 2nd of the
    next month, or earlier when a daily pull covered the day. -#}
{%- set sources = [
    ('google_ads', 'base_google_ads__ad_stats', 'ad_date', 'monthly'),
    ('meta_ads', 'base_meta_ads__ads_insights', 'ad_date', 'monthly'),
    ('tiktok_ads', 'base_tiktok_ads__ad_report', 'ad_date', 'monthly'),
    ('linkedin_ads', 'base_linkedin_ads__ad_analytics', 'ad_date', 'monthly'),
    ('shop', 'base_shop__orders', 'order_date', 'monthly'),
    ('ga4', 'base_ga4__events', 'event_date', 'daily'),
] -%}
with

{% for source_name, base_model, date_column, cadence in sources %}
    {{ source_name }}_arrivals as (
        select
            '{{ source_name }}' as source_name,
            '{{ cadence }}' as cadence,
            {{ date_column }} as data_date,
            min(cast(extracted_at as date)) as first_extracted_date,
            max(cast(extracted_at as date)) as last_extracted_date,
            count(*) as raw_rows
        from {{ ref(base_model) }}
        where {{ date_column }} is not null and extracted_at is not null
        group by 1, 2, 3
    ),

{% endfor %}
unioned as (
    {% for source_name, _, _, _ in sources %}
        select * from {{ source_name }}_arrivals
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

with_expected as (
    select
        *,
        {{ dbt.dateadd('day', 1, 'data_date') }} as expected_daily_date,
        {{ dbt.dateadd('day', 1, dbt.dateadd('month', 1, dbt.date_trunc('month', 'data_date'))) }}
            as expected_backfill_date
    from unioned
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
