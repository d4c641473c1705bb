with

base as (
    select * from {{ ref('base_finance__targets') }}
    where quarantine_reason is null
),

final as (
    select
        month_start_date,
        kpi,
        target_value,
        source_file,
        extracted_at
    from base
)

select * from final
