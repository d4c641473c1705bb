{#- One row per refund. What was paid back is the refund's successful refund
    transactions; the part beyond its line subtotals is the order-level refund
    (shipping, adjustments). EUR at the order date's rate: refunds count
    against the order's date. -#}
{#- Only money that left: refund transactions that did not fail (exports
    without a status field are settled refunds). -#}
{%- set settled_refund -%}
    lower(refund_transaction.kind) = 'refund' and coalesce(lower(refund_transaction.status), 'success') = 'success'
{%- endset -%}

with

orders as (
    {{ rows_with_fx_rate('shop', 'orders') }}
),

refunds as (
    {{ shop_refunds('orders') }}
),

amounts as (
    select
        *,
        {{ list_sum_of('refund_line_items', 'refund_line', try_cast('refund_line.subtotal', 'decimal(18, 2)')) }}
            as line_subtotal,
        {{ list_sum_of('transactions', 'refund_transaction', try_cast('refund_transaction.amount', 'decimal(18, 2)'), settled_refund) }}
            as transaction_amount
    from refunds
),

paid_back as (
    select
        *,
        -- An export without transactions only knows the lines it refunded.
        case when transactions is null then line_subtotal else transaction_amount end as refunded_amount
    from amounts
),

final as (
    select
        refund_id,
        order_id,
        refunded_at,
        {{ reporting_date('refunded_at') }} as refund_date,
        currency,
        units_per_eur,
        transactions is not null as has_transactions,
        line_subtotal,
        refunded_amount,
        refunded_amount - line_subtotal as order_level_refund,
        cast({{ to_reporting_currency('line_subtotal', 'units_per_eur') }} as decimal(18, 4)) as line_subtotal_eur,
        cast({{ to_reporting_currency('refunded_amount', 'units_per_eur') }} as decimal(18, 4)) as refunded_amount_eur,
        cast({{ to_reporting_currency('(refunded_amount - line_subtotal)', 'units_per_eur') }} as decimal(18, 4))
            as order_level_refund_eur
    from paid_back
)

select * from final
