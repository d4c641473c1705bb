{#- Whether the landing supports each group of KPI measures. A measure whose
    sources are all absent is null in the KPI marts (macro covered_measure),
    never a misleading zero; this says why. -#}
with

requirements as (
    {%- for requirement in kpi_source_requirements() %}
        select
            '{{ requirement["requirement"] }}' as requirement,
            '{{ requirement["alternatives"] | map("join", " and ") | join(" or ") | replace("__", "/") }}'
                as needed_sources,
            '{{ requirement["measures"] | join(", ") }}' as gated_measures,
            '{{ requirement["kpis"] | join(", ") }}' as affected_kpis,
            {{ bool_literal(kpi_requirement_met(requirement["requirement"])) }} as is_covered,
            '{{ requirement["reason"] }}' as unmet_reason
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select
        requirement,
        needed_sources,
        gated_measures,
        affected_kpis,
        is_covered,
        case
            when not is_covered
                then {{ dbt.concat(['unmet_reason', "': '", 'gated_measures', "' are null, and so are '", 'affected_kpis']) }}
        end as null_reason
    from requirements
)

{{ select_contract_columns('final') }}
