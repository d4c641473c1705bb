{#- Finance figures of every order line, tax-exclusive, in the order's currency
    and in EUR. The formulas are documented in _commerce__models.yml. -#}
{#- Incremental: a run decides again, whole, the lines of the orders a new
    extract can change (changed_shop_orders: new and restated orders, old
    orders with a new refund, orders converted at a changed FX rate) and of
    the orders with a line whose product cost changed (a new product cost
    file). A change of seeds/countries.csv needs --full-refresh. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='order_id',
    on_schema_change='fail',
) }}

with

order_lines as (
    select
        order_line_id,
        order_id,
        order_date,
        sku,
        product_id,
        quantity,
        currency,
        units_per_eur,
        line_price,
        total_discount,
        tax_amount
    from {{ ref('stg_shop__order_lines') }}
),

orders as (
    select
        order_id,
        country_code,
        taxes_included,
        is_cancelled,
        units_per_eur,
        extracted_at
    from {{ ref('stg_shop__orders') }}
),

refund_lines as (
    select
        order_id,
        order_line_id,
        refunded_at,
        quantity,
        subtotal
    from {{ ref('stg_shop__refund_lines') }}
),

product_costs as (
    select
        sku,
        valid_from,
        valid_to,
        unit_cost_eur
    from {{ ref('stg_catalog__product_costs') }}
),

countries as (
    select
        country_code,
        prices_include_tax
    from {{ ref('countries') }}
),

{% if is_incremental() %}
    loaded_lines as (
        select
            order_id,
            order_date,
            sku,
            unit_cost_eur,
            has_missing_cost
        from {{ this }}
    ),

    changed_orders as (
        {{ changed_shop_orders('orders') }}
    ),

    -- The cost valid on a loaded line's order date is no longer the one it got.
    cost_changed_orders as (
        select distinct loaded_lines.order_id
        from loaded_lines
        left join product_costs
            on
                loaded_lines.sku = product_costs.sku
                and loaded_lines.order_date >= product_costs.valid_from
                and (product_costs.valid_to is null or loaded_lines.order_date < product_costs.valid_to)
        where
            loaded_lines.unit_cost_eur is distinct from cast(product_costs.unit_cost_eur as decimal(18, 4))
            or loaded_lines.has_missing_cost != (product_costs.sku is null)
    ),

    rebuilt_orders as (
        select order_id from changed_orders
        union
        select order_id from cost_changed_orders
    ),

    rebuilt_lines as (
        select *
        from order_lines
        where order_id in (select rebuilt_orders.order_id from rebuilt_orders)
    ),
{% endif %}

refunds_per_line as (
    select
        order_line_id,
        cast(sum(quantity) as integer) as refunded_quantity,
        cast(sum(subtotal) as decimal(18, 2)) as refund_subtotal,
        max(refunded_at) as last_refunded_at
    from refund_lines
    {% if is_incremental() %}
        where order_id in (select rebuilt_orders.order_id from rebuilt_orders)
    {% endif %}
    group by 1
),

-- The order says whether its prices include tax; older exports without the
-- flag fall back on the country's regime, and an unknown country on exclusive.
order_tax_regimes as (
    select
        orders.order_id,
        orders.is_cancelled,
        coalesce(orders.taxes_included, countries.prices_include_tax, false) as prices_include_tax,
        orders.extracted_at
    from orders
    left join countries
        on orders.country_code = countries.country_code
),

-- What the customer paid for the line with and without tax. The shop computes
-- a line's tax on its discounted price, so the tax-exclusive net is exact;
-- gross and discount get the line's tax share removed proportionally.
tax_basis as (
    select
        order_lines.*,
        order_tax_regimes.is_cancelled,
        order_tax_regimes.prices_include_tax,
        order_tax_regimes.extracted_at,
        order_lines.line_price - order_lines.total_discount as line_after_discount,
        case
            when order_tax_regimes.prices_include_tax
                then order_lines.line_price - order_lines.total_discount - order_lines.tax_amount
            else order_lines.line_price - order_lines.total_discount
        end as line_net_excl_tax,
        case
            when order_tax_regimes.prices_include_tax
                then order_lines.line_price - order_lines.total_discount
            else order_lines.line_price - order_lines.total_discount + order_lines.tax_amount
        end as line_charged_incl_tax
    from {{ 'rebuilt_lines' if is_incremental() else 'order_lines' }} as order_lines
    left join order_tax_regimes
        on order_lines.order_id = order_tax_regimes.order_id
),

