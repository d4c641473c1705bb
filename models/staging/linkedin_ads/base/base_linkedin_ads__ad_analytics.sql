with

source as (
    select * from {{ source('linkedin_ads', 'ad_analytics') }}
),

parsed as (
    select
        {{ file_name('source.filename') }} as source_file,
        {{ source_relation('source.filename') }} as source_relation,
        {{ extracted_at_from_filename('source.filename') }} as extracted_at,
        {{ row_to_json('source') }} as raw_values,
        {{ parse_date('source.date') }} as ad_date,
        -- URNs end with the numeric id: urn:li:sponsoredCampaign:123 -> 123.
        nullif({{ dbt.split_part('trim(source.account_urn)', "':'", 4) }}, '') as account_id,
        nullif({{ dbt.split_part('trim(source.campaign_group_urn)', "':'", 4) }}, '') as campaign_group_id,
        nullif({{ dbt.split_part('trim(source.campaign_urn)', "':'", 4) }}, '') as campaign_id,
        nullif(trim(source.campaign_name), '') as campaign_name,
        nullif({{ dbt.split_part('trim(source.creative_urn)', "':'", 4) }}, '') as creative_id,
        upper(trim(source.currency)) as currency,
        {{ parse_non_negative('source.cost_in_local_currency', 'double') }} as spend,
        {{ parse_non_negative('source.cost_in_usd', 'double') }} as spend_usd,
        {{ parse_non_negative('source.impressions', 'bigint') }} as impressions,
        {{ parse_non_negative('source.clicks', 'bigint') }} as clicks,
        {{ parse_non_negative('source.external_website_conversions', 'double') }} as platform_conversions,
        {{ parse_non_negative('source.conversion_value_in_local_currency', 'double') }} as platform_conversion_value
    from source
),

validated as (
    select
        *,
        {{ invalid_reason([
            ('extracted_at is null', 'file name has no extract timestamp'),
            ('ad_date is null', 'date is not a date'),
            ('ad_date > cast(extracted_at as date)', 'date is after the extract time'),
            ('account_id is null or campaign_id is null or creative_id is null',
                'a URN (account, campaign, creative) is missing'),
            ('spend is null', 'cost_in_local_currency is not a non-negative number'),
            ('impressions is null or clicks is null', 'impressions or clicks are not non-negative integers'),
            ('platform_conversions is null or platform_conversion_value is null',
                'conversions or conversion value are not non-negative numbers'),
        ]) }} as invalid_reason
    from parsed
),

final as (
    select
        *,
        {{ quarantine_reason(['ad_date', 'account_id', 'campaign_id', 'creative_id']) }} as quarantine_reason
    from validated
)

select * from final
