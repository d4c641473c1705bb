{#- GA4 events rolled up to sessions: one window over the events (the
    session's first values) and one group by, both of which spill to disk
    past the memory limit. A session is user_pseudo_id.ga_session_id.
    Events sent without analytics consent carry no user_pseudo_id, so they
    cannot be tied to a session: rather than dropping them, each day's
    consent-less events become one pseudo-session, session_key
    'consent_gap.<YYYY-MM-DD>', is_consent_gap true, channel 'unmapped', so
    event, purchase and revenue totals still reconcile with GA4. -#}
{#- Incremental: a run rebuilds every session that starts on or after the day
    before the first restated day (restated: exported by a GA4 file this
    model has not taken into account yet, see record_processed_files, or
    whose revenue in EUR no longer matches the events, as when a month's FX
    rates land), replacing those days whole. A session spans at most two days, so reading events
    from one day earlier still sees every event of a rebuilt session. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='session_date',
    on_schema_change='fail',
    post_hook="{{ record_processed_files(ref('stg_ga4__events')) }}",
) }}
{%- set first_rebuilt_date = first_rebuilt_session_date(ref('stg_ga4__events')) if is_incremental() else none -%}

with

events as (
    select
        event_id,
        session_key,
        ga4_property,
        event_date,
        event_at,
        event_name,
        user_pseudo_id,
        user_id,
        ga_session_number,
        page_location,
        is_session_engaged,
        engagement_time_msec,
        traffic_source,
        traffic_medium,
        traffic_campaign,
        gclid,
        device_category,
        geo_country,
        transaction_id,
        purchase_revenue_eur
    from {{ ref('stg_ga4__events') }}
    {% if first_rebuilt_date is not none %}
        where event_date >= {{ dbt.dateadd('day', -1, date_literal(first_rebuilt_date)) }}
    {% endif %}
),

traffic_sources as (
    select
        traffic_source,
        traffic_medium,
        traffic_campaign,
        has_gclid,
        channel
    from {{ ref('int_traffic_sources_classified') }}
),

events_keyed as (
    select
        {{ ga4_session_key() }} as session_key,
        session_key is null as is_consent_gap,
        ga4_property,
        event_id,
        event_date,
        event_at,
        event_name,
        user_pseudo_id,
        user_id,
        ga_session_number,
        page_location,
        is_session_engaged,
        engagement_time_msec,
        traffic_source,
        traffic_medium,
        traffic_campaign,
        gclid,
        device_category,
        geo_country,
        transaction_id,
        purchase_revenue_eur
    from events
),

-- The session's attributes: the first non-null value of each, by event time
-- (event_id breaks ties). Window values then group keys, not min_by
-- aggregates: DuckDB keeps string aggregate states outside its buffer manager,
-- where they cannot spill, and millions of sessions ran out of memory.
events_with_session_attributes as (
    select
        session_key,
        is_consent_gap,
        ga4_property,
        event_date,
        event_at,
        event_name,
        ga_session_number,
        is_session_engaged,
        engagement_time_msec,
        max(user_pseudo_id) over session_events as user_pseudo_id,
        max(user_id) over session_events as user_id,
        {{ first_value_ignore_nulls("case when event_name = 'page_view' then page_location end") }}
            over session_events as landing_page_location,
        {{ first_value_ignore_nulls('traffic_source') }} over session_events as traffic_source,
        {{ first_value_ignore_nulls('traffic_medium') }} over session_events as traffic_medium,
        {{ first_value_ignore_nulls('traffic_campaign') }} over session_events as traffic_campaign,
        {{ first_value_ignore_nulls('gclid') }} over session_events as gclid,
        {{ first_value_ignore_nulls('device_category') }} over session_events as device_category,
        {{ first_value_ignore_nulls('geo_country') }} over session_events as geo_country
    from events_keyed
    window session_events as (
        partition by session_key
        order by event_at, event_id
        rows between unbounded preceding and unbounded following
    )
),

