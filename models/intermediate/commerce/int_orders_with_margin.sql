{#- Finance figures of every order (line sums, shipping, order-level refunds,
    fulfilment, payment fees), its last-click channel and its customer. The
    formulas are documented in _commerce__models.yml. -#}
{#- Incremental: a run decides again, whole, the orders a new extract can
    change, and with them every order of their customers (new vs returning
    is decided over the customer's orders):
    - changed_shop_orders: new and restated orders, old orders with a new
      refund, orders converted at a changed FX rate; with the latter, every
      order of that day (fulfilment costs are converted from their own
      currency at the order date's rate);
    - orders whose lines changed (int_order_lines_with_margin, e.g. a new
      product cost);
    - guest orders whose e-mail now maps to another account;
    - orders whose last-click session a restated GA4 day can change: the
      orders of the two days before the first event day of the GA4 files new
      to this model on (first_restated_date), and the transactions of the
      purchase events from the day before it on (the sessions
      int_sessions_from_events rebuilds).
    A change of the seeds (countries, fees, fulfilment costs, channel rules)
    needs --full-refresh. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='order_id',
    on_schema_change='fail',
    post_hook="{{ record_processed_files(ref('stg_ga4__events')) }}",
) }}
{%- set first_restated_event_date = first_restated_date(ref('stg_ga4__events'), 'event_date') if is_incremental() else none -%}

with

shop_orders as (
    select * from {{ ref('stg_shop__orders') }}
),

countries as (
    select country_code from {{ ref('countries') }}
),

order_lines as (
    select
        order_id,
        quantity,
        refunded_quantity,
        has_missing_cost,
        charged_incl_tax,
        gross_sales,
        discounts,
        net_sales,
        refunds,
        cogs,
        gross_sales_eur,
        discounts_eur,
        net_sales_eur,
        refunds_eur,
        cogs_eur
    from {{ ref('int_order_lines_with_margin') }}
),

refunds as (
    select
        order_id,
        refunded_at,
        refunded_amount,
        order_level_refund
    from {{ ref('stg_shop__refunds') }}
),

traffic_sources as (
    select
        traffic_source,
        traffic_medium,
        traffic_campaign,
        has_gclid,
        channel
    from {{ ref('int_traffic_sources_classified') }}
),

purchase_events as (
    select
        transaction_id,
        session_key,
        event_date,
        event_at
    from {{ ref('stg_ga4__events') }}
    where event_name = 'purchase' and transaction_id is not null and session_key is not null
),

sessions as (
    select
        session_key,
        channel
    from {{ ref('int_sessions_from_events') }}
    where not is_consent_gap
),

customer_emails as (
    select
        email_hash,
        customer_id
    from {{ ref('int_customer_emails_mapped') }}
),

fulfilment_costs as (
    select
        country_code,
        currency,
        shipping_cost_per_order + packaging_cost_per_order as cost_per_order
    from {{ ref('fulfilment_costs') }}
),

payment_fee_rates as (
    select
        currency,
        percent_fee,
        fixed_fee
    from {{ ref('payment_fee_rates') }}
),

fx_rates as (
    select
        rate_date,
        currency,
        units_per_eur
    from {{ ref('stg_fx__rates_daily') }}
),

