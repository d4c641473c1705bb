{#- Incremental: only extracts not loaded yet are read (the file filter is
    pushed down to the file list). The days they cover are decided again
    together with the rows already loaded for those days. FX conversion is
    staging's (macros/fx.sql), so a late rate re-decides no row here. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['source_file', 'ad_date'],
    on_schema_change='fail',
) }}

with

source as (
    select * from {{ source('google_ads', 'ad_stats') }}
    where {{ new_extract_files('filename') }}
),

parsed as (
    select
        {{ file_name('source.filename') }} as source_file,
        {{ source_relation('source.filename') }} as source_relation,
        {{ extracted_at_from_filename('source.filename') }} as extracted_at,
        {{ row_to_json('source') }} as raw_values,
        {{ parse_date('source.' ~ adapter.quote('segments.date')) }} as ad_date,
        nullif(trim(source.{{ adapter.quote('customer.id') }}), '') as account_id,
        nullif(trim(source.{{ adapter.quote('customer.descriptive_name') }}), '') as account_name,
        upper(trim(source.{{ adapter.quote('customer.currency_code') }})) as currency,
        nullif(trim(source.{{ adapter.quote('customer.time_zone') }}), '') as account_time_zone,
        nullif(trim(source.{{ adapter.quote('campaign.id') }}), '') as campaign_id,
        nullif(trim(source.{{ adapter.quote('campaign.name') }}), '') as campaign_name,
        nullif(trim(source.{{ adapter.quote('campaign.advertising_channel_type') }}), '') as campaign_type,
        nullif(trim(source.{{ adapter.quote('campaign.status') }}), '') as campaign_status,
        nullif(trim(source.{{ adapter.quote('ad_group.id') }}), '') as ad_group_id,
        nullif(trim(source.{{ adapter.quote('ad_group.name') }}), '') as ad_group_name,
        nullif(trim(source.{{ adapter.quote('ad_group_ad.ad.id') }}), '') as ad_id,
        {{ parse_non_negative('source.' ~ adapter.quote('metrics.cost_micros'), 'bigint') }} as cost_micros,
        {{ parse_non_negative('source.' ~ adapter.quote('metrics.impressions'), 'bigint') }} as impressions,
        {{ parse_non_negative('source.' ~ adapter.quote('metrics.clicks'), 'bigint') }} as clicks,
        {{ parse_non_negative('source.' ~ adapter.quote('metrics.conversions'), 'double') }} as platform_conversions,
        {{ parse_non_negative('source.' ~ adapter.quote('metrics.conversions_value'), 'double') }} as platform_conversion_value
    from source
),

{% if is_incremental() %}
    with_loaded_rows as (
        select * from parsed

        union all

    {{ loaded_rows_of_partitions(
        'ad_date', 'select ad_date from parsed', ['invalid_reason', 'quarantine_reason']
    ) }}
    ),
{% endif %}

validated as (
    select
        *,
        {{ invalid_reason([
            ('extracted_at is null', 'file name has no extract timestamp'),
            ('ad_date is null', 'segments.date is not a date'),
            ('ad_date > cast(extracted_at as date)', 'segments.date is after the extract time'),
            ('account_id is null or campaign_id is null or ad_group_id is null or ad_id is null',
                'an id (customer, campaign, ad group, ad) is missing'),
            (is_mangled_id('account_id') ~ ' or ' ~ is_mangled_id('campaign_id') ~ ' or ' ~ is_mangled_id('ad_group_id') ~ ' or ' ~ is_mangled_id('ad_id'),
                'an id (customer, campaign, ad group, ad) is in scientific notation'),
            ('cost_micros is null', 'metrics.cost_micros is not a non-negative integer'),
            ('impressions is null or clicks is null', 'impressions or clicks are not non-negative integers'),
            ('platform_conversions is null or platform_conversion_value is null',
                'conversions or conversions_value are not non-negative numbers'),
        ]) }} as invalid_reason
    from {{ 'with_loaded_rows' if is_incremental() else 'parsed' }}
),

final as (
    select
        *,
        {{ quarantine_reason(['ad_date', 'account_id', 'campaign_id', 'ad_group_id', 'ad_id']) }}
            as quarantine_reason
    from validated
)

select * from final
