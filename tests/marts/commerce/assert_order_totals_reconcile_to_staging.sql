{#- Every staged order is in fct_orders once, and the total charged in EUR
    (cancelled orders included) reconciles with stg_shop__orders to the cent,
    in total and per order currency. -#}
with

-- fct_orders stores each order's EUR total to 4 decimals: the staged totals
-- are rounded the same way per order, or a million roundings add up to cents.
staged as (
    select
        currency,
        count(*) as order_count,
        sum(total_price) as total_price,
        sum(cast(total_price_eur as decimal(18, 4))) as total_price_eur
    from {{ ref('stg_shop__orders') }}
    group by 1
),

mart as (
    select
        currency,
        count(*) as order_count,
        sum(total_price) as total_price,
        sum(total_price_eur) as total_price_eur
    from {{ ref('fct_orders') }}
    group by 1
),

compared as (
    select
        coalesce(staged.currency, mart.currency) as currency,
        staged.order_count as staged_order_count,
        mart.order_count as mart_order_count,
        staged.total_price as staged_total_price,
        mart.total_price as mart_total_price,
        staged.total_price_eur as staged_total_price_eur,
        mart.total_price_eur as mart_total_price_eur
    from staged
    full outer join mart
        on staged.currency = mart.currency
)

select *
from compared
where
    staged_order_count is distinct from mart_order_count
    or staged_total_price is distinct from mart_total_price
    or abs(coalesce(staged_total_price_eur, 0) - coalesce(mart_total_price_eur, 0)) >= 0.005
