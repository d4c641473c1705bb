with

base as (
    {{ rows_with_fx_rate('stores', 'sales') }}
),

final as (
    select
        sales_date,
        store_id,
        store_name,
        country_code,
        currency,
        units_per_eur,
        transactions,
        gross_sales,
        discounts,
        returns,
        net_sales,
        cogs,
        {{ to_reporting_currency('gross_sales', 'units_per_eur') }} as gross_sales_eur,
        {{ to_reporting_currency('discounts', 'units_per_eur') }} as discounts_eur,
        {{ to_reporting_currency('returns', 'units_per_eur') }} as returns_eur,
        {{ to_reporting_currency('net_sales', 'units_per_eur') }} as net_sales_eur,
        {{ to_reporting_currency('cogs', 'units_per_eur') }} as cogs_eur,
        source_file,
        extracted_at
    from base
)

select * from final
