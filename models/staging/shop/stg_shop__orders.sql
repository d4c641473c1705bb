with

orders as (
    {{ rows_with_fx_rate('shop', 'orders') }}
),

shipping as (
    select
        orders.order_id,
        sum({{ try_cast('shipping_line.price', 'decimal(18, 2)') }}) as shipping_price
    {{ from_list_elements('orders', 'orders', parse_json_array('orders.shipping_lines', '[{"price": "VARCHAR"}]'), 'shipping_line') }}
    group by 1
),

final as (
    select
        orders.order_id,
        orders.order_name,
        orders.created_at,
        orders.updated_at,
        orders.cancelled_at,
        orders.order_date,
        orders.customer_id,
        orders.customer_email_hash,
        orders.customer_accepts_marketing,
        orders.country_code,
        orders.taxes_included,
        orders.source_name,
        orders.source_name = 'subscription_contract' as is_subscription_order,
        orders.financial_status,
        orders.cancelled_at is not null as is_cancelled,
        orders.landing_site,
        lower({{ url_decode("regexp_extract(orders.landing_site, '[?&]utm_source=([^&#]*)', 1)") }}) as utm_source,
        lower({{ url_decode("regexp_extract(orders.landing_site, '[?&]utm_medium=([^&#]*)', 1)") }}) as utm_medium,
        {{ url_decode("regexp_extract(orders.landing_site, '[?&]utm_campaign=([^&#]*)', 1)") }} as utm_campaign,
        nullif(regexp_extract(orders.landing_site, '[?&]gclid=([^&#]*)', 1), '') as gclid,
        orders.currency,
        orders.units_per_eur,
        orders.total_price,
        orders.subtotal_price,
        coalesce(orders.total_discounts, 0) as total_discounts,
        coalesce(orders.total_tax, 0) as total_tax,
        coalesce(shipping.shipping_price, 0) as shipping_price,
        {{ to_reporting_currency('orders.total_price', 'orders.units_per_eur') }} as total_price_eur,
        orders.source_file,
        orders.extracted_at
    from orders
    left join shipping
        on orders.order_id = shipping.order_id
)

select * from final
