{#- One row per refund of the shop orders in `orders` (a relation or CTE with
    order_id, currency, units_per_eur and refunds, the order document's JSON
    array of refunds): the refund's id, time in UTC, and its lines and
    transactions as lists of structs, every field as text (parsed by the
    models that use them). -#}
{% macro shop_refunds(orders) -%}
    {{ return(adapter.dispatch('shop_refunds', 'growth_ledger')(orders)) }}
{%- endmacro %}

{#- The select list of shop_refunds, over orders and one refund struct. -#}
{% macro shop_refund_select() -%}
    select
        orders.order_id,
        orders.currency,
        orders.units_per_eur,
        refund.id as refund_id,
        {{ utc_timestamp('refund.created_at') }} as refunded_at,
        refund.refund_line_items,
        refund.transactions
{%- endmacro %}

{% macro default__shop_refunds(orders) -%}
    {{ shop_refund_select() }}
    from {{ orders }} as orders
    lateral view explode(from_json(
        orders.refunds,
        'array<struct<id: string, created_at: string,
            refund_line_items: array<struct<line_item_id: string, quantity: string, subtotal: string>>,
            transactions: array<struct<amount: string, kind: string, status: string>>>>'
    )) order_refunds as refund
{%- endmacro %}

{% macro duckdb__shop_refunds(orders) -%}
    {{ shop_refund_select() }}
    from {{ orders }} as orders,
        unnest(from_json(
            orders.refunds,
            '[{"id": "VARCHAR", "created_at": "VARCHAR",
               "refund_line_items": [{"line_item_id": "VARCHAR", "quantity": "VARCHAR", "subtotal": "VARCHAR"}],
               "transactions": [{"amount": "VARCHAR", "kind": "VARCHAR", "status": "VARCHAR"}]}]'
        )) as order_refunds (refund)
{%- endmacro %}
