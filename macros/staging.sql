{#- Shared pieces of the staging pattern: every base model reads all raw rows
    as text, parses them, names a reason for each row it cannot use, and lets
    the latest extract win. Nothing is dropped: stg_ models keep the rows with
    no reason, stg_quarantine__rows keeps the others. -#}

{#- Extract time: the UTC timestamp that ends every file name,
    <entity>_<YYYYMMDD>T<HHMMSS>Z.<ext>[.gz|.zst], any case of extension. -#}
{% macro extracted_at_from_filename(filename_column) -%}
    {{ return(adapter.dispatch('extracted_at_from_filename', 'growth_ledger')(filename_column)) }}
{%- endmacro %}

{#- Spark-style defaults: the models must later run on Spark. -#}
{% macro default__extracted_at_from_filename(filename_column) -%}
    to_timestamp(regexp_extract({{ filename_column }}, '_([0-9]{8}T[0-9]{6})Z[.][A-Za-z]+([.][A-Za-z0-9]+)?$', 1), 'yyyyMMdd\'T\'HHmmss')
{%- endmacro %}

{% macro duckdb__extracted_at_from_filename(filename_column) -%}
    try_strptime(regexp_extract({{ filename_column }}, '_([0-9]{8}T[0-9]{6})Z\.[A-Za-z]+(\.[A-Za-z0-9]+)?$', 1), '%Y%m%dT%H%M%S')
{%- endmacro %}

{#- The file's path under its entity folder (<source>/<entity>/): its name, with
    the sub-folders that keep several accounts or properties of one source
    apart, so two files of the same name in two sub-folders stay two files. A
    path outside any entity folder gives its name. -#}
{% macro file_name(filename_column) -%}
    {{ return(adapter.dispatch('file_name', 'growth_ledger')(filename_column)) }}
{%- endmacro %}

{% macro landing_entity_folders_pattern() -%}
    {%- set folders = [] -%}
    {%- for slug in landing_source_globs() | sort -%}
        {%- do folders.append(slug.replace('__', '/', 1)) -%}
    {%- endfor -%}
    {{ return(folders | join('|')) }}
{%- endmacro %}

{% macro default__file_name(filename_column) -%}
    coalesce(
        nullif(regexp_extract({{ filename_column }}, '(^|[/\\\\])({{ landing_entity_folders_pattern() }})[/\\\\](.+)$', 3), ''),
        regexp_extract({{ filename_column }}, '[^/\\\\]+$', 0)
    )
{%- endmacro %}

{% macro duckdb__file_name(filename_column) -%}
    coalesce(
        nullif(regexp_extract({{ filename_column }}, '(^|[/\\])({{ landing_entity_folders_pattern() }})[/\\](.+)$', 3), ''),
        regexp_extract({{ filename_column }}, '[^/\\]+$')
    )
{%- endmacro %}

{#- The landing folder a file came from, relative to the landing:
    `<source>/<entity>`, followed by its sub-folders when several accounts,
    properties or connectors of one platform are landed side by side (one
    sub-folder each, `growth-ledger import --source-relation`). Fivetran's
    packages call this `source_relation`. -#}
{% macro source_relation(filename_column) -%}
    {{ return(adapter.dispatch('source_relation', 'growth_ledger')(filename_column)) }}
{%- endmacro %}

{% macro default__source_relation(filename_column) -%}
    regexp_extract({{ filename_column }}, '(^|[/\\\\])(({{ landing_entity_folders_pattern() }})([/\\\\].+)?)[/\\\\][^/\\\\]+$', 2)
{%- endmacro %}

{% macro duckdb__source_relation(filename_column) -%}
    regexp_extract({{ filename_column }}, '(^|[/\\])(({{ landing_entity_folders_pattern() }})([/\\].+)?)[/\\][^/\\]+$', 2)
{%- endmacro %}

{#- The whole raw row as JSON text, kept with quarantined rows. -#}
{% macro row_to_json(relation_alias) -%}
    {{ return(adapter.dispatch('row_to_json', 'growth_ledger')(relation_alias)) }}
{%- endmacro %}

{% macro default__row_to_json(relation_alias) -%}
    to_json(struct({{ relation_alias }}.*))
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

{#- Strict number parsing, by the one declared rule (contract/landing.yml,
    csv_dialect: '.' decimal point, no thousands separator): an integer type
    takes digits only, so '12.5', '1e3', '1,234' or '1_000' are not integers
    (a plain cast rounds 12.5 to 13 and reads '1_000' as 1000); other types
    take a decimal number with an optional exponent. NaN, inf, decimal commas
    and thousands separators never parse, so the row is quarantined. -#}
{% macro is_integer_text(column) -%}
    {{ regex_matches('trim(' ~ column ~ ')', "'^[+-]?[0-9]+$'") }}
{%- endmacro %}

{% macro is_decimal_text(column) -%}
    {{ regex_matches('trim(' ~ column ~ ')', "'^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$'") }}
{%- endmacro %}

{#- Text to a number of data_type, or null when it does not follow the rule. -#}
{% macro parse_number(column, data_type) -%}
    {%- set is_integer = data_type | lower in ('integer', 'int', 'bigint', 'smallint', 'hugeint', 'int64') -%}
    case
        when {{ is_integer_text(column) if is_integer else is_decimal_text(column) }}
            then {{ try_cast('trim(' ~ column ~ ')', data_type) }}
    end
{%- endmacro %}

{#- Text to a non-negative number, or null. -#}
{% macro parse_non_negative(column, data_type) -%}
    case
        when {{ parse_number(column, data_type) }} >= 0 then {{ parse_number(column, data_type) }}
    end
{%- endmacro %}

{#- Text to a date, only in the declared format YYYY-MM-DD (optionally followed
    by a midnight time, as TikTok writes its days); anything else is null:
    '01-04-26' would otherwise be read as the year 0001. -#}
{% macro parse_date(column) -%}
    case
        when {{ regex_matches('trim(' ~ column ~ ')', "'^[0-9]{4}-[0-9]{2}-[0-9]{2}( 00:00:00)?$'") }}
            then {{ try_cast('left(trim(' ~ column ~ '), 10)', 'date') }}
    end
{%- endmacro %}

{#- A key as text, trimmed, null when empty. -#}
{% macro parse_id(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{#- True when an id was turned into a number by a spreadsheet (6.8007E+11):
    its digits are lost, so distinct ids would collide. -#}
{% macro is_mangled_id(column) -%}
    coalesce({{ regex_matches('trim(' ~ column ~ ')', "'^[0-9]+([.,][0-9]+)?[eE][+]?[0-9]+$'") }}, false)
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

{% macro default__json_lines(source_relation) -%}
    select
        filename,
        pos + 1 as line_number,
        trim(regexp_replace(raw_line, '^\\uFEFF', '')) as raw_line
    from {{ source_relation }}
    lateral view posexplode(split(content, '\\n')) as pos, raw_line
    where trim(regexp_replace(raw_line, '^\\uFEFF', '')) != ''
{%- endmacro %}

{% macro duckdb__json_lines(source_relation) -%}
    {#- Select-list unnest: a lateral unnest per file is far slower here. -#}
    {#- chr(65279): the byte order mark a Windows tool writes before the first line. -#}
    select
        filename,
        line_number,
        trim(raw_line, chr(13) || ' ' || chr(65279)) as raw_line
    from (
        select
            filename,
            unnest(string_split(content, chr(10))) as raw_line,
            generate_subscripts(string_split(content, chr(10)), 1) as line_number
        from {{ source_relation }}
    ) as lines
    where trim(raw_line, chr(13) || ' ' || chr(65279)) != ''
{%- endmacro %}

{#- Is a line of a .jsonl file one JSON object (the contract's "valid JSON"),
    not an array, a scalar or broken JSON: true / false, null for null. -#}
{% macro is_json_object(text) -%}
    {{ return(adapter.dispatch('is_json_object', 'growth_ledger')(text)) }}
{%- endmacro %}

{% macro default__is_json_object(text) -%}
    {#- json_object_keys is null for anything but a JSON object. -#}
    case when {{ text }} is not null then json_object_keys({{ text }}) is not null end
{%- endmacro %}

{% macro duckdb__is_json_object(text) -%}
    case when json_valid({{ text }}) then json_type({{ text }}) = 'OBJECT' else json_valid({{ text }}) end
{%- endmacro %}

{#- Scalars of a JSON document as text, in one pass: a list holding the
    value at each of paths, in order (extracting one path per call parses the
    document again each time, which dominates a wide parse). Read an item
    with json_text_item. -#}
{% macro json_texts(json_column, paths) -%}
    {{ return(adapter.dispatch('json_texts', 'growth_ledger')(json_column, paths)) }}
{%- endmacro %}

{% macro default__json_texts(json_column, paths) -%}
    array({% for path in paths %}get_json_object({{ json_column }}, '{{ path }}'){{ ', ' if not loop.last }}{% endfor %})
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

{% macro default__ga4_param(key, value_type) -%}
    filter(event_params, param -> param.key = '{{ key }}')[0].value.{{ value_type }}_value
{%- endmacro %}

{% macro duckdb__ga4_param(key, value_type) -%}
    event_params[list_position(list_transform(event_params, lambda param: param.key), '{{ key }}')].value.{{ value_type }}_value
{%- endmacro %}

{#- Query-string value to text: '+' and %XX escapes decoded. -#}
{% macro url_decode(text) -%}
    {{ return(adapter.dispatch('url_decode', 'growth_ledger')(text)) }}
{%- endmacro %}

{% macro default__url_decode(text) -%}
    url_decode({{ text }})
{%- endmacro %}

{% macro duckdb__url_decode(text) -%}
    url_decode(replace({{ text }}, '+', ' '))
{%- endmacro %}

{#- GA4's event_date text (YYYYMMDD) as a date. -#}
{% macro parse_compact_date(text) -%}
    {{ return(adapter.dispatch('parse_compact_date', 'growth_ledger')(text)) }}
{%- endmacro %}

{% macro default__parse_compact_date(text) -%}
    to_date({{ text }}, 'yyyyMMdd')
{%- endmacro %}

{% macro duckdb__parse_compact_date(text) -%}
    {{ try_cast("strptime(" ~ text ~ ", '%Y%m%d')", 'date') }}
{%- endmacro %}

{#- GA4's event_timestamp (microseconds since the epoch, UTC) as a timestamp. -#}
{% macro timestamp_from_micros(micros) -%}
    {{ return(adapter.dispatch('timestamp_from_micros', 'growth_ledger')(micros)) }}
{%- endmacro %}

{% macro default__timestamp_from_micros(micros) -%}
    timestamp_micros({{ micros }})
{%- endmacro %}

{% macro duckdb__timestamp_from_micros(micros) -%}
    {{ try_cast('make_timestamp(' ~ micros ~ ')', 'timestamp') }}
{%- endmacro %}
