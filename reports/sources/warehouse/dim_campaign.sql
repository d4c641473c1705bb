-- One row per ad campaign: platform, channel, market, taxonomy status.
select
    campaign_key,
    platform,
    platform_name,
    campaign_name,
    campaign_type,
    channel,
    sub_channel,
    funnel_stage,
    market,
    product_line,
    taxonomy_status
from marts.dim_campaign
