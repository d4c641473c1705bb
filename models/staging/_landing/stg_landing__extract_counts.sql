{#- One row per landing entity: rows read by its base model (staged,
    quarantined by the base model or for want of an FX rate, superseded),
    files and latest extract, and rows in its staging model.
    mart_source_reconciliation compares them with the file inventory; it
    reads these counts, not the base models. -#}
with

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

    -- Rows that passed the contract but have no FX rate yet: quarantined (macros/fx.sql).
    {{ source_name }}__{{ entity }}_no_fx_rate as (
        {%- if source_name ~ '__' ~ entity in landing_fx_rate_dates() %}
            select count(*) as no_fx_rate_rows
            from ({{ rows_with_fx_rate(source_name, entity, with_rate=false) }}) as unconverted
        {%- else %}
            select 0 as no_fx_rate_rows
        {%- endif %}
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
            base_counts.raw_rows,
            staged_counts.staged_rows,
            base_counts.quarantined_rows + no_fx_rate_counts.no_fx_rate_rows as quarantined_rows,
            base_counts.superseded_rows
        from {{ source_name }}__{{ entity }}_base as base_counts
        cross join {{ source_name }}__{{ entity }}_no_fx_rate as no_fx_rate_counts
        cross join {{ source_name }}__{{ entity }}_staged as staged_counts
    ),

{% endfor %}
unioned as (
    {% for source_name, entity, _ in landing_entities() %}
        select * from {{ source_name }}__{{ entity }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from unioned
