{#- Links every e-mail hash seen in the shop, the subscription platform and the
    e-mail tool to one shop customer id, so guest orders, tickets and e-mail
    recipients land on the same customer as their account. -#}
with

orders as (
    select
        customer_id,
        customer_email_hash,
        created_at
    from {{ ref('stg_shop__orders') }}
),

billing_events as (
    select
        customer_id,
        customer_email_hash,
        occurred_at
    from {{ ref('stg_subscriptions__billing_events') }}
),

profiles as (
    select
        customer_id,
        email_hash,
        created_at
    from {{ ref('stg_email__profiles') }}
),

-- Every (shop id, e-mail) pair a system states, with when it stated it.
id_email_pairs as (
    select
        customer_id,
        customer_email_hash as email_hash,
        created_at as seen_at,
        1 as source_rank
    from orders
    where customer_id is not null and customer_email_hash is not null
    union all
    select
        customer_id,
        customer_email_hash as email_hash,
        occurred_at as seen_at,
        2 as source_rank
    from billing_events
    where customer_id is not null and customer_email_hash is not null
    union all
    select
        customer_id,
        email_hash,
        created_at as seen_at,
        3 as source_rank
    from profiles
    where customer_id is not null and email_hash is not null
),

-- An address shared by two accounts goes to the one the shop saw first:
-- the shop is the system of record for customer ids.
ranked_pairs as (
    select
        email_hash,
        customer_id,
        row_number() over (
            partition by email_hash order by source_rank, seen_at, customer_id
        ) as pair_rank
    from id_email_pairs
),

final as (
    select
        email_hash,
        customer_id
    from ranked_pairs
    where pair_rank = 1
)

select * from final
