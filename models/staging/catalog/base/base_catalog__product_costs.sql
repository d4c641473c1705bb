with

source as (
    select * from {{ source('catalog', 'product_costs') }}
),

fx_rates as (
    select * from {{ ref('stg_fx__rates_daily') }}
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

-- Costs are converted at the rate of their valid_from day. The FX calendar
-- starts with the first published rate, so a cost in the reporting currency
-- dated before it still gets its rate of 1.
converted as (
    select
        parsed.*,
        coalesce(
            fx_rates.units_per_eur,
            case when parsed.currency = '{{ var("reporting_currency") }}' then 1.0 end
        ) as units_per_eur
    from parsed
    left join fx_rates
        on
            parsed.valid_from = fx_rates.rate_date
            and parsed.currency = fx_rates.currency
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
            ('units_per_eur is null', 'no FX rate for the currency on the valid_from date'),
        ]) }} as invalid_reason
    from converted
),

final as (
    select
        *,
        {{ quarantine_reason(['sku', 'valid_from']) }} as quarantine_reason
    from validated
)

select * from final
