with

store_sales as (
    select
        sales_date,
        store_id,
        store_name,
        country_code,
        currency,
        units_per_eur,
        transactions,
        gross_sales_eur,
        discounts_eur,
        returns_eur,
        net_sales_eur,
        cogs_eur
    from {{ ref('stg_stores__sales') }}
),

countries as (
    select
        country_code,
        market,
        prices_include_tax,
        standard_tax_rate
    from {{ ref('countries') }}
),

-- POS totals include VAT where shelf prices do; the country's standard rate
-- takes it out so store revenue compares with the tax-exclusive web figures.
tax_shares as (
    select
        store_sales.*,
        coalesce(countries.market, 'unmapped') as market,
        case
            when countries.prices_include_tax then 1 / (1 + countries.standard_tax_rate)
            else 1.0
        end as excl_tax_share
    from store_sales
    left join countries
        on store_sales.country_code = countries.country_code
),

final as (
    select
        store_id || '-' || cast(sales_date as {{ api.Column.translate_type('string') }}) as store_sales_id,
        sales_date,
        store_id,
        store_name,
        country_code,
        market,
        'retail_store' as channel,
        currency,
        units_per_eur,
        transactions,
        cast(gross_sales_eur as decimal(18, 4)) as gross_sales_incl_tax_eur,
        cast(discounts_eur as decimal(18, 4)) as discounts_incl_tax_eur,
        cast(returns_eur as decimal(18, 4)) as returns_incl_tax_eur,
        cast(net_sales_eur as decimal(18, 4)) as net_sales_incl_tax_eur,
        cast(net_sales_eur * excl_tax_share as decimal(18, 4)) as net_revenue_eur,
        cast(cogs_eur as decimal(18, 4)) as cogs_eur,
        cast(net_sales_eur * excl_tax_share as decimal(18, 4)) - cast(cogs_eur as decimal(18, 4))
            as gross_margin_eur
    from tax_shares
)

select * from final
