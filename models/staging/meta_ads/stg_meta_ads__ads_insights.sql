with

insights as (
    {{ rows_with_fx_rate('meta_ads', 'ads_insights') }}
),

actions as (
    select * from {{ ref('stg_meta_ads__ad_actions') }}
),

purchases as (
    select
        ad_date,
        ad_id,
        sum(action_count) as purchases,
        sum(action_value) as purchase_value
    from actions
    where action_type = '{{ var("meta_purchase_action_type") }}'
    group by 1, 2
),

final as (
    select
        insights.ad_date,
        insights.account_id,
        insights.account_name,
        insights.campaign_id,
        insights.campaign_name,
        insights.ad_set_id,
        insights.ad_set_name,
        insights.ad_id,
        insights.ad_name,
        insights.currency,
        insights.spend,
        {{ to_reporting_currency('insights.spend', 'insights.units_per_eur') }} as spend_eur,
        insights.impressions,
        insights.clicks,
        coalesce(purchases.purchases, 0) as platform_conversions,
        coalesce(purchases.purchase_value, 0) as platform_conversion_value,
        {{ to_reporting_currency('coalesce(purchases.purchase_value, 0)', 'insights.units_per_eur') }}
            as platform_conversion_value_eur,
        insights.source_relation,
        insights.source_file,
        insights.extracted_at
    from insights
    left join purchases
        on
            insights.ad_date = purchases.ad_date
            and insights.ad_id = purchases.ad_id
)

select * from final
