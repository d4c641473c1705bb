{#- Order net sales, line refunds and COGS are the sums of their lines, and the
    margins follow their formulas, in EUR (4-decimal money, exact). -#}
with

orders as (
    select
        order_id,
        net_sales_eur,
        refunds_eur,
        order_level_refunds_eur,
        cogs_eur,
        shipping_revenue_eur,
        net_revenue_eur,
        gross_margin_eur,
        fulfilment_cost_eur,
        payment_fees_eur,
        contribution_margin_eur
    from {{ ref('fct_orders') }}
),

lines as (
    select
        order_id,
        sum(net_sales_eur) as net_sales_eur,
        sum(refunds_eur) as refunds_eur,
        sum(cogs_eur) as cogs_eur
    from {{ ref('fct_order_lines') }}
    group by 1
)

select orders.*
from orders
left join lines
    on orders.order_id = lines.order_id
where
    orders.net_sales_eur != coalesce(lines.net_sales_eur, 0)
    or orders.refunds_eur - orders.order_level_refunds_eur != coalesce(lines.refunds_eur, 0)
    or orders.cogs_eur != coalesce(lines.cogs_eur, 0)
    or orders.net_revenue_eur != orders.net_sales_eur + orders.shipping_revenue_eur - orders.refunds_eur
    or orders.gross_margin_eur != orders.net_revenue_eur - orders.cogs_eur
    or orders.contribution_margin_eur
    != orders.gross_margin_eur - orders.fulfilment_cost_eur - orders.payment_fees_eur
