{#- Month-end state and MRR of every subscription, for every month from its
    first event to the last month of billing data, with the MRR movement of
    the month. The rules are documented in _subscriptions__models.yml. -#}
with

billing_events as (
    select
        event_id,
        event_type,
        occurred_at,
        event_date,
        subscription_id,
        customer_id,
        customer_email_hash,
        plan_id,
        sku,
        quantity,
        interval_months,
        currency,
        amount
    from {{ ref('stg_subscriptions__billing_events') }}
),

-- The calendar's months (the vars dim_date is built from too): intermediate
-- models do not read marts.
month_spine as (
    {{ dbt.date_spine(
        'month',
        "cast('" ~ var('calendar_start_date') ~ "' as date)",
        "cast('" ~ var('calendar_end_date') ~ "' as date)"
    ) }}
),

fx_rates as (
    select
        rate_date,
        currency,
        units_per_eur
    from {{ ref('stg_fx__rates_daily') }}
),

-- Status after each event: the last pause, resume or cancellation decides;
-- creation does not (the platform logs it after a same-day first charge or
-- pause), plan changes and charges keep the status.
event_states as (
    select
        *,
        coalesce(
            {{ last_value_ignore_nulls("case event_type
                    when 'subscription_paused' then 'paused'
                    when 'subscription_resumed' then 'active'
                    when 'subscription_cancelled' then 'cancelled'
                end") }} over (
                partition by subscription_id order by occurred_at, event_id
                rows between unbounded preceding and current row
            ),
            'active'
        ) as subscription_status,
        row_number() over (partition by subscription_id order by occurred_at, event_id) as event_number
    from billing_events
),

months as (
    select
        cast(date_month as date) as month_start_date,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'date_month')) }} as date) as month_end_date
    from month_spine
),

data_bounds as (
    select max(event_date) as last_event_date
    from billing_events
),

subscription_bounds as (
    select
        subscription_id,
        min(event_date) as first_event_date
    from billing_events
    group by 1
),

subscription_months as (
    select
        subscription_bounds.subscription_id,
        months.month_start_date,
        months.month_end_date
    from subscription_bounds
    cross join data_bounds
    inner join months
        on
            subscription_bounds.first_event_date <= months.month_end_date
            and data_bounds.last_event_date >= months.month_start_date
),

-- The state at month end is the one after the month's last event.
month_end_states as (
    select
        subscription_months.subscription_id,
        subscription_months.month_start_date,
        subscription_months.month_end_date,
        event_states.customer_id,
        event_states.customer_email_hash,
        event_states.plan_id,
        event_states.sku,
        event_states.quantity,
        event_states.interval_months,
        event_states.currency,
        event_states.amount,
        event_states.subscription_status,
        row_number() over (
            partition by subscription_months.subscription_id, subscription_months.month_start_date
            order by event_states.event_number desc
        ) as recency_rank
    from subscription_months
    inner join event_states
        on
            subscription_months.subscription_id = event_states.subscription_id
            and subscription_months.month_end_date >= event_states.event_date
),

-- The month's last published rate: the month-end rate, or the latest one
-- for a month still running.
month_end_rates as (
    select
        months.month_start_date,
        fx_rates.currency,
        fx_rates.units_per_eur,
        row_number() over (
            partition by months.month_start_date, fx_rates.currency order by fx_rates.rate_date desc
        ) as recency_rank
    from fx_rates
    inner join months
        on fx_rates.rate_date between months.month_start_date and months.month_end_date
),

-- amount is the price per interval for the whole quantity (a quantity of 2
-- costs twice a quantity of 1), so it is not multiplied by quantity again.
with_mrr as (
    select
        month_end_states.*,
        month_end_rates.units_per_eur,
        cast(
            case
                when month_end_states.subscription_status = 'active'
                    then month_end_states.amount / month_end_states.interval_months
                else 0
            end as decimal(18, 4)
        ) as mrr
    from month_end_states
    left join month_end_rates
        on
            month_end_states.month_start_date = month_end_rates.month_start_date
            and month_end_states.currency = month_end_rates.currency
            and month_end_rates.recency_rank = 1
    where month_end_states.recency_rank = 1
),

with_history as (
    select
        *,
        cast({{ to_reporting_currency('mrr', 'units_per_eur') }} as decimal(18, 4)) as mrr_eur,
        coalesce(
            lag(mrr) over (partition by subscription_id order by month_start_date), 0
        ) as previous_mrr,
        coalesce(
            max(mrr) over (
                partition by subscription_id order by month_start_date
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) > 0 as had_mrr_before
    from with_mrr
),

-- Movements compare MRR in the subscription's own currency, so an FX move
-- alone never makes an expansion or a contraction.
with_movement as (
    select
        *,
        case
            when mrr > 0 and not had_mrr_before then 'new'
            when mrr > 0 and previous_mrr = 0 then 'reactivation'
            when previous_mrr > 0 and mrr = 0 then 'churn'
            when mrr > previous_mrr then 'expansion'
            when mrr < previous_mrr then 'contraction'
            when mrr > 0 then 'retained'
            else 'inactive'
        end as movement_type,
        coalesce(
            lag(mrr_eur) over (partition by subscription_id order by month_start_date), 0
        ) as previous_mrr_eur
    from with_history
),

final as (
    select
        subscription_id || '-' || cast(month_start_date as {{ api.Column.translate_type('string') }})
            as subscription_month_id,
        subscription_id,
        month_start_date,
        month_end_date,
        customer_id,
        customer_email_hash,
        plan_id,
        sku,
        quantity,
        interval_months,
        subscription_status,
        movement_type,
        currency,
        units_per_eur,
        amount,
        mrr,
        previous_mrr,
        mrr_eur,
        cast(previous_mrr_eur as decimal(18, 4)) as previous_mrr_eur,
        cast(mrr_eur - previous_mrr_eur as decimal(18, 4)) as mrr_change_eur
    from with_movement
)

select * from final
