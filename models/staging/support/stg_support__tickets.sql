with

base as (
    select * from {{ ref('base_support__tickets') }}
    where quarantine_reason is null
),

final as (
    select
        ticket_id,
        created_at,
        created_date,
        solved_at,
        solved_date,
        status,
        status in ('solved', 'closed') as is_solved,
        category,
        priority,
        order_name,
        satisfaction,
        requester_email_hash,
        requester_name_hash,
        source_file,
        extracted_at
    from base
)

select * from final
