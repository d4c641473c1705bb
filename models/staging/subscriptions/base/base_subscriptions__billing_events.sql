with

source as (
    {{ with_optional_columns(
        source('subscriptions', 'billing_events'),
        ['customer_email', 'cancellation_reason', 'shop_order_id']
    ) }}
),

parsed as (
    select
        {{ file_name('source.filename') }} as source_file,
        {{ extracted_at_from_filename('source.filename') }} as extracted_at,
        {{ row_to_json('source') }} as raw_values,
        nullif(trim(source.event_id), '') as event_id,
        lower(trim(source.event_type)) as event_type,
        {{ utc_timestamp('source.occurred_at') }} as occurred_at,
        nullif(trim(source.subscription_id), '') as subscription_id,
        nullif(trim(source.customer_id), '') as customer_id,
        nullif(trim(source.customer_email), '') as customer_email,
        nullif(trim(source.plan_id), '') as plan_id,
        nullif(trim(source.sku), '') as sku,
        {{ parse_non_negative('source.quantity', 'integer') }} as quantity,
        {{ parse_non_negative('source.interval_months', 'integer') }} as interval_months,
        {{ parse_non_negative('source.amount', 'decimal(18, 2)') }} as amount,
        upper(trim(source.currency)) as currency,
        nullif(trim(source.cancellation_reason), '') as cancellation_reason,
        nullif(trim(source.shop_order_id), '') as shop_order_id
    from source
),

dated as (
    select
        *,
        {{ reporting_date('occurred_at') }} as event_date
    from parsed
),

validated as (
    select
        *,
        {{ invalid_reason([
            ('extracted_at is null', 'file name has no extract timestamp'),
            ('event_id is null', 'event_id is missing'),
            ("event_type is null or event_type not in ('subscription_created', 'subscription_cancelled', "
                ~ "'subscription_paused', 'subscription_resumed', 'subscription_plan_changed', "
                ~ "'charge_succeeded', 'charge_failed')",
                'event_type is not one of the known billing events'),
            ('occurred_at is null', 'occurred_at is not a timestamp'),
            ('occurred_at > extracted_at', 'occurred_at is after the extract time'),
            ('subscription_id is null', 'subscription_id is missing'),
            ('customer_id is null', 'customer_id is missing'),
            ('plan_id is null', 'plan_id is missing'),
            ('sku is null', 'sku is missing'),
            ('quantity is null', 'quantity is not a non-negative integer'),
            ('interval_months is null or interval_months = 0', 'interval_months is not a positive integer'),
            ('amount is null', 'amount is not a non-negative amount'),
            ('currency is null or length(currency) != 3', 'currency is not an ISO code'),
        ]) }} as invalid_reason
    from dated
),

final as (
    select
        *,
        -- Hashed here, in a table, so the salt is never stored in a view's SQL.
        {{ hash_pii('customer_email') }} as customer_email_hash,
        {{ quarantine_reason(['event_id']) }} as quarantine_reason
    from validated
)

select * from final
