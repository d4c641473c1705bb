with

base as (
    select * from {{ ref('base_email__profiles') }}
    where quarantine_reason is null
),

final as (
    select
        profile_id,
        customer_id,
        email_hash,
        first_name_hash,
        last_name_hash,
        phone_hash,
        email_consent_status,
        email_consent_status = 'subscribed' as has_email_consent,
        has_ads_consent,
        created_at,
        created_date,
        source_file,
        extracted_at
    from base
)

select * from final
