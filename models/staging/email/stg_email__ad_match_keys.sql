{#- One row per staged e-mail profile that gave ads consent: the unsalted
    SHA-256 of its trimmed, lower-cased e-mail, the form Google Customer Match
    and Meta custom audiences match on. Hashed here so the raw e-mail never
    leaves staging; read only by int_reactivation_audience_hashed. -#}
with

profiles as (
    select
        email_hash,
        email,
        email_consent_status = 'subscribed' as has_email_consent,
        has_ads_consent
    from {{ ref('base_email__profiles') }}
    where quarantine_reason is null
),

final as (
    select
        email_hash,
        {{ ad_match_key('email') }} as email_sha256,
        has_email_consent,
        has_ads_consent
    from profiles
    where has_ads_consent and email is not null
)

select * from final
