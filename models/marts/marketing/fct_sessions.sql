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
