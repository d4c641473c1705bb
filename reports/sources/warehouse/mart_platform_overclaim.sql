-- One row per ad platform x month x channel: platform-claimed conversions and value against the shop's last-click and data-driven credit.
select
    platform,
    month_start_date,
    channel,
    claimed_conversions,
    claimed_value_eur,
    last_click_conversions,
    last_click_revenue_eur,
    data_driven_conversions,
    data_driven_revenue_eur
from marts.mart_platform_overclaim
