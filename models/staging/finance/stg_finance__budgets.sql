with

base as (
    select * from {{ ref('base_finance__budgets') }}
    where quarantine_reason is null
),

final as (
    select
        month_start_date,
        channel,
        budget_eur,
        source_file,
        extracted_at
    from base
)

select * from final
