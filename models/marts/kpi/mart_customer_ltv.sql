{#- Customer value after 90, 180 and 365 days from the first order. A customer
    counts for a window only once the data covers the whole window, so young
    cohorts do not drag the average down. -#}
with

customers as (
    select
        customer_id,
        first_order_date,
        first_order_channel,
        acquisition_cohort_month,
        market
    from {{ ref('dim_customer') }}
    where first_order_date is not null
),

orders as (
    select
        customer_id,
        order_date,
        net_revenue_eur,
        gross_margin_eur
    from {{ ref('fct_orders') }}
),

data_end as (
    select max(order_date) as last_order_date from orders
),

value_windows as (
    select
        customers.customer_id,
        {%- for days in [90, 180, 365] %}
            sum(
                case
                    when orders.order_date < {{ dbt.dateadd('day', days, 'customers.first_order_date') }}
                        then orders.net_revenue_eur
                    else 0
                end
            ) as net_revenue_{{ days }}d_eur,
            sum(
                case
                    when orders.order_date < {{ dbt.dateadd('day', days, 'customers.first_order_date') }}
                        then orders.gross_margin_eur
                    else 0
                end
            ) as gross_margin_{{ days }}d_eur,
        {%- endfor %}
        count(*) as orders
    from customers
    inner join orders
        on customers.customer_id = orders.customer_id
    group by 1
),

final as (
    select
        customers.customer_id,
        customers.first_order_date,
        customers.first_order_channel,
        customers.acquisition_cohort_month,
        customers.market,
        {%- for days in [90, 180, 365] %}
            coalesce(value_windows.net_revenue_{{ days }}d_eur, 0) as net_revenue_{{ days }}d_eur,
            coalesce(value_windows.gross_margin_{{ days }}d_eur, 0) as gross_margin_{{ days }}d_eur,
            {{ dbt.dateadd('day', days - 1, 'customers.first_order_date') }} <= data_end.last_order_date
                as is_observed_{{ days }}d,
        {%- endfor %}
        coalesce(value_windows.orders, 0) as orders
    from customers
    cross join data_end
    left join value_windows
        on customers.customer_id = value_windows.customer_id
)

{{ select_contract_columns('final') }}
