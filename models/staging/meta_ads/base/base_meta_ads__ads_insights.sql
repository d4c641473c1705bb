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

documents as (
    select
        *,
        -- Fields are only read from valid JSON; an invalid line is quarantined.
        case when json_valid(raw_line) then raw_line end as json_document
    from lines
),

parsed as (
    select
        {{ file_name('filename') }} as source_file,
        {{ extracted_at_from_filename('filename') }} as extracted_at,
        line_number as source_line_number,
        raw_line as raw_values,
        json_valid(raw_line) as is_valid_json,
        {{ try_cast(json_text('json_document', '$.date_start'), 'date') }} as ad_date,
        {{ json_text('json_document', '$.account_id') }} as account_id,
        {{ json_text('json_document', '$.account_name') }} as account_name,
        upper({{ json_text('json_document', '$.account_currency') }}) as currency,
        {{ json_text('json_document', '$.campaign_id') }} as campaign_id,
        {{ json_text('json_document', '$.campaign_name') }} as campaign_name,
        {{ json_text('json_document', '$.adset_id') }} as ad_set_id,
        {{ json_text('json_document', '$.adset_name') }} as ad_set_name,
        {{ json_text('json_document', '$.ad_id') }} as ad_id,
        {{ json_text('json_document', '$.ad_name') }} as ad_name,
        {{ parse_non_negative(json_text('json_document', '$.spend'), 'double') }} as spend,
        {{ parse_non_negative(json_text('json_document', '$.impressions'), 'bigint') }} as impressions,
        {{ parse_non_negative(json_text('json_document', '$.clicks'), 'bigint') }} as clicks,
        json_extract(json_document, '$.actions') as actions,
        json_extract(json_document, '$.action_values') as action_values
    from documents
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
