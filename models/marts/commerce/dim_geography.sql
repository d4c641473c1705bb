with

countries as (
    select
        country_code,
        country_name,
        market,
        currency,
        region,
        prices_include_tax,
        standard_tax_rate
    from {{ ref('countries') }}
),

final as (
    select
        country_code,
        country_name,
        market,
        currency,
        region,
        prices_include_tax,
        standard_tax_rate
    from countries
)

select * from final
