{{ config(materialized='table') }}

{#- One row per subscription and month end at which it was active or paused:
    the features of the churn model as known on that day (billing, support,
    e-mail and order history looking back from the month end) and the label,
    whether the subscription was cancelled by the next month end (null for
    the last month, whose future is not known yet). -#}
with

subscription_months as (
    select
        subscription_id,
        month_start_date,
        month_end_date,
        customer_email_hash,
        interval_months,
        quantity,
        subscription_status,
        cast(mrr_eur as double) as mrr_eur
    from {{ ref('int_subscription_months') }}
),

billing_events as (
    select
        subscription_id,
        event_type,
        event_date
    from {{ ref('stg_subscriptions__billing_events') }}
),

tickets as (
    select
        requester_email_hash,
        category,
        created_date
    from {{ ref('stg_support__tickets') }}
    where requester_email_hash is not null
),

email_events as (
    select
        email_hash,
        event_type,
        event_date
    from {{ ref('stg_email__events') }}
    where email_hash is not null and event_type in ('opened', 'clicked')
),

web_orders as (
    select
        customer_email_hash,
        order_date
    from {{ ref('int_orders_with_margin') }}
    where not is_subscription_order and not is_cancelled and customer_email_hash is not null
),

last_month as (
    select max(month_start_date) as last_month_start_date
    from subscription_months
),

snapshots as (
    select
        subscription_months.*,
        min(subscription_months.month_start_date) over (partition by subscription_months.subscription_id)
            as first_month_start_date,
        lead(subscription_months.subscription_status) over (
            partition by subscription_months.subscription_id order by subscription_months.month_start_date
        ) as next_month_status,
        subscription_months.month_start_date = last_month.last_month_start_date as is_latest_month
    from subscription_months
    cross join last_month
),

active_snapshots as (
    select *
    from snapshots
    where subscription_status in ('active', 'paused')
),

billing_features as (
    select
        active_snapshots.subscription_id,
        active_snapshots.month_start_date,
        count(case
            when billing_events.event_type = 'charge_failed'
                and billing_events.event_date > {{ dbt.dateadd('day', -90, 'active_snapshots.month_end_date') }}
                then 1
        end) as failed_charges_90d,
        count(case when billing_events.event_type = 'charge_succeeded' then 1 end) as successful_charges,
        count(case
            when billing_events.event_type = 'subscription_plan_changed'
                and billing_events.event_date > {{ dbt.dateadd('day', -180, 'active_snapshots.month_end_date') }}
                then 1
        end) as plan_changes_180d,
        count(case when billing_events.event_type = 'subscription_paused' then 1 end) as pauses
    from active_snapshots
    left join billing_events
        on
            active_snapshots.subscription_id = billing_events.subscription_id
            and active_snapshots.month_end_date >= billing_events.event_date
    group by 1, 2
),

ticket_features as (
    select
        active_snapshots.subscription_id,
        active_snapshots.month_start_date,
        count(case
            when tickets.created_date > {{ dbt.dateadd('day', -60, 'active_snapshots.month_end_date') }}
                then 1
        end) as tickets_60d,
        count(case
            when tickets.created_date > {{ dbt.dateadd('day', -60, 'active_snapshots.month_end_date') }}
                and tickets.category in ('delivery', 'product_issue')
                then 1
        end) as issue_tickets_60d,
        count(tickets.created_date) as tickets_to_date
    from active_snapshots
    left join tickets
        on
            active_snapshots.customer_email_hash = tickets.requester_email_hash
            and active_snapshots.month_end_date >= tickets.created_date
    group by 1, 2
),

email_features as (
    select
        active_snapshots.subscription_id,
        active_snapshots.month_start_date,
        count(case when email_events.event_type = 'opened' then 1 end) as email_opens_90d,
        count(case when email_events.event_type = 'clicked' then 1 end) as email_clicks_90d
    from active_snapshots
    left join email_events
        on
            active_snapshots.customer_email_hash = email_events.email_hash
            and active_snapshots.month_end_date >= email_events.event_date
            and email_events.event_date > {{ dbt.dateadd('day', -90, 'active_snapshots.month_end_date') }}
    group by 1, 2
),

order_features as (
    select
        active_snapshots.subscription_id,
        active_snapshots.month_start_date,
        count(web_orders.order_date) as web_orders_180d
    from active_snapshots
    left join web_orders
        on
            active_snapshots.customer_email_hash = web_orders.customer_email_hash
            and active_snapshots.month_end_date >= web_orders.order_date
            and web_orders.order_date > {{ dbt.dateadd('day', -180, 'active_snapshots.month_end_date') }}
    group by 1, 2
),

final as (
    select
        active_snapshots.subscription_id || '-' || cast(active_snapshots.month_start_date as {{ api.Column.translate_type('string') }})
            as snapshot_id,
        active_snapshots.subscription_id,
        active_snapshots.customer_email_hash,
        active_snapshots.month_start_date,
        active_snapshots.month_end_date as snapshot_date,
        active_snapshots.is_latest_month,
        active_snapshots.subscription_status,
        cast({{ dbt.datediff('active_snapshots.first_month_start_date', 'active_snapshots.month_start_date', 'month') }} as double
        )
            as tenure_months,
        cast(active_snapshots.interval_months as double) as interval_months,
        cast(active_snapshots.quantity as double) as quantity,
        coalesce(active_snapshots.mrr_eur, 0) as mrr_eur,
        cast(active_snapshots.subscription_status = 'paused' as double) as is_paused,
        cast(billing_features.failed_charges_90d as double) as failed_charges_90d,
        cast(billing_features.successful_charges as double) as successful_charges,
        cast(billing_features.plan_changes_180d as double) as plan_changes_180d,
        cast(billing_features.pauses as double) as pauses,
        cast(ticket_features.tickets_60d as double) as tickets_60d,
        cast(ticket_features.issue_tickets_60d as double) as issue_tickets_60d,
        cast(ticket_features.tickets_to_date as double) as tickets_to_date,
        cast(email_features.email_opens_90d as double) as email_opens_90d,
        cast(email_features.email_clicks_90d as double) as email_clicks_90d,
        cast(order_features.web_orders_180d as double) as web_orders_180d,
        case
            when active_snapshots.is_latest_month then null
            else coalesce(active_snapshots.next_month_status = 'cancelled', false)
        end as is_churned_next_month
    from active_snapshots
    left join billing_features
        on
            active_snapshots.subscription_id = billing_features.subscription_id
            and active_snapshots.month_start_date = billing_features.month_start_date
    left join ticket_features
        on
            active_snapshots.subscription_id = ticket_features.subscription_id
            and active_snapshots.month_start_date = ticket_features.month_start_date
    left join email_features
        on
            active_snapshots.subscription_id = email_features.subscription_id
            and active_snapshots.month_start_date = email_features.month_start_date
    left join order_features
        on
            active_snapshots.subscription_id = order_features.subscription_id
            and active_snapshots.month_start_date = order_features.month_start_date
)

select * from final
