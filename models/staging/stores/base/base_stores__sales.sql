with

source as (
    select * from {{ source('stores', 'sales') }}
),

parsed as (
    select
        {{ file_name('source.filename') }} as source_file,
        {{ extracted_at_from_filename('source.filename') }} as extracted_at,
        {{ row_to_json('source') }} as raw_values,
        {{ parse_date('source.date') }} as sales_date,
        nullif(trim(source.store_id), '') as store_id,
        nullif(trim(source.store_name), '') as store_name,
        upper(trim(source.country_code)) as country_code,
        upper(trim(source.currency)) as currency,
        {{ parse_non_negative('source.transactions', 'integer') }} as transactions,
        {{ parse_non_negative('source.gross_sales', 'decimal(18, 2)') }} as gross_sales,
        {{ parse_non_negative('source.discounts', 'decimal(18, 2)') }} as discounts,
        {{ parse_non_negative('source.returns', 'decimal(18, 2)') }} as returns,
        {{ parse_number('source.net_sales', 'decimal(18, 2)') }} as net_sales,
        {{ parse_non_negative('source.cogs', 'decimal(18, 2)') }} as cogs
    from source
),

validated as (
    select
        *,
        {{ invalid_reason([
            ('extracted_at is null', 'file name has no extract timestamp'),
            ('sales_date is null', 'date is not a date'),
            ('sales_date > cast(extracted_at as date)', 'date is after the extract time'),
            ('store_id is null', 'store_id is missing'),
            ('store_name is null', 'store_name is missing'),
            ('country_code is null or length(country_code) != 2', 'country_code is not an ISO alpha-2 code'),
            ('currency is null or length(currency) != 3', 'currency is not an ISO code'),
            ('transactions is null', 'transactions is not a non-negative integer'),
            ('gross_sales is null', 'gross_sales is not a non-negative amount'),
            ('discounts is null', 'discounts is not a non-negative amount'),
            ('returns is null', 'returns is not a non-negative amount'),
            ('net_sales is null', 'net_sales is not an amount'),
            ('cogs is null', 'cogs is not a non-negative amount'),
        ]) }} as invalid_reason
    from parsed
),

final as (
    select
        *,
        {{ quarantine_reason(['sales_date', 'store_id']) }} as quarantine_reason
    from validated
)

select * from final
