{#- Every traffic source seen (GA4 sessions, order landing sites) gets one
    channel: the matching rule of channel_grouping_rules with the lowest
    priority. Sources no rule matches are 'unmapped', never dropped. -#}
with

events as (
    select
        traffic_source,
        traffic_medium,
        traffic_campaign,
        gclid
    from {{ ref('stg_ga4__events') }}
),

orders as (
    select
        utm_source,
        utm_medium,
        utm_campaign,
        gclid
    from {{ ref('stg_shop__orders') }}
),

rules as (
    select * from {{ ref('channel_grouping_rules') }}
),

traffic_sources as (
    select distinct
        coalesce(traffic_source, '') as traffic_source,
        coalesce(traffic_medium, '') as traffic_medium,
        coalesce(traffic_campaign, '') as traffic_campaign,
        gclid is not null as has_gclid
    from events
    union
    select distinct
        coalesce(utm_source, '') as traffic_source,
        coalesce(utm_medium, '') as traffic_medium,
        coalesce(utm_campaign, '') as traffic_campaign,
        gclid is not null as has_gclid
    from orders
),

matches as (
    select
        traffic_sources.traffic_source,
        traffic_sources.traffic_medium,
        traffic_sources.traffic_campaign,
        traffic_sources.has_gclid,
        rules.channel,
        rules.priority,
        row_number() over (
            partition by
                traffic_sources.traffic_source,
                traffic_sources.traffic_medium,
                traffic_sources.traffic_campaign,
                traffic_sources.has_gclid
            order by rules.priority
        ) as match_rank
    from traffic_sources
    inner join rules
        on
            (rules.source_pattern is null or {{ regex_matches('traffic_sources.traffic_source', 'rules.source_pattern') }})
            and (rules.medium_pattern is null or {{ regex_matches('traffic_sources.traffic_medium', 'rules.medium_pattern') }})
            and (rules.campaign_pattern is null or {{ regex_matches('traffic_sources.traffic_campaign', 'rules.campaign_pattern') }})
            and (not rules.requires_gclid or traffic_sources.has_gclid)
),

final as (
    select
        traffic_sources.traffic_source,
        traffic_sources.traffic_medium,
        traffic_sources.traffic_campaign,
        traffic_sources.has_gclid,
        coalesce(matches.channel, 'unmapped') as channel,
        matches.priority as matched_rule_priority
    from traffic_sources
    left join matches
        on
            traffic_sources.traffic_source = matches.traffic_source
            and traffic_sources.traffic_medium = matches.traffic_medium
            and traffic_sources.traffic_campaign = matches.traffic_campaign
            and traffic_sources.has_gclid = matches.has_gclid
            and matches.match_rank = 1
)

select * from final
