-- One row per landing source and entity: raw = staged + quarantined (+ superseded), last extract.
select
    source_name,
    source_label,
    entity,
    files,
    last_extracted_at,
    raw_rows,
    staged_rows,
    quarantined_rows,
    superseded_rows,
    rejected_rows,
    is_reconciled
from marts.mart_source_reconciliation
