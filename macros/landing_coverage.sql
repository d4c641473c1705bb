{#- Which KPI measures the landing can support. A measure whose sources are all
    absent is null, not zero: zero spend would make contribution after
    marketing look like the whole margin, zero COGS a 100% gross margin, zero
    sessions "no traffic". A present source with no rows
    (a header-only export) is present: its zeros are real.

    Each requirement: the measures it gates, the KPI columns of the KPI marts
    computed from them (null as well: ratios of a null are null),
    the alternatives (any one alternative fully present meets it) and the
    reason shown when it is not met. marts.mart_kpi_coverage lists them;
    int_kpi_measures_daily nulls the gated measures. -#}
{% macro kpi_source_requirements() -%}
    {{ return([
        {
            'requirement': 'ad_spend',
            'alternatives': [['google_ads__ad_stats'], ['meta_ads__ads_insights'], ['tiktok_ads__ad_report'],
                ['linkedin_ads__ad_analytics']],
            'measures': ['marketing_spend_eur', 'impressions', 'clicks', 'platform_conversions'],
            'kpis': ['roas', 'poas', 'mer', 'cac_eur', 'paid_cac_eur', 'ctr', 'cpc_eur', 'cpm_eur', 'cpa_eur',
                'contribution_after_marketing_eur'],
            'reason': 'no ad platform source (google_ads, meta_ads, tiktok_ads, linkedin_ads) in the landing',
        },
        {
            'requirement': 'sessions',
            'alternatives': [['ga4__events']],
            'measures': ['sessions', 'engaged_sessions'],
            'kpis': ['conversion_rate'],
            'reason': 'no ga4 source (web analytics events) in the landing',
        },
        {
            'requirement': 'web_orders',
            'alternatives': [['shop__orders']],
            'measures': ['web_orders', 'new_customers', 'new_customers_from_paid', 'subscription_orders',
                'gross_sales_eur', 'discounts_eur', 'refunds_eur', 'fulfilment_cost_eur', 'payment_fees_eur',
                'web_net_revenue_eur', 'web_gross_margin_eur', 'web_contribution_margin_eur'],
            'kpis': ['cac_eur', 'paid_cac_eur', 'conversion_rate', 'cpa_eur'],
            'reason': 'no shop source (web orders) in the landing',
        },
        {
            'requirement': 'sales',
            'alternatives': [['shop__orders'], ['stores__sales']],
            'measures': ['orders', 'net_revenue_eur'],
            'kpis': ['roas', 'mer', 'aov_eur', 'gross_margin_pct', 'breakeven_roas'],
            'reason': 'no sales source (shop or stores) in the landing',
        },
        {
            'requirement': 'product_costs',
            'alternatives': [['shop__orders', 'catalog__product_costs'], ['stores__sales']],
            'unmet_when_present': ['shop__orders'],
            'measures': ['cogs_eur', 'gross_margin_eur', 'contribution_margin_eur', 'web_gross_margin_eur',
                'web_contribution_margin_eur'],
            'kpis': ['gross_margin_pct', 'poas', 'breakeven_roas', 'contribution_after_marketing_eur'],
            'reason': 'no catalog/product_costs for the shop orders (COGS unknown), or no sales source',
        },
    ]) }}
{%- endmacro %}

{#- Is a requirement met: one alternative with all its entities present, and no
    entity of unmet_when_present present without the entities of the
    alternatives that include it (shop orders without costs make COGS unknown,
    even when store sales carry theirs)? -#}
{% macro kpi_requirement_met(requirement_name) -%}
    {%- set requirement = kpi_source_requirements() | selectattr('requirement', 'equalto', requirement_name) | first -%}
    {%- set ns = namespace(met=false, blocked=false) -%}
    {%- for alternative in requirement['alternatives'] -%}
        {%- set ns_alt = namespace(all_present=true) -%}
        {%- for slug in alternative -%}
            {%- set source_name, entity = slug.split('__') -%}
            {%- if not landing_entity_is_present(source_name, entity) -%}
                {%- set ns_alt.all_present = false -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if ns_alt.all_present -%}
            {%- set ns.met = true -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for slug in requirement.get('unmet_when_present', []) -%}
        {%- set source_name, entity = slug.split('__') -%}
        {%- if landing_entity_is_present(source_name, entity) -%}
            {%- set ns_slug = namespace(covered=false) -%}
            {%- for alternative in requirement['alternatives'] if slug in alternative -%}
                {%- set ns_alt = namespace(all_present=true) -%}
                {%- for other in alternative -%}
                    {%- set other_source, other_entity = other.split('__') -%}
                    {%- if not landing_entity_is_present(other_source, other_entity) -%}
                        {%- set ns_alt.all_present = false -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- if ns_alt.all_present -%}
                    {%- set ns_slug.covered = true -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if not ns_slug.covered -%}
                {%- set ns.blocked = true -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(ns.met and not ns.blocked) }}
{%- endmacro %}

{#- A KPI measure, or a typed null when the landing cannot support it. -#}
{% macro covered_measure(measure, expression) -%}
    {%- set ns = namespace(met=true) -%}
    {%- for requirement in kpi_source_requirements() if measure in requirement['measures'] -%}
        {%- set ns.met = ns.met and kpi_requirement_met(requirement['requirement']) -%}
    {%- endfor -%}
    {%- if ns.met -%}
        {{ expression }}
    {%- else -%}
        case when false then {{ expression }} end
    {%- endif -%}
{%- endmacro %}

{#- A SQL boolean literal. -#}
{% macro bool_literal(value) -%}
    {{ 'true' if value else 'false' }}
{%- endmacro %}
