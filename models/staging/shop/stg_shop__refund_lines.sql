{#- Refunds are converted at the FX rate of the refund date. -#}
with

orders as (
    select * from {{ ref('base_shop__orders') }}
    where quarantine_reason is null
),

fx_rates as (
    select * from {{ ref('stg_fx__rates_daily') }}
),

refunds as (
    select
        orders.order_id,
        orders.currency,
        refund.id as refund_id,
        timezone('UTC', {{ try_cast('refund.created_at', 'timestamptz') }}) as refunded_at,
        refund.refund_line_items,
        refund.transactions
    from orders,
        unnest(from_json(
            orders.refunds,
            '[{"id": "VARCHAR", "created_at": "VARCHAR",
               "refund_line_items": [{"line_item_id": "VARCHAR", "quantity": "VARCHAR", "subtotal": "VARCHAR"}],
               "transactions": [{"amount": "VARCHAR", "kind": "VARCHAR"}]}]'
        )) as order_refunds (refund)
),

refund_lines as (
    select
        refunds.refund_id,
        refunds.order_id,
        refunds.currency,
        refunds.refunded_at,
        refund_line.line_item_id as order_line_id,
        {{ try_cast('refund_line.quantity', 'integer') }} as quantity,
        {{ try_cast('refund_line.subtotal', 'decimal(18, 2)') }} as subtotal
    from refunds,
        unnest(refunds.refund_line_items) as lines (refund_line)
),

final as (
    select
        refund_lines.refund_id || '-' || refund_lines.order_line_id as refund_line_id,
        refund_lines.refund_id,
        refund_lines.order_id,
        refund_lines.order_line_id,
        refund_lines.refunded_at,
        cast(timezone('{{ var("reporting_timezone") }}', cast(refund_lines.refunded_at as timestamptz)) as date)
            as refund_date,
        refund_lines.quantity,
        refund_lines.currency,
        refund_lines.subtotal,
        {{ to_reporting_currency('refund_lines.subtotal', 'fx_rates.units_per_eur') }} as subtotal_eur
    from refund_lines
    left join fx_rates
        on
            cast(timezone('{{ var("reporting_timezone") }}', cast(refund_lines.refunded_at as timestamptz)) as date)
            = fx_rates.rate_date
            and refund_lines.currency = fx_rates.currency
)

select * from final
