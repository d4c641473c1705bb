{#- The four ad platforms in one shape, one row per day and ad. Meta's ad set
    and TikTok's ad group are the ad group; LinkedIn has no ad group, so its
    campaign group stands in (the campaign when the group is missing), and its
    creative is the ad. -#}
{%- set string_type = dbt.type_string() -%}

with

google_ads as (
    select
        ad_date,
        account_id,
        account_name,
        account_time_zone,
        campaign_id,
        campaign_name,
        campaign_type,
        ad_group_id,
        ad_group_name,
        ad_id,
        currency,
        spend,
        spend_eur,
        impressions,
        clicks,
        platform_conversions,
        platform_conversion_value,
        platform_conversion_value_eur,
        source_relation
    from {{ ref('stg_google_ads__ad_stats') }}
),

meta_ads as (
    select
        ad_date,
        account_id,
        account_name,
        campaign_id,
        campaign_name,
        ad_set_id,
        ad_set_name,
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
    from {{ ref('stg_meta_ads__ads_insights') }}
),

tiktok_ads as (
    select
        ad_date,
        account_id,
        campaign_id,
        campaign_name,
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
    from {{ ref('stg_tiktok_ads__ad_report') }}
),

linkedin_ads as (
    select
        ad_date,
        account_id,
        campaign_group_id,
        campaign_id,
        campaign_name,
        creative_id,
        currency,
        spend,
        spend_eur,
        impressions,
        clicks,
        platform_conversions,
        platform_conversion_value,
        platform_conversion_value_eur,
        source_relation
    from {{ ref('stg_linkedin_ads__ad_analytics') }}
),

unioned as (
    select
        ad_date,
        'google_ads' as platform,
        cast(account_id as {{ string_type }}) as account_id,
        account_name,
        account_time_zone,
        cast(campaign_id as {{ string_type }}) as campaign_id,
        campaign_name,
        campaign_type,
        cast(ad_group_id as {{ string_type }}) as ad_group_id,
        ad_group_name,
        cast(ad_id as {{ string_type }}) as ad_id,
        cast(null as {{ string_type }}) as ad_name,
        currency,
        spend,
        spend_eur,
        impressions,
        clicks,
        platform_conversions,
        platform_conversion_value,
        platform_conversion_value_eur,
        source_relation
    from google_ads

    union all

    select
        ad_date,
        'meta_ads' as platform,
        cast(account_id as {{ string_type }}) as account_id,
        account_name,
        cast(null as {{ string_type }}) as account_time_zone,
        cast(campaign_id as {{ string_type }}) as campaign_id,
        campaign_name,
        cast(null as {{ string_type }}) as campaign_type,
        cast(ad_set_id as {{ string_type }}) as ad_group_id,
        ad_set_name as ad_group_name,
        cast(ad_id as {{ string_type }}) as ad_id,
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
    from meta_ads

    union all

    select
        ad_date,
        'tiktok_ads' as platform,
        cast(account_id as {{ string_type }}) as account_id,
        cast(null as {{ string_type }}) as account_name,
        cast(null as {{ string_type }}) as account_time_zone,
        cast(campaign_id as {{ string_type }}) as campaign_id,
        campaign_name,
        cast(null as {{ string_type }}) as campaign_type,
        cast(ad_group_id as {{ string_type }}) as ad_group_id,
        ad_group_name,
        cast(ad_id as {{ string_type }}) as ad_id,
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
    from tiktok_ads

    union all

    select
        ad_date,
        'linkedin_ads' as platform,
        cast(account_id as {{ string_type }}) as account_id,
        cast(null as {{ string_type }}) as account_name,
        cast(null as {{ string_type }}) as account_time_zone,
        cast(campaign_id as {{ string_type }}) as campaign_id,
        campaign_name,
        cast(null as {{ string_type }}) as campaign_type,
        -- No ad group level on LinkedIn: the campaign group is the nearest.
        cast(coalesce(campaign_group_id, campaign_id) as {{ string_type }}) as ad_group_id,
        cast(null as {{ string_type }}) as ad_group_name,
        cast(creative_id as {{ string_type }}) as ad_id,
        cast(null as {{ string_type }}) as ad_name,
        currency,
        spend,
        spend_eur,
        impressions,
        clicks,
        platform_conversions,
        platform_conversion_value,
        platform_conversion_value_eur,
        source_relation
    from linkedin_ads
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            'platform', "'|'", 'account_id', "'|'", 'campaign_id', "'|'",
            'ad_group_id', "'|'", 'ad_id', "'|'", dbt.cast('ad_date', string_type)
        ])) }} as ad_performance_id,
        ad_date,
        platform,
        account_id,
        account_name,
        account_time_zone,
        campaign_id,
        {{ dbt.concat(['platform', "':'", 'campaign_id']) }} as campaign_key,
        campaign_name,
        campaign_type,
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
    from unioned
)

select * from final
