{#- Incremental: only extracts not loaded yet are read; the events they
    export are decided again together with the rows already loaded for them. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['source_file', 'event_id'],
    on_schema_change='fail',
) }}

with

source as (
    select * from ({{ with_optional_columns(source('email', 'events'), ['url']) }}) as events
    where {{ new_extract_files('filename') }}
),

parsed as (
    select
        {{ file_name('source.filename') }} as source_file,
        {{ extracted_at_from_filename('source.filename') }} as extracted_at,
        {{ row_to_json('source') }} as raw_values,
        nullif(trim(source.event_id), '') as event_id,
        lower(trim(source.event_type)) as event_type,
        {{ utc_timestamp('source.occurred_at') }} as occurred_at,
        nullif(trim(source.campaign_id), '') as campaign_id,
        nullif(trim(source.email), '') as email,
        nullif(trim(source.url), '') as url
    from source
),

{% if is_incremental() %}
    with_loaded_rows as (
        select * from parsed

        union all

    {{ loaded_rows_of_partitions(
        'event_id',
        'select event_id from parsed',
        ['event_date', 'invalid_reason', 'email_hash', 'quarantine_reason'],
    ) }}
    ),
{% endif %}

validated as (
    select
        *,
        {{ reporting_date('occurred_at') }} as event_date,
        {{ invalid_reason([
            ('extracted_at is null', 'file name has no extract timestamp'),
            ('event_id is null', 'event_id is missing'),
            ("event_type is null or event_type not in ('received', 'opened', 'clicked', 'unsubscribed', 'bounced')",
                'event_type is not one of the known e-mail events'),
            ('occurred_at is null', 'occurred_at is not a timestamp'),
            ('occurred_at > extracted_at', 'occurred_at is after the extract time'),
            ('campaign_id is null', 'campaign_id is missing'),
            ('email is null', 'email is missing'),
            (dbt.position("'@'", 'email') ~ ' = 0', 'email is not an e-mail address'),
        ]) }} as invalid_reason
    from {{ 'with_loaded_rows' if is_incremental() else 'parsed' }}
),

final as (
    select
        *,
        -- Hashed here, in a table, so the salt is never stored in a view's SQL.
        {{ hash_pii('email') }} as email_hash,
        {{ quarantine_reason(['event_id']) }} as quarantine_reason
    from validated
)

select * from final
