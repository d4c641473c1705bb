with

base as (
    {{ rows_with_fx_rate('subscriptions', 'billing_events') }}
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
