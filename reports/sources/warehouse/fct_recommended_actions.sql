-- One row per recommended action, ranked (priority 1 first): data-quality breaks, then by expected money impact.
select
    action_id,
    priority,
    action_category,
    action_text,
    expected_impact_eur,
    expected_impact_low_eur,
    expected_impact_high_eur,
    evidence,
    owner,
    subject_id,
    evidence_date
from marts.fct_recommended_actions
