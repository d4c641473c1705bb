with

subscription_months as (
    select * from {{ ref('int_subscription_months') }}
),

-- Months after a churn that stay at zero MRR carry no movement and are left
-- out: the grain is months a subscription was active or churned.
final as (
    select
        subscription_month_id,
        subscription_id,
        month_start_date,
        month_end_date,
        customer_id,
        plan_id,
        sku,
        quantity,
        interval_months,
        subscription_status,
        movement_type,
        currency,
        units_per_eur,
        amount,
        mrr,
        previous_mrr,
        mrr_eur,
        previous_mrr_eur,
        mrr_change_eur
    from subscription_months
    where movement_type != 'inactive'
)

select * from final
