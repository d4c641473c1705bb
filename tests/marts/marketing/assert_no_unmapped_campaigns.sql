{{ config(severity='warn') }}

{#- Lists the campaigns whose taxonomy is (partly) unknown: their name breaks
    the naming convention and no override fills the gap. Their spend still
    counts in the platform's default channel. Fix: rename the campaign, or add
    a row to seeds/campaign_taxonomy_overrides.csv. -#}
with

campaigns as (
    select
        campaign_key,
        campaign_name,
        channel,
        sub_channel,
        funnel_stage,
        market,
        product_line,
        taxonomy_status,
        first_active_date,
        last_active_date
    from {{ ref('dim_campaign') }}
),

final as (
    select *
    from campaigns
    where
        taxonomy_status = 'unmapped'
        or funnel_stage = 'unmapped'
        or market = 'unmapped'
        or product_line = 'unmapped'
)

select * from final
