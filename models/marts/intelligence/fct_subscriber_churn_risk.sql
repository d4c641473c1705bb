with

scored as (
    select * from {{ ref('int_subscriber_churn_scored') }}
),

subscription_months as (
    select
        subscription_id,
        month_end_date,
        customer_id,
        plan_id
    from {{ ref('int_subscription_months') }}
),

final as (
    select
        cast(scored.subscription_id as {{ dbt.type_string() }}) as subscription_id,
        cast(subscription_months.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(subscription_months.plan_id as {{ dbt.type_string() }}) as plan_id,
        cast(scored.snapshot_date as date) as snapshot_date,
        cast(scored.subscription_status as {{ dbt.type_string() }}) as subscription_status,
        cast(scored.mrr_eur as double) as mrr_eur,
        cast(scored.churn_probability as double) as churn_probability,
        cast(scored.risk_band as {{ dbt.type_string() }}) as risk_band,
        cast(scored.expected_mrr_loss_eur as double) as expected_mrr_loss_eur,
        cast(scored.top_drivers as {{ dbt.type_string() }}) as top_drivers,
        cast(scored.issue_tickets_60d as integer) as issue_tickets_60d,
        cast(scored.failed_charges_90d as integer) as failed_charges_90d,
        cast(scored.tenure_months as integer) as tenure_months
    from scored
    left join subscription_months
        on
            scored.subscription_id = subscription_months.subscription_id
            and scored.snapshot_date = subscription_months.month_end_date
)

select * from final
