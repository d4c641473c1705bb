{#- Sessions with their market. Incremental: a run replaces the session days
    int_sessions_from_events rebuilt in the same run (from the day before the
    first restated event day, or the first session whose EUR revenue changed),
    found by the same macro, so a restated day or a late FX rate replaces its
    sessions here exactly as in a full build. A change of seeds/countries.csv
    (dim_geography) needs --full-refresh, like the channel grouping rules. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='session_date',
    on_schema_change='fail',
    post_hook="{{ record_processed_files(ref('stg_ga4__events')) }}",
) }}
{%- set first_rebuilt_date = first_rebuilt_session_date(ref('stg_ga4__events')) if is_incremental() else none -%}
-- depends_on: {{ ref('stg_ga4__events') }}

with

sessions as (
    select
        session_key,
        is_consent_gap,
        ga4_property,
        session_date,
        session_started_at,
        session_ended_at,
        user_pseudo_id,
        user_id,
        ga_session_number,
        landing_page_location,
        traffic_source,
        traffic_medium,
        traffic_campaign,
        gclid,
        has_gclid,
        channel,
        device_category,
        geo_country,
        events,
        page_views,
        engagement_time_msec,
        is_engaged,
        has_add_to_cart,
        has_begin_checkout,
        has_purchase,
        purchases,
        purchase_revenue_eur,
        transaction_ids
    from {{ ref('int_sessions_from_events') }}
    {% if first_rebuilt_date is not none %}
        where session_date >= {{ date_literal(first_rebuilt_date) }}
    {% endif %}
),

geography as (
    select
        country_name,
        market
    from {{ ref('dim_geography') }}
),

final as (
    select
        session_key,
        is_consent_gap,
        ga4_property,
        session_date,
        session_started_at,
        session_ended_at,
        user_pseudo_id,
        user_id as customer_id,
        ga_session_number,
        landing_page_location,
        traffic_source,
        traffic_medium,
        traffic_campaign,
        gclid,
        has_gclid,
        channel,
        device_category,
        geo_country,
        -- GA4 gives the country's English name (from the IP); other countries are unmapped.
        coalesce(geography.market, 'unmapped') as market,
        events,
        page_views,
        engagement_time_msec,
        is_engaged,
        has_add_to_cart,
        has_begin_checkout,
        has_purchase,
        purchases,
        purchase_revenue_eur,
        transaction_ids
    from sessions
    left join geography
        on sessions.geo_country = geography.country_name
)

select * from final
