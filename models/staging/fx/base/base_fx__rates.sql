with

source as (
    select * from {{ source('fx', 'rates') }}
),

parsed as (
    select
        {{ file_name('source.filename') }} as source_file,
        {{ extracted_at_from_filename('source.filename') }} as extracted_at,
        {{ row_to_json('source') }} as raw_values,
        {{ parse_date('source.date') }} as rate_date,
        upper(trim(source.currency)) as currency,
        {{ parse_non_negative('source.rate', 'double') }} as units_per_eur
    from source
),

validated as (
    select
        *,
        {{ invalid_reason([
            ('extracted_at is null', 'file name has no extract timestamp'),
            ('rate_date is null', 'date is not a date'),
            ('currency is null or length(currency) != 3', 'currency is not an ISO code'),
            ('units_per_eur is null or units_per_eur = 0', 'rate is not a positive number'),
        ]) }} as invalid_reason
    from parsed
),

final as (
    select
        *,
        {{ quarantine_reason(['rate_date', 'currency']) }} as quarantine_reason
    from validated
)

select * from final
