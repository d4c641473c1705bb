with

events as (
    select * from {{ ref('base_ga4__events') }}
    where quarantine_reason is null
),

fx_rates as (
    select * from {{ ref('stg_fx__rates_daily') }}
),

final as (
    select
        {{ dbt.hash("events.source_file || '#' || cast(events.source_row_number as " ~ api.Column.translate_type('string') ~ ")") }}
            as event_id,
        events.event_date,
        events.event_at,
        events.event_name,
        events.user_pseudo_id,
        events.user_id,
        events.ga_session_id,
        events.ga_session_number,
        events.ga4_property,
        -- GA4's own session identity, within its property; null when consent was
        -- denied (no user_pseudo_id).
        case
            when events.user_pseudo_id is not null and events.ga_session_id is not null
                then coalesce(events.ga4_property || '/', '')
                    || events.user_pseudo_id
                    || '.'
                    || events.ga_session_id
        end as session_key,
        events.page_location,
        events.page_referrer,
        events.is_session_engaged,
        events.engagement_time_msec,
        lower(events.traffic_source) as traffic_source,
        lower(events.traffic_medium) as traffic_medium,
        {{ url_decode('events.traffic_campaign') }} as traffic_campaign,
        events.traffic_campaign_id,
        {{ url_decode('events.traffic_content') }} as traffic_content,
        events.gclid,
        events.device_category,
        events.geo_country,
        events.transaction_id,
        events.currency,
        events.purchase_revenue,
        {{ to_reporting_currency('events.purchase_revenue', 'fx_rates.units_per_eur') }} as purchase_revenue_eur,
        events.item_count,
        events.source_file,
        events.extracted_at
    from events
    left join fx_rates
        on
            events.event_date = fx_rates.rate_date
            and events.currency = fx_rates.currency
)

select * from final
