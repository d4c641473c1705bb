-- One row per subscription and month: MRR in EUR and its movement type.
select
    subscription_month_id,
    subscription_id,
    month_start_date,
    plan_id,
    subscription_status,
    movement_type,
    mrr_eur,
    previous_mrr_eur,
    mrr_change_eur
from marts.fct_subscription_mrr
