with

base as (
    select * from {{ ref('base_email__events') }}
    where quarantine_reason is null
),

final as (
    select
        event_id,
        event_type,
        occurred_at,
        event_date,
        campaign_id,
        email_hash,
        url,
        source_file,
        extracted_at
    from base
)

select * from final
