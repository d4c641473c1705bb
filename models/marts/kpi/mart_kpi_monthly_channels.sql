{#- Every KPI per month and channel (all markets): the channel view of
    mart_kpi_monthly, with the ratios recomputed from the channel's sums. No
    totals row, so sum() is right. Ratio and derived columns come from the
    metric YAML (kpi_metric_columns). -#}
{%- set grain_columns = ['month_start_date', 'channel'] -%}
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

channel_months as (
    select
        {% for measure in kpi_additive_measures() -%}
            sum(measures.{{ measure }}) as {{ measure }},
        {% endfor -%}
        calendar.month_start_date,
        measures.channel
    from measures
    inner join calendar
        on measures.date_day = calendar.date_day
    group by calendar.month_start_date, measures.channel
),

final as (
    select
        *,
        lag(net_revenue_eur) over (
            partition by channel order by month_start_date
        ) as net_revenue_previous_month_eur,
        {{ kpi_metric_columns(
            grain_columns + kpi_additive_measures(),
            totals_only='exclude',
            partition_by='channel',
        ) }}
    from channel_months
)

{{ select_contract_columns('final') }}
