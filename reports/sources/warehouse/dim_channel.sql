-- One row per reporting channel.
select
    channel,
    channel_family,
    is_paid,
    sort_order,
    channel_description
from marts.dim_channel
