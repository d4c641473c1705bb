with

ad_performance as (
    select
        ad_performance_id,
        ad_date,
        platform,
        account_id,
        campaign_id,
        campaign_key,
        ad_group_id,
        ad_group_name,
        ad_id,
        ad_name,
        currency,
        spend,
        spend_eur,
        impressions,
        clicks,
        platform_conversions,
        platform_conversion_value,
        platform_conversion_value_eur,
        source_relation
    from {{ ref('int_ad_performance_unioned') }}
),

campaigns as (
    select
        campaign_key,
        channel,
        sub_channel,
        market
    from {{ ref('int_campaigns_classified') }}
),

final as (
    select
        ad_performance.ad_performance_id,
        ad_performance.ad_date,
        ad_performance.platform,
        ad_performance.account_id,
        ad_performance.campaign_id,
        ad_performance.campaign_key,
        campaigns.channel,
        campaigns.sub_channel,
        -- Spend's market is the campaign's (taxonomy or override): ad accounts carry no country.
        coalesce(campaigns.market, 'unmapped') as market,
        ad_performance.ad_group_id,
        ad_performance.ad_group_name,
        ad_performance.ad_id,
        ad_performance.ad_name,
        ad_performance.currency,
        ad_performance.spend,
        ad_performance.spend_eur,
        ad_performance.impressions,
        ad_performance.clicks,
        ad_performance.platform_conversions,
        ad_performance.platform_conversion_value,
        ad_performance.platform_conversion_value_eur,
        ad_performance.source_relation
    from ad_performance
    left join campaigns
        on ad_performance.campaign_key = campaigns.campaign_key
)

select * from final
