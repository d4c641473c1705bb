{#- Helpers for the business sources (catalog, subscriptions, e-mail, support,
    stores, finance, Search Console), on top of macros/staging.sql. -#}

{#- The raw rows with every optional column of the contract present: a column
    absent from all files is null instead of failing the build (the landing
    contract: "a missing optional column is null"). Required columns are
    referenced directly, so a missing one still stops the build. -#}
{% macro with_optional_columns(source_relation, optional_columns) -%}
    {{ return(adapter.dispatch('with_optional_columns', 'growth_ledger')(source_relation, optional_columns)) }}
{%- endmacro %}

{% macro default__with_optional_columns(source_relation, optional_columns) -%}
    {#- Engines without union by name: the columns the relation lacks are added as nulls. -#}
    {%- set present = adapter.get_columns_in_relation(source_relation) | map(attribute='name') | map('lower') | list -%}
    select
        *
        {%- for column in optional_columns if column | lower not in present %},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote(column) }}
        {%- endfor %}
    from {{ source_relation }}
{%- endmacro %}

{% macro duckdb__with_optional_columns(source_relation, optional_columns) -%}
    select * from {{ source_relation }}
    union all by name
    select
        {%- for column in optional_columns %}
        cast(null as {{ api.Column.translate_type('string') }}) as "{{ column }}"{{ ',' if not loop.last }}
        {%- endfor %}
    where false
{%- endmacro %}

{#- Text timestamp to a UTC timestamp without zone, or null. Offsets
    ('+01:00', 'Z') are applied; a value without offset is taken as UTC (the
    contract: "timestamps carry an offset or are UTC"), whatever the session
    time zone. -#}
{% macro utc_timestamp(column) -%}
    {{ return(adapter.dispatch('utc_timestamp', 'growth_ledger')(column)) }}
{%- endmacro %}

{% macro default__utc_timestamp(column) -%}
    {#- Only ISO 8601 with a four-digit year: '01-04-26 10:00' is refused, not
        read as the year 0001. -#}
    case
        when not {{ regex_matches('trim(' ~ column ~ ')', "'^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$'") }}
            then null
        when {{ regex_matches('trim(' ~ column ~ ')', "'(Z|[+-][0-9]{2}(:?[0-9]{2})?)$'") }}
            then {{ dbt.cast(try_cast('trim(' ~ column ~ ')', dbt.type_timestamp() ~ ' with time zone'), dbt.type_timestamp()) }}
        else {{ try_cast('trim(' ~ column ~ ')', dbt.type_timestamp()) }}
    end
{%- endmacro %}

{% macro duckdb__utc_timestamp(column) -%}
    case
        when not {{ regex_matches('trim(' ~ column ~ ')', "'^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$'") }}
            then null
        when {{ regex_matches('trim(' ~ column ~ ')', "'(Z|[+-][0-9]{2}(:?[0-9]{2})?)$'") }}
            then timezone('UTC', {{ try_cast('trim(' ~ column ~ ')', 'timestamptz') }})
        else {{ try_cast('trim(' ~ column ~ ')', 'timestamp') }}
    end
{%- endmacro %}

{#- Day of a UTC timestamp (without zone) in the reporting time zone
    (var reporting_timezone). -#}
{% macro reporting_date(utc_timestamp_column) -%}
    {{ return(adapter.dispatch('reporting_date', 'growth_ledger')(utc_timestamp_column)) }}
{%- endmacro %}

{% macro default__reporting_date(utc_timestamp_column) -%}
    cast(from_utc_timestamp({{ utc_timestamp_column }}, '{{ var("reporting_timezone") }}') as date)
{%- endmacro %}

{% macro duckdb__reporting_date(utc_timestamp_column) -%}
    cast(timezone('{{ var("reporting_timezone") }}', timezone('UTC', {{ utc_timestamp_column }})) as date)
{%- endmacro %}
