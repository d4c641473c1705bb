with

source as (
    {{ with_optional_columns(source('catalog', 'products'), ['launched_on']) }}
),

parsed as (
    select
        {{ file_name('source.filename') }} as source_file,
        {{ extracted_at_from_filename('source.filename') }} as extracted_at,
        {{ row_to_json('source') }} as raw_values,
        nullif(trim(source.sku), '') as sku,
        nullif(trim(source.product_id), '') as product_id,
        nullif(trim(source.title), '') as product_title,
        upper(trim(source.product_line)) as product_line,
        {{ parse_non_negative('source.list_price_eur', 'decimal(18, 2)') }} as list_price_eur,
        nullif(trim(source.launched_on), '') as launched_on_text,
        {{ parse_date('source.launched_on') }} as launch_date
    from source
),

validated as (
    select
        *,
        {{ invalid_reason([
            ('extracted_at is null', 'file name has no extract timestamp'),
            ('sku is null', 'sku is missing'),
            ('product_id is null', 'product_id is missing'),
            ('product_title is null', 'title is missing'),
            ("product_line is null or product_line not in ('SKINCARE', 'MAKEUP', 'BODY', 'FRAGRANCE')",
                'product_line is not one of SKINCARE, MAKEUP, BODY, FRAGRANCE'),
            ('list_price_eur is null', 'list_price_eur is not a non-negative amount'),
            ('launched_on_text is not null and launch_date is null', 'launched_on is not a date'),
        ]) }} as invalid_reason
    from parsed
),

final as (
    select
        *,
        {{ quarantine_reason(['sku']) }} as quarantine_reason
    from validated
)

select * from final
