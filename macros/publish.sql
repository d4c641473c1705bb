{#- The on-run-end hook: publish the build database for BI readers
    (growth_ledger.publish), unless a node of this run failed, so readers only
    ever see complete runs. The checkpoint folds the write-ahead log into the
    build file, which is then copied as it is on disk. -#}
{% macro publish_warehouse(results) %}
    {{ return(adapter.dispatch('publish_warehouse', 'growth_ledger')(results)) }}
{% endmacro %}

{% macro default__publish_warehouse(results) %}
    {#- Only DuckDB has a file to publish. -#}
    {% do log("publish_warehouse: nothing to publish on " ~ target.type, info=false) %}
{% endmacro %}

{% macro duckdb__publish_warehouse(results) %}
    {% if execute and target.name != 'published' %}
        {% set failed = [] %}
        {% for result in results %}
            {% if result.status in ['error', 'fail', 'runtime error', 'partial success'] %}
                {% do failed.append(result.node.name) %}
            {% endif %}
        {% endfor %}
        {% if failed %}
            {% do log(
                "Not published: " ~ failed | length ~ " node(s) failed (" ~ failed[:5] | join(", ")
                ~ "); BI readers keep the last complete warehouse.", info=true) %}
        {% else %}
            {% do run_query("checkpoint") %}
            {% set published = run_query("select growth_ledger_publish()").columns[0].values()[0] %}
            {% do log("Published the warehouse for BI readers: " ~ published, info=true) %}
        {% endif %}
    {% endif %}
{% endmacro %}
