{#- Generated from the metric definitions in models/semantic/*.yml (the dbt
    graph), so the dictionary is never kept by hand a second time. -#}
{%- set rows = [] -%}
{%- if execute -%}
    {%- for metric in graph.metrics.values() | sort(attribute='name') -%}
        {%- set meta = metric.config.meta if metric.config and metric.config.meta else metric.meta -%}
        {%- do rows.append({
            'name': metric.name,
            'label': metric.label or metric.name,
            'description': metric.description,
            'metric_type': metric.type,
            'formula': meta.get('formula', ''),
            'unit': meta.get('unit', ''),
            'finance_alignment': meta.get('finance_alignment', ''),
            'higher_is_better': meta.get('higher_is_better'),
            'owner': meta.get('owner', ''),
            'mart_column': meta.get('mart_column'),
        }) -%}
    {%- endfor -%}
{%- endif %}

with

metrics as (
    {%- for row in rows %}
        select
            {{ dbt.string_literal(row.name) }} as metric_name,
            {{ dbt.string_literal(row.label) }} as label,
            {{ dbt.string_literal(row.description | replace("'", "''")) }} as definition,
            {{ dbt.string_literal(row.metric_type) }} as metric_type,
            {{ dbt.string_literal(row.formula | replace("'", "''")) }} as formula,
            {{ dbt.string_literal(row.unit) }} as unit,
            {{ dbt.string_literal(row.finance_alignment | replace("'", "''")) }} as finance_alignment,
            {{ 'null' if row.higher_is_better is none else (row.higher_is_better | string | lower) }} as is_higher_better,
            {{ dbt.string_literal(row.owner) }} as owner,
            {{ 'cast(null as ' ~ api.Column.translate_type('string') ~ ')' if row.mart_column is none else dbt.string_literal(row.mart_column) }} as mart_column
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
    {%- if rows | length == 0 %}
    select
        cast(null as {{ api.Column.translate_type('string') }}) as metric_name,
        cast(null as {{ api.Column.translate_type('string') }}) as label,
        cast(null as {{ api.Column.translate_type('string') }}) as definition,
        cast(null as {{ api.Column.translate_type('string') }}) as metric_type,
        cast(null as {{ api.Column.translate_type('string') }}) as formula,
        cast(null as {{ api.Column.translate_type('string') }}) as unit,
        cast(null as {{ api.Column.translate_type('string') }}) as finance_alignment,
        cast(null as boolean) as is_higher_better,
        cast(null as {{ api.Column.translate_type('string') }}) as owner,
        cast(null as {{ api.Column.translate_type('string') }}) as mart_column
    where false
    {%- endif %}
),

final as (
    select * from metrics
)

select * from final
