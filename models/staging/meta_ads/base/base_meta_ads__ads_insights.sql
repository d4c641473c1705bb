{#- Incremental: only extracts not loaded yet are read. The days they
    cover are decided again together with the rows already loaded for those
    days. FX conversion is staging's (macros/fx.sql), so a late rate
    re-decides no row here. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['source_file', 'source_line_number'],
    on_schema_change='fail',
) }}

{%- set insight_text_paths = [
    '$.date_start',
    '$.account_id',
    '$.account_name',
    '$.account_currency',
    '$.campaign_id',
    '$.campaign_name',
    '$.adset_id',
    '$.adset_name',
    '$.ad_id',
    '$.ad_name',
    '$.spend',
    '$.impressions',
    '$.clicks',
] -%}

with

source as (
    select * from {{ source('meta_ads', 'ads_insights') }}
    where {{ new_extract_files('filename') }}
),

lines as (
    {{ json_lines('source') }}
),

documents as (
    select
        *,
        -- Fields are only read from valid JSON; an invalid line is quarantined.
        case when {{ is_json_object('raw_line') }} then raw_line end as json_document
    from lines
),

texts as (
    select
        *,
        {{ json_texts('json_document', insight_text_paths) }} as insight_texts
    from documents
),

parsed as (
    select
        {{ file_name('filename') }} as source_file,
        {{ source_relation('filename') }} as source_relation,
        {{ extracted_at_from_filename('filename') }} as extracted_at,
        line_number as source_line_number,
        raw_line as raw_values,
        {{ is_json_object('raw_line') }} as is_valid_json,
        {{ parse_date(json_text_item('insight_texts', insight_text_paths, '$.date_start')) }} as ad_date,
        {{ json_text_item('insight_texts', insight_text_paths, '$.account_id') }} as account_id,
        {{ json_text_item('insight_texts', insight_text_paths, '$.account_name') }} as account_name,
        upper({{ json_text_item('insight_texts', insight_text_paths, '$.account_currency') }}) as currency,
        {{ json_text_item('insight_texts', insight_text_paths, '$.campaign_id') }} as campaign_id,
        {{ json_text_item('insight_texts', insight_text_paths, '$.campaign_name') }} as campaign_name,
        {{ json_text_item('insight_texts', insight_text_paths, '$.adset_id') }} as ad_set_id,
        {{ json_text_item('insight_texts', insight_text_paths, '$.adset_name') }} as ad_set_name,
        {{ json_text_item('insight_texts', insight_text_paths, '$.ad_id') }} as ad_id,
        {{ json_text_item('insight_texts', insight_text_paths, '$.ad_name') }} as ad_name,
        {{ parse_non_negative(json_text_item('insight_texts', insight_text_paths, '$.spend'), 'double') }} as spend,
        {{ parse_non_negative(json_text_item('insight_texts', insight_text_paths, '$.impressions'), 'bigint') }} as impressions,
        {{ parse_non_negative(json_text_item('insight_texts', insight_text_paths, '$.clicks'), 'bigint') }} as clicks,
        {{ json_path_json('json_document', '$.actions') }} as actions,
        {{ json_path_json('json_document', '$.action_values') }} as action_values
    from texts
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
            ('not is_valid_json', 'line is not valid JSON'),
            ('extracted_at is null', 'file name has no extract timestamp'),
            ('ad_date is null', 'date_start is not a date'),
            ('ad_date > cast(extracted_at as date)', 'date_start is after the extract time'),
            ('account_id is null or campaign_id is null or ad_set_id is null or ad_id is null',
                'an id (account, campaign, ad set, ad) is missing'),
            (is_mangled_id('account_id') ~ ' or ' ~ is_mangled_id('campaign_id') ~ ' or ' ~ is_mangled_id('ad_set_id') ~ ' or ' ~ is_mangled_id('ad_id'),
                'an id (account, campaign, ad set, ad) is in scientific notation'),
            ('spend is null', 'spend is not a non-negative number'),
            ('impressions is null or clicks is null', 'impressions or clicks are not non-negative integers'),
            ('(actions is not null and not ' ~ is_json_array('actions') ~ ')'
                ~ ' or (action_values is not null and not ' ~ is_json_array('action_values') ~ ')',
                'actions or action_values are not lists'),
        ]) }} as invalid_reason
    from {{ 'with_loaded_rows' if is_incremental() else 'parsed' }}
),

final as (
    select
        *,
        {{ quarantine_reason(
            ['ad_date', 'account_id', 'campaign_id', 'ad_set_id', 'ad_id'], 'source_line_number'
        ) }}
            as quarantine_reason
    from validated
)

select * from final
