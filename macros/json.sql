{#- JSON arrays in text columns (shop documents, Meta action lists), read the
    same way on every engine. A JSON shape is written once, as the text of a
    DuckDB from_json structure (every leaf 'VARCHAR': values are parsed by the
    models); Spark's schema string is derived from it. -#}

{#- The JSON array in the text json_text as a list of structs of the given shape. -#}
{% macro parse_json_array(json_text, shape) -%}
    {{ return(adapter.dispatch('parse_json_array', 'growth_ledger')(json_text, shape)) }}
{%- endmacro %}

{% macro default__parse_json_array(json_text, shape) -%}
    from_json({{ json_text }}, '{{ spark_json_schema(fromjson(shape)) }}')
{%- endmacro %}

{% macro duckdb__parse_json_array(json_text, shape) -%}
    from_json({{ json_text }}, '{{ shape }}')
{%- endmacro %}

{#- A FROM clause: one row per element of the list list_expression (of a row of
    `relation`, aliased `alias`), the element as `element`; a row whose list is
    empty or null gives no row. -#}
{% macro from_list_elements(relation, alias, list_expression, element) -%}
    {{ return(adapter.dispatch('from_list_elements', 'growth_ledger')(relation, alias, list_expression, element)) }}
{%- endmacro %}

{% macro default__from_list_elements(relation, alias, list_expression, element) -%}
    from {{ relation }} as {{ alias }}
    lateral view explode({{ list_expression }}) {{ element }}_rows as {{ element }}
{%- endmacro %}

{% macro duckdb__from_list_elements(relation, alias, list_expression, element) -%}
    from {{ relation }} as {{ alias }},
        unnest({{ list_expression }}) as {{ element }}_rows ({{ element }})
{%- endmacro %}

{#- Spark's DDL type of a parsed from_json structure: a list is an array of
    its one element, a mapping a struct, a leaf a string. -#}
{% macro spark_json_schema(node) -%}
    {%- if node is mapping -%}
        struct<{% for name, child in node.items() %}{{ name }}: {{ spark_json_schema(child) }}{{ ', ' if not loop.last }}{% endfor %}>
    {%- elif node is sequence and node is not string -%}
        array<{{ spark_json_schema(node[0]) }}>
    {%- else -%}
        string
    {%- endif -%}
{%- endmacro %}

{#- Sum over the elements of the list list_expression of value, an expression
    of `element`, keeping the elements where condition (if given) holds; null
    values count as nothing, and an empty list sums to 0. -#}
{% macro list_sum_of(list_expression, element, value, condition=none, data_type='decimal(18, 2)') -%}
    {{ return(adapter.dispatch('list_sum_of', 'growth_ledger')(list_expression, element, value, condition, data_type)) }}
{%- endmacro %}

{% macro default__list_sum_of(list_expression, element, value, condition, data_type) -%}
    aggregate(
        {% if condition %}filter({{ list_expression }}, {{ element }} -> {{ condition }}){% else %}{{ list_expression }}{% endif %},
        cast(0 as {{ data_type }}),
        (total, {{ element }}) -> cast(total + coalesce({{ value }}, 0) as {{ data_type }})
    )
{%- endmacro %}

{% macro duckdb__list_sum_of(list_expression, element, value, condition, data_type) -%}
    cast(coalesce(list_sum([
        {{ value }} for {{ element }} in {{ list_expression }}{% if condition %} if {{ condition }}{% endif %}
    ]), 0) as {{ data_type }})
{%- endmacro %}

{#- The values at a JSON path with wildcards (e.g. '$[*].price') of the JSON
    text json_text, as a list of text. -#}
{% macro json_path_values(json_text, path) -%}
    {{ return(adapter.dispatch('json_path_values', 'growth_ledger')(json_text, path)) }}
{%- endmacro %}

{% macro default__json_path_values(json_text, path) -%}
    from_json(get_json_object({{ json_text }}, '{{ path }}'), 'array<string>')
{%- endmacro %}

{% macro duckdb__json_path_values(json_text, path) -%}
    json_extract_string({{ json_text }}, '{{ path }}')
{%- endmacro %}

{#- Does any element of the list list_expression satisfy condition (an
    expression of `element`)? -#}
{% macro list_any(list_expression, element, condition) -%}
    {{ return(adapter.dispatch('list_any', 'growth_ledger')(list_expression, element, condition)) }}
{%- endmacro %}

{% macro default__list_any(list_expression, element, condition) -%}
    exists({{ list_expression }}, {{ element }} -> {{ condition }})
{%- endmacro %}

{% macro duckdb__list_any(list_expression, element, condition) -%}
    len(list_filter({{ list_expression }}, lambda {{ element }}: {{ condition }})) > 0
{%- endmacro %}

{#- Is the JSON text a JSON array (false for null, other JSON or no JSON)? -#}
{% macro is_json_array(json_text) -%}
    {{ return(adapter.dispatch('is_json_array', 'growth_ledger')(json_text)) }}
{%- endmacro %}

{#- Spark's json_array_length is null unless the text is a JSON array. -#}
{% macro default__is_json_array(json_text) -%}
    coalesce(json_array_length({{ json_text }}) is not null, false)
{%- endmacro %}

{% macro duckdb__is_json_array(json_text) -%}
    coalesce(json_type({{ json_text }}) = 'ARRAY', false)
{%- endmacro %}

{#- The JSON value at a path of the JSON text (an array or object stays JSON). -#}
{% macro json_path_json(json_text, path) -%}
    {{ return(adapter.dispatch('json_path_json', 'growth_ledger')(json_text, path)) }}
{%- endmacro %}

{% macro default__json_path_json(json_text, path) -%}
    get_json_object({{ json_text }}, '{{ path }}')
{%- endmacro %}

{% macro duckdb__json_path_json(json_text, path) -%}
    json_extract({{ json_text }}, '{{ path }}')
{%- endmacro %}
