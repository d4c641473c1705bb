{#- Spend in the fact equals the four platforms' staging spend, per platform
    and in total, to the cent: nothing lost or doubled by the union or joins. -#}
with

fact_spend as (
    select
        platform,
        sum(spend_eur) as spend_eur
    from {{ ref('fct_ad_performance_daily') }}
    group by 1
),

staging_spend as (
    select 'google_ads' as platform, sum(spend_eur) as spend_eur
    from {{ ref('stg_google_ads__ad_stats') }}
    union all
    select 'meta_ads' as platform, sum(spend_eur) as spend_eur
    from {{ ref('stg_meta_ads__ads_insights') }}
    union all
    select 'tiktok_ads' as platform, sum(spend_eur) as spend_eur
    from {{ ref('stg_tiktok_ads__ad_report') }}
    union all
    select 'linkedin_ads' as platform, sum(spend_eur) as spend_eur
    from {{ ref('stg_linkedin_ads__ad_analytics') }}
),

compared as (
    select
        coalesce(staging_spend.platform, fact_spend.platform) as platform,
        coalesce(staging_spend.spend_eur, 0) as staging_spend_eur,
        coalesce(fact_spend.spend_eur, 0) as fact_spend_eur
    from staging_spend
    full outer join fact_spend
        on staging_spend.platform = fact_spend.platform
),

with_total as (
    select platform, staging_spend_eur, fact_spend_eur from compared
    union all
    select 'total' as platform, sum(staging_spend_eur), sum(fact_spend_eur) from compared
),

final as (
    select
        platform,
        staging_spend_eur,
        fact_spend_eur
    from with_total
    where abs(round(staging_spend_eur, 2) - round(fact_spend_eur, 2)) >= 0.01
)

select * from final
