{%- set line_item_shape -%}
    [{"id": "VARCHAR", "sku": "VARCHAR", "product_id": "VARCHAR", "title": "VARCHAR",
      "quantity": "VARCHAR", "price": "VARCHAR", "total_discount": "VARCHAR",
      "tax_lines": [{"rate": "VARCHAR", "price": "VARCHAR"}]}]
{%- endset -%}

with

orders as (
    {{ rows_with_fx_rate('shop', 'orders') }}
),

line_items as (
    select
        orders.order_id,
        orders.order_date,
        orders.currency,
        orders.units_per_eur,
        line_item.id as order_line_id,
        line_item.sku,
        line_item.product_id,
        line_item.title,
        {{ try_cast('line_item.quantity', 'integer') }} as quantity,
        {{ try_cast('line_item.price', 'decimal(18, 2)') }} as unit_price,
        coalesce({{ try_cast('line_item.total_discount', 'decimal(18, 2)') }}, 0) as total_discount,
        {{ list_sum_of('line_item.tax_lines', 'tax_line', try_cast('tax_line.price', 'decimal(18, 2)')) }}
            as tax_amount
    {{ from_list_elements('orders', 'orders', parse_json_array('orders.line_items', line_item_shape), 'line_item') }}
),

final as (
    select
        order_line_id,
        order_id,
        order_date,
        sku,
        product_id,
        title,
        quantity,
        currency,
        units_per_eur,
        unit_price,
        unit_price * quantity as line_price,
        total_discount,
        tax_amount,
        {{ to_reporting_currency('unit_price * quantity', 'units_per_eur') }} as line_price_eur,
        {{ to_reporting_currency('total_discount', 'units_per_eur') }} as total_discount_eur,
        {{ to_reporting_currency('tax_amount', 'units_per_eur') }} as tax_amount_eur
    from line_items
)

select * from final
