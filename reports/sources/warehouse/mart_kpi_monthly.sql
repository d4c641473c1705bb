-- One row per month and channel, plus one all-channels row per month (is_all_channels).
select
    month_start_date,
    channel,
    is_all_channels,
    net_revenue_eur,
    net_revenue_target_eur,
    gross_margin_eur,
    contribution_margin_eur,
    marketing_spend_eur,
    mer,
    orders
from marts.mart_kpi_monthly
