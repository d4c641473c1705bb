with

scored as (
    select * from {{ ref('int_budget_reallocation_scored') }}
),

final as (
    select
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(is_total as boolean) as is_total,
        cast(elasticity as double) as elasticity,
        cast(elasticity >= 0.95 or elasticity <= 0.05 as boolean) as is_elasticity_clipped,
        cast(is_held as boolean) as is_held,
        cast(funded_campaign_keys as {{ dbt.type_string() }}) as funded_campaign_keys,
        cast(current_spend_30d_eur as double) as current_spend_30d_eur,
        cast(recommended_spend_30d_eur as double) as recommended_spend_30d_eur,
        cast(spend_shift_30d_eur as double) as spend_shift_30d_eur,
        cast(expected_margin_change_30d_eur as double) as expected_margin_change_30d_eur,
        cast(margin_change_30d_low_eur as double) as margin_change_30d_low_eur,
        cast(margin_change_30d_high_eur as double) as margin_change_30d_high_eur
    from scored
)

select * from final
