{#- Daily inputs of the tracking-break rules. Three checks:
    `platform_conversions`: per ad platform, clicks and platform-reported
    conversions (a break shows as zero conversions while clicks hold);
    `shop_click_orders`: per ad platform, the shop's orders with a session of
    the platform's traffic in the 7 days before (every platform's default
    click window holds 7 days): the independent side, the orders the
    platform's pixel should have seen (no volume);
    `ga4_vs_shop_revenue`: GA4 purchase revenue over shop order total for the
    orders both systems hold (matched on transaction id = order name), so
    consent and ad-blocker gaps do not blur the ratio. -#}
with

ad_performance as (
    select
        ad_date,
        platform,
        clicks,
        platform_conversions
    from {{ ref('fct_ad_performance_daily') }}
),

ga4_purchases as (
    select
        transaction_id,
        min(event_date) as event_date,
        sum(purchase_revenue_eur) as purchase_revenue_eur
    from {{ ref('stg_ga4__events') }}
    where event_name = 'purchase' and transaction_id is not null
    group by 1
),

orders as (
    select
        order_name,
        total_price_eur
    from {{ ref('fct_orders') }}
),

-- The linear model credits every eligible touch of a journey, so its rows list
-- each order's touches (direct visits are not eligible, ad clicks are).
order_touches as (
    select
        conversion_date,
        order_id,
        platform,
        days_before_conversion
    from {{ ref('fct_attribution') }}
    where
        attribution_model = 'linear'
        and conversion_type in ('first_order', 'repeat_order')
),

platform_click_orders as (
    select
        conversion_date,
        platform,
        count(distinct order_id) as click_orders
    from order_touches
    where platform is not null and days_before_conversion <= 7
    group by 1, 2
),

platform_days as (
    select
        ad_date as check_date,
        'platform_conversions' as check_name,
        platform as scope_id,
        cast(sum(clicks) as double) as volume,
        cast(sum(platform_conversions) as double) as observed_value
    from ad_performance
    group by 1, 2, 3
),

ga4_days as (
    select
        ga4_purchases.event_date as check_date,
        'ga4_vs_shop_revenue' as check_name,
        'ga4' as scope_id,
        cast(count(*) as double) as volume,
        cast(sum(ga4_purchases.purchase_revenue_eur) / nullif(sum(orders.total_price_eur), 0) as double)
            as observed_value
    from ga4_purchases
    inner join orders
        on ga4_purchases.transaction_id = orders.order_name
    group by 1, 2, 3
),

shop_click_days as (
    select
        conversion_date as check_date,
        'shop_click_orders' as check_name,
        platform as scope_id,
        cast(null as double) as volume,
        cast(click_orders as double) as observed_value
    from platform_click_orders
),

final as (
    select * from platform_days
    union all
    select * from ga4_days
    union all
    select * from shop_click_days
)

select * from final
