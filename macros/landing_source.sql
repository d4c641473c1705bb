{#- Any subset of sources builds. A landing entity whose folder holds no file its
    source reads is absent: source() then gives its empty stand-in (the same
    columns, zero rows; macros/landing_empty_relations.sql, generated from the
    contract) instead of a reader that fails on "no files found". So every model
    builds, and the models of an absent source are empty. The dbt lineage is
    unchanged: builtins.source() is always called. Setting the var
    `<source>_enabled: false` (as Fivetran's `<package>__<source>_enabled` vars)
    treats a source as absent even when it has files. Which entities are present
    is in staging.stg_landing__coverage. -#}
{% macro source(source_name, table_name) -%}
    {%- set relation = builtins.source(source_name, table_name) -%}
    {%- if execute and not landing_entity_is_present(source_name, table_name) -%}
        {{ return('(' ~ landing_empty_relation(source_name, table_name) ~ ')') }}
    {%- endif -%}
    {%- set slug = source_name ~ '__' ~ table_name -%}
    {%- set optional = landing_optional_parquet_columns().get(slug, []) if execute else [] -%}
    {%- set missing = landing_missing_columns(catalog_free_relation(relation), optional) if optional else [] -%}
    {%- if missing -%}
        {%- set nulls = [] -%}
        {%- for column_name in missing -%}
            {%- do nulls.append(landing_optional_column_null(slug, column_name) | trim) -%}
        {%- endfor -%}
        {{ return('(select *, ' ~ nulls | join(', ') ~ ' from ' ~ catalog_free_relation(relation) ~ ')') }}
    {%- endif -%}
    {{ return(catalog_free_relation(relation)) }}
{%- endmacro %}

{#- Which of `column_names` the files of a present entity do not have (read as
    typed nulls by source()). -#}
{% macro landing_missing_columns(relation, column_names) -%}
    {{ return(adapter.dispatch('landing_missing_columns', 'growth_ledger')(relation, column_names)) }}
{%- endmacro %}

{#- Engines reading landed tables with a fixed schema: nothing is missing. -#}
{% macro default__landing_missing_columns(relation, column_names) -%}
    {{ return([]) }}
{%- endmacro %}

{% macro duckdb__landing_missing_columns(relation, column_names) -%}
    {%- set present = run_query('select * from ' ~ relation ~ ' limit 0').column_names | map('lower') | list -%}
    {{ return(column_names | reject('in', present) | list) }}
{%- endmacro %}

{#- The landing folder, as the sources read it. -#}
{% macro landing_path() -%}
    {{ return(var('landing_path', env_var('GROWTH_LEDGER_LANDING', 'data/demo'))) }}
{%- endmacro %}

{#- Is the source enabled (var `<source>_enabled`, default true)? -#}
{% macro landing_source_enabled(source_name) -%}
    {{ return(var(source_name ~ '_enabled', true) | string | lower not in ['false', '0', 'no']) }}
{%- endmacro %}

{#- Is a landing entity present: its source enabled, and at least one file matching
    its source's glob? Not a landing entity (another source): always present. -#}
{% macro landing_entity_is_present(source_name, table_name) -%}
    {%- set globs = landing_source_globs() -%}
    {%- set slug = source_name ~ '__' ~ table_name -%}
    {%- if slug not in globs or not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- if not landing_source_enabled(source_name) -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(landing_files_exist(landing_path() ~ '/' ~ globs[slug])) }}
{%- endmacro %}

{#- Does a glob match at least one file? -#}
{% macro landing_files_exist(glob_pattern) -%}
    {{ return(adapter.dispatch('landing_files_exist', 'growth_ledger')(glob_pattern)) }}
{%- endmacro %}

{#- Engines without a file glob read landed tables, not files: always present. -#}
{% macro default__landing_files_exist(glob_pattern) -%}
    {{ return(true) }}
{%- endmacro %}

{% macro duckdb__landing_files_exist(glob_pattern) -%}
    {%- set query -%}
        select count(*) from glob('{{ glob_pattern | replace("'", "''") }}')
    {%- endset -%}
    {{ return(run_query(query).columns[0].values()[0] > 0) }}
{%- endmacro %}
