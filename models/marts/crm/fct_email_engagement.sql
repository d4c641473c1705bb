with

events as (
    select
        event_id,
        event_type,
        event_date,
        campaign_id,
        email_hash
    from {{ ref('stg_email__events') }}
),

campaigns as (
    select
        campaign_id,
        campaign_name,
        channel,
        sent_at,
        sent_date
    from {{ ref('stg_email__campaigns') }}
),

daily_counts as (
    select
        campaign_id,
        event_date,
        count(case when event_type in ('received', 'bounced') then event_id end) as emails_sent,
        count(case when event_type = 'received' then event_id end) as emails_delivered,
        count(case when event_type = 'bounced' then event_id end) as bounces,
        count(case when event_type = 'opened' then event_id end) as opens,
        count(distinct case when event_type = 'opened' then email_hash end) as unique_opens,
        count(case when event_type = 'clicked' then event_id end) as clicks,
        count(distinct case when event_type = 'clicked' then email_hash end) as unique_clicks,
        count(case when event_type = 'unsubscribed' then event_id end) as unsubscribes
    from events
    group by 1, 2
),

final as (
    select
        daily_counts.campaign_id || '-' || cast(daily_counts.event_date as {{ api.Column.translate_type('string') }})
            as email_engagement_id,
        daily_counts.campaign_id,
        daily_counts.event_date,
        campaigns.campaign_name,
        campaigns.channel,
        campaigns.sent_at,
        campaigns.sent_date,
        {{ dbt.datediff('campaigns.sent_date', 'daily_counts.event_date', 'day') }} as days_since_send,
        daily_counts.emails_sent,
        daily_counts.emails_delivered,
        daily_counts.bounces,
        daily_counts.opens,
        daily_counts.unique_opens,
        daily_counts.clicks,
        daily_counts.unique_clicks,
        daily_counts.unsubscribes
    from daily_counts
    left join campaigns
        on daily_counts.campaign_id = campaigns.campaign_id
)

select * from final
