{#- The median of an expression, as an aggregate. -#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'growth_ledger')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{#- For each day of `days` (a relation or CTE with key_columns, ad_date and
    spend): how many earlier days with spend it has within history_days, and
    their median spend. -#}
{% macro prior_spend_median(days, key_columns, history_days) -%}
    select
        {%- for key in key_columns %}
        judged_day.{{ key }},
        {%- endfor %}
        judged_day.ad_date,
        count(*) as history_days,
        {{ median('prior_day.spend') }} as median_spend
    from {{ days }} as judged_day
    inner join {{ days }} as prior_day
        on
            {%- for key in key_columns %}
            judged_day.{{ key }} = prior_day.{{ key }} and
            {%- endfor %}
            judged_day.ad_date > prior_day.ad_date
            and {{ dbt.dateadd("day", -history_days, "judged_day.ad_date") }} <= prior_day.ad_date
            and prior_day.spend > 0
    group by {% for key in key_columns %}judged_day.{{ key }}, {% endfor %}judged_day.ad_date
{%- endmacro %}
