{#- Which landing entities are present, and which KPI measures their absence
    turns to null (an absent entity gives empty models; see
    mart_kpi_coverage for the reason per KPI measure). -#}
with

coverage as (
    select * from {{ ref('stg_landing__coverage') }}
),

{#- Entity -> the KPIs its absence nulls: those of every unmet requirement
    with an alternative that names it. -#}
{%- set ns = namespace(rows=[]) %}
{%- for requirement in kpi_source_requirements() if not kpi_requirement_met(requirement['requirement']) %}
    {%- for alternative in requirement['alternatives'] %}
        {%- for slug in alternative %}
            {%- do ns.rows.append((slug, requirement['requirement'], requirement['kpis'])) %}
        {%- endfor %}
    {%- endfor %}
{%- endfor %}

null_kpis as (
    {%- if ns.rows %}
        {%- for slug, requirement, kpis in ns.rows %}
            select
                '{{ slug }}' as slug,
                '{{ requirement }}' as requirement,
                '{{ kpis | join(", ") }}' as kpis
            {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    {%- else %}
        select
            cast(null as {{ api.Column.translate_type('string') }}) as slug,
            cast(null as {{ api.Column.translate_type('string') }}) as requirement,
            cast(null as {{ api.Column.translate_type('string') }}) as kpis
        where 1 = 0
    {%- endif %}
),

null_kpis_per_entity as (
    select
        slug,
        {{ dbt.listagg('requirement', "', '", "order by requirement") }} as null_requirements
    from null_kpis
    group by slug
),

final as (
    select
        coverage.source_name,
        coverage.entity,
        coverage.coverage_status,
        coverage.is_present,
        coverage.landing_files,
        coverage.landing_rows,
        case when not coverage.is_present then null_kpis_per_entity.null_requirements end
            as null_kpi_requirements
    from coverage
    left join null_kpis_per_entity
        on null_kpis_per_entity.slug = {{ dbt.concat(['coverage.source_name', "'__'", 'coverage.entity']) }}
)

{{ select_contract_columns('final') }}
