{#- Figures as a reader reads them inside generated sentences (recommended actions):
    money as "€1,070" / "+€1,070" (whole euros, thousands separated), days as
    "10 June 2026". Done in the warehouse so every reader (site, PDF, exports) gets the
    same words; DuckDB's format() and strftime(). -#}

{% macro format_eur(expr, signed=false) -%}
    (case
        when round({{ expr }}) < 0 then '-'
        {%- if signed %}
            when round({{ expr }}) > 0 then '+'
        {%- endif %}
        else ''
    end || '€' || format('{:,.0f}', abs(round({{ expr }}))))
{%- endmacro %}

{% macro format_day(expr) -%}
    strftime({{ expr }}, '%-d %B %Y')
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
    (cast({{ expr }} as varchar) || case when {{ expr }} = 1 then ' day' else ' days' end)
{%- endmacro %}
