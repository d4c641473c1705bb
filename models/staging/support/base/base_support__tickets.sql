with

source as (
    {{ with_optional_columns(
        source('support', 'tickets'),
        ['solved_at', 'order_name', 'satisfaction', 'requester_name']
    ) }}
),

parsed as (
    select
        {{ file_name('source.filename') }} as source_file,
        {{ extracted_at_from_filename('source.filename') }} as extracted_at,
        {{ row_to_json('source') }} as raw_values,
        nullif(trim(source.ticket_id), '') as ticket_id,
        {{ utc_timestamp('source.created_at') }} as created_at,
        nullif(trim(source.solved_at), '') as solved_at_text,
        {{ utc_timestamp('source.solved_at') }} as solved_at,
        lower(trim(source.status)) as status,
        lower(trim(source.category)) as category,
        lower(trim(source.priority)) as priority,
        nullif(trim(source.requester_email), '') as requester_email,
        nullif(trim(source.requester_name), '') as requester_name,
        nullif(trim(source.order_name), '') as order_name,
        nullif(lower(trim(source.satisfaction)), '') as satisfaction
    from source
),

validated as (
    select
        *,
        {{ reporting_date('created_at') }} as created_date,
        {{ reporting_date('solved_at') }} as solved_date,
        {{ invalid_reason([
            ('extracted_at is null', 'file name has no extract timestamp'),
            ('ticket_id is null', 'ticket_id is missing'),
            ('created_at is null', 'created_at is not a timestamp'),
            ('created_at > extracted_at', 'created_at is after the extract time'),
            ("status is null or status not in ('open', 'pending', 'solved', 'closed')",
                'status is not one of open, pending, solved, closed'),
            ("category is null or category not in ('delivery', 'product_issue', 'billing', 'subscription', 'other')",
                'category is not one of delivery, product_issue, billing, subscription, other'),
            ("coalesce(priority, '') = ''", 'priority is missing'),
            ('requester_email is null', 'requester_email is missing'),
            ('solved_at_text is not null and solved_at is null', 'solved_at is not a timestamp'),
            ('solved_at < created_at', 'solved_at is before created_at'),
            ("satisfaction not in ('good', 'bad')", 'satisfaction is not good, bad or empty'),
        ]) }} as invalid_reason
    from parsed
),

final as (
    select
        *,
        -- Hashed here, in a table, so the salt is never stored in a view's SQL.
        {{ hash_pii('requester_email') }} as requester_email_hash,
        {{ hash_pii('requester_name') }} as requester_name_hash,
        {{ quarantine_reason(['ticket_id']) }} as quarantine_reason
    from validated
)

select * from final
