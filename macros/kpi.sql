{#- Division that gives null, not an error, when the denominator is 0. -#}
{% macro safe_divide(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif({{ denominator }}, 0)
{%- endmacro %}

{#- The additive KPI measures of int_kpi_measures_daily. -#}
{% macro kpi_additive_measures() -%}
    {{ return([
        'marketing_spend_eur', 'impressions', 'clicks', 'platform_conversions', 'sessions',
        'engaged_sessions', 'orders', 'web_orders', 'new_customers', 'new_customers_from_paid',
        'subscription_orders', 'gross_sales_eur', 'discounts_eur', 'refunds_eur', 'net_revenue_eur',
        'cogs_eur', 'gross_margin_eur', 'fulfilment_cost_eur', 'payment_fees_eur',
        'contribution_margin_eur',
    ]) }}
{%- endmacro %}

{#- KPI ratios from summed measures, shared by the daily and monthly marts so
    both use one definition (see mart_kpi_dictionary). -#}
{% macro kpi_ratios() -%}
    contribution_margin_eur - marketing_spend_eur as contribution_after_marketing_eur,
    {{ safe_divide('gross_margin_eur', 'net_revenue_eur') }} as gross_margin_pct,
    {{ safe_divide('net_revenue_eur', 'marketing_spend_eur') }} as roas,
    {{ safe_divide('gross_margin_eur', 'marketing_spend_eur') }} as poas,
    {{ safe_divide('net_revenue_eur', 'gross_margin_eur') }} as breakeven_roas,
    case when is_all_channels then {{ safe_divide('net_revenue_eur', 'marketing_spend_eur') }} end as mer,
    {{ safe_divide('marketing_spend_eur', 'new_customers') }} as cac_eur,
    case when is_all_channels then {{ safe_divide('marketing_spend_eur', 'new_customers_from_paid') }} end
        as paid_cac_eur,
    {{ safe_divide('net_revenue_eur', 'orders') }} as aov_eur,
    {{ safe_divide('web_orders', 'sessions') }} as conversion_rate,
    {{ safe_divide('clicks', 'impressions') }} as ctr,
    {{ safe_divide('marketing_spend_eur', 'clicks') }} as cpc_eur,
    {{ safe_divide('marketing_spend_eur * 1000', 'impressions') }} as cpm_eur,
    {{ safe_divide('marketing_spend_eur', 'web_orders') }} as cpa_eur
{%- endmacro %}

{#- Select every column of the model's contract, cast to its declared type:
    the YAML stays the one place where a public column's type is set. -#}
{% macro select_contract_columns(relation_name) -%}
    select
        {%- for column in model.columns.values() %}
        cast({{ column.name }} as {{ column.data_type }}) as {{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ relation_name }}
{%- endmacro %}
