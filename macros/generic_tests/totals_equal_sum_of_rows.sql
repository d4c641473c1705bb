{#- A coarser model equals the sum of its detail model, key by key and
    column by column (to the cent: both are sums of the same facts). Returns
    the keys and columns that differ, keys found on one side only, and values
    null on one side only. -#}
{% test totals_equal_sum_of_rows(model, detail_model, keys, columns) %}
with

totals as (
    select * from {{ model }}
),

detail_sums as (
    select
        {% for key in keys -%}
            {{ key }},
        {% endfor -%}
        {% for column in columns -%}
            sum({{ column }}) as {{ column }}{{ ',' if not loop.last }}
        {% endfor -%}
    from {{ detail_model }}
    group by {{ keys | join(', ') }}
),

compared as (
    {% for column in columns -%}
        select
            {% for key in keys -%}
                coalesce(totals.{{ key }}, detail_sums.{{ key }}) as {{ key }},
            {% endfor -%}
            {{ dbt.string_literal(column) }} as column_name,
            totals.{{ keys[0] }} is null as is_missing_in_totals,
            detail_sums.{{ keys[0] }} is null as is_missing_in_detail,
            cast(totals.{{ column }} as {{ dbt.type_numeric() }}) as total_value,
            cast(detail_sums.{{ column }} as {{ dbt.type_numeric() }}) as detail_sum
        from totals
        full outer join detail_sums
            on
                {% for key in keys -%}
                    totals.{{ key }} = detail_sums.{{ key }}{{ ' and' if not loop.last }}
                {% endfor %}
        {% if not loop.last %}union all{% endif %}
    {% endfor -%}
)

select * from compared
where
    is_missing_in_totals
    or is_missing_in_detail
    -- A measure the landing cannot support is null on both sides (mart_kpi_coverage).
    or (total_value is null) <> (detail_sum is null)
    or abs(total_value - detail_sum) >= 0.005
{% endtest %}
