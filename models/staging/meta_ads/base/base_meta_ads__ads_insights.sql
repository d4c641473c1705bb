with

source as (
    select * from {{ source('meta_ads', 'ads_insights') }}
),

fx_rates as (
    select * from {{ ref('stg_fx__rates_daily') }}
),

lines as (
    {{ json_lines('source') }}
),

parsed as (
    select
        {{ file_name('filename') }} as source_file,
        {{ extracted_at_from_filename('filename') }} as extracted_at,
        line_number as source_line_number,
        raw_line as raw_values,
        json_valid(raw_line) as is_valid_json,
        {{ try_cast(json_text('raw_line', '$.date_start'), 'date') }} as ad_date,
        {{ json_text('raw_line', '$.account_id') }} as account_id,
        {{ json_text('raw_line', '$.account_name') }} as account_name,
        upper({{ json_text('raw_line', '$.account_currency') }}) as currency,
        {{ json_text('raw_line', '$.campaign_id') }} as campaign_id,
        {{ json_text('raw_line', '$.campaign_name') }} as campaign_name,
        {{ json_text('raw_line', '$.adset_id') }} as ad_set_id,
        {{ json_text('raw_line', '$.adset_name') }} as ad_set_name,
        {{ json_text('raw_line', '$.ad_id') }} as ad_id,
        {{ json_text('raw_line', '$.ad_name') }} as ad_name,
        {{ parse_non_negative(json_text('raw_line', '$.spend'), 'double') }} as spend,
        {{ parse_non_negative(json_text('raw_line', '$.impressions'), 'bigint') }} as impressions,
        {{ parse_non_negative(json_text('raw_line', '$.clicks'), 'bigint') }} as clicks,
        json_extract(raw_line, '$.actions') as actions,
        json_extract(raw_line, '$.action_values') as action_values
    from lines
),

converted as (
    select
        parsed.*,
        fx_rates.units_per_eur
    from parsed
    left join fx_rates
        on
            parsed.ad_date = fx_rates.rate_date
            and parsed.currency = fx_rates.currency
),

validated as (
    select
        *,
        {{ invalid_reason([
            ('not is_valid_json', 'line is not valid JSON'),
            ('extracted_at is null', 'file name has no extract timestamp'),
            ('ad_date is null', 'date_start is not a date'),
            ('ad_date > cast(extracted_at as date)', 'date_start is after the extract time'),
            ('account_id is null or campaign_id is null or ad_set_id is null or ad_id is null',
                'an id (account, campaign, ad set, ad) is missing'),
            ('spend is null', 'spend is not a non-negative number'),
            ('impressions is null or clicks is null', 'impressions or clicks are not non-negative integers'),
            ("coalesce(json_type(actions), 'ARRAY') != 'ARRAY' or coalesce(json_type(action_values), 'ARRAY') != 'ARRAY'",
                'actions or action_values are not lists'),
            ('units_per_eur is null', 'no FX rate for the currency on that date'),
        ]) }} as invalid_reason
    from converted
),

final as (
    select
        *,
        {{ quarantine_reason(['ad_date', 'account_id', 'campaign_id', 'ad_set_id', 'ad_id']) }}
            as quarantine_reason
    from validated
)

select * from final