sessions as (
    select
        session_key,
        ga4_property,
        user_pseudo_id,
        user_id,
        landing_page_location,
        traffic_source,
        traffic_medium,
        traffic_campaign,
        gclid,
        device_category,
        geo_country,
        {{ dbt.bool_or('is_consent_gap') }} as is_consent_gap,
        min(event_date) as session_date,
        min(event_at) as session_started_at,
        max(event_at) as session_ended_at,
        max(ga_session_number) as ga_session_number,
        count(*) as events,
        cast(sum(case when event_name = 'page_view' then 1 else 0 end) as {{ dbt.type_bigint() }}) as page_views,
        cast(coalesce(sum(engagement_time_msec), 0) as {{ dbt.type_bigint() }}) as engagement_time_msec,
        {{ dbt.bool_or('coalesce(is_session_engaged, false)') }} as has_session_engaged_flag,
        {{ dbt.bool_or("event_name = 'add_to_cart'") }} as has_add_to_cart,
        {{ dbt.bool_or("event_name = 'begin_checkout'") }} as has_begin_checkout,
        {{ dbt.bool_or("event_name = 'purchase'") }} as has_purchase
    from events_with_session_attributes
    group by
        session_key,
        ga4_property,
        user_pseudo_id,
        user_id,
        landing_page_location,
        traffic_source,
        traffic_medium,
        traffic_campaign,
        gclid,
        device_category,
        geo_country
    {% if first_rebuilt_date is not none %}
        having min(event_date) >= {{ date_literal(first_rebuilt_date) }}
    {% endif %}
),

-- Purchases are a sliver of the events: their distinct and ordered
-- aggregates run on that sliver only, not inside the main group by.
purchases as (
    select
        session_key,
        count(distinct transaction_id) as purchases,
        sum(purchase_revenue_eur) as purchase_revenue_eur,
        {{ dbt.listagg(
            measure='distinct transaction_id',
            delimiter_text="','",
            order_by_clause='order by transaction_id'
        ) }} as transaction_ids
    from events_keyed
    where event_name = 'purchase'
    group by session_key
),

final as (
    select
        sessions.session_key,
        sessions.is_consent_gap,
        sessions.ga4_property,
        sessions.session_date,
        sessions.session_started_at,
        sessions.session_ended_at,
        sessions.user_pseudo_id,
        sessions.user_id,
        sessions.ga_session_number,
        sessions.landing_page_location,
        sessions.traffic_source,
        sessions.traffic_medium,
        sessions.traffic_campaign,
        sessions.gclid,
        sessions.gclid is not null as has_gclid,
        -- Pseudo-sessions mix many visits, so no single channel fits.
        case
            when sessions.is_consent_gap then 'unmapped'
            else coalesce(traffic_sources.channel, 'unmapped')
        end as channel,
        sessions.device_category,
        sessions.geo_country,
        sessions.events,
        sessions.page_views,
        sessions.engagement_time_msec,
        -- GA4's rule: flagged engaged, or 10 s of engagement, or 2+ page views.
        not sessions.is_consent_gap and (
            sessions.has_session_engaged_flag
            or sessions.engagement_time_msec >= 10000
            or sessions.page_views >= 2
        ) as is_engaged,
        sessions.has_add_to_cart,
        sessions.has_begin_checkout,
        sessions.has_purchase,
        coalesce(purchases.purchases, 0) as purchases,
        coalesce(purchases.purchase_revenue_eur, 0) as purchase_revenue_eur,
        purchases.transaction_ids
    from sessions
    left join purchases
        on sessions.session_key = purchases.session_key
    left join traffic_sources
        on
            coalesce(sessions.traffic_source, '') = traffic_sources.traffic_source
            and coalesce(sessions.traffic_medium, '') = traffic_sources.traffic_medium
            and coalesce(sessions.traffic_campaign, '') = traffic_sources.traffic_campaign
            and (sessions.gclid is not null) = traffic_sources.has_gclid
)

select * from final
