-- The budget plan never funds a campaign that an action cuts: flagged campaigns are
-- outside every channel's funded set, and no cut campaign's channel row keeps it.
select
    campaigns.campaign_key,
    reallocation.channel
from {{ ref('fct_inefficient_campaigns') }} as campaigns
inner join {{ ref('mart_budget_reallocation') }} as reallocation
    on ',' || reallocation.funded_campaign_keys || ',' like '%,' || campaigns.campaign_key || ',%'
where campaigns.is_flagged
