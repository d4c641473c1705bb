with

base as (
    {{ rows_with_fx_rate('google_ads', 'ad_stats') }}
),

final as (
    select
        ad_date,
        account_id,
        account_name,
        account_time_zone,
        campaign_id,
        campaign_name,
        campaign_type,
        campaign_status,
        ad_group_id,
        ad_group_name,
        ad_id,
        currency,
        cost_micros / 1000000.0 as spend,
        {{ to_reporting_currency('cost_micros / 1000000.0', 'units_per_eur') }} as spend_eur,
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
