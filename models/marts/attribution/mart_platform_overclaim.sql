{#- What each ad platform claims against what the shop recorded. Platform
    side: the platform's reported conversions and conversion value (EUR) in
    fct_ad_performance_daily, by platform, month of the ad day and campaign
    channel. Shop side: conversions and revenue credited to touches of that
    platform's traffic (matched campaign, gclid, or paid source) by
    last_touch (the plain last click) and by the data-driven markov model, by
    month of conversion. Over-claim ratio = claimed / shop (null when the shop
    credits nothing). -#}
{%- set money_type = 'decimal(18, 2)' -%}

with

ad_performance as (
    select
        ad_date,
        platform,
        channel,
        platform_conversions,
        platform_conversion_value_eur
    from {{ ref('fct_ad_performance_daily') }}
),

attribution as (
    select
        attribution_model,
        conversion_date,
        platform,
        channel,
        attributed_conversions,
        attributed_revenue_eur
    from {{ ref('fct_attribution') }}
    where
        platform is not null
        and attribution_model in ('last_touch', 'markov')
),

claims as (
    select
        platform,
        cast({{ dbt.date_trunc('month', 'ad_date') }} as date) as month_start_date,
        coalesce(channel, 'unmapped') as channel,
        sum(platform_conversions) as claimed_conversions,
        sum(platform_conversion_value_eur) as claimed_value_eur
    from ad_performance
    group by 1, 2, 3
),

shop as (
    select
        platform,
        cast({{ dbt.date_trunc('month', 'conversion_date') }} as date) as month_start_date,
        channel,
        sum(case when attribution_model = 'last_touch' then attributed_conversions else 0 end)
            as last_click_conversions,
        sum(case when attribution_model = 'last_touch' then attributed_revenue_eur else 0 end)
            as last_click_revenue_eur,
        sum(case when attribution_model = 'markov' then attributed_conversions else 0 end)
            as data_driven_conversions,
        sum(case when attribution_model = 'markov' then attributed_revenue_eur else 0 end)
            as data_driven_revenue_eur
    from attribution
    group by 1, 2, 3
),

joined as (
    select
        coalesce(claims.platform, shop.platform) as platform,
        coalesce(claims.month_start_date, shop.month_start_date) as month_start_date,
        coalesce(claims.channel, shop.channel) as channel,
        coalesce(claims.claimed_conversions, 0) as claimed_conversions,
        coalesce(claims.claimed_value_eur, 0) as claimed_value_eur,
        coalesce(shop.last_click_conversions, 0) as last_click_conversions,
        coalesce(shop.last_click_revenue_eur, 0) as last_click_revenue_eur,
        coalesce(shop.data_driven_conversions, 0) as data_driven_conversions,
        coalesce(shop.data_driven_revenue_eur, 0) as data_driven_revenue_eur
    from claims
    full outer join shop
        on
            claims.platform = shop.platform
            and claims.month_start_date = shop.month_start_date
            and claims.channel = shop.channel
),

final as (
    select
        {{ dbt.hash(dbt.concat(['platform', "'|'", dbt.cast('month_start_date', dbt.type_string()), "'|'", 'channel'])) }}
            as platform_overclaim_id,
        platform,
        month_start_date,
        channel,
        cast(claimed_conversions as double) as claimed_conversions,
        cast(claimed_value_eur as {{ money_type }}) as claimed_value_eur,
        cast(last_click_conversions as double) as last_click_conversions,
        cast(last_click_revenue_eur as {{ money_type }}) as last_click_revenue_eur,
        cast(data_driven_conversions as double) as data_driven_conversions,
        cast(data_driven_revenue_eur as {{ money_type }}) as data_driven_revenue_eur,
        cast(claimed_conversions / nullif(last_click_conversions, 0) as double)
            as overclaim_ratio_last_click,
        cast(claimed_conversions / nullif(data_driven_conversions, 0) as double)
            as overclaim_ratio_data_driven,
        cast(claimed_value_eur / nullif(last_click_revenue_eur, 0) as double)
            as value_overclaim_ratio_last_click,
        cast(claimed_value_eur / nullif(data_driven_revenue_eur, 0) as double)
            as value_overclaim_ratio_data_driven
    from joined
)

select * from final
