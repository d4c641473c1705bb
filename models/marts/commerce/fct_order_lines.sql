with

order_lines as (
    select * from {{ ref('int_order_lines_with_margin') }}
),

orders as (
    select
        order_id,
        customer_id,
        country_code,
        channel,
        is_subscription_order
    from {{ ref('int_orders_with_margin') }}
),

final as (
    select
        order_lines.order_line_id,
        order_lines.order_id,
        order_lines.order_date,
        orders.customer_id,
        orders.country_code,
        orders.channel,
        orders.is_subscription_order,
        order_lines.sku,
        order_lines.product_id,
        order_lines.quantity,
        order_lines.refunded_quantity,
        order_lines.is_cancelled,
        order_lines.prices_include_tax,
        order_lines.has_missing_cost,
        order_lines.last_refunded_at,
        order_lines.currency,
        order_lines.units_per_eur,
        order_lines.line_price,
        order_lines.total_discount,
        order_lines.tax_amount,
        order_lines.refund_subtotal,
        order_lines.gross_sales,
        order_lines.discounts,
        order_lines.net_sales,
        order_lines.refunds,
        order_lines.cogs,
        order_lines.gross_margin,
        order_lines.unit_cost_eur,
        order_lines.gross_sales_eur,
        order_lines.discounts_eur,
        order_lines.net_sales_eur,
        order_lines.refunds_eur,
        order_lines.cogs_eur,
        order_lines.gross_margin_eur
    from order_lines
    left join orders
        on order_lines.order_id = orders.order_id
)

select * from final
