{#- What attribution credits. Orders: every non-cancelled shop order except
    subscription renewal charges (automatic, not a marketing decision),
    typed first_order or repeat_order. Subscription starts
    (subscription_created): typed subscription_start and valued with the
    subscription's first successful charge, which is therefore not counted a
    second time as an order. Money is rounded to the cent here so that the
    credit shares of fct_attribution can be allocated to the cent. -#}
{%- set money_type = 'decimal(18, 2)' -%}

with

orders as (
    select
        order_id,
        order_name,
        customer_id,
        created_at,
        order_date,
        source_name,
        is_subscription_order,
        is_first_order,
        is_cancelled,
        net_revenue_eur,
        gross_margin_eur,
        contribution_margin_eur
    from {{ ref('fct_orders') }}
),

billing_events as (
    select
        event_id,
        event_type,
        occurred_at,
        event_date,
        subscription_id,
        customer_id,
        shop_order_id
    from {{ ref('stg_subscriptions__billing_events') }}
    where event_type in ('subscription_created', 'charge_succeeded')
),

first_charges as (
    select
        subscription_id,
        shop_order_id
    from (
        select
            subscription_id,
            shop_order_id,
            row_number() over (
                partition by subscription_id
                order by occurred_at, event_id
            ) as charge_rank
        from billing_events
        where
            event_type = 'charge_succeeded'
            and shop_order_id is not null
    ) as ranked_charges
    where charge_rank = 1
),

subscription_starts as (
    select
        {{ dbt.concat(["'subscription_start.'", 'billing_events.subscription_id']) }} as conversion_id,
        'subscription_start' as conversion_type,
        orders.order_id,
        billing_events.subscription_id,
        billing_events.customer_id,
        billing_events.occurred_at as converted_at,
        billing_events.event_date as conversion_date,
        coalesce(orders.net_revenue_eur, 0) as revenue_eur,
        coalesce(orders.gross_margin_eur, 0) as gross_margin_eur,
        coalesce(orders.contribution_margin_eur, 0) as contribution_margin_eur
    from billing_events
    left join first_charges
        on billing_events.subscription_id = first_charges.subscription_id
    left join orders
        on first_charges.shop_order_id = orders.order_id
    where billing_events.event_type = 'subscription_created'
),

order_conversions as (
    select
        {{ dbt.concat(["'order.'", 'orders.order_id']) }} as conversion_id,
        case when orders.is_first_order then 'first_order' else 'repeat_order' end as conversion_type,
        orders.order_id,
        cast(null as {{ dbt.type_string() }}) as subscription_id,
        orders.customer_id,
        orders.created_at as converted_at,
        orders.order_date as conversion_date,
        orders.net_revenue_eur as revenue_eur,
        orders.gross_margin_eur,
        orders.contribution_margin_eur
    from orders
    left join first_charges
        on orders.order_id = first_charges.shop_order_id
    where
        not orders.is_cancelled
        and (not orders.is_subscription_order or orders.source_name <> 'subscription_contract')
        and first_charges.shop_order_id is null
),

unioned as (
    select * from order_conversions
    union all
    select * from subscription_starts
),

final as (
    select
        conversion_id,
        conversion_type,
        order_id,
        subscription_id,
        customer_id,
        converted_at,
        conversion_date,
        cast(round(revenue_eur, 2) as {{ money_type }}) as revenue_eur,
        cast(round(gross_margin_eur, 2) as {{ money_type }}) as gross_margin_eur,
        cast(round(contribution_margin_eur, 2) as {{ money_type }}) as contribution_margin_eur
    from unioned
)

select * from final
