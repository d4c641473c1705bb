{#- Shared pieces of the staging pattern: every base model reads all raw rows
    as text, parses them, names a reason for each row it cannot use, and lets
    the latest extract win. Nothing is dropped: stg_ models keep the rows with
    no reason, stg_quarantine__rows keeps the others. -#}

{#- Extract time: the UTC timestamp that ends every file name,
    <entity>_<YYYYMMDD>T<HHMMSS>Z.<ext>[.gz|.zst], any case of extension. -#}
{% macro extracted_at_from_filename(filename_column) -%}
    {{ return(adapter.dispatch('extracted_at_from_filename', 'growth_ledger')(filename_column)) }}
{%- endmacro %}

{% macro duckdb__extracted_at_from_filename(filename_column) -%}
    try_strptime(regexp_extract({{ filename_column }}, '_([0-9]{8}T[0-9]{6})Z\.[A-Za-z]+(\.[A-Za-z0-9]+)?$', 1), '%Y%m%dT%H%M%S')
{%- endmacro %}

{#- File name without its folders. -#}
{% macro file_name(filename_column) -%}
    {{ return(adapter.dispatch('file_name', 'growth_ledger')(filename_column)) }}
{%- endmacro %}

{% macro duckdb__file_name(filename_column) -%}
    regexp_extract({{ filename_column }}, '[^/\\]+$')
{%- endmacro %}

{#- The whole raw row as JSON text, kept with quarantined rows. -#}
{% macro row_to_json(relation_alias) -%}
    {{ return(adapter.dispatch('row_to_json', 'growth_ledger')(relation_alias)) }}
{%- endmacro %}

{% macro duckdb__row_to_json(relation_alias) -%}
    cast(to_json({{ relation_alias }}) as {{ api.Column.translate_type('string') }})
{%- endmacro %}

{#- Cast that gives null instead of failing. dbt-duckdb's dbt.safe_cast is a
    plain cast, so DuckDB gets try_cast; other engines keep dbt.safe_cast. -#}
{% macro try_cast(column, data_type) -%}
    {{ return(adapter.dispatch('try_cast', 'growth_ledger')(column, data_type)) }}
{%- endmacro %}

{% macro default__try_cast(column, data_type) -%}
    {{ dbt.safe_cast(column, data_type) }}
{%- endmacro %}

{% macro duckdb__try_cast(column, data_type) -%}
    try_cast({{ column }} as {{ data_type }})
{%- endmacro %}

{#- Text to a non-negative number, or null. -#}
{% macro parse_non_negative(column, data_type) -%}
    case
        when {{ try_cast(column, data_type) }} >= 0 then {{ try_cast(column, data_type) }}
    end
{%- endmacro %}

{#- Why a parsed row cannot be used, from (condition, reason) pairs; null when
    it can. The first failing check names the reason. Every reason must be
    declared with its reason code in contract/landing.yml (the compile fails
    otherwise), so stg_quarantine__rows can give each row a stable code. -#}
{% macro invalid_reason(checks) -%}
    {%- set declared = landing_reason_codes().get(model.name | replace('base_', '', 1), {}) -%}
    {%- for condition, reason in checks -%}
        {%- if reason not in declared -%}
            {{ exceptions.raise_compiler_error(
                model.name ~ ": quarantine reason '" ~ reason ~ "' is not declared in contract/landing.yml"
            ) }}
        {%- endif -%}
    {%- endfor -%}
    case
        {%- for condition, reason in checks %}
        when {{ condition }} then '{{ reason }}'
        {%- endfor %}
    end
{%- endmacro %}

{#- Latest extract wins: among the valid rows that share a natural key, the
    row from the latest extract is kept; the others are quarantined as
    superseded. Copies within the latest extract: identical copies are
    duplicates (one is staged); copies that differ are a conflict (a key
    mangled by a spreadsheet, a broken export), and all of them are
    quarantined, since none can be trusted. Where the model has line numbers
    (line_number_column: an append-only export of changed objects), the last
    line of the file wins instead. raw_values must not hold the line number. -#}
{% macro quarantine_reason(key_columns, line_number_column=none) -%}
    {%- set partition -%}
        invalid_reason is null, {{ key_columns | join(', ') }}
    {%- endset -%}
    case
        when invalid_reason is not null then invalid_reason
        {%- if not line_number_column %}
        when extracted_at = max(extracted_at) over (partition by {{ partition }})
            and min(raw_values) over (partition by {{ partition }}, extracted_at)
            != max(raw_values) over (partition by {{ partition }}, extracted_at)
            then 'conflicting rows for the same key in the same extract'
        {%- endif %}
        when row_number() over (
            partition by {{ partition }}
            order by extracted_at desc, source_file desc, {{ line_number_column or 'raw_values' }} desc
        ) = 1 then null
        when extracted_at = max(extracted_at) over (partition by {{ partition }})
            then 'duplicate row in the same extract'
        else 'superseded by a later extract'
    end
{%- endmacro %}

{#- Money in the reporting currency. FX rates are units of a currency per
    1 EUR (ECB reference rates), and money columns are named *_eur, so EUR is
    the only reporting currency this release supports. -#}
{% macro to_reporting_currency(amount, units_per_eur) -%}
    {%- if var('reporting_currency') != 'EUR' -%}
        {{ exceptions.raise_compiler_error(
            "reporting_currency is '" ~ var('reporting_currency') ~ "', but money columns are named *_eur "
            ~ "and FX rates are per EUR: set reporting_currency to EUR."
        ) }}
    {%- endif -%}
    {{ amount }} / {{ units_per_eur }}
{%- endmacro %}

{#- JSON lines: one row per non-empty line of every file, with its line number.
    Reading the text ourselves (not read_json) means a malformed line is
    quarantined with its raw text instead of being skipped or failing the run. -#}
{% macro json_lines(source_relation) -%}
    {{ return(adapter.dispatch('json_lines', 'growth_ledger')(source_relation)) }}
{%- endmacro %}

{% macro duckdb__json_lines(source_relation) -%}
    {#- Select-list unnest: a lateral unnest per file is far slower here. -#}
    select
        filename,
        line_number,
        trim(raw_line, chr(13) || ' ') as raw_line
    from (
        select
            filename,
            unnest(string_split(content, chr(10))) as raw_line,
            generate_subscripts(string_split(content, chr(10)), 1) as line_number
        from {{ source_relation }}
    ) as lines
    where trim(raw_line, chr(13) || ' ') != ''
{%- endmacro %}

{#- Scalars of a JSON document as text, in one pass: a list holding the
    value at each of paths, in order (extracting one path per call parses the
    document again each time, which dominates a wide parse). Read an item
    with json_text_item. -#}
{% macro json_texts(json_column, paths) -%}
    {{ return(adapter.dispatch('json_texts', 'growth_ledger')(json_column, paths)) }}
{%- endmacro %}

{% macro duckdb__json_texts(json_column, paths) -%}
    json_extract_string({{ json_column }}, [{% for path in paths %}'{{ path }}'{{ ', ' if not loop.last }}{% endfor %}])
{%- endmacro %}

{#- The value at path of a json_texts list: trimmed, null
    when absent or empty. -#}
{% macro json_text_item(texts_column, paths, path) -%}
    nullif(trim({{ texts_column }}[{{ paths.index(path) + 1 }}]), '')
{%- endmacro %}

{#- One GA4 event parameter, from the BigQuery export's key/value list. -#}
{% macro ga4_param(key, value_type='string') -%}
    {{ return(adapter.dispatch('ga4_param', 'growth_ledger')(key, value_type)) }}
{%- endmacro %}

{% macro duckdb__ga4_param(key, value_type) -%}
    event_params[list_position(list_transform(event_params, lambda param: param.key), '{{ key }}')].value.{{ value_type }}_value
{%- endmacro %}

{#- Query-string value to text: '+' and %XX escapes decoded. -#}
{% macro url_decode(text) -%}
    {{ return(adapter.dispatch('url_decode', 'growth_ledger')(text)) }}
{%- endmacro %}

{% macro duckdb__url_decode(text) -%}
    url_decode(replace({{ text }}, '+', ' '))
{%- endmacro %}
