{#- Window functions whose syntax differs between engines. The models must
    later run on Spark, so each has a Spark-style default. -#}

{#- The first / last non-null value of a window frame; follow with `over (...)`. -#}
{% macro first_value_ignore_nulls(expression) -%}
    {{ return(adapter.dispatch('first_value_ignore_nulls', 'growth_ledger')(expression)) }}
{%- endmacro %}

{% macro default__first_value_ignore_nulls(expression) -%}
    first_value({{ expression }}, true)
{%- endmacro %}

{% macro duckdb__first_value_ignore_nulls(expression) -%}
    first_value({{ expression }} ignore nulls)
{%- endmacro %}

{% macro last_value_ignore_nulls(expression) -%}
    {{ return(adapter.dispatch('last_value_ignore_nulls', 'growth_ledger')(expression)) }}
{%- endmacro %}

{% macro default__last_value_ignore_nulls(expression) -%}
    last_value({{ expression }}, true)
{%- endmacro %}

{% macro duckdb__last_value_ignore_nulls(expression) -%}
    last_value({{ expression }} ignore nulls)
{%- endmacro %}

{#- The values of a window frame joined into one text, in the window's order. -#}
{% macro windowed_string_agg(expression, delimiter, window) -%}
    {{ return(adapter.dispatch('windowed_string_agg', 'growth_ledger')(expression, delimiter, window)) }}
{%- endmacro %}

{% macro default__windowed_string_agg(expression, delimiter, window) -%}
    concat_ws({{ delimiter }}, collect_list({{ expression }}) over ({{ window }}))
{%- endmacro %}

{% macro duckdb__windowed_string_agg(expression, delimiter, window) -%}
    string_agg({{ expression }}, {{ delimiter }}) over ({{ window }})
{%- endmacro %}
