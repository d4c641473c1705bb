-- Each conversion's credit shares add up to 1 (within floating-point noise)
-- for every attribution model. Returns the offending conversions.
select
    attribution_model,
    conversion_id,
    sum(credit_share) as total_share
from {{ ref('fct_attribution') }}
group by 1, 2
having abs(sum(credit_share) - 1) > 1e-9