{% if is_incremental() %}
    loaded_orders as (
        select
            order_id,
            order_date,
            customer_id,
            shop_customer_id,
            customer_email_hash,
            units_per_eur,
            line_count,
            has_missing_cost,
            cogs,
            cogs_eur
        from {{ this }}
    ),

    changed_orders as (
        {{ changed_shop_orders('shop_orders') }}
    ),

    fx_restated_days as (
        select distinct loaded_orders.order_date
        from loaded_orders
        inner join shop_orders
            on loaded_orders.order_id = shop_orders.order_id
        where loaded_orders.units_per_eur is distinct from shop_orders.units_per_eur
    ),

    loaded_line_totals as (
        select
            order_id,
            cast(count(*) as integer) as line_count,
            max(case when has_missing_cost then 1 else 0 end) = 1 as has_missing_cost,
            cast(sum(cogs) as decimal(18, 4)) as cogs,
            cast(sum(cogs_eur) as decimal(18, 4)) as cogs_eur
        from order_lines
        group by 1
    ),

    line_changed_orders as (
        select loaded_orders.order_id
        from loaded_orders
        left join loaded_line_totals
            on loaded_orders.order_id = loaded_line_totals.order_id
        where
            loaded_orders.line_count != coalesce(loaded_line_totals.line_count, 0)
            or loaded_orders.has_missing_cost != coalesce(loaded_line_totals.has_missing_cost, false)
            or loaded_orders.cogs != coalesce(loaded_line_totals.cogs, 0)
            or loaded_orders.cogs_eur != coalesce(loaded_line_totals.cogs_eur, 0)
    ),

    remapped_orders as (
        select loaded_orders.order_id
        from loaded_orders
        left join customer_emails
            on loaded_orders.customer_email_hash = customer_emails.email_hash
        where
            loaded_orders.shop_customer_id is null
            and loaded_orders.customer_id
            is distinct from {{ unified_customer_id('loaded_orders.shop_customer_id', 'loaded_orders.customer_email_hash') }}
    ),

    directly_changed_orders as (
        select order_id from changed_orders

        union

        select shop_orders.order_id
        from shop_orders
        inner join fx_restated_days
            on shop_orders.order_date = fx_restated_days.order_date

        union

        select order_id from line_changed_orders

        union

        select order_id from remapped_orders
        {% if first_restated_event_date is not none %}

            union

            select order_id
            from shop_orders
            where order_date >= {{ dbt.dateadd('day', -2, date_literal(first_restated_event_date)) }}

            union

            select shop_orders.order_id
            from shop_orders
            inner join purchase_events
                on shop_orders.order_name = purchase_events.transaction_id
            where purchase_events.event_date >= {{ dbt.dateadd('day', -1, date_literal(first_restated_event_date)) }}
        {% endif %}
    ),

    -- The customers of those orders, as loaded and as they are now.
    changed_customers as (
        select loaded_orders.customer_id
        from loaded_orders
        inner join directly_changed_orders
            on loaded_orders.order_id = directly_changed_orders.order_id

        union

        select
            {{ unified_customer_id('shop_orders.customer_id', 'shop_orders.customer_email_hash') }}
                as customer_id
        from shop_orders
        inner join directly_changed_orders
            on shop_orders.order_id = directly_changed_orders.order_id
        left join customer_emails
            on shop_orders.customer_email_hash = customer_emails.email_hash
    ),

    rebuilt_orders as (
        select order_id from directly_changed_orders

        union

        select loaded_orders.order_id
        from loaded_orders
        inner join changed_customers
            on loaded_orders.customer_id is not distinct from changed_customers.customer_id
    ),
{% endif %}

-- An order without a shipping address, or to a country the seed does not list,
-- is booked to the unknown country (a warning test lists them), not dropped.
orders as (
    select
        shop_orders.order_id,
        shop_orders.order_name,
        shop_orders.created_at,
        shop_orders.cancelled_at,
        shop_orders.order_date,
        shop_orders.customer_id,
        shop_orders.customer_email_hash,
        shop_orders.customer_accepts_marketing,
        coalesce(countries.country_code, '{{ var("unknown_country_code") }}') as country_code,
        shop_orders.source_name,
        shop_orders.is_subscription_order,
        shop_orders.financial_status,
        shop_orders.is_cancelled,
        shop_orders.utm_source,
        shop_orders.utm_medium,
        shop_orders.utm_campaign,
        shop_orders.gclid,
        shop_orders.currency,
        shop_orders.units_per_eur,
        shop_orders.total_price,
        shop_orders.subtotal_price,
        shop_orders.total_discounts,
        shop_orders.total_tax,
        shop_orders.shipping_price,
        shop_orders.total_price_eur,
        shop_orders.extracted_at
    from shop_orders
    left join countries
        on shop_orders.country_code = countries.country_code
    {% if is_incremental() %}
        where shop_orders.order_id in (select rebuilt_orders.order_id from rebuilt_orders)
    {% endif %}
),

