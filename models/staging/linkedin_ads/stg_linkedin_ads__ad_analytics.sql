with

base as (
    {{ rows_with_fx_rate('linkedin_ads', 'ad_analytics') }}
),

final as (
    select
        ad_date,
        account_id,
        campaign_group_id,
        campaign_id,
        campaign_name,
        creative_id,
        currency,
        spend,
        spend_usd,
        -- Converted from local currency with the ECB rate, like every platform,
        -- rather than from LinkedIn's own USD figure.
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
