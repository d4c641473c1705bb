with

orders as (
    select * from {{ ref('int_orders_with_margin') }}
),

geography as (
    select
        country_code,
        market
    from {{ ref('dim_geography') }}
),

final as (
    select
        order_id,
        order_name,
        created_at,
        cancelled_at,
        order_date,
        customer_id,
        shop_customer_id,
        orders.country_code,
        coalesce(geography.market, 'unmapped') as market,
        channel,
        source_name,
        is_subscription_order,
        financial_status,
        is_cancelled,
        is_first_order,
        customer_order_number,
        has_missing_cost,
        has_missing_fulfilment_cost,
        last_refunded_at,
        line_count,
        units,
        refunded_units,
        currency,
        units_per_eur,
        total_price,
        subtotal_price,
        total_discounts,
        total_tax,
        shipping_price,
        gross_sales,
        discounts,
        net_sales,
        shipping_revenue,
        order_level_refunds,
        refunds,
        net_revenue,
        cogs,
        gross_margin,
        fulfilment_cost,
        payment_fees,
        contribution_margin,
        total_price_eur,
        gross_sales_eur,
        discounts_eur,
        net_sales_eur,
        shipping_revenue_eur,
        order_level_refunds_eur,
        refunds_eur,
        net_revenue_eur,
        cogs_eur,
        gross_margin_eur,
        fulfilment_cost_eur,
        payment_fees_eur,
        contribution_margin_eur
    from orders
    left join geography
        on orders.country_code = geography.country_code
)

select * from final
