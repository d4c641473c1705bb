with

targets as (
    select
        month_start_date,
        kpi,
        target_value
    from {{ ref('stg_finance__targets') }}
),

final as (
    select
        kpi || '-' || cast(month_start_date as {{ api.Column.translate_type('string') }}) as target_id,
        month_start_date,
        kpi,
        case
            when kpi in ('net_revenue', 'gross_margin', 'contribution_margin', 'marketing_spend', 'cac', 'mrr')
                then 'EUR'
            when kpi = 'mer' then 'ratio'
            else 'count'
        end as unit,
        cast(target_value as decimal(18, 4)) as target_value
    from targets
)

select * from final
