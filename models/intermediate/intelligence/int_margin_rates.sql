{#- One row: gross and contribution margin rates of the last 90 days of
    non-cancelled orders (net revenue based), and the latest month's CAC
    target from finance. Used for breakeven ROAS and the budget curves. -#}
with

orders as (
    select
        order_date,
        net_revenue_eur,
        gross_margin_eur,
        contribution_margin_eur
    from {{ ref('fct_orders') }}
    where not is_cancelled
),

targets as (
    select
        month_start_date,
        target_value
    from {{ ref('stg_finance__targets') }}
    where kpi = 'cac'
),

last_day as (
    select max(order_date) as last_order_date
    from orders
),

margins as (
    select
        cast(sum(orders.gross_margin_eur) / sum(orders.net_revenue_eur) as double) as gross_margin_rate,
        cast(sum(orders.contribution_margin_eur) / sum(orders.net_revenue_eur) as double)
            as contribution_margin_rate
    from orders
    cross join last_day
    where orders.order_date > {{ dbt.dateadd('day', -90, 'last_day.last_order_date') }}
),

latest_target as (
    select cast(target_value as double) as target_cac_eur
    from targets
    where month_start_date <= (select last_order_date from last_day)
    order by month_start_date desc
    limit 1
),

final as (
    select
        margins.gross_margin_rate,
        margins.contribution_margin_rate,
        latest_target.target_cac_eur
    from margins
    -- Still one row without finance targets (an absent source): the CAC target is null.
    left join latest_target
        on true
)

select * from final
