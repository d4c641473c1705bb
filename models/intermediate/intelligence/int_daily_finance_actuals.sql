{{ config(materialized='table') }}

{#- One row per day: net revenue, gross margin and contribution margin (EUR)
    as the KPI layer defines them (web orders and store sales, all channels),
    the series the period-end forecast extrapolates and compares to target. -#}
with

measures as (
    select
        date_day,
        net_revenue_eur,
        gross_margin_eur,
        contribution_margin_eur,
        orders
    from {{ ref('int_kpi_measures_daily') }}
),

final as (
    select
        date_day as order_date,
        cast(sum(net_revenue_eur) as double) as net_revenue_eur,
        cast(sum(gross_margin_eur) as double) as gross_margin_eur,
        cast(sum(contribution_margin_eur) as double) as contribution_margin_eur,
        sum(orders) as orders
    from measures
    group by 1
)

select * from final
