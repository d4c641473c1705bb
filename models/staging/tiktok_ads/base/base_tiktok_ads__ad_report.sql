with

source as (
    select * from {{ source('tiktok_ads', 'ad_report') }}
),

parsed as (
    select
        {{ file_name('source.filename') }} as source_file,
        {{ source_relation('source.filename') }} as source_relation,
        {{ extracted_at_from_filename('source.filename') }} as extracted_at,
        {{ row_to_json('source') }} as raw_values,
        {{ parse_date('source.stat_time_day') }} as stat_time_day,
        nullif(trim(source.advertiser_id), '') as account_id,
        upper(trim(source.currency)) as currency,
        nullif(trim(source.campaign_id), '') as campaign_id,
        nullif(trim(source.campaign_name), '') as campaign_name,
        nullif(trim(source.adgroup_id), '') as ad_group_id,
        nullif(trim(source.adgroup_name), '') as ad_group_name,
        nullif(trim(source.ad_id), '') as ad_id,
        nullif(trim(source.ad_name), '') as ad_name,
        {{ parse_non_negative('source.spend', 'double') }} as spend,
        {{ parse_non_negative('source.impressions', 'bigint') }} as impressions,
        {{ parse_non_negative('source.clicks', 'bigint') }} as clicks,
        {{ parse_non_negative('source.complete_payment', 'double') }} as platform_conversions,
        {{ parse_non_negative('source.total_complete_payment_rate', 'double') }} as platform_conversion_value
    from source
),

dated as (
    select
        *,
        cast(stat_time_day as date) as ad_date
    from parsed
),

validated as (
    select
        *,
        {{ invalid_reason([
            ('extracted_at is null', 'file name has no extract timestamp'),
            ('ad_date is null', 'stat_time_day is not a date'),
            ('ad_date > cast(extracted_at as date)', 'stat_time_day is after the extract time'),
            ('account_id is null or campaign_id is null or ad_group_id is null or ad_id is null',
                'an id (advertiser, campaign, ad group, ad) is missing'),
            (is_mangled_id('account_id') ~ ' or ' ~ is_mangled_id('campaign_id') ~ ' or ' ~ is_mangled_id('ad_group_id') ~ ' or ' ~ is_mangled_id('ad_id'),
                'an id (advertiser, campaign, ad group, ad) is in scientific notation'),
            ('spend is null', 'spend is not a non-negative number'),
            ('impressions is null or clicks is null', 'impressions or clicks are not non-negative integers'),
            ('platform_conversions is null or platform_conversion_value is null',
                'complete_payment or its value are not non-negative numbers'),
        ]) }} as invalid_reason
    from dated
),

final as (
    select
        *,
        {{ quarantine_reason(['ad_date', 'account_id', 'ad_id']) }} as quarantine_reason
    from validated
)

select * from final
