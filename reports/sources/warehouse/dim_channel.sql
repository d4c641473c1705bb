-- One row per reporting channel; channel_label (from the warehouse) is the name a reader sees.
select
    channel,
    channel_label,
    channel_family,
    is_paid,
    sort_order,
    channel_description
from marts.dim_channel
