{#- Every KPI per month and channel, plus one all-channels row per month with
    the month's targets, subscription KPIs and growth on the previous month. -#}
with

measures as (
    select * from {{ ref('int_kpi_measures_daily') }}
),

calendar as (
    select
        date_day,
        month_start_date
    from {{ ref('dim_date') }}
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

channel_months as (
    select
        calendar.month_start_date,
        measures.channel,
        {% for measure in kpi_additive_measures() -%}
            sum(measures.{{ measure }}) as {{ measure }},
        {% endfor -%}
        false as is_all_channels
    from measures
    inner join calendar
        on measures.date_day = calendar.date_day
    group by 1, 2
),

all_channels_months as (
    select
        month_start_date,
        'all_channels' as channel,
        {% for measure in kpi_additive_measures() -%}
            sum({{ measure }}) as {{ measure }},
        {% endfor -%}
        true as is_all_channels
    from channel_months
    group by 1
),

unioned as (
    select * from channel_months
    union all
    select * from all_channels_months
),

with_ratios as (
    select
        *,
        {{ kpi_ratios() }}
    from unioned
),

monthly_targets as (
    select
        month_start_date,
        max(case when kpi = 'net_revenue' then target_value end) as net_revenue_target_eur,
        max(case when kpi = 'gross_margin' then target_value end) as gross_margin_target_eur,
        max(case when kpi = 'contribution_margin' then target_value end) as contribution_margin_target_eur,
        max(case when kpi = 'marketing_spend' then target_value end) as marketing_spend_target_eur,
        max(case when kpi = 'new_customers' then target_value end) as new_customers_target,
        max(case when kpi = 'orders' then target_value end) as orders_target,
        max(case when kpi = 'mer' then target_value end) as mer_target,
        max(case when kpi = 'cac' then target_value end) as cac_target_eur,
        max(case when kpi = 'mrr' then target_value end) as mrr_target_eur
    from targets
    group by 1
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
    group by 1
),

organic_search_by_month as (
    select
        calendar.month_start_date,
        sum(search_console.clicks) as organic_clicks,
        sum(search_console.impressions) as organic_impressions,
        {{ safe_divide('sum(search_console.position_x_impressions)', 'sum(search_console.impressions)') }}
            as average_position
    from search_console
    inner join calendar
        on search_console.search_date = calendar.date_day
    group by 1
),

final as (
    select
        with_ratios.*,
        lag(with_ratios.net_revenue_eur) over (
            partition by with_ratios.channel order by with_ratios.month_start_date
        ) as net_revenue_previous_month_eur,
        {{ safe_divide(
            'with_ratios.net_revenue_eur - lag(with_ratios.net_revenue_eur) over ('
            ~ 'partition by with_ratios.channel order by with_ratios.month_start_date)',
            'lag(with_ratios.net_revenue_eur) over ('
            ~ 'partition by with_ratios.channel order by with_ratios.month_start_date)'
        ) }} as net_revenue_growth_pct,
        monthly_targets.net_revenue_target_eur,
        with_ratios.net_revenue_eur - monthly_targets.net_revenue_target_eur as net_revenue_variance_eur,
        {{ safe_divide(
            'with_ratios.net_revenue_eur - monthly_targets.net_revenue_target_eur',
            'monthly_targets.net_revenue_target_eur'
        ) }} as net_revenue_variance_pct,
        monthly_targets.gross_margin_target_eur,
        with_ratios.gross_margin_eur - monthly_targets.gross_margin_target_eur as gross_margin_variance_eur,
        monthly_targets.contribution_margin_target_eur,
        with_ratios.contribution_margin_eur - monthly_targets.contribution_margin_target_eur
            as contribution_margin_variance_eur,
        monthly_targets.marketing_spend_target_eur,
        with_ratios.marketing_spend_eur - monthly_targets.marketing_spend_target_eur
            as marketing_spend_variance_eur,
        monthly_targets.new_customers_target,
        with_ratios.new_customers - monthly_targets.new_customers_target as new_customers_variance,
        monthly_targets.orders_target,
        with_ratios.web_orders - monthly_targets.orders_target as orders_variance,
        monthly_targets.mer_target,
        with_ratios.mer - monthly_targets.mer_target as mer_variance,
        monthly_targets.cac_target_eur,
        with_ratios.cac_eur - monthly_targets.cac_target_eur as cac_variance_eur,
        subscriptions_by_month.mrr_eur,
        monthly_targets.mrr_target_eur,
        subscriptions_by_month.mrr_eur - monthly_targets.mrr_target_eur as mrr_variance_eur,
        subscriptions_by_month.active_subscribers,
        subscriptions_by_month.churned_subscribers,
        {{ safe_divide('subscriptions_by_month.churned_subscribers', 'subscriptions_by_month.starting_subscribers') }}
            as subscriber_churn_rate,
        {{ safe_divide('subscriptions_by_month.retained_mrr_eur', 'subscriptions_by_month.starting_mrr_eur') }}
            as net_revenue_retention,
        organic_search_by_month.organic_clicks,
        organic_search_by_month.average_position
    from with_ratios
    left join monthly_targets
        on
            with_ratios.month_start_date = monthly_targets.month_start_date
            and with_ratios.is_all_channels
    left join subscriptions_by_month
        on
            with_ratios.month_start_date = subscriptions_by_month.month_start_date
            and with_ratios.is_all_channels
    left join organic_search_by_month
        on
            with_ratios.month_start_date = organic_search_by_month.month_start_date
            and (with_ratios.is_all_channels or with_ratios.channel = 'organic_search')
)

{{ select_contract_columns('final') }}
