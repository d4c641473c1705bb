{#- One row per refund of the shop orders in `orders` (a relation or CTE with
    order_id, currency, units_per_eur and refunds, the order document's JSON
    array of refunds): the refund's id, time in UTC, and its lines and
    transactions as lists of structs, every field as text (parsed by the
    models that use them). -#}
{% macro shop_refunds(orders) -%}
    {%- set shape -%}
        [{"id": "VARCHAR", "created_at": "VARCHAR",
          "refund_line_items": [{"line_item_id": "VARCHAR", "quantity": "VARCHAR", "subtotal": "VARCHAR"}],
          "transactions": [{"amount": "VARCHAR", "kind": "VARCHAR", "status": "VARCHAR"}]}]
    {%- endset -%}
    select
        orders.order_id,
        orders.currency,
        orders.units_per_eur,
        refund.id as refund_id,
        {{ utc_timestamp('refund.created_at') }} as refunded_at,
        refund.refund_line_items,
        refund.transactions
    {{ from_list_elements(orders, 'orders', parse_json_array('orders.refunds', shape), 'refund') }}
{%- endmacro %}
