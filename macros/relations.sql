{#- ref() and source() (macros/landing_source.sql) without the catalog (database) part. DuckDB stores a
    view's SQL text and binds its unqualified schema.table names in the view's
    own catalog, so views keep working when the warehouse file is copied under
    another name or attached under another alias; a "growth_ledger".schema.x
    name would fail there. Relations in another catalog (an attached database)
    keep their catalog. -#}
{% macro ref() -%}
    {{ return(catalog_free_relation(builtins.ref(*varargs, **kwargs))) }}
{%- endmacro %}

{% macro catalog_free_relation(relation) -%}
    {{ return(adapter.dispatch('catalog_free_relation')(relation)) }}
{%- endmacro %}

{% macro default__catalog_free_relation(relation) -%}
    {#- Other warehouses bind names in the session's database, not the view's. -#}
    {{ return(relation) }}
{%- endmacro %}

{% macro duckdb__catalog_free_relation(relation) -%}
    {%- if relation is not none and relation.database is not none and relation.database == target.database -%}
        {{ return(relation.include(database=false)) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}
