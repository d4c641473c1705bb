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

{% for source_name, entity, staging_model in landing_entities() %}
    {%- set base_model = 'base_' ~ source_name ~ '__' ~ entity %}
    {{ source_name }}__{{ entity }}_base as (
        select
            count(*) as raw_rows,
            sum(case when quarantine_reason like 'superseded%' then 1 else 0 end)
                as superseded_rows,
            sum(case when quarantine_reason is not null then 1 else 0 end) as quarantined_rows,
            count(distinct source_file) as files,
            max(extracted_at) as last_extracted_at
        from {{ ref(base_model) }}
    ),


    -- Rows in the staging model (for fx, whose staging reshapes the rows: accepted rows).
    {{ source_name }}__{{ entity }}_staged as (
        select count(*) as staged_rows
        from {{ ref(staging_model or base_model) }}
        {%- if not staging_model %}
            where quarantine_reason is null
        {%- endif %}
    ),

    {{ source_name }}__{{ entity }} as (
        select
            '{{ source_name }}' as source_name,
            '{{ entity }}' as entity,
            base_counts.files,
            base_counts.last_extracted_at,
            base_counts.raw_rows + coalesce(malformed_lines.malformed_rows, 0) as raw_rows,
            staged_counts.staged_rows,
            base_counts.quarantined_rows + coalesce(malformed_lines.malformed_rows, 0) as quarantined_rows,
            base_counts.superseded_rows,
            coalesce(landing_files.landing_files, 0) as landing_files,
            coalesce(landing_files.refused_files, 0) as refused_files,
            coalesce(landing_files.landing_rows, 0) as landing_rows
        from {{ source_name }}__{{ entity }}_base as base_counts
        cross join {{ source_name }}__{{ entity }}_staged as staged_counts
        left join landing_files
            on
                landing_files.source_name = '{{ source_name }}'
                and landing_files.entity = '{{ entity }}'
        left join malformed_lines
            on
                malformed_lines.source_name = '{{ source_name }}'
                and malformed_lines.entity = '{{ entity }}'
    ),

{% endfor %}
unioned as (
    {% for source_name, entity, _ in landing_entities() %}
        select * from {{ source_name }}__{{ entity }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        unioned.source_name,
        case unioned.source_name
            {%- for source_name, label in landing_source_labels().items() %}
                when '{{ source_name }}' then '{{ label | replace("'", "''") }}'
            {%- endfor %}
        end as source_label,
        unioned.entity,
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
    from unioned
    inner join coverage
        on unioned.source_name = coverage.source_name and unioned.entity = coverage.entity
)

{{ select_contract_columns('final') }}
