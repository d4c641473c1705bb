with

products as (
    select
        sku,
        product_id,
        product_title,
        product_line,
        list_price_eur,
        launch_date
    from {{ ref('stg_catalog__products') }}
),

product_costs as (
    select
        sku,
        valid_from,
        currency,
        unit_cost,
        unit_cost_eur
    from {{ ref('stg_catalog__product_costs') }}
    where is_current
),

final as (
    select
        products.sku,
        products.product_id,
        products.product_title,
        products.product_line,
        products.launch_date,
        cast(products.list_price_eur as decimal(18, 4)) as list_price_eur,
        product_costs.currency as cost_currency,
        cast(product_costs.unit_cost as decimal(18, 4)) as current_unit_cost,
        cast(product_costs.unit_cost_eur as decimal(18, 4)) as current_unit_cost_eur,
        product_costs.valid_from as current_cost_valid_from,
        product_costs.sku is null as has_missing_cost
    from products
    left join product_costs
        on products.sku = product_costs.sku
)

select * from final
