{#- The additive measures behind every KPI, per day, channel and market. Ratios are
    computed from these sums in the marts (never averaged), so a day, a month
    or all channels together give the right ratio. A measure the landing cannot
    support (its sources absent) is null, not zero (macro covered_measure,
    reasons in marts.mart_kpi_coverage). -#}
with

calendar as (
    select date_day from {{ ref('dim_date') }}
),

channels as (
    select channel from {{ ref('dim_channel') }}
),

-- Every market of seed countries, plus 'unmapped' (spend of campaigns without a
-- market, sessions from other countries).
ad_performance as (
    select
        ad_date,
        channel,
        market,
        spend_eur,
        impressions,
        clicks,
        platform_conversions
    from {{ ref('fct_ad_performance_daily') }}
),

sessions as (
    select
        session_date,
        channel,
        market,
        is_consent_gap,
        is_engaged
    from {{ ref('fct_sessions') }}
),

orders as (
    select
        orders.order_date,
        orders.channel,
        orders.market,
        orders.is_cancelled,
        orders.is_first_order,
        orders.is_subscription_order,
        orders.gross_sales_eur,
        orders.discounts_eur,
        orders.refunds_eur,
        orders.net_revenue_eur,
        orders.cogs_eur,
        orders.gross_margin_eur,
        orders.fulfilment_cost_eur,
        orders.payment_fees_eur,
        orders.contribution_margin_eur,
        customers.first_order_channel
    from {{ ref('fct_orders') }} as orders
    left join {{ ref('dim_customer') }} as customers
        on orders.customer_id = customers.customer_id
),

paid_channels as (
    select channel from {{ ref('dim_channel') }}
    where is_paid
),

store_sales as (
    select
        sales_date,
        channel,
        market,
        transactions,
        net_revenue_eur,
        cogs_eur,
        gross_margin_eur
    from {{ ref('fct_store_sales') }}
),

spend_by_day as (
    select
        ad_date as date_day,
        channel,
        market,
        sum(spend_eur) as marketing_spend_eur,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        sum(platform_conversions) as platform_conversions
    from ad_performance
    group by 1, 2, 3
),

sessions_by_day as (
    select
        session_date as date_day,
        channel,
        market,
        sum(case when is_consent_gap then 0 else 1 end) as sessions,
        sum(case when is_engaged and not is_consent_gap then 1 else 0 end) as engaged_sessions
    from sessions
    group by 1, 2, 3
),

web_orders_by_day as (
    select
        orders.order_date as date_day,
        orders.channel,
        orders.market,
        -- Cancelled orders stay in fct_orders with zero revenue; they are not orders here.
        sum(case when not orders.is_cancelled then 1 else 0 end) as orders,
        sum(case when not orders.is_cancelled and orders.is_first_order then 1 else 0 end) as new_customers,
        sum(
            case
                when not orders.is_cancelled and orders.is_first_order and paid_channels.channel is not null
                    then 1
                else 0
            end
        ) as new_customers_from_paid,
        sum(case when not orders.is_cancelled and orders.is_subscription_order then 1 else 0 end)
            as subscription_orders,
        sum(orders.gross_sales_eur) as gross_sales_eur,
        sum(orders.discounts_eur) as discounts_eur,
        sum(orders.refunds_eur) as refunds_eur,
        sum(orders.net_revenue_eur) as net_revenue_eur,
        sum(orders.cogs_eur) as cogs_eur,
        sum(orders.gross_margin_eur) as gross_margin_eur,
        sum(orders.fulfilment_cost_eur) as fulfilment_cost_eur,
        sum(orders.payment_fees_eur) as payment_fees_eur,
        sum(orders.contribution_margin_eur) as contribution_margin_eur
    from orders
    left join paid_channels
        on orders.first_order_channel = paid_channels.channel
    group by 1, 2, 3
),

store_sales_by_day as (
    select
        sales_date as date_day,
        channel,
        market,
        sum(transactions) as orders,
        sum(net_revenue_eur) as net_revenue_eur,
        sum(cogs_eur) as cogs_eur,
        sum(gross_margin_eur) as gross_margin_eur
    from store_sales
    group by 1, 2, 3
),

-- Markets with any activity (dim_geography lists every country; most never trade).
markets as (
    select market from spend_by_day
    union
    select market from sessions_by_day
    union
    select market from web_orders_by_day
    union
    select market from store_sales_by_day
),

activity_bounds as (
    select
        min(date_day) as first_date,
        max(date_day) as last_date
    from (
        select date_day from spend_by_day
        union all
        select date_day from web_orders_by_day
    ) as activity
),

day_channel_spine as (
    select
        calendar.date_day,
        channels.channel,
        markets.market
    from calendar
    inner join activity_bounds
        on calendar.date_day between activity_bounds.first_date and activity_bounds.last_date
    cross join channels
    cross join markets
),

final as (
    select
        spine.date_day,
        spine.channel,
        spine.market,
        coalesce(spend_by_day.marketing_spend_eur, 0) as marketing_spend_eur,
        coalesce(spend_by_day.impressions, 0) as impressions,
        coalesce(spend_by_day.clicks, 0) as clicks,
        coalesce(spend_by_day.platform_conversions, 0) as platform_conversions,
        coalesce(sessions_by_day.sessions, 0) as sessions,
        coalesce(sessions_by_day.engaged_sessions, 0) as engaged_sessions,
        coalesce(web_orders_by_day.orders, 0) + coalesce(store_sales_by_day.orders, 0) as orders,
        coalesce(web_orders_by_day.orders, 0) as web_orders,
        coalesce(web_orders_by_day.new_customers, 0) as new_customers,
        coalesce(web_orders_by_day.new_customers_from_paid, 0) as new_customers_from_paid,
        coalesce(web_orders_by_day.subscription_orders, 0) as subscription_orders,
        coalesce(web_orders_by_day.gross_sales_eur, 0) as gross_sales_eur,
        coalesce(web_orders_by_day.discounts_eur, 0) as discounts_eur,
        coalesce(web_orders_by_day.refunds_eur, 0) as refunds_eur,
        coalesce(web_orders_by_day.net_revenue_eur, 0) as web_net_revenue_eur,
        coalesce(store_sales_by_day.net_revenue_eur, 0) as store_net_revenue_eur,
        coalesce(web_orders_by_day.gross_margin_eur, 0) as web_gross_margin_eur,
        coalesce(store_sales_by_day.gross_margin_eur, 0) as store_gross_margin_eur,
        coalesce(web_orders_by_day.contribution_margin_eur, 0) as web_contribution_margin_eur,
        coalesce(web_orders_by_day.net_revenue_eur, 0) + coalesce(store_sales_by_day.net_revenue_eur, 0)
            as net_revenue_eur,
        coalesce(web_orders_by_day.cogs_eur, 0) + coalesce(store_sales_by_day.cogs_eur, 0) as cogs_eur,
        coalesce(web_orders_by_day.gross_margin_eur, 0) + coalesce(store_sales_by_day.gross_margin_eur, 0)
            as gross_margin_eur,
        coalesce(web_orders_by_day.fulfilment_cost_eur, 0) as fulfilment_cost_eur,
        coalesce(web_orders_by_day.payment_fees_eur, 0) as payment_fees_eur,
        -- Store operating costs are not in the exports: a store's contribution is its gross margin.
        coalesce(web_orders_by_day.contribution_margin_eur, 0) + coalesce(store_sales_by_day.gross_margin_eur, 0)
            as contribution_margin_eur
    from day_channel_spine as spine
    left join spend_by_day
        on
            spine.date_day = spend_by_day.date_day
            and spine.channel = spend_by_day.channel
            and spine.market = spend_by_day.market
    left join sessions_by_day
        on
            spine.date_day = sessions_by_day.date_day
            and spine.channel = sessions_by_day.channel
            and spine.market = sessions_by_day.market
    left join web_orders_by_day
        on
            spine.date_day = web_orders_by_day.date_day
            and spine.channel = web_orders_by_day.channel
            and spine.market = web_orders_by_day.market
    left join store_sales_by_day
        on
            spine.date_day = store_sales_by_day.date_day
            and spine.channel = store_sales_by_day.channel
            and spine.market = store_sales_by_day.market
),

covered as (
    select
        {% for measure in kpi_additive_measures() -%}
            {{ covered_measure(measure, measure) }} as {{ measure }},
        {% endfor -%}
        date_day,
        channel,
        market
    from final
)

select * from covered
