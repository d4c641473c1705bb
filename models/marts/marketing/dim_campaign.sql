with

campaigns as (
    select
        campaign_key,
        platform,
        platform_name,
        campaign_id,
        campaign_name,
        campaign_type,
        account_id,
        account_name,
        account_time_zone,
        currency,
        channel,
        sub_channel,
        funnel_stage,
        market,
        product_line,
        taxonomy_status,
        first_reported_date,
        last_reported_date,
        first_active_date,
        last_active_date
    from {{ ref('int_campaigns_classified') }}
),

final as (
    select
        campaign_key,
        platform,
        platform_name,
        campaign_id,
        campaign_name,
        campaign_type,
        account_id,
        account_name,
        account_time_zone,
        currency,
        channel,
        sub_channel,
        funnel_stage,
        market,
        product_line,
        taxonomy_status,
        first_reported_date,
        last_reported_date,
        first_active_date,
        last_active_date
    from campaigns
)

select * from final
