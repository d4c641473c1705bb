with

source as (
    select * from {{ source('catalog', 'product_costs') }}
),

parsed as (
    select
        {{ file_name('source.filename') }} as source_file,
        {{ extracted_at_from_filename('source.filename') }} as extracted_at,
        {{ row_to_json('source') }} as raw_values,
        nullif(trim(source.sku), '') as sku,
        {{ parse_date('source.valid_from') }} as valid_from,
        {{ parse_non_negative('source.unit_cost', 'decimal(18, 4)') }} as unit_cost,
        upper(trim(source.currency)) as currency
    from source
),

validated as (
    select
        *,
        {{ invalid_reason([
            ('extracted_at is null', 'file name has no extract timestamp'),
            ('sku is null', 'sku is missing'),
            ('valid_from is null', 'valid_from is not a date'),
            ('unit_cost is null', 'unit_cost is not a non-negative amount'),
            ('currency is null or length(currency) != 3', 'currency is not an ISO code'),
        ]) }} as invalid_reason
    from parsed
),

final as (
    select
        *,
        {{ quarantine_reason(['sku', 'valid_from']) }} as quarantine_reason
    from validated
)

select * from final
