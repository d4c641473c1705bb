{{ config(materialized='table') }}

{#- Daily additive inputs of the anomaly KPIs, per paid channel and per
    campaign. Campaigns: platform-reported spend and clicks; conversions and
    revenue recorded by the shop and credited to the campaign by the
    data-driven attribution model (var intelligence_attribution_model), not
    the platforms' own claims, which over-count (mart_platform_overclaim). Channels: ad spend and clicks of the channel, shop
    orders and net revenue credited to the channel by last click. Ratios
    (CPC, CPA, conversion rate, ROAS) are computed downstream from these sums. -#}
with

ad_performance as (
    select
        ad_date,
        campaign_key,
        channel,
        spend_eur,
        clicks,
        platform_conversions,
        platform_conversion_value_eur
    from {{ ref('fct_ad_performance_daily') }}
),

attributed_conversions as (
    select
        conversion_date,
        campaign_key,
        attributed_conversions,
        attributed_revenue_eur
    from {{ ref('fct_attribution') }}
    where
        attribution_model = '{{ var("intelligence_attribution_model", "markov") }}'
        and campaign_key is not null
),

orders as (
    select
        order_date,
        channel,
        is_cancelled,
        net_revenue_eur
    from {{ ref('fct_orders') }}
),

campaign_ad_days as (
    select
        ad_date as kpi_date,
        campaign_key,
        sum(spend_eur) as spend_eur,
        sum(clicks) as clicks
    from ad_performance
    group by 1, 2
),

campaign_conversion_days as (
    select
        conversion_date as kpi_date,
        campaign_key,
        sum(attributed_conversions) as conversions,
        sum(attributed_revenue_eur) as revenue_eur
    from attributed_conversions
    group by 1, 2
),

campaign_days as (
    select
        campaign_ad_days.kpi_date,
        'campaign' as scope_type,
        campaign_ad_days.campaign_key as scope_id,
        campaign_ad_days.spend_eur,
        campaign_ad_days.clicks,
        coalesce(campaign_conversion_days.conversions, 0) as conversions,
        coalesce(campaign_conversion_days.revenue_eur, 0) as revenue_eur
    from campaign_ad_days
    left join campaign_conversion_days
        on
            campaign_ad_days.kpi_date = campaign_conversion_days.kpi_date
            and campaign_ad_days.campaign_key = campaign_conversion_days.campaign_key
),

channel_ad_days as (
    select
        ad_date as kpi_date,
        channel,
        sum(spend_eur) as spend_eur,
        sum(clicks) as clicks
    from ad_performance
    group by 1, 2
),

channel_order_days as (
    select
        order_date as kpi_date,
        channel,
        count(*) as orders,
        sum(net_revenue_eur) as net_revenue_eur
    from orders
    where not is_cancelled
    group by 1, 2
),

channel_days as (
    select
        channel_ad_days.kpi_date,
        'channel' as scope_type,
        channel_ad_days.channel as scope_id,
        channel_ad_days.spend_eur,
        channel_ad_days.clicks,
        coalesce(channel_order_days.orders, 0) as conversions,
        coalesce(channel_order_days.net_revenue_eur, 0) as revenue_eur
    from channel_ad_days
    left join channel_order_days
        on
            channel_ad_days.kpi_date = channel_order_days.kpi_date
            and channel_ad_days.channel = channel_order_days.channel
),

final as (
    select
        kpi_date,
        scope_type,
        scope_id,
        cast(spend_eur as double) as spend_eur,
        cast(clicks as double) as clicks,
        cast(conversions as double) as conversions,
        cast(revenue_eur as double) as revenue_eur
    from campaign_days
    union all
    select
        kpi_date,
        scope_type,
        scope_id,
        cast(spend_eur as double) as spend_eur,
        cast(clicks as double) as clicks,
        cast(conversions as double) as conversions,
        cast(revenue_eur as double) as revenue_eur
    from channel_days
)

select * from final
