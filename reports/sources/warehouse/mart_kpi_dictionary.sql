-- One row per metric of the semantic layer: label, definition, formula, unit, owner.
select
    metric_name,
    label,
    definition,
    metric_type,
    formula,
    unit,
    finance_alignment,
    is_higher_better,
    owner
from marts.mart_kpi_dictionary
