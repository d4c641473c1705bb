-- One row per customer with a first order: 90/180/365-day net revenue and gross margin, observed flags.
select
    first_order_date,
    first_order_channel,
    acquisition_cohort_month,
    market,
    net_revenue_90d_eur,
    gross_margin_90d_eur,
    is_observed_90d,
    net_revenue_180d_eur,
    gross_margin_180d_eur,
    is_observed_180d,
    net_revenue_365d_eur,
    gross_margin_365d_eur,
    is_observed_365d
from marts.mart_customer_ltv