-- The GA4 session that carried the purchase knows untagged traffic too
-- (organic search, referral, social), which the landing page cannot show.
order_sessions as (
    select
        purchase_events.transaction_id as order_name,
        sessions.channel,
        row_number() over (
            partition by purchase_events.transaction_id order by purchase_events.event_at
        ) as purchase_rank
    from purchase_events
    inner join sessions
        on purchase_events.session_key = sessions.session_key
    {% if is_incremental() %}
        where purchase_events.transaction_id in (select orders.order_name from orders)
    {% endif %}
),

line_totals as (
    select
        order_id,
        cast(count(*) as integer) as line_count,
        cast(sum(quantity) as integer) as units,
        cast(sum(refunded_quantity) as integer) as refunded_units,
        max(case when has_missing_cost then 1 else 0 end) = 1 as has_missing_cost,
        cast(sum(charged_incl_tax) as decimal(18, 2)) as charged_incl_tax,
        cast(sum(gross_sales) as decimal(18, 4)) as gross_sales,
        cast(sum(discounts) as decimal(18, 4)) as discounts,
        cast(sum(net_sales) as decimal(18, 4)) as net_sales,
        cast(sum(refunds) as decimal(18, 4)) as refunds,
        cast(sum(cogs) as decimal(18, 4)) as cogs,
        cast(sum(gross_sales_eur) as decimal(18, 4)) as gross_sales_eur,
        cast(sum(discounts_eur) as decimal(18, 4)) as discounts_eur,
        cast(sum(net_sales_eur) as decimal(18, 4)) as net_sales_eur,
        cast(sum(refunds_eur) as decimal(18, 4)) as refunds_eur,
        cast(sum(cogs_eur) as decimal(18, 4)) as cogs_eur
    from order_lines
    {% if is_incremental() %}
        where order_id in (select rebuilt_orders.order_id from rebuilt_orders)
    {% endif %}
    group by 1
),

-- What was paid back beyond the refunded lines' subtotals (tax included, as
-- charged): shipping and order-level adjustments.
refund_totals as (
    select
        order_id,
        max(refunded_at) as last_refunded_at,
        cast(sum(refunded_amount) as decimal(18, 2)) as refunded_amount,
        cast(sum(order_level_refund) as decimal(18, 2)) as order_level_refund_charged
    from refunds
    {% if is_incremental() %}
        where order_id in (select rebuilt_orders.order_id from rebuilt_orders)
    {% endif %}
    group by 1
),

-- A guest order (no shop customer id) joins its account through its e-mail;
-- an e-mail never seen with an account is the customer key itself.
with_customer as (
    select
        orders.*,
        {{ unified_customer_id('orders.customer_id', 'orders.customer_email_hash') }} as unified_customer_id
    from orders
    left join customer_emails
        on orders.customer_email_hash = customer_emails.email_hash
),

-- Last click: the channel of the GA4 session with the purchase; for orders
-- GA4 did not track (consent, ad blockers), the landing page's utm tags and
-- gclid. Untracked, untagged orders (subscription renewals included) fall to
-- the 'direct' rule.
with_channel as (
    select
        with_customer.*,
        coalesce(order_sessions.channel, traffic_sources.channel, 'unmapped') as channel,
        case when order_sessions.channel is not null then 'ga4_session' else 'landing_site' end
            as channel_source
    from with_customer
    left join order_sessions
        on
            with_customer.order_name = order_sessions.order_name
            and order_sessions.purchase_rank = 1
    left join traffic_sources
        on
            coalesce(with_customer.utm_source, '') = traffic_sources.traffic_source
            and coalesce(with_customer.utm_medium, '') = traffic_sources.traffic_medium
            and coalesce(with_customer.utm_campaign, '') = traffic_sources.traffic_campaign
            and (with_customer.gclid is not null) = traffic_sources.has_gclid
),

