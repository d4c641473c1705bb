{#- Refunds count against the order's date (order-date view of revenue), so
    they are converted at the order date's FX rate: a fully refunded order
    nets to 0 in EUR too. -#}
with

orders as (
    {{ rows_with_fx_rate('shop', 'orders') }}
),

refunds as (
    {{ shop_refunds('orders') }}
),

refund_lines as (
    select
        refunds.refund_id,
        refunds.order_id,
        refunds.currency,
        refunds.units_per_eur,
        refunds.refunded_at,
        refund_line.line_item_id as order_line_id,
        {{ try_cast('refund_line.quantity', 'integer') }} as quantity,
        {{ try_cast('refund_line.subtotal', 'decimal(18, 2)') }} as subtotal
    {{ from_list_elements('refunds', 'refunds', 'refunds.refund_line_items', 'refund_line') }}
),

final as (
    select
        refund_lines.refund_id || '-' || refund_lines.order_line_id as refund_line_id,
        refund_lines.refund_id,
        refund_lines.order_id,
        refund_lines.order_line_id,
        refund_lines.refunded_at,
        {{ reporting_date('refund_lines.refunded_at') }}
            as refund_date,
        refund_lines.quantity,
        refund_lines.currency,
        refund_lines.subtotal,
        refund_lines.units_per_eur,
        {{ to_reporting_currency('refund_lines.subtotal', 'refund_lines.units_per_eur') }} as subtotal_eur
    from refund_lines
)

select * from final
