with

budgets as (
    select
        month_start_date,
        channel,
        budget_eur
    from {{ ref('stg_finance__budgets') }}
),

final as (
    select
        channel || '-' || cast(month_start_date as {{ api.Column.translate_type('string') }}) as budget_id,
        month_start_date,
        channel as platform,
        cast(budget_eur as decimal(18, 4)) as budget_eur
    from budgets
)

select * from final
