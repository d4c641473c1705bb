-- One row per ad campaign with spend in the trailing 90 days, scored for efficiency (POAS with interval, flags).
select
    campaign_key,
    campaign_name,
    platform,
    channel,
    window_start_date,
    window_end_date,
    spend_eur,
    roas,
    breakeven_roas,
    poas,
    poas_low,
    poas_high,
    cpa_eur,
    target_cac_eur,
    has_enough_volume,
    is_flagged,
    margin_shortfall_30d_eur,
    flag_reason
from marts.fct_inefficient_campaigns
