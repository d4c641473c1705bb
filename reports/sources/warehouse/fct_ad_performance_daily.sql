-- One row per ad and day: spend, impressions, clicks, platform-reported conversions.
select
    ad_date,
    platform,
    campaign_key,
    channel,
    spend_eur,
    impressions,
    clicks,
    platform_conversions,
    platform_conversion_value_eur
from marts.fct_ad_performance_daily
