{#- Units, net sales and product cost per order day and SKU, with the SKU's
    product line: the input of the product cost rise detector
    (growth_ledger.intelligence.costs). Cancelled lines (no cost), lines without
    a valid product cost and SKUs the catalog does not know are left out. -#}
with

order_lines as (
    select
        order_date,
        sku,
        quantity,
        is_cancelled,
        has_missing_cost,
        net_sales_eur,
        cogs_eur
    from {{ ref('int_order_lines_with_margin') }}
),

products as (
    select
        sku,
        product_line
    from {{ ref('stg_catalog__products') }}
),

costed_lines as (
    select
        order_lines.order_date,
        order_lines.sku,
        products.product_line,
        order_lines.quantity,
        order_lines.net_sales_eur,
        order_lines.cogs_eur
    from order_lines
    inner join products
        on order_lines.sku = products.sku
    where
        not order_lines.is_cancelled
        and not order_lines.has_missing_cost
        and order_lines.quantity > 0
),

final as (
    select
        cast(order_date as {{ dbt.type_string() }}) || '|' || sku as product_day_id,
        order_date,
        sku,
        product_line,
        cast(sum(quantity) as integer) as units,
        cast(sum(net_sales_eur) as double) as net_sales_eur,
        cast(sum(cogs_eur) as double) as cogs_eur
    from costed_lines
    group by 1, 2, 3, 4
)

select * from final
