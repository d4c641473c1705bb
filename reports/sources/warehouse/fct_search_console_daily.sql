-- One row per day, query, page, country and device from Search Console.
select
    search_date,
    is_anonymized_query,
    is_brand_query,
    country_iso3,
    device,
    clicks,
    impressions,
    position_x_impressions
from marts.fct_search_console_daily
