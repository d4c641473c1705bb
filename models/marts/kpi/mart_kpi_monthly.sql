{#- Every KPI per month, channel and market. No totals row: every additive
    column sums to mart_kpi_monthly_totals, so a BI tool's sum() is right.
    Ratio and derived columns come from the metric YAML (kpi_metric_columns). -#}
{%- set grain_columns = ['month_start_date', 'channel', 'market'] -%}
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

channel_market_months as (
    select
        {% for measure in kpi_additive_measures() -%}
            sum(measures.{{ measure }}) as {{ measure }},
        {% endfor -%}
        calendar.month_start_date,
        measures.channel,
        measures.market
    from measures
    inner join calendar
        on measures.date_day = calendar.date_day
    group by calendar.month_start_date, measures.channel, measures.market
),

final as (
    select
        *,
        lag(net_revenue_eur) over (
            partition by channel, market order by month_start_date
        ) as net_revenue_previous_month_eur,
        {{ kpi_metric_columns(
            grain_columns + kpi_additive_measures(),
            totals_only='exclude',
            partition_by='channel, market',
        ) }}
    from channel_market_months
)

{{ select_contract_columns('final') }}
