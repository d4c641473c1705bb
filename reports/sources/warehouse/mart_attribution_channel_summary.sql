-- One row per attribution model x month x channel x campaign: credited conversions, revenue and margins next to ad spend.
select
    attribution_model,
    month_start_date,
    channel,
    campaign_name,
    is_unattributed,
    attributed_conversions,
    attributed_first_orders,
    attributed_revenue_eur,
    attributed_gross_margin_eur,
    attributed_contribution_margin_eur,
    spend_eur
from marts.mart_attribution_channel_summary
