with

base as (
    {{ rows_with_fx_rate('tiktok_ads', 'ad_report') }}
),

final as (
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
        {{ to_reporting_currency('spend', 'units_per_eur') }} as spend_eur,
        impressions,
        clicks,
        platform_conversions,
        platform_conversion_value,
        {{ to_reporting_currency('platform_conversion_value', 'units_per_eur') }} as platform_conversion_value_eur,
        source_relation,
        source_file,
        extracted_at
    from base
)

select * from final
