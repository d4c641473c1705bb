{#- Figures as a reader reads them inside generated sentences (recommended actions):
    money as "€1,070" / "+€1,070" (whole euros, thousands separated), days as
    "10 June 2026". Done in the warehouse so every reader (site, PDF, exports) gets the
    same words. -#}

{% macro format_eur(expr, signed=false) -%}
    (case
        when round({{ expr }}) < 0 then '-'
        {%- if signed %}
            when round({{ expr }}) > 0 then '+'
        {%- endif %}
        else ''
    end || '€' || {{ format_thousands('abs(round(' ~ expr ~ '))') }})
{%- endmacro %}

{#- A whole number with thousands separators: "1,070". -#}
{% macro format_thousands(expr) -%}
    {{ return(adapter.dispatch('format_thousands', 'growth_ledger')(expr)) }}
{%- endmacro %}

{#- Spark: format_number. -#}
{% macro default__format_thousands(expr) -%}
    format_number({{ expr }}, 0)
{%- endmacro %}

{% macro duckdb__format_thousands(expr) -%}
    format('{:,.0f}', {{ expr }})
{%- endmacro %}

{#- "14 March 2026". -#}
{% macro format_day(expr) -%}
    {{ return(adapter.dispatch('format_day', 'growth_ledger')(expr)) }}
{%- endmacro %}

{#- Spark: date_format with Java pattern letters. -#}
{% macro default__format_day(expr) -%}
    date_format({{ expr }}, 'd MMMM yyyy')
{%- endmacro %}

{% macro duckdb__format_day(expr) -%}
    strftime({{ expr }}, '%-d %B %Y')
{%- endmacro %}

{#- "March 2026". -#}
{% macro format_month(expr) -%}
    {{ return(adapter.dispatch('format_month', 'growth_ledger')(expr)) }}
{%- endmacro %}

{% macro default__format_month(expr) -%}
    date_format({{ expr }}, 'MMMM yyyy')
{%- endmacro %}

{% macro duckdb__format_month(expr) -%}
    strftime({{ expr }}, '%B %Y')
{%- endmacro %}

{#- "14 March 2026" for one day, "3 August 2026 to 23 August 2026" for a span. -#}
{% macro format_day_span(first_expr, last_expr) -%}
    (case
        when {{ first_expr }} = {{ last_expr }} then {{ format_day(first_expr) }}
        else {{ format_day(first_expr) }} || ' to ' || {{ format_day(last_expr) }}
    end)
{%- endmacro %}

{#- "1 day", "5 days". -#}
{% macro format_days(expr) -%}
    ({{ dbt.cast(expr, dbt.type_string()) }} || case when {{ expr }} = 1 then ' day' else ' days' end)
{%- endmacro %}

{#- A number with `digits` decimals: "2.38". -#}
{% macro format_decimal(expr, digits) -%}
    {{ return(adapter.dispatch('format_decimal', 'growth_ledger')(expr, digits)) }}
{%- endmacro %}

{% macro default__format_decimal(expr, digits) -%}
    format_number({{ expr }}, {{ digits }})
{%- endmacro %}

{% macro duckdb__format_decimal(expr, digits) -%}
    format('{:.{{ digits }}f}', {{ expr }})
{%- endmacro %}
