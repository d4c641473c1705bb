{#- Every KPI per day and channel (all markets), ratios from the day's sums.
    No totals row, so sum() over channels is right; whole-business KPIs and
    targets are in mart_kpi_daily_totals. Ratio and derived columns come from
    the metric YAML (kpi_metric_columns). -#}
with

measures as (
    select * from {{ ref('int_kpi_measures_daily') }}
),

channel_days as (
    -- The measures come per market too; this mart stays at day and channel.
    select
        {% for measure in kpi_additive_measures() -%}
            sum({{ measure }}) as {{ measure }},
        {% endfor -%}
        date_day,
        channel
    from measures
    group by date_day, channel
),

final as (
    select
        *,
        {{ kpi_metric_columns(['date_day', 'channel'] + kpi_additive_measures(), totals_only='exclude') }}
    from channel_days
)

{{ select_contract_columns('final') }}
