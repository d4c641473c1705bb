-- One row per country: market, currency, region.
select
    country_code,
    country_name,
    market,
    currency,
    region,
    prices_include_tax,
    standard_tax_rate
from marts.dim_geography
