-- One row per online order: last-click channel, first-order flag, margins in EUR.
select
    order_id,
    order_date,
    customer_id,
    country_code,
    channel,
    is_subscription_order,
    is_cancelled,
    is_first_order,
    customer_order_number,
    net_revenue_eur,
    gross_margin_eur,
    contribution_margin_eur
from marts.fct_orders
