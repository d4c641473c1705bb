{#- Links each GA4 browser (user_pseudo_id) to one shop customer. Evidence, in
    order of strength: a logged-in session (GA4 user_id = shop customer id),
    then a purchase whose transaction_id is a shop order name. A browser seen
    with several customers keeps the one with most evidence (ties: the
    smallest customer_id), so the mapping is deterministic. -#}
with

sessions as (
    select
        user_pseudo_id,
        customer_id
    from {{ ref('fct_sessions') }}
    where
        not is_consent_gap
        and user_pseudo_id is not null
        and customer_id is not null
),

purchase_events as (
    select
        user_pseudo_id,
        transaction_id
    from {{ ref('stg_ga4__events') }}
    where
        event_name = 'purchase'
        and user_pseudo_id is not null
        and transaction_id is not null
),

orders as (
    select
        order_name,
        customer_id
    from {{ ref('fct_orders') }}
    where customer_id is not null
),

logged_in_links as (
    select
        user_pseudo_id,
        customer_id,
        'logged_in_session' as link_source,
        1 as link_strength,
        count(*) as evidence_count
    from sessions
    group by 1, 2, 3, 4
),

purchase_links as (
    select
        purchase_events.user_pseudo_id,
        orders.customer_id,
        'purchase_transaction' as link_source,
        2 as link_strength,
        count(distinct purchase_events.transaction_id) as evidence_count
    from purchase_events
    inner join orders
        on purchase_events.transaction_id = orders.order_name
    group by 1, 2, 3, 4
),

links as (
    select * from logged_in_links
    union all
    select * from purchase_links
),

ranked as (
    select
        user_pseudo_id,
        customer_id,
        link_source,
        row_number() over (
            partition by user_pseudo_id
            order by link_strength asc, evidence_count desc, customer_id asc
        ) as link_rank
    from links
),

final as (
    select
        user_pseudo_id,
        customer_id,
        link_source
    from ranked
    where link_rank = 1
)

select * from final
