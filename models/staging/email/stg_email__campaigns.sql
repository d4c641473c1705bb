with

base as (
    select * from {{ ref('base_email__campaigns') }}
    where quarantine_reason is null
),

final as (
    select
        campaign_id,
        campaign_name,
        subject,
        channel,
        sent_at,
        sent_date,
        source_file,
        extracted_at
    from base
)

select * from final
