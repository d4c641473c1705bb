{#- One row per month for the whole business (every channel and market): the
    KPIs, targets and variances, subscription KPIs, organic search and growth
    on the previous month. Summed from the daily measures, not from
    mart_kpi_monthly, so the test that its additive columns equal the sums of
    mart_kpi_monthly checks both. Ratio and derived columns come from the metric
    YAML (kpi_metric_columns). -#}
{%- set base_columns = [
    'month_start_date', 'net_revenue_target_eur', 'gross_margin_target_eur', 'contribution_margin_target_eur',
    'marketing_spend_target_eur', 'new_customers_target', 'orders_target', 'mer_target', 'cac_target_eur',
    'mrr_target_eur', 'mrr_eur', 'starting_mrr_eur', 'retained_mrr_eur', 'starting_subscribers',
    'churned_subscribers', 'active_subscribers', 'organic_clicks', 'organic_impressions', 'position_x_impressions',
] -%}
with

measures as (
    select * from {{ ref('int_kpi_measures_daily') }}
),

targets as (
    select
        month_start_date,
        kpi,
        target_value
    from {{ ref('fct_targets') }}
),

subscription_months as (
    select
        month_start_date,
        movement_type,
        mrr_eur,
        previous_mrr_eur
    from {{ ref('fct_subscription_mrr') }}
),

search_console as (
    select
        search_date,
        clicks,
        impressions,
        position_x_impressions
    from {{ ref('fct_search_console_daily') }}
),

calendar as (
    select
        date_day,
        month_start_date
    from {{ ref('dim_date') }}
),

months as (
    select
        {% for measure in kpi_additive_measures() -%}
            sum(measures.{{ measure }}) as {{ measure }},
        {% endfor -%}
        calendar.month_start_date
    from measures
    inner join calendar
        on measures.date_day = calendar.date_day
    group by calendar.month_start_date
),

monthly_targets as (
    select
        month_start_date,
        {{ pivoted_targets('kpi', 'target_value') }}
    from targets
    group by month_start_date
),

subscriptions_by_month as (
    select
        month_start_date,
        sum(mrr_eur) as mrr_eur,
        sum(previous_mrr_eur) as starting_mrr_eur,
        -- Net revenue retention: this month's MRR of the subscriptions that had MRR at the start.
        sum(case when previous_mrr_eur > 0 then mrr_eur else 0 end) as retained_mrr_eur,
        sum(case when previous_mrr_eur > 0 then 1 else 0 end) as starting_subscribers,
        sum(case when movement_type = 'churn' then 1 else 0 end) as churned_subscribers,
        sum(case when mrr_eur > 0 then 1 else 0 end) as active_subscribers
    from subscription_months
    group by month_start_date
),

organic_search_by_month as (
    select
        calendar.month_start_date,
        sum(search_console.clicks) as organic_clicks,
        sum(search_console.impressions) as organic_impressions,
        sum(search_console.position_x_impressions) as position_x_impressions
    from search_console
    inner join calendar
        on search_console.search_date = calendar.date_day
    group by calendar.month_start_date
),

joined as (
    select
        months.*,
        monthly_targets.net_revenue_target_eur,
        monthly_targets.gross_margin_target_eur,
        monthly_targets.contribution_margin_target_eur,
        monthly_targets.marketing_spend_target_eur,
        monthly_targets.new_customers_target,
        monthly_targets.orders_target,
        monthly_targets.mer_target,
        monthly_targets.cac_target_eur,
        monthly_targets.mrr_target_eur,
        subscriptions_by_month.mrr_eur,
        subscriptions_by_month.starting_mrr_eur,
        subscriptions_by_month.retained_mrr_eur,
        subscriptions_by_month.starting_subscribers,
        subscriptions_by_month.churned_subscribers,
        subscriptions_by_month.active_subscribers,
        organic_search_by_month.organic_clicks,
        organic_search_by_month.organic_impressions,
        organic_search_by_month.position_x_impressions
    from months
    left join monthly_targets
        on months.month_start_date = monthly_targets.month_start_date
    left join subscriptions_by_month
        on months.month_start_date = subscriptions_by_month.month_start_date
    left join organic_search_by_month
        on months.month_start_date = organic_search_by_month.month_start_date
),

with_metrics as (
    select
        *,
        lag(net_revenue_eur) over (order by month_start_date) as net_revenue_previous_month_eur,
        {{ kpi_metric_columns(base_columns + kpi_additive_measures(), totals_only='include', partition_by='') }}
    from joined
),

final as (
    -- Variances to targets other than net revenue's (a metric of its own).
    select
        *,
        {{ safe_divide('net_revenue_eur - net_revenue_target_eur', 'net_revenue_target_eur') }}
            as net_revenue_variance_pct,
        gross_margin_eur - gross_margin_target_eur as gross_margin_variance_eur,
        contribution_margin_eur - contribution_margin_target_eur as contribution_margin_variance_eur,
        marketing_spend_eur - marketing_spend_target_eur as marketing_spend_variance_eur,
        new_customers - new_customers_target as new_customers_variance,
        web_orders - orders_target as orders_variance,
        mer - mer_target as mer_variance,
        cac_eur - cac_target_eur as cac_variance_eur,
        mrr_eur - mrr_target_eur as mrr_variance_eur
    from with_metrics
)

{{ select_contract_columns('final') }}
