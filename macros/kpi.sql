{#- Division that gives null, not an error, when the denominator is 0. -#}
{% macro safe_divide(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif({{ denominator }}, 0)
{%- endmacro %}

{#- The additive KPI measures of int_kpi_measures_daily. -#}
{% macro kpi_additive_measures() -%}
    {{ return([
        'marketing_spend_eur', 'impressions', 'clicks', 'platform_conversions', 'sessions',
        'engaged_sessions', 'orders', 'web_orders', 'new_customers', 'new_customers_from_paid',
        'subscription_orders', 'gross_sales_eur', 'discounts_eur', 'refunds_eur', 'net_revenue_eur',
        'web_net_revenue_eur', 'store_net_revenue_eur', 'cogs_eur', 'gross_margin_eur',
        'web_gross_margin_eur', 'store_gross_margin_eur', 'fulfilment_cost_eur', 'payment_fees_eur',
        'contribution_margin_eur', 'web_contribution_margin_eur',
    ]) }}
{%- endmacro %}

{#- Ratio and derived KPI columns generated from the MetricFlow metrics
    (models/semantic/*.yml), so a KPI's formula is written once, in the metric
    YAML. A metric lands in a mart when its config.meta names a mart_column and
    every input metric's mart_column is available at the mart's grain:
    `available` lists the columns the calling CTE already has (summed
    measures). meta.mart_scope = 'totals' keeps a blended KPI (MER, paid CAC)
    off per-channel rows: totals_only is 'include', 'exclude', or a SQL
    condition for rows where it applies. An input with offset_window (growth
    on the previous period) becomes lag() over partition_by, ordered by
    order_by; without partition_by such metrics are left out. -#}
{% macro kpi_metric_columns(available, totals_only='exclude', partition_by=none, order_by='month_start_date') -%}
    {%- set generated = kpi_metric_expressions(available, totals_only, partition_by, order_by) -%}
    {%- for column in generated %}
    {{ column.expression }} as {{ column.name }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{% macro kpi_metric_meta(metric) -%}
    {{ return(metric.config.meta if metric.config and metric.config.meta else (metric.meta or {})) }}
{%- endmacro %}

{% macro kpi_metric_expressions(available, totals_only='exclude', partition_by=none, order_by='month_start_date') -%}
    {%- set resolved = {} -%}
    {%- set generated = [] -%}
    {%- if execute -%}
        {%- set metrics = graph.metrics.values() | sort(attribute='name') | list -%}
        {%- for metric in metrics -%}
            {%- set column = kpi_metric_meta(metric).get('mart_column') -%}
            {%- if column and column in available -%}
                {%- do resolved.update({metric.name: column}) -%}
            {%- endif -%}
        {%- endfor -%}
        {#- Derived metrics may build on generated ones: resolve in passes. -#}
        {%- for _ in range(4) -%}
            {%- for metric in metrics -%}
                {%- set meta = kpi_metric_meta(metric) -%}
                {%- set column = meta.get('mart_column') -%}
                {%- set scoped_out = meta.get('mart_scope') == 'totals' and totals_only == 'exclude' -%}
                {%- if column and metric.name not in resolved and not scoped_out
                    and metric.type in ('ratio', 'derived') -%}
                    {%- set expression = kpi_metric_expression(metric, resolved, partition_by, order_by) -%}
                    {%- if expression -%}
                        {%- if meta.get('mart_scope') == 'totals' and totals_only not in ('include', 'exclude') -%}
                            {%- set expression = 'case when ' ~ totals_only ~ ' then ' ~ expression ~ ' end' -%}
                        {%- endif -%}
                        {%- do resolved.update({metric.name: '(' ~ expression ~ ')'}) -%}
                        {%- do generated.append({'name': column, 'expression': expression}) -%}
                    {%- endif -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(generated) }}
{%- endmacro %}

{#- One metric's SQL over resolved inputs, or none when an input is missing. -#}
{% macro kpi_metric_expression(metric, resolved, partition_by, order_by) -%}
    {%- set params = metric.type_params -%}
    {%- if metric.type == 'ratio' -%}
        {%- for part in [params.numerator, params.denominator] -%}
            {%- if part.name not in resolved or part.filter or part.offset_window -%}
                {{ return(none) }}
            {%- endif -%}
        {%- endfor -%}
        {{ return(safe_divide(resolved[params.numerator.name], resolved[params.denominator.name])) }}
    {%- endif -%}
    {%- set inputs = [] -%}
    {%- for part in params.metrics -%}
        {%- if part.name not in resolved or part.filter or part.offset_to_grain -%}
            {{ return(none) }}
        {%- endif -%}
        {%- set value = resolved[part.name] -%}
        {%- if part.offset_window -%}
            {%- if partition_by is none -%}
                {{ return(none) }}
            {%- endif -%}
            {%- set value = 'lag(' ~ value ~ ') over ('
                ~ ('partition by ' ~ partition_by ~ ' ' if partition_by else '')
                ~ 'order by ' ~ order_by ~ ')' -%}
        {%- endif -%}
        {%- do inputs.append({'key': part.alias or part.name, 'value': value}) -%}
    {%- endfor -%}
    {#- Placeholders first, so one input's SQL is never rewritten by another's name. -#}
    {%- set expression = namespace(sql=params.expr) -%}
    {%- for input in inputs | sort(attribute='key', reverse=true) -%}
        {%- set expression.sql = modules.re.sub('\\b' ~ input.key ~ '\\b', '__kpi_input_' ~ loop.index ~ '__', expression.sql) -%}
    {%- endfor -%}
    {%- for input in inputs | sort(attribute='key', reverse=true) -%}
        {%- set expression.sql = expression.sql | replace('__kpi_input_' ~ loop.index ~ '__', input.value) -%}
    {%- endfor -%}
    {{ return(expression.sql) }}
{%- endmacro %}

{#- Select every column of the model's contract, cast to its declared type:
    the YAML stays the one place where a public column's type is set. -#}
{% macro select_contract_columns(relation_name) -%}
    select
        {%- for column in model.columns.values() %}
        cast({{ column.name }} as {{ column.data_type }}) as {{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ relation_name }}
{%- endmacro %}

{#- Target KPIs (fct_targets.kpi), the column each becomes and how a monthly
    target applies to part of a month: a flow is spread evenly over the days,
    a ratio holds every day, a stock (MRR) is a month-end figure only. -#}
{% macro target_kpis() -%}
    {{ return([
        ('net_revenue', 'net_revenue_target_eur', 'flow'),
        ('gross_margin', 'gross_margin_target_eur', 'flow'),
        ('contribution_margin', 'contribution_margin_target_eur', 'flow'),
        ('marketing_spend', 'marketing_spend_target_eur', 'flow'),
        ('new_customers', 'new_customers_target', 'flow'),
        ('orders', 'orders_target', 'flow'),
        ('mer', 'mer_target', 'ratio'),
        ('cac', 'cac_target_eur', 'ratio'),
        ('mrr', 'mrr_target_eur', 'stock'),
    ]) }}
{%- endmacro %}

{#- One column per target KPI from rows of (kpi, target_value), to aggregate
    per month, or per day with days_in_month (flows divided by it, stocks left
    out). -#}
{% macro pivoted_targets(kpi, target_value, days_in_month=none) -%}
    {%- for name, column, kind in target_kpis() if days_in_month is none or kind != 'stock' %}
        max(case when {{ kpi }} = '{{ name }}' then {{ target_value }}
            {%- if days_in_month is not none and kind == 'flow' %} / {{ days_in_month }}{% endif %} end)
            as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
