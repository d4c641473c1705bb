{#- One row per source and data date: when rows for that date first and last
    arrived (extract times of the base rows, superseded rows included: a
    restated day still arrived when it first landed) and how many rows, for
    the sources whose timeliness int_source_arrivals checks, with the cadence
    each promises and the date column of its rows. -#}
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
)

select * from unioned
