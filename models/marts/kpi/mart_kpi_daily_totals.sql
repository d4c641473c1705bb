{#- One row per day for the whole business: every KPI, the blended ones (MER,
    paid CAC) included, and the day's share of the monthly targets. Summed from
    the daily measures, not from mart_kpi_daily, so the test that its additive
    columns equal the sums of mart_kpi_daily checks both. -#}
with

measures as (
    select * from {{ ref('int_kpi_measures_daily') }}
),

calendar as (
    select
        date_day,
        month_start_date,
        days_in_month
    from {{ ref('dim_date') }}
),

targets as (
    select
        month_start_date,
        kpi,
        target_value
    from {{ ref('fct_targets') }}
),

days as (
    select
        {% for measure in kpi_additive_measures() -%}
            sum({{ measure }}) as {{ measure }},
        {% endfor -%}
        date_day
    from measures
    group by date_day
),

with_ratios as (
    select
        *,
        {{ kpi_metric_columns(['date_day'] + kpi_additive_measures(), totals_only='include') }}
    from days
),

daily_targets as (
    -- Monthly targets of flows are spread evenly over the month's days; ratio
    -- targets (MER, CAC) hold every day.
    select
        calendar.date_day,
        {{ pivoted_targets('targets.kpi', 'targets.target_value', days_in_month='calendar.days_in_month') }}
    from calendar
    inner join targets
        on calendar.month_start_date = targets.month_start_date
    group by calendar.date_day
),

final as (
    select
        with_ratios.*,
        daily_targets.net_revenue_target_eur,
        with_ratios.net_revenue_eur - daily_targets.net_revenue_target_eur as net_revenue_variance_eur,
        daily_targets.gross_margin_target_eur,
        with_ratios.gross_margin_eur - daily_targets.gross_margin_target_eur as gross_margin_variance_eur,
        daily_targets.contribution_margin_target_eur,
        with_ratios.contribution_margin_eur - daily_targets.contribution_margin_target_eur
            as contribution_margin_variance_eur,
        daily_targets.marketing_spend_target_eur,
        with_ratios.marketing_spend_eur - daily_targets.marketing_spend_target_eur
            as marketing_spend_variance_eur,
        daily_targets.new_customers_target,
        with_ratios.new_customers - daily_targets.new_customers_target as new_customers_variance,
        daily_targets.orders_target,
        with_ratios.web_orders - daily_targets.orders_target as orders_variance,
        daily_targets.mer_target,
        with_ratios.mer - daily_targets.mer_target as mer_variance,
        daily_targets.cac_target_eur,
        with_ratios.cac_eur - daily_targets.cac_target_eur as cac_variance_eur
    from with_ratios
    left join daily_targets
        on with_ratios.date_day = daily_targets.date_day
)

{{ select_contract_columns('final') }}
