with

tickets as (
    select
        ticket_id,
        created_at,
        created_date,
        solved_at,
        solved_date,
        status,
        is_solved,
        category,
        priority,
        order_name,
        satisfaction,
        requester_email_hash
    from {{ ref('stg_support__tickets') }}
),

orders as (
    select
        order_id,
        order_name,
        customer_id
    from {{ ref('int_orders_with_margin') }}
),

customer_emails as (
    select
        email_hash,
        customer_id
    from {{ ref('int_customer_emails_mapped') }}
),

-- The ticket's customer: the account its e-mail links to, else the customer
-- of the order it is about, else the e-mail hash (as in dim_customer).
final as (
    select
        tickets.ticket_id,
        tickets.created_at,
        tickets.created_date,
        tickets.solved_at,
        tickets.solved_date,
        coalesce(customer_emails.customer_id, orders.customer_id, tickets.requester_email_hash) as customer_id,
        orders.order_id,
        tickets.order_name,
        tickets.status,
        tickets.is_solved,
        tickets.category,
        tickets.priority,
        tickets.satisfaction,
        cast({{ dbt.datediff('tickets.created_at', 'tickets.solved_at', 'minute') }} / 60.0 as decimal(18, 2)
        )
            as hours_to_solve
    from tickets
    left join customer_emails
        on tickets.requester_email_hash = customer_emails.email_hash
    left join orders
        on tickets.order_name = orders.order_name
)

select * from final
