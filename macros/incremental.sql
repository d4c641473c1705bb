{#- Incremental loading of raw extracts and of the facts built on them.

    Landing files are immutable and named by their extract time, so an
    incremental run reads only the files it has not loaded yet, whatever
    their extract time: a re-run of an old export or a backfill is read by
    the next run like any new file. -#}

{#- File names as a sorted, comma-separated list of SQL string literals. -#}
{% macro file_name_literals(names) -%}
    {%- for name in names | sort %}'{{ name | replace("'", "''") }}'{{ ', ' if not loop.last }}{% endfor -%}
{%- endmacro %}

{#- Predicate on a source's filename column keeping only the extract files
    not yet loaded into this model (true outside incremental runs). The base
    model is named base_<source>__<entity> after the landing entity it reads. -#}
{% macro new_extract_files(filename_column='filename') -%}
    {%- if not (execute and is_incremental()) -%}
        true
    {%- else -%}
        {%- set loaded = run_query('select distinct source_file from ' ~ this).columns[0].values() -%}
        {{ adapter.dispatch('new_extract_files', 'growth_ledger')(filename_column, loaded | list) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__new_extract_files(filename_column, loaded) -%}
    {%- if loaded | length == 0 -%}
        true
    {%- else -%}
        {{ file_name(filename_column) }} not in ({{ file_name_literals(loaded) }})
    {%- endif -%}
{%- endmacro %}

{#- DuckDB (1.5) skips the files a glob matches on a constant IN list of their
    names, but evaluates a NOT IN list of every loaded file on every row of
    every file (measured: 100x slower on 1,500 files): list the landed files
    and keep, as an IN list, those not loaded yet. -#}
{% macro duckdb__new_extract_files(filename_column, loaded) -%}
    {%- set slug = this.identifier | replace('base_', '', 1) -%}
    {%- set pattern = landing_path() ~ '/' ~ landing_source_globs()[slug] -%}
    {%- set landed = run_query(
        'select ' ~ file_name('file') ~ " from glob('" ~ pattern | replace("'", "''") ~ "')"
    ).columns[0].values() -%}
    {%- set new_files = landed | reject('in', loaded) | list -%}
    {%- if new_files | length == 0 -%}
        false
    {%- else -%}
        {{ file_name(filename_column) }} in ({{ file_name_literals(new_files) }})
    {%- endif -%}
{%- endmacro %}

{#- The rows this model already holds for some partitions (values of
    partition_column returned by the partitions query), without the columns
    the model computes again: "latest extract wins" is decided again over
    old and new rows together, so a restated day replaces the earlier rows.
    The remaining columns keep the model's order. -#}
{% macro loaded_rows_of_partitions(partition_column, partitions, recomputed_columns) -%}
    {{ return(adapter.dispatch('loaded_rows_of_partitions', 'growth_ledger')(partition_column, partitions, recomputed_columns)) }}
{%- endmacro %}

{#- Engines without `select * exclude`: the table's columns, listed. -#}
{% macro default__loaded_rows_of_partitions(partition_column, partitions, recomputed_columns) -%}
    {%- set kept = [] -%}
    {%- for column in adapter.get_columns_in_relation(this) -%}
        {%- if column.name | lower not in recomputed_columns | map('lower') | list -%}
            {%- do kept.append(adapter.quote(column.name)) -%}
        {%- endif -%}
    {%- endfor -%}
    select {{ kept | join(', ') }}
    from {{ this }}
    where {{ partition_column }} in ({{ partitions }})
{%- endmacro %}

{% macro duckdb__loaded_rows_of_partitions(partition_column, partitions, recomputed_columns) -%}
    select * exclude ({{ recomputed_columns | join(', ') }})
    from {{ this }}
    where {{ partition_column }} in ({{ partitions }})
{%- endmacro %}

{#- The extract files each incremental fact has taken into account, a row
    per model and file (source_file). Comparing them with the files of its
    event source tells a model exactly which files are new to it: after
    nights without a build, a failed model, or a file that lands late under
    an older extract time, as well as after the usual nightly file. The
    on-run-start hook creates the table; each model's post-hook
    (record_processed_files) adds the files once its table is built. -#}
{% macro processed_files_relation() -%}
    {{ return(api.Relation.create(schema='build_state', identifier='processed_extract_files')) }}
{%- endmacro %}

{% macro create_processed_files_log() -%}
    create schema if not exists build_state;
    create table if not exists {{ processed_files_relation() }} (
        model_name {{ dbt.type_string() }},
        source_file {{ dbt.type_string() }}
    )
{%- endmacro %}

{#- The files of `source` this model has not taken into account yet, as a
    predicate on its source_file column. -#}
{% macro is_new_file_for_this_model(source_file_column='source_file') -%}
    {{ source_file_column }} not in (
        select processed.source_file
        from {{ processed_files_relation() }} as processed
        where processed.model_name = '{{ this.identifier }}' and processed.source_file is not null
    )
{%- endmacro %}

{#- Post-hook of a model that calls first_restated_date on `source`. A model
    whose build fails records nothing, so its next run rebuilds those days. -#}
{% macro record_processed_files(source) -%}
    insert into {{ processed_files_relation() }} (model_name, source_file)
    select distinct '{{ this.identifier }}', source_file
    from {{ source }}
    where {{ is_new_file_for_this_model() }}
{%- endmacro %}

{#- The first date an incremental fact must rebuild: the earliest date of
    the events of `source` (which needs source_file) from the files this
    model has not taken into account yet (so a day exported again, late or
    restated, is rebuilt whatever its date or its file's extract time). The
    model records its files with the post-hook record_processed_files; a
    model with none recorded yet (built before this log existed) rebuilds
    from the first day once. Call it only in incremental runs (`if
    is_incremental()` in the model, which unit tests can override). -#}
{% macro first_restated_date(source, date_column) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        select min({{ date_column }})
        from {{ source }}
        where {{ is_new_file_for_this_model() }}
    {%- endset -%}
    {{ return(run_query(query).columns[0].values()[0]) }}
{%- endmacro %}

{#- A date literal; value is a date or an ISO string. -#}
{% macro date_literal(value) -%}
    cast('{{ value }}' as date)
{%- endmacro %}

{#- The session of a GA4 event: GA4's own session_key, or for events sent
    without analytics consent (no session_key) the day's consent-gap
    pseudo-session of its property, 'consent_gap.<YYYY-MM-DD>'. -#}
{% macro ga4_session_key(session_key='session_key', ga4_property='ga4_property', event_date='event_date') -%}
    coalesce(
        {{ session_key }},
        {{ dbt.concat([
            "coalesce(" ~ ga4_property ~ " || '/', '')", "'consent_gap.'", dbt.cast(event_date, dbt.type_string())
        ]) }}
    )
{%- endmacro %}

{#- The first session date an incremental run of a sessions model (this:
    int_sessions_from_events, or fct_sessions built on it) rebuilds: the day
    before the first event day of the event files new to the model
    (first_restated_date), or the first session whose purchase revenue in
    EUR no longer matches its purchase events (FX rates of a month land after
    the month), whichever is earlier; with neither, the day after its last
    session, so nothing is rebuilt. `this` needs session_key, session_date,
    has_purchase and purchase_revenue_eur. Each sessions model decides from
    its own files and its own revenue, so a model that was not rebuilt last
    time catches up. -#}
{% macro first_rebuilt_session_date(events) -%}
    {%- set first_restated = first_restated_date(events, 'event_date') -%}
    {%- set query -%}
        with

        purchases as (
            select
                {{ ga4_session_key() }} as session_key,
                coalesce(sum(purchase_revenue_eur), 0) as purchase_revenue_eur
            from {{ events }}
            where event_name = 'purchase'
            group by 1
        )

        select min(sessions.session_date)
        from {{ this }} as sessions
        left join purchases
            on sessions.session_key = purchases.session_key
        where
            sessions.has_purchase
            and abs(sessions.purchase_revenue_eur - coalesce(purchases.purchase_revenue_eur, 0)) > 0.005
    {%- endset -%}
    {%- set first_changed = run_query(query).columns[0].values()[0] -%}
    {%- set candidates = [] -%}
    {%- if first_restated is not none -%}
        {%- do candidates.append(first_restated - modules.datetime.timedelta(days=1)) -%}
    {%- endif -%}
    {%- if first_changed is not none -%}
        {%- do candidates.append(first_changed) -%}
    {%- endif -%}
    {%- if candidates -%}
        {{ return(candidates | min) }}
    {%- endif -%}
    {%- set last_session_date = run_query('select max(session_date) from ' ~ this).columns[0].values()[0] -%}
    {{ return(none if last_session_date is none else last_session_date + modules.datetime.timedelta(days=1)) }}
{%- endmacro %}

{#- The shop orders an incremental model of orders or order lines (this:
    order_id, extracted_at, units_per_eur) must decide again, as a select of
    order_id from `orders` (stg_shop__orders, or the model's import CTE of
    it with order_id, extracted_at and units_per_eur, so the view is read
    once): the orders it does not hold
    yet (new, or quarantined until their FX rate landed), the orders whose
    winning extract changed since it loaded them (restated orders, and old
    orders exported again with a new refund: refunds travel in the order's
    document) and the orders whose FX rate changed (staging converts, and a
    month's rates land after the month). Exact whatever the lookback: it
    compares extract times, not a window of them. -#}
{% macro changed_shop_orders(orders) -%}
    select distinct current_orders.order_id
    from {{ orders }} as current_orders
    left join {{ this }} as loaded
        on current_orders.order_id = loaded.order_id
    where
        loaded.order_id is null
        or loaded.extracted_at is distinct from current_orders.extracted_at
        or loaded.units_per_eur is distinct from current_orders.units_per_eur
{%- endmacro %}
