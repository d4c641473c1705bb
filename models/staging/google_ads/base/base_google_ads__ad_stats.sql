{#- Incremental: only extracts not loaded yet are read (the file filter is
    pushed down to the file list). The days they cover, and the days whose FX
    rate changed since they were loaded (a month's rates land after the
    month), are converted and decided again together with the rows already
    loaded for those days. -#}
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

fx_rates as (
    select * from {{ ref('stg_fx__rates_daily') }}
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
    restated_days as (
        select ad_date from parsed

        union

        select loaded.ad_date
        from {{ this }} as loaded
        left join fx_rates
            on
                loaded.ad_date = fx_rates.rate_date
                and loaded.currency = fx_rates.currency
        where loaded.units_per_eur is distinct from fx_rates.units_per_eur
    ),

    with_loaded_rows as (
        select * from parsed

        union all

    {{ loaded_rows_of_partitions(
        'ad_date', 'select ad_date from restated_days', ['units_per_eur', 'invalid_reason', 'quarantine_reason']
    ) }}
    ),
{% endif %}

converted as (
    select
        parsed.*,
        fx_rates.units_per_eur
    from {{ 'with_loaded_rows' if is_incremental() else 'parsed' }} as parsed
    left join fx_rates
        on
            parsed.ad_date = fx_rates.rate_date
            and parsed.currency = fx_rates.currency
),

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
            ('units_per_eur is null', 'no FX rate for the currency on that date'),
        ]) }} as invalid_reason
    from converted
),

final as (
    select
        *,
        {{ quarantine_reason(['ad_date', 'account_id', 'campaign_id', 'ad_group_id', 'ad_id']) }}
            as quarantine_reason
    from validated
)

select * from final