with_costs as (
    select
        with_channel.*,
        fulfilment_costs.country_code is null as has_missing_fulfilment_cost,
        fulfilment_costs.cost_per_order as fulfilment_cost_local,
        fulfilment_fx.units_per_eur as fulfilment_units_per_eur,
        payment_fee_rates.percent_fee,
        payment_fee_rates.fixed_fee
    from with_channel
    left join fulfilment_costs
        on with_channel.country_code = fulfilment_costs.country_code
    left join fx_rates as fulfilment_fx
        on
            fulfilment_costs.currency = fulfilment_fx.currency
            and with_channel.order_date = fulfilment_fx.rate_date
    left join payment_fee_rates
        on with_channel.currency = payment_fee_rates.currency
),

-- Order-level money in both currencies; cancelled orders count zero.
order_amounts as (
    select
        with_costs.*,
        cast(case when is_cancelled then 0 else shipping_price end as decimal(18, 4)) as shipping_revenue,
        cast(
            case
                when is_cancelled then 0
                else coalesce(total_price * percent_fee + fixed_fee, 0)
            end as decimal(18, 4)
        ) as payment_fees,
        cast(
            case
                when is_cancelled then 0
                else coalesce({{ to_reporting_currency('fulfilment_cost_local', 'fulfilment_units_per_eur') }}, 0)
            end as decimal(18, 4)
        ) as fulfilment_cost_eur
    from with_costs
),

eur_amounts as (
    select
        *,
        cast({{ to_reporting_currency('shipping_revenue', 'units_per_eur') }} as decimal(18, 4))
            as shipping_revenue_eur,
        cast({{ to_reporting_currency('payment_fees', 'units_per_eur') }} as decimal(18, 4)) as payment_fees_eur,
        cast(fulfilment_cost_eur * units_per_eur as decimal(18, 4)) as fulfilment_cost
    from order_amounts
),

with_lines as (
    select
        eur_amounts.*,
        coalesce(line_totals.charged_incl_tax, 0) as lines_charged_incl_tax,
        coalesce(refund_totals.order_level_refund_charged, 0) as order_level_refund_charged,
        cast(
            case when eur_amounts.is_cancelled then 0 else coalesce(refund_totals.refunded_amount, 0) end
            as decimal(18, 2)
        ) as refunded_amount,
        coalesce(line_totals.line_count, 0) as line_count,
        coalesce(line_totals.units, 0) as units,
        coalesce(line_totals.refunded_units, 0) as refunded_units,
        coalesce(line_totals.has_missing_cost, false) as has_missing_cost,
        refund_totals.last_refunded_at,
        coalesce(line_totals.gross_sales, 0) as gross_sales,
        coalesce(line_totals.discounts, 0) as discounts,
        coalesce(line_totals.net_sales, 0) as net_sales,
        coalesce(line_totals.refunds, 0) as line_refunds,
        coalesce(line_totals.cogs, 0) as cogs,
        coalesce(line_totals.gross_sales_eur, 0) as gross_sales_eur,
        coalesce(line_totals.discounts_eur, 0) as discounts_eur,
        coalesce(line_totals.net_sales_eur, 0) as net_sales_eur,
        coalesce(line_totals.refunds_eur, 0) as line_refunds_eur,
        coalesce(line_totals.cogs_eur, 0) as cogs_eur
    from eur_amounts
    left join line_totals
        on eur_amounts.order_id = line_totals.order_id
    left join refund_totals
        on eur_amounts.order_id = refund_totals.order_id
),

