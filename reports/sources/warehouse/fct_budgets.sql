-- One row per month and ad platform: media budget from finance, EUR.
select
    budget_id,
    month_start_date,
    platform,
    budget_eur
from marts.fct_budgets
