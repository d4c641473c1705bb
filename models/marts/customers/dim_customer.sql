with

customers as (
    select * from {{ ref('int_customers_unified') }}
),

final as (
    select
        customer_id,
        customer_id_source,
        email_hash,
        first_seen_date,
        first_order_id,
        first_order_date,
        first_order_channel,
        acquisition_cohort_month,
        first_order_country_code,
        market,
        order_count,
        last_order_date,
        cast(lifetime_net_revenue_eur as decimal(18, 4)) as lifetime_net_revenue_eur,
        is_customer,
        is_subscriber,
        has_active_subscription,
        has_email_profile,
        email_consent_status,
        has_email_consent,
        has_ads_consent
    from customers
)

select * from final
