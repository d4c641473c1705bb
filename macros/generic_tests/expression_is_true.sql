{#- Every row satisfies the expression; applied to a column, the expression
    follows the column name (e.g. "> 0"). -#}
{% test expression_is_true(model, expression, column_name=none, where=none) %}
    select *
    from {{ model }}
    where not ({{ column_name if column_name else '' }} {{ expression }})
    {% if where %}and ({{ where }}){% endif %}
{% endtest %}
