{#- Raw rows read = rows staged + rows quarantined, per landing entity. -#}
with

{% for source_name, entity, staging_model in landing_entities() %}
{{ source_name }}__{{ entity }} as (
    select
        '{{ source_name }}' as source_name,
        '{{ entity }}' as entity,
        (select count(*) from {{ ref('base_' ~ source_name ~ '__' ~ entity) }}) as raw_rows,
        {% if staging_model %}
        (select count(*) from {{ ref(staging_model) }}) as staged_rows,
        {% else %}
        (
            select count(*) from {{ ref('base_' ~ source_name ~ '__' ~ entity) }}
            where quarantine_reason is null
        ) as staged_rows,
        {% endif %}
        (
            select count(*) from {{ ref('base_' ~ source_name ~ '__' ~ entity) }}
            where quarantine_reason = 'superseded by a later extract'
        ) as superseded_rows,
        (
            select count(*) from {{ ref('base_' ~ source_name ~ '__' ~ entity) }}
            where quarantine_reason is not null
        ) as quarantined_rows,
        (select count(distinct source_file) from {{ ref('base_' ~ source_name ~ '__' ~ entity) }}) as files,
        (select max(extracted_at) from {{ ref('base_' ~ source_name ~ '__' ~ entity) }}) as last_extracted_at
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
        source_name,
        entity,
        files,
        last_extracted_at,
        raw_rows,
        staged_rows,
        quarantined_rows,
        superseded_rows,
        quarantined_rows - superseded_rows as rejected_rows,
        raw_rows = staged_rows + quarantined_rows as is_reconciled
    from unioned
)

select * from final
