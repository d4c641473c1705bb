{#- One row per e-mail profile in the reactivation audience: lapsed buyers
    (last order 90 to 365 days before the latest order day) and subscribers
    cancelled in the last 180 days, who gave ads consent, with the unsalted
    SHA-256 of the e-mail that ad platforms match on (hashed in staging,
    stg_email__ad_match_keys). It stays in the intermediate schema, and only
    `growth_ledger.intelligence.audience.export_audiences` reads it. -#}
with

profiles as (
    select
        email_hash,
        email_sha256,
        has_email_consent,
        has_ads_consent
    from {{ ref('stg_email__ad_match_keys') }}
),

customer_emails as (
    select
        email_hash,
        customer_id
    from {{ ref('int_customer_emails_mapped') }}
),

orders as (
    select
        customer_id,
        order_date
    from {{ ref('int_orders_with_margin') }}
    where not is_cancelled
),

subscription_months as (
    select
        customer_email_hash,
        month_end_date,
        subscription_status
    from {{ ref('int_subscription_months') }}
),

as_of as (
    select max(order_date) as as_of_date
    from orders
),

last_orders as (
    select
        customer_id,
        max(order_date) as last_order_date,
        count(*) as orders
    from orders
    group by 1
),

cancelled_subscribers as (
    select
        subscription_months.customer_email_hash as email_hash,
        min(subscription_months.month_end_date) as cancelled_month_end_date
    from subscription_months
    cross join as_of
    where
        subscription_months.subscription_status = 'cancelled'
        and subscription_months.month_end_date > {{ dbt.dateadd('day', -180, 'as_of.as_of_date') }}
    group by 1
),

candidates as (
    select
        profiles.email_hash,
        profiles.email_sha256,
        profiles.has_email_consent,
        profiles.has_ads_consent,
        customer_emails.customer_id,
        last_orders.last_order_date,
        last_orders.orders,
        cancelled_subscribers.cancelled_month_end_date,
        as_of.as_of_date
    from profiles
    cross join as_of
    left join customer_emails
        on profiles.email_hash = customer_emails.email_hash
    left join last_orders
        on customer_emails.customer_id = last_orders.customer_id
    left join cancelled_subscribers
        on profiles.email_hash = cancelled_subscribers.email_hash
),

final as (
    select
        customer_id,
        email_sha256,
        has_email_consent,
        has_ads_consent,
        case
            when cancelled_month_end_date is not null then 'cancelled_subscriber'
            else 'lapsed_buyer'
        end as audience_reason,
        last_order_date,
        orders,
        as_of_date
    from candidates
    where
        has_ads_consent
        and (
            cancelled_month_end_date is not null
            or (
                last_order_date <= {{ dbt.dateadd('day', -90, 'as_of_date') }}
                and last_order_date > {{ dbt.dateadd('day', -365, 'as_of_date') }}
            )
        )
)

select * from final
