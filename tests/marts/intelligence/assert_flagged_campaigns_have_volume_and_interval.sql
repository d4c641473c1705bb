-- A campaign is only flagged with volume and with its whole interval on the wrong side.
select campaign_key
from {{ ref('fct_inefficient_campaigns') }}
where
    is_flagged
    and (
        not has_enough_volume
        or (is_unprofitable and poas_high >= 1)
        or (is_cpa_above_target and cpa_low_eur <= target_cac_eur)
    )
