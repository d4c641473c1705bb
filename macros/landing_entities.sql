{#- Every landing entity: (source, entity, the staging model holding one row
    per accepted raw row, or none where staging reshapes the rows). The
    quarantine and the reconciliation read this one list. -#}
{% macro landing_entities() -%}
    {{ return([
        ('catalog', 'product_costs', 'stg_catalog__product_costs'),
        ('catalog', 'products', 'stg_catalog__products'),
        ('email', 'campaigns', 'stg_email__campaigns'),
        ('email', 'events', 'stg_email__events'),
        ('email', 'profiles', 'stg_email__profiles'),
        ('finance', 'budgets', 'stg_finance__budgets'),
        ('finance', 'targets', 'stg_finance__targets'),
        ('fx', 'rates', none),
        ('ga4', 'events', 'stg_ga4__events'),
        ('google_ads', 'ad_stats', 'stg_google_ads__ad_stats'),
        ('linkedin_ads', 'ad_analytics', 'stg_linkedin_ads__ad_analytics'),
        ('meta_ads', 'ads_insights', 'stg_meta_ads__ads_insights'),
        ('search_console', 'search_analytics', 'stg_search_console__search_analytics'),
        ('shop', 'orders', 'stg_shop__orders'),
        ('stores', 'sales', 'stg_stores__sales'),
        ('subscriptions', 'billing_events', 'stg_subscriptions__billing_events'),
        ('support', 'tickets', 'stg_support__tickets'),
        ('tiktok_ads', 'ad_report', 'stg_tiktok_ads__ad_report'),
    ]) }}
{%- endmacro %}
