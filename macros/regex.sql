{#- True when the text matches the regular expression (RE2 syntax, (?i) for
    case-insensitive). -#}
{% macro regex_matches(text, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'growth_ledger')(text, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(text, pattern) -%}
    regexp_like({{ text }}, {{ pattern }})
{%- endmacro %}

{% macro duckdb__regex_matches(text, pattern) -%}
    regexp_matches({{ text }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regex_matches(text, pattern) -%}
    {{ text }} rlike {{ pattern }}
{%- endmacro %}
