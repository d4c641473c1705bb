with

scored as (
    select * from {{ ref('int_campaign_efficiency_scored') }}
),

campaigns as (
    select
        campaign_key,
        campaign_name,
        platform,
        channel
    from {{ ref('dim_campaign') }}
),

final as (
    select
        cast(scored.campaign_key as {{ dbt.type_string() }}) as campaign_key,
        cast(campaigns.campaign_name as {{ dbt.type_string() }}) as campaign_name,
        cast(campaigns.platform as {{ dbt.type_string() }}) as platform,
        cast(campaigns.channel as {{ dbt.type_string() }}) as channel,
        cast(scored.window_start_date as date) as window_start_date,
        cast(scored.window_end_date as date) as window_end_date,
        cast(scored.spend_eur as double) as spend_eur,
        cast(scored.clicks as double) as clicks,
        cast(scored.conversions as double) as conversions,
        cast(scored.conversions_low as double) as conversions_low,
        cast(scored.conversions_high as double) as conversions_high,
        cast(scored.revenue_eur as double) as revenue_eur,
        cast(scored.roas as double) as roas,
        cast(scored.breakeven_roas as double) as breakeven_roas,
        cast(scored.poas as double) as poas,
        cast(scored.poas_low as double) as poas_low,
        cast(scored.poas_high as double) as poas_high,
        cast(scored.cpa_eur as double) as cpa_eur,
        cast(scored.cpa_low_eur as double) as cpa_low_eur,
        cast(scored.cpa_high_eur as double) as cpa_high_eur,
        cast(scored.target_cac_eur as double) as target_cac_eur,
        cast(scored.has_enough_volume as boolean) as has_enough_volume,
        cast(scored.is_unprofitable as boolean) as is_unprofitable,
        cast(scored.is_cpa_above_target as boolean) as is_cpa_above_target,
        cast(scored.is_flagged as boolean) as is_flagged,
        cast(scored.margin_shortfall_30d_eur as double) as margin_shortfall_30d_eur,
        cast(scored.margin_shortfall_30d_low_eur as double) as margin_shortfall_30d_low_eur,
        cast(scored.margin_shortfall_30d_high_eur as double) as margin_shortfall_30d_high_eur,
        cast(scored.flag_reason as {{ dbt.type_string() }}) as flag_reason
    from scored
    left join campaigns
        on scored.campaign_key = campaigns.campaign_key
)

select * from final
