{#- Raw rows in the files = raw rows read = rows staged + rows quarantined,
    per landing entity. The first count comes from the file inventory
    (stg_landing__files), not from the sources, so a file or a line the
    sources skip shows here. An absent entity reconciles with zeros; a
    disabled one (var `<source>_enabled: false`) reads none of its files. -#}
with

coverage as (
    select
        source_name,
        entity,
        coverage_status
    from {{ ref('stg_landing__coverage') }}
),

landing_files as (
    select
        source_name,
        entity,
        sum(case when status = 'loaded' then 1 else 0 end) as landing_files,
        sum(case when status = 'refused' then 1 else 0 end) as refused_files,
        coalesce(sum(raw_rows), 0) as landing_rows
    from {{ ref('stg_landing__files') }}
    where source_name is not null
    group by source_name, entity
),

-- CSV lines the sources skip (their fields do not match the header): quarantined.
malformed_lines as (
    select
        source_name,
        entity,
        count(*) as malformed_rows
    from {{ ref('stg_quarantine__malformed_lines') }}
    group by source_name, entity
),

extract_counts as (
    select
        source_name,
        entity,
        files,
        last_extracted_at,
        raw_rows,
        staged_rows,
        quarantined_rows,
        superseded_rows
    from {{ ref('stg_landing__extract_counts') }}
),

entity_counts as (
    select
        extract_counts.source_name,
        extract_counts.entity,
        extract_counts.files,
        extract_counts.last_extracted_at,
        extract_counts.raw_rows + coalesce(malformed_lines.malformed_rows, 0) as raw_rows,
        extract_counts.staged_rows,
        extract_counts.quarantined_rows + coalesce(malformed_lines.malformed_rows, 0) as quarantined_rows,
        extract_counts.superseded_rows,
        coalesce(landing_files.landing_files, 0) as landing_files,
        coalesce(landing_files.refused_files, 0) as refused_files,
        coalesce(landing_files.landing_rows, 0) as landing_rows
    from extract_counts
    left join landing_files
        on
            extract_counts.source_name = landing_files.source_name
            and extract_counts.entity = landing_files.entity
    left join malformed_lines
        on
            extract_counts.source_name = malformed_lines.source_name
            and extract_counts.entity = malformed_lines.entity
),

final as (
    select
        entity_counts.source_name,
        case entity_counts.source_name
            {%- for source_name, label in landing_source_labels().items() %}
                when '{{ source_name }}' then '{{ label | replace("'", "''") }}'
            {%- endfor %}
        end as source_label,
        entity_counts.entity,
        coverage.coverage_status,
        files,
        landing_files,
        refused_files,
        last_extracted_at,
        landing_rows,
        raw_rows,
        staged_rows,
        quarantined_rows,
        superseded_rows,
        quarantined_rows - superseded_rows as rejected_rows,
        (landing_rows = raw_rows or coverage.coverage_status = 'disabled')
        and raw_rows = staged_rows + quarantined_rows as is_reconciled
    from entity_counts
    inner join coverage
        on entity_counts.source_name = coverage.source_name and entity_counts.entity = coverage.entity
)

{{ select_contract_columns('final') }}
