{#- Incremental loading of raw extracts and of the facts built on them.

    Landing files are immutable and named by their extract time, so an
    incremental run reads only the files it has not loaded yet. The file
    filter is a constant predicate on the file name, computed before the
    query runs: DuckDB (1.5) prunes files on such a predicate (read_parquet
    and read_csv with filename = true) but not on a subquery, so it is
    inlined as literals. Only files whose extract time is at least the
    latest loaded extract minus `restatement_lookback_days` are listed, so
    the predicate stays short; a file landing later than that needs a
    --full-refresh. -#}

{#- A timestamp literal; value is a datetime or an ISO string. -#}
{% macro timestamp_literal(value) -%}
    cast('{{ value }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- The earliest extract time an incremental run reads: the latest extract
    already loaded into this model minus restatement_lookback_days; none when
    the model is empty. -#}
{% macro incremental_extract_cutoff(extracted_at_column='extracted_at') -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set latest = run_query(
        'select max(' ~ extracted_at_column ~ ') from ' ~ this
    ).columns[0].values()[0] -%}
    {%- if latest is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(latest - modules.datetime.timedelta(days=var('restatement_lookback_days') | int)) }}
{%- endmacro %}

{#- Predicate on a source's filename column keeping only the extract files
    not yet loaded into this model (true outside incremental runs). -#}
{% macro new_extract_files(filename_column='filename') -%}
    {%- if not (execute and is_incremental()) -%}
        true
    {%- else -%}
        {%- set cutoff = incremental_extract_cutoff() -%}
        {%- if cutoff is none -%}
            true
        {%- else -%}
            {%- set loaded = run_query(
                'select distinct source_file from ' ~ this
                ~ ' where extracted_at >= ' ~ timestamp_literal(cutoff) ~ ' or extracted_at is null'
            ).columns[0].values() -%}
            (
                {{ extracted_at_from_filename(filename_column) }} >= {{ timestamp_literal(cutoff) }}
                or {{ extracted_at_from_filename(filename_column) }} is null
            )
            {%- if loaded | length > 0 %}
            and {{ file_name(filename_column) }} not in (
                {%- for name in loaded | sort %}'{{ name | replace("'", "''") }}'{{ ',' if not loop.last }}{% endfor -%}
            )
            {%- endif -%}
        {%- endif -%}
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

{#- The first date an incremental fact must rebuild: the earliest date of
    the events loaded from extracts within restatement_lookback_days of the
    latest extract in base_relation (so a day exported late, or restated,
    is rebuilt whatever its date). The relation needs extracted_at. Call
    it only in incremental runs (`if is_incremental()` in the model, which
    unit tests can override). -#}
{% macro first_restated_date(base_relation, date_column) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        select min({{ date_column }})
        from {{ base_relation }}
        where extracted_at >= (
            select {{ dbt.dateadd('day', -(var('restatement_lookback_days') | int), 'max(extracted_at)') }}
            from {{ base_relation }}
        )
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
    before the first restated event day, or the first session whose purchase
    revenue in EUR no longer matches its purchase events (FX rates of a month
    land after the month), whichever is earlier. `this` needs session_key,
    session_date, has_purchase and purchase_revenue_eur. Every sessions
    model calls it in the same run, before or after int_sessions_from_events
    has been rebuilt: the restated days come from the events' extract times,
    and a model not rebuilt yet still holds the old revenue, so each finds
    the same first date. -#}
{% macro first_rebuilt_session_date(events) -%}
    {%- set first_restated = first_restated_date(events, 'event_date') -%}
    {%- if first_restated is none -%}
        {{ return(none) }}
    {%- endif -%}
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
    {%- set day_before = first_restated - modules.datetime.timedelta(days=1) -%}
    {%- if first_changed is not none and first_changed < day_before -%}
        {{ return(first_changed) }}
    {%- endif -%}
    {{ return(day_before) }}
{%- endmacro %}

{#- The shop orders an incremental model of orders or order lines (this:
    order_id, extracted_at, units_per_eur) must decide again, as a select of
    order_id from `orders` (stg_shop__orders, or the model's import CTE of
    it with order_id, extracted_at and units_per_eur, so the view is read
    once): the orders it does not hold
    yet (new, or quarantined until their FX rate landed), the orders whose
    winning extract changed since it loaded them (restated orders, and old
    orders exported again with a new refund: refunds travel in the order's
    document) and the orders whose FX rate base_shop__orders converted again
    (a month's rates land after the month). Exact whatever the lookback: it
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
