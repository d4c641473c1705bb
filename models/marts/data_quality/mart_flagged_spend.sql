{#- Ad spend flagged as implausible (staging.stg_flags__ad_spend): one row per
    campaign and day whose spend is far above the campaign's history. The spend
    is loaded and counted in every mart; this lists what a person should
    confirm or correct at the source. -#}
with

flagged_spend as (
    select * from {{ ref('stg_flags__ad_spend') }}
),

final as (
    select
        source_name,
        entity,
        account_id,
        campaign_id,
        ad_date,
        currency,
        spend,
        spend_eur,
        baseline,
        baseline_spend,
        baseline_days,
        spend_ratio,
        flag_code,
        flag_reason,
        source_file
    from flagged_spend
)

{{ select_contract_columns('final') }}