-- The order-level refund loses its tax the way the order booked what it
-- charged beyond its lines: that amount (total_price minus the lines as
-- charged, i.e. shipping with any tax on it) became shipping_revenue. With
-- nothing charged beyond the lines, an adjustment is taxed like the goods.
order_level_tax as (
    select
        *,
        case
            when total_price - lines_charged_incl_tax >= 0.01
                then least(greatest(shipping_price / (total_price - lines_charged_incl_tax), 0), 1)
            when lines_charged_incl_tax > 0 then net_sales / lines_charged_incl_tax
            else 1.0
        end as order_level_excl_tax_share
    from with_lines
),

order_level_refunds as (
    select
        *,
        cast(
            case when is_cancelled then 0 else order_level_refund_charged * order_level_excl_tax_share end
            as decimal(18, 4)
        ) as order_level_refunds
    from order_level_tax
),

-- Refunds count against the order's date: EUR at the order date's rate.
all_refunds as (
    select
        *,
        cast({{ to_reporting_currency('order_level_refunds', 'units_per_eur') }} as decimal(18, 4))
            as order_level_refunds_eur,
        cast(line_refunds + order_level_refunds as decimal(18, 4)) as refunds
    from order_level_refunds
),

margins as (
    select
        *,
        cast(line_refunds_eur + order_level_refunds_eur as decimal(18, 4)) as refunds_eur,
        cast(net_sales + shipping_revenue - refunds as decimal(18, 4)) as net_revenue,
        cast(net_sales_eur + shipping_revenue_eur - line_refunds_eur - order_level_refunds_eur as decimal(18, 4))
            as net_revenue_eur
    from all_refunds
),

-- New vs returning: the customer's first order that was not cancelled.
sequenced as (
    select
        *,
        case
            when not is_cancelled
                then row_number() over (
                        partition by unified_customer_id, is_cancelled order by created_at, order_id
                    )
        end as customer_order_number
    from margins
),

final as (
    select
        order_id,
        order_name,
        created_at,
        cancelled_at,
        order_date,
        unified_customer_id as customer_id,
        customer_id as shop_customer_id,
        customer_email_hash,
        customer_accepts_marketing,
        country_code,
        channel,
        source_name,
        is_subscription_order,
        financial_status,
        is_cancelled,
        cast(customer_order_number as integer) as customer_order_number,
        coalesce(customer_order_number = 1, false) as is_first_order,
        has_missing_cost,
        has_missing_fulfilment_cost,
        last_refunded_at,
        line_count,
        units,
        refunded_units,
        currency,
        units_per_eur,
        total_price,
        subtotal_price,
        total_discounts,
        total_tax,
        cast(shipping_price as decimal(18, 2)) as shipping_price,
        gross_sales,
        discounts,
        net_sales,
        shipping_revenue,
        refunded_amount,
        order_level_refunds,
        refunds,
        net_revenue,
        cogs,
        cast(net_revenue - cogs as decimal(18, 4)) as gross_margin,
        fulfilment_cost,
        payment_fees,
        cast(net_revenue - cogs - fulfilment_cost - payment_fees as decimal(18, 4)) as contribution_margin,
        cast(total_price_eur as decimal(18, 4)) as total_price_eur,
        gross_sales_eur,
        discounts_eur,
        net_sales_eur,
        shipping_revenue_eur,
        order_level_refunds_eur,
        refunds_eur,
        net_revenue_eur,
        cogs_eur,
        cast(net_revenue_eur - cogs_eur as decimal(18, 4)) as gross_margin_eur,
        fulfilment_cost_eur,
        payment_fees_eur,
        cast(net_revenue_eur - cogs_eur - fulfilment_cost_eur - payment_fees_eur as decimal(18, 4)) as contribution_margin_eur,
        extracted_at
    from sequenced
)

select * from final
