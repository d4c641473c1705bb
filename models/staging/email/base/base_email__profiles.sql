with

source as (
    {{ with_optional_columns(
        source('email', 'profiles'),
        ['first_name', 'last_name', 'phone', 'external_id']
    ) }}
),

parsed as (
    select
        {{ file_name('source.filename') }} as source_file,
        {{ extracted_at_from_filename('source.filename') }} as extracted_at,
        {{ row_to_json('source') }} as raw_values,
        nullif(trim(source.profile_id), '') as profile_id,
        nullif(trim(source.email), '') as email,
        nullif(trim(source.first_name), '') as first_name,
        nullif(trim(source.last_name), '') as last_name,
        nullif(trim(source.phone), '') as phone,
        nullif(trim(source.external_id), '') as customer_id,
        lower(trim(source.consent_email)) as email_consent_status,
        case lower(trim(source.consent_ads))
            when 'true' then true
            when 'false' then false
        end as has_ads_consent,
        {{ utc_timestamp('source.created_at') }} as created_at
    from source
),

validated as (
    select
        *,
        {{ reporting_date('created_at') }} as created_date,
        {{ invalid_reason([
            ('extracted_at is null', 'file name has no extract timestamp'),
            ('profile_id is null', 'profile_id is missing'),
            ('email is null', 'email is missing'),
            (dbt.position("'@'", 'email') ~ ' = 0', 'email is not an e-mail address'),
            ("email_consent_status is null or email_consent_status not in ('subscribed', 'unsubscribed', 'never_subscribed')",
                'consent_email is not one of subscribed, unsubscribed, never_subscribed'),
            ('has_ads_consent is null', 'consent_ads is not true or false'),
            ('created_at is null', 'created_at is not a timestamp'),
            ('created_at > extracted_at', 'created_at is after the extract time'),
        ]) }} as invalid_reason
    from parsed
),

final as (
    select
        *,
        -- Hashed here, in a table, so the salt is never stored in a view's SQL.
        {{ hash_pii('email') }} as email_hash,
        {{ hash_pii('first_name') }} as first_name_hash,
        {{ hash_pii('last_name') }} as last_name_hash,
        {{ hash_pii('phone') }} as phone_hash,
        {{ quarantine_reason(['profile_id']) }} as quarantine_reason
    from validated
)

select * from final
