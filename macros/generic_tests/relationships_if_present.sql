{#- dbt's relationships test, run only when a landing entity is present: with
    the catalog absent (any subset of sources builds), every order line's SKU
    is unknown by construction, and the empty dim_product says so already. -#}
{% test relationships_if_present(model, column_name, to, field, landing_entity) %}
    {%- set source_name, entity = landing_entity.split('/') -%}
    {%- if landing_entity_is_present(source_name, entity) %}
        select child.{{ column_name }}
        from {{ model }} as child
        left join {{ to }} as parent
            on child.{{ column_name }} = parent.{{ field }}
        where child.{{ column_name }} is not null and parent.{{ field }} is null
    {%- else %}
        select 1 as no_rows
        where 1 = 0
    {%- endif %}
{% endtest %}
