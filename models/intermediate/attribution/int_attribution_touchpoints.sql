{#- Every marketing touch we can see: one row per GA4 session (consent-gap
    pseudo-sessions excluded: they mix many visitors and have no channel),
    plus e-mail clicks that did not open a tracked session (no e-mail session
    of the same customer from 5 minutes before to 30 minutes after the click,
    e.g. the click landed without consent or on another device).
    The visitor is the shop customer when known (logged in, or the browser is
    linked by int_attribution_customer_identities), else the GA4 browser. -#}
{%- set string_type = dbt.type_string() -%}

with

sessions as (
    select
        session_key,
        session_started_at,
        user_pseudo_id,
        customer_id,
        traffic_source,
        traffic_campaign,
        gclid,
        channel
    from {{ ref('fct_sessions') }}
    where not is_consent_gap
),

identities as (
    select
        user_pseudo_id,
        customer_id
    from {{ ref('int_attribution_customer_identities') }}
),

campaigns as (
    select
        campaign_key,
        campaign_name,
        platform
    from {{ ref('dim_campaign') }}
),

email_events as (
    select
        event_id,
        occurred_at,
        campaign_id,
        email_hash
    from {{ ref('stg_email__events') }}
    where event_type = 'clicked'
),

email_campaigns as (
    select
        campaign_id,
        campaign_name
    from {{ ref('stg_email__campaigns') }}
),

email_profiles as (
    select
        email_hash,
        customer_id
    from {{ ref('stg_email__profiles') }}
    where customer_id is not null
),

-- Platform campaign names are unique per platform; keep one key per name.
campaigns_by_name as (
    select
        campaign_name,
        campaign_key,
        platform
    from (
        select
            campaign_name,
            campaign_key,
            platform,
            row_number() over (partition by campaign_name order by campaign_key) as name_rank
        from campaigns
    ) as ranked_campaigns
    where name_rank = 1
),

session_touchpoints as (
    select
        {{ dbt.concat(["'session.'", 'sessions.session_key']) }} as touchpoint_id,
        'ga4_session' as touchpoint_type,
        sessions.session_key,
        sessions.session_started_at as touched_at,
        coalesce(sessions.customer_id, identities.customer_id) as customer_id,
        sessions.user_pseudo_id,
        sessions.channel,
        sessions.traffic_campaign as campaign_name,
        campaigns_by_name.campaign_key,
        case
            when campaigns_by_name.platform is not null then campaigns_by_name.platform
            when sessions.gclid is not null then 'google_ads'
            when sessions.channel not in ('paid_search', 'paid_shopping', 'paid_social') then null
            when lower(sessions.traffic_source) in ('google', 'bing') then 'google_ads'
            when lower(sessions.traffic_source) in ('facebook', 'fb', 'instagram', 'ig', 'meta') then 'meta_ads'
            when lower(sessions.traffic_source) = 'tiktok' then 'tiktok_ads'
            when lower(sessions.traffic_source) = 'linkedin' then 'linkedin_ads'
        end as platform,
        sessions.gclid
    from sessions
    left join identities
        on sessions.user_pseudo_id = identities.user_pseudo_id
    left join campaigns_by_name
        on sessions.traffic_campaign = campaigns_by_name.campaign_name
),

email_clicks as (
    select
        email_events.event_id,
        email_events.occurred_at,
        email_profiles.customer_id,
        email_campaigns.campaign_name
    from email_events
    inner join email_profiles
        on email_events.email_hash = email_profiles.email_hash
    left join email_campaigns
        on email_events.campaign_id = email_campaigns.campaign_id
),

email_sessions as (
    select
        customer_id,
        touched_at
    from session_touchpoints
    where
        channel = 'email'
        and customer_id is not null
),

untracked_email_clicks as (
    select
        email_clicks.event_id,
        email_clicks.occurred_at,
        email_clicks.customer_id,
        email_clicks.campaign_name
    from email_clicks
    left join email_sessions
        on
            email_clicks.customer_id = email_sessions.customer_id
            and email_sessions.touched_at >= {{ dbt.dateadd('minute', -5, 'email_clicks.occurred_at') }}
            and email_sessions.touched_at <= {{ dbt.dateadd('minute', 30, 'email_clicks.occurred_at') }}
    where email_sessions.customer_id is null
),

email_touchpoints as (
    select
        {{ dbt.concat(["'email_click.'", 'event_id']) }} as touchpoint_id,
        'email_click' as touchpoint_type,
        cast(null as {{ string_type }}) as session_key,
        occurred_at as touched_at,
        customer_id,
        cast(null as {{ string_type }}) as user_pseudo_id,
        'email' as channel,
        campaign_name,
        cast(null as {{ string_type }}) as campaign_key,
        cast(null as {{ string_type }}) as platform,
        cast(null as {{ string_type }}) as gclid
    from untracked_email_clicks
),

unioned as (
    select * from session_touchpoints
    union all
    select * from email_touchpoints
),

final as (
    select
        touchpoint_id,
        touchpoint_type,
        session_key,
        touched_at,
        customer_id,
        user_pseudo_id,
        coalesce(customer_id, {{ dbt.concat(["'browser.'", 'user_pseudo_id']) }}) as visitor_id,
        channel,
        campaign_name,
        campaign_key,
        platform,
        gclid,
        channel = 'direct' as is_direct
    from unioned
)

select * from final
