{#- Raw rows kept out of the staging models, with the reason and its stable
    code (declared in contract/landing.yml). Holds raw values (possibly
    personal data), so it stays in the staging schema. -#}
with

{% for source_name, entity, _ in landing_entities() %}
    {%- set codes = landing_reason_codes()[source_name ~ '__' ~ entity] %}
    {{ source_name }}__{{ entity }} as (
        select
            '{{ source_name }}' as source_name,
            '{{ entity }}' as entity,
            source_file,
            extracted_at,
            case quarantine_reason
                {%- for reason, code in codes.items() %}
                    when '{{ reason }}' then '{{ code }}'
                {%- endfor %}
            end as reason_code,
            quarantine_reason as reason,
            quarantine_reason,
            cast(raw_values as {{ api.Column.translate_type('string') }}) as raw_values
        from {{ ref('base_' ~ source_name ~ '__' ~ entity) }}
        where quarantine_reason is not null
    ),

{% endfor %}
final as (
    {% for source_name, entity, _ in landing_entities() %}
        select * from {{ source_name }}__{{ entity }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from final
