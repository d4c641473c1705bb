{{ config(severity='warn') }}
{#- Orders booked to the unknown country: no shipping address, or a country
    seeds/countries.csv does not list (add it, with its tax regime). -#}
select
    order_id,
    order_name,
    order_date
from {{ ref('fct_orders') }}
where country_code = '{{ var("unknown_country_code") }}'
