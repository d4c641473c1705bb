{#- Whether each landing entity is present, decided as the sources decide it
    (macro landing_entity_is_present: the source is enabled and its glob
    matches a file), with the files and raw rows the inventory counted. -#}
with

landing_files as (
    select
        source_name,
        entity,
        sum(case when status = 'loaded' then 1 else 0 end) as landing_files,
        coalesce(sum(raw_rows), 0) as landing_rows
    from {{ ref('stg_landing__files') }}
    where source_name is not null
    group by source_name, entity
),

entities as (
    {% for source_name, entity, _ in landing_entities() %}
        select
            '{{ source_name }}' as source_name,
            '{{ entity }}' as entity,
            {{ bool_literal(landing_source_enabled(source_name)) }} as is_enabled,
            {{ bool_literal(landing_entity_is_present(source_name, entity)) }} as is_present
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        entities.source_name,
        entities.entity,
        entities.is_enabled,
        entities.is_present,
        case
            when entities.is_present then 'present'
            when not entities.is_enabled then 'disabled'
            else 'absent'
        end as coverage_status,
        coalesce(landing_files.landing_files, 0) as landing_files,
        coalesce(landing_files.landing_rows, 0) as landing_rows
    from entities
    left join landing_files
        on
            entities.source_name = landing_files.source_name
            and entities.entity = landing_files.entity
)

select * from final
