{#- Incremental: only GA4 files not loaded yet are read (the file filter is
    pushed down to the file list); the days they export are decided again
    together with the rows already loaded for those days. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['source_file', 'source_row_number'],
    on_schema_change='fail',
) }}

with

source as (
    select * from {{ source('ga4', 'events') }}
    where {{ new_extract_files('filename') }}
),

parsed as (
    select
        {{ file_name('filename') }} as source_file,
        {{ extracted_at_from_filename('filename') }} as extracted_at,
        file_row_number as source_row_number,
        -- Several properties land in one sub-folder each; one property needs none.
        nullif(regexp_extract({{ file_name('filename') }}, '^([^/]+)/', 1), '') as ga4_property,
        -- BigQuery's events_intraday_YYYYMMDD table, exported as events_intraday_<extract>Z.parquet.
        lower({{ file_name('filename') }}) like '%events_intraday_%' as is_intraday,
        -- Raw values are kept only for rows that fail parsing: a JSON copy of
        -- every event would double the table for nothing. Superseded rows are
        -- found by source_file and source_row_number.
        case
            when
                event_timestamp is null or nullif(trim(event_name), '') is null
                or {{ parse_compact_date('event_date') }} is null
                then {{ row_to_json('source') }}
            else '{"file_row_number": ' || cast(file_row_number as {{ api.Column.translate_type('string') }}) || '}'
        end as raw_values,
        event_date as event_date_text,
        {{ parse_compact_date('event_date') }} as event_date,
        {{ timestamp_from_micros('event_timestamp') }} as event_at,
        nullif(trim(event_name), '') as event_name,
        nullif(trim(user_pseudo_id), '') as user_pseudo_id,
        nullif(trim(cast(user_id as {{ api.Column.translate_type('string') }})), '') as user_id,
        -- GA4 writes an integer; some connectors pass it on as text.
        coalesce(
            cast({{ ga4_param('ga_session_id', 'int') }} as {{ api.Column.translate_type('string') }}),
            {{ ga4_param('ga_session_id') }}
        ) as ga_session_id,
        {{ ga4_param('ga_session_number', 'int') }} as ga_session_number,
        {{ ga4_param('page_location') }} as page_location,
        {{ ga4_param('page_referrer') }} as page_referrer,
        coalesce({{ ga4_param('session_engaged') }} = '1', {{ ga4_param('session_engaged', 'int') }} = 1, false)
            as is_session_engaged,
        {{ ga4_param('engagement_time_msec', 'int') }} as engagement_time_msec,
        coalesce(
            nullif(collected_traffic_source.manual_source, ''), {{ ga4_param('source') }}
        ) as traffic_source,
        coalesce(
            nullif(collected_traffic_source.manual_medium, ''), {{ ga4_param('medium') }}
        ) as traffic_medium,
        coalesce(
            nullif(collected_traffic_source.manual_campaign_name, ''), {{ ga4_param('campaign') }}
        ) as traffic_campaign,
        nullif(collected_traffic_source.manual_campaign_id, '') as traffic_campaign_id,
        nullif(collected_traffic_source.manual_content, '') as traffic_content,
        coalesce(nullif(collected_traffic_source.gclid, ''), {{ ga4_param('gclid') }}) as gclid,
        device.category as device_category,
        geo.country as geo_country,
        coalesce(nullif(ecommerce.transaction_id, ''), {{ ga4_param('transaction_id') }}) as transaction_id,
        coalesce(
            ecommerce.purchase_revenue,
            {{ ga4_param('value', 'double') }},
            {{ ga4_param('value', 'float') }},
            {{ ga4_param('value', 'int') }}
        ) as purchase_revenue,
        upper({{ ga4_param('currency') }}) as currency,
        len(items) as item_count
    from source
),

validated as (
    select
        *,
        {{ invalid_reason([
            ('extracted_at is null', 'file name has no extract timestamp'),
            ('event_date is null', 'event_date is not a YYYYMMDD date'),
            ('event_at is null', 'event_timestamp is missing'),
            ('event_name is null', 'event_name is missing'),
        ]) }} as invalid_reason
    from parsed
),

{% if is_incremental() %}
    with_loaded_rows as (
        select * from validated
        union all
    {{ loaded_rows_of_partitions(
        'event_date_text', 'select distinct event_date_text from validated', ['quarantine_reason']
    ) }}
    ),
{% endif %}

final as (
    select
        *,
        case
            when invalid_reason is not null then invalid_reason
            -- GA4 replaces a day's intraday table with the daily one when the day is complete.
            when
                is_intraday
                and {{ dbt.bool_or('not is_intraday') }} over (partition by ga4_property, event_date_text)
                then 'superseded by the daily export'
            -- A day's table exported again replaces the earlier file whole.
            when
                extracted_at
                < max(extracted_at) over (partition by ga4_property, event_date_text, is_intraday)
                then 'superseded by a later extract'
        end as quarantine_reason
    from {{ 'with_loaded_rows' if is_incremental() else 'validated' }}
)

select * from final
