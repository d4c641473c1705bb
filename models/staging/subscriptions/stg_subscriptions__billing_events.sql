with

base as (
    select * from {{ ref('base_subscriptions__billing_events') }}
    where quarantine_reason is null
),

final as (
    select
        event_id,
        event_type,
        occurred_at,
        event_date,
        subscription_id,
        customer_id,
        customer_email_hash,
        plan_id,
        sku,
        quantity,
        interval_months,
        currency,
        units_per_eur,
        amount,
        {{ to_reporting_currency('amount', 'units_per_eur') }} as amount_eur,
        cancellation_reason,
        shop_order_id,
        event_type in ('charge_succeeded', 'charge_failed') as is_charge,
        source_file,
        extracted_at
    from base
)

select * from final
