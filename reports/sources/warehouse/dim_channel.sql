-- One row per reporting channel; channel_label is the name a reader sees ("Paid search").
select
    channel,
    upper(left(channel, 1)) || replace(substr(channel, 2), '_', ' ') as channel_label,
    channel_family,
    is_paid,
    sort_order,
    channel_description
from marts.dim_channel
