{#- One customer across the shop, the subscription platform, the e-mail tool,
    the helpdesk and GA4: the shop customer id when any system links the
    person to it, else the e-mail hash. -#}
with

orders as (
    select
        order_id,
        created_at,
        order_date,
        customer_id,
        shop_customer_id,
        customer_email_hash,
        customer_accepts_marketing,
        country_code,
        channel,
        is_cancelled,
        is_first_order,
        net_revenue_eur
    from {{ ref('int_orders_with_margin') }}
),

subscription_months as (
    select
        subscription_id,
        customer_id,
        customer_email_hash,
        month_start_date,
        subscription_status
    from {{ ref('int_subscription_months') }}
),

profiles as (
    select
        profile_id,
        customer_id,
        email_hash,
        email_consent_status,
        has_email_consent,
        has_ads_consent,
        created_at,
        created_date
    from {{ ref('stg_email__profiles') }}
),

tickets as (
    select
        ticket_id,
        requester_email_hash,
        created_date
    from {{ ref('stg_support__tickets') }}
),

ga4_events as (
    select
        user_id,
        event_date
    from {{ ref('stg_ga4__events') }}
    where user_id is not null
),

customer_emails as (
    select
        email_hash,
        customer_id
    from {{ ref('int_customer_emails_mapped') }}
),

countries as (
    select
        country_code,
        market
    from {{ ref('countries') }}
),

-- Every person any system knows, keyed like the orders: shop id, else the
-- account the e-mail links to, else the e-mail hash.
people as (
    select
        customer_id,
        customer_email_hash as email_hash,
        order_date as seen_date
    from orders
    union all
    select
        customer_id,
        customer_email_hash as email_hash,
        month_start_date as seen_date
    from subscription_months
    union all
    select
        {{ unified_customer_id('profiles.customer_id', 'profiles.email_hash') }} as customer_id,
        profiles.email_hash,
        profiles.created_date as seen_date
    from profiles
    left join customer_emails
        on profiles.email_hash = customer_emails.email_hash
    union all
    select
        {{ unified_customer_id('null', 'tickets.requester_email_hash') }} as customer_id,
        tickets.requester_email_hash as email_hash,
        tickets.created_date as seen_date
    from tickets
    left join customer_emails
        on tickets.requester_email_hash = customer_emails.email_hash
    union all
    select
        user_id as customer_id,
        cast(null as {{ api.Column.translate_type('string') }}) as email_hash,
        event_date as seen_date
    from ga4_events
),

people_seen as (
    select
        customer_id,
        min(seen_date) as first_seen_date
    from people
    group by 1
),

email_candidates as (
    select
        customer_id,
        customer_email_hash as email_hash,
        created_at as seen_at,
        1 as source_rank
    from orders
    union all
    select
        {{ unified_customer_id('profiles.customer_id', 'profiles.email_hash') }} as customer_id,
        profiles.email_hash,
        profiles.created_at as seen_at,
        2 as source_rank
    from profiles
    left join customer_emails
        on profiles.email_hash = customer_emails.email_hash
    union all
    select
        customer_id,
        email_hash,
        cast(seen_date as timestamp) as seen_at,
        3 as source_rank
    from people
),

-- The address of the latest order, else of the e-mail profile, else any seen.
ranked_emails as (
    select
        customer_id,
        email_hash,
        row_number() over (partition by customer_id order by source_rank asc, seen_at desc) as email_rank
    from email_candidates
    where email_hash is not null
),

order_history as (
    select
        customer_id,
        count(case when not is_cancelled then order_id end) as order_count,
        sum(net_revenue_eur) as lifetime_net_revenue_eur,
        max(case when not is_cancelled then order_date end) as last_order_date
    from orders
    group by 1
),

first_orders as (
    select
        orders.customer_id,
        orders.order_id as first_order_id,
        orders.order_date as first_order_date,
        orders.channel as first_order_channel,
        orders.country_code,
        countries.market
    from orders
    left join countries
        on orders.country_code = countries.country_code
    where orders.is_first_order
),

-- Marketing consent at checkout on the latest order, for people without an
-- e-mail profile.
latest_checkout_consent as (
    select
        customer_id,
        customer_accepts_marketing,
        row_number() over (partition by customer_id order by created_at desc, order_id desc) as recency_rank
    from orders
),

latest_profiles as (
    select
        {{ unified_customer_id('profiles.customer_id', 'profiles.email_hash') }} as customer_id,
        profiles.email_consent_status,
        profiles.has_email_consent,
        profiles.has_ads_consent,
        row_number() over (
            partition by {{ unified_customer_id('profiles.customer_id', 'profiles.email_hash') }}
            order by profiles.created_at desc, profiles.profile_id desc
        ) as recency_rank
    from profiles
    left join customer_emails
        on profiles.email_hash = customer_emails.email_hash
),

latest_subscription_months as (
    select
        customer_id,
        subscription_id,
        subscription_status,
        row_number() over (partition by subscription_id order by month_start_date desc) as recency_rank
    from subscription_months
),

subscription_status as (
    select
        customer_id,
        count(distinct subscription_id) as subscription_count,
        max(case when subscription_status = 'active' then 1 else 0 end) = 1 as has_active_subscription
    from latest_subscription_months
    where recency_rank = 1
    group by 1
),

final as (
    select
        people_seen.customer_id,
        case
            when people_seen.customer_id = ranked_emails.email_hash then 'email_hash'
            else 'shop'
        end as customer_id_source,
        ranked_emails.email_hash,
        people_seen.first_seen_date,
        first_orders.first_order_id,
        first_orders.first_order_date,
        first_orders.first_order_channel,
        cast({{ dbt.date_trunc('month', 'first_orders.first_order_date') }} as date) as acquisition_cohort_month,
        first_orders.country_code as first_order_country_code,
        first_orders.market,
        coalesce(order_history.order_count, 0) as order_count,
        order_history.last_order_date,
        coalesce(order_history.lifetime_net_revenue_eur, 0) as lifetime_net_revenue_eur,
        first_orders.first_order_id is not null as is_customer,
        coalesce(subscription_status.subscription_count, 0) > 0 as is_subscriber,
        coalesce(subscription_status.has_active_subscription, false) as has_active_subscription,
        latest_profiles.customer_id is not null as has_email_profile,
        latest_profiles.email_consent_status,
        coalesce(latest_profiles.has_email_consent, latest_checkout_consent.customer_accepts_marketing, false)
            as has_email_consent,
        coalesce(latest_profiles.has_ads_consent, false) as has_ads_consent
    from people_seen
    left join ranked_emails
        on
            people_seen.customer_id = ranked_emails.customer_id
            and ranked_emails.email_rank = 1
    left join first_orders
        on people_seen.customer_id = first_orders.customer_id
    left join order_history
        on people_seen.customer_id = order_history.customer_id
    left join latest_checkout_consent
        on
            people_seen.customer_id = latest_checkout_consent.customer_id
            and latest_checkout_consent.recency_rank = 1
    left join latest_profiles
        on
            people_seen.customer_id = latest_profiles.customer_id
            and latest_profiles.recency_rank = 1
    left join subscription_status
        on people_seen.customer_id = subscription_status.customer_id
)

select * from final