-- Cost valid on the order date: valid_from inclusive, valid_to exclusive.
with_cost as (
    select
        tax_basis.*,
        product_costs.unit_cost_eur,
        product_costs.sku is null as has_missing_cost
    from tax_basis
    left join product_costs
        on
            tax_basis.sku = product_costs.sku
            and tax_basis.order_date >= product_costs.valid_from
            and (product_costs.valid_to is null or tax_basis.order_date < product_costs.valid_to)
),

with_refunds as (
    select
        with_cost.*,
        coalesce(refunds_per_line.refunded_quantity, 0) as refunded_quantity,
        coalesce(refunds_per_line.refund_subtotal, 0) as refund_subtotal,
        refunds_per_line.last_refunded_at,
        -- Share of a tax-inclusive amount of this line that is not tax; 1 when
        -- nothing was charged (a fully discounted line has no tax to remove).
        case
            when with_cost.line_after_discount = 0 or not with_cost.prices_include_tax then 1.0
            else with_cost.line_net_excl_tax / with_cost.line_after_discount
        end as price_excl_tax_share,
        -- Refund subtotals include tax in every market (the shop refunds what
        -- was charged), so the share is taken on the charged amount.
        case
            when with_cost.line_charged_incl_tax = 0 then 1.0
            else with_cost.line_net_excl_tax / with_cost.line_charged_incl_tax
        end as refund_excl_tax_share
    from with_cost
    left join refunds_per_line
        on with_cost.order_line_id = refunds_per_line.order_line_id
),

-- Cancelled orders are kept with zero revenue and cost: nothing was shipped
-- or captured.
order_currency_amounts as (
    select
        *,
        cast(case when is_cancelled then 0 else line_net_excl_tax end as decimal(18, 4)) as net_sales,
        cast(case when is_cancelled then 0 else total_discount * price_excl_tax_share end as decimal(18, 4))
            as discounts,
        cast(case when is_cancelled then 0 else refund_subtotal * refund_excl_tax_share end as decimal(18, 4))
            as refunds,
        -- Refunded goods are not restocked, so COGS is never reduced by a
        -- refund (and never negative).
        cast(
            case
                when is_cancelled then 0
                else greatest(quantity, 0) * coalesce(unit_cost_eur, 0)
            end as decimal(18, 4)
        ) as cogs_eur
    from with_refunds
),

eur_amounts as (
    select
        *,
        cast({{ to_reporting_currency('net_sales', 'units_per_eur') }} as decimal(18, 4)) as net_sales_eur,
        cast({{ to_reporting_currency('discounts', 'units_per_eur') }} as decimal(18, 4)) as discounts_eur,
        -- Refunds count against the order's date, so the order date's rate: a
        -- fully refunded line nets to 0 in EUR as in order currency.
        cast({{ to_reporting_currency('refunds', 'units_per_eur') }} as decimal(18, 4)) as refunds_eur,
        cast(cogs_eur * units_per_eur as decimal(18, 4)) as cogs
    from order_currency_amounts
),

final as (
    select
        order_line_id,
        order_id,
        order_date,
        sku,
        product_id,
        quantity,
        refunded_quantity,
        is_cancelled,
        prices_include_tax,
        has_missing_cost,
        last_refunded_at,
        currency,
        units_per_eur,
        line_price,
        total_discount,
        cast(tax_amount as decimal(18, 2)) as tax_amount,
        refund_subtotal,
        cast(line_charged_incl_tax as decimal(18, 2)) as charged_incl_tax,
        net_sales + discounts as gross_sales,
        discounts,
        net_sales,
        refunds,
        cogs,
        net_sales - refunds - cogs as gross_margin,
        net_sales_eur + discounts_eur as gross_sales_eur,
        discounts_eur,
        net_sales_eur,
        refunds_eur,
        cogs_eur,
        net_sales_eur - refunds_eur - cogs_eur as gross_margin_eur,
        cast(unit_cost_eur as decimal(18, 4)) as unit_cost_eur,
        extracted_at
    from eur_amounts
)

select * from final
