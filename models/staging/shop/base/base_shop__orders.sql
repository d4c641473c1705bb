{#- Incremental: only extracts not loaded yet are read. The orders they
    export are decided again together with the rows already loaded for those
    orders. FX conversion is staging's (macros/fx.sql), so a late rate
    re-decides no row here. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['source_file', 'source_line_number'],
    on_schema_change='fail',
) }}

{%- set order_text_paths = [
    '$.id',
    '$.name',
    '$.created_at',
    '$.updated_at',
    '$.cancelled_at',
    '$.currency',
    '$.financial_status',
    '$.source_name',
    '$.landing_site',
    '$.shipping_address.country_code',
    '$.taxes_included',
    '$.customer.id',
    '$.customer.email',
    '$.email',
    '$.customer.first_name',
    '$.customer.last_name',
    '$.customer.phone',
    '$.customer.accepts_marketing',
    '$.total_price',
    '$.subtotal_price',
    '$.total_discounts',
    '$.total_tax',
] -%}

with

source as (
    select * from {{ source('shop', 'orders') }}
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
        {{ json_texts('json_document', order_text_paths) }} as order_texts
    from documents
),

parsed as (
    select
        {{ file_name('filename') }} as source_file,
        {{ extracted_at_from_filename('filename') }} as extracted_at,
        line_number as source_line_number,
        raw_line as raw_values,
        {{ is_json_object('raw_line') }} as is_valid_json,
        {{ json_text_item('order_texts', order_text_paths, '$.id') }} as order_id,
        {{ json_text_item('order_texts', order_text_paths, '$.name') }} as order_name,
        {{ utc_timestamp(json_text_item('order_texts', order_text_paths, '$.created_at')) }} as created_at,
        {{ utc_timestamp(json_text_item('order_texts', order_text_paths, '$.updated_at')) }} as updated_at,
        {{ utc_timestamp(json_text_item('order_texts', order_text_paths, '$.cancelled_at')) }} as cancelled_at,
        upper({{ json_text_item('order_texts', order_text_paths, '$.currency') }}) as currency,
        {{ json_text_item('order_texts', order_text_paths, '$.financial_status') }} as financial_status,
        {{ json_text_item('order_texts', order_text_paths, '$.source_name') }} as source_name,
        {{ json_text_item('order_texts', order_text_paths, '$.landing_site') }} as landing_site,
        upper({{ json_text_item('order_texts', order_text_paths, '$.shipping_address.country_code') }}) as country_code,
        {{ try_cast(json_text_item('order_texts', order_text_paths, '$.taxes_included'), 'boolean') }}
            as taxes_included,
        {{ json_text_item('order_texts', order_text_paths, '$.customer.id') }} as customer_id,
        coalesce({{ json_text_item('order_texts', order_text_paths, '$.customer.email') }}, {{ json_text_item('order_texts', order_text_paths, '$.email') }})
            as customer_email,
        {{ json_text_item('order_texts', order_text_paths, '$.customer.first_name') }} as customer_first_name,
        {{ json_text_item('order_texts', order_text_paths, '$.customer.last_name') }} as customer_last_name,
        {{ json_text_item('order_texts', order_text_paths, '$.customer.phone') }} as customer_phone,
        {{ try_cast(json_text_item('order_texts', order_text_paths, '$.customer.accepts_marketing'), 'boolean') }}
            as customer_accepts_marketing,
        {{ parse_non_negative(json_text_item('order_texts', order_text_paths, '$.total_price'), 'decimal(18, 2)') }} as total_price,
        {{ parse_non_negative(json_text_item('order_texts', order_text_paths, '$.subtotal_price'), 'decimal(18, 2)') }} as subtotal_price,
        {{ parse_non_negative(json_text_item('order_texts', order_text_paths, '$.total_discounts'), 'decimal(18, 2)') }} as total_discounts,
        {{ parse_non_negative(json_text_item('order_texts', order_text_paths, '$.total_tax'), 'decimal(18, 2)') }} as total_tax,
        {{ json_path_json('json_document', '$.line_items') }} as line_items,
        {{ json_path_json('json_document', '$.shipping_lines') }} as shipping_lines,
        {{ json_path_json('json_document', '$.discount_codes') }} as discount_codes,
        {{ json_path_json('json_document', '$.refunds') }} as refunds
    from texts
),

{% if is_incremental() %}
    with_loaded_rows as (
        select * from parsed

        union all

    {{ loaded_rows_of_partitions(
        'order_id',
        'select order_id from parsed',
        ['order_date', 'invalid_reason', 'customer_email_hash', 'quarantine_reason'],
    ) }}
    ),
{% endif %}

dated as (
    select
        *,
        {{ reporting_date('created_at') }} as order_date
    from {{ 'with_loaded_rows' if is_incremental() else 'parsed' }}
),

validated as (
    select
        *,
        {{ invalid_reason([
            ('not is_valid_json', 'line is not valid JSON'),
            ('extracted_at is null', 'file name has no extract timestamp'),
            ('order_id is null', 'id is missing'),
            ('created_at is null', 'created_at is not a timestamp'),
            ('created_at > extracted_at', 'created_at is after the extract time'),
            ('not ' ~ is_json_array('line_items') ~ ' or json_array_length(line_items) = 0',
                'line_items is missing or empty'),
            (list_any(json_path_values('line_items', '$[*].price'), 'v', parse_number('v', 'decimal(18, 2)') ~ ' is null')
                ~ ' or ' ~ list_any(json_path_values('line_items', '$[*].quantity'), 'v', parse_number('v', 'integer') ~ ' is null')
                ~ ' or ' ~ list_any(json_path_values('line_items', '$[*].id'), 'v', 'v is null'),
                'a line item has no id, or a price or quantity that is not a number'),
            ('(refunds is not null and not ' ~ is_json_array('refunds') ~ ')'
                ~ ' or (shipping_lines is not null and not ' ~ is_json_array('shipping_lines') ~ ')',
                'refunds or shipping_lines are not lists'),
            ('total_price is null or subtotal_price is null', 'total_price or subtotal_price is not a non-negative amount'),
            (list_sum_of(json_path_values('refunds', '$[*].transactions[*].amount'), 'v', parse_number('v', 'decimal(18, 2)'))
                ~ ' > total_price or '
                ~ list_sum_of(json_path_values('refunds', '$[*].refund_line_items[*].quantity'), 'v', parse_number('v', 'integer'), data_type='bigint')
                ~ ' > ' ~ list_sum_of(json_path_values('line_items', '$[*].quantity'), 'v', parse_number('v', 'integer'), data_type='bigint'),
                'refunds exceed the order (amount or quantity)'),
        ]) }} as invalid_reason
    from dated
),

final as (
    select
        *,
        -- Hashed here, in a table, so the salt is never stored in a view's SQL.
        {{ hash_pii('customer_email') }} as customer_email_hash,
        {{ quarantine_reason(['order_id'], 'source_line_number') }} as quarantine_reason
    from validated
)

select * from final
