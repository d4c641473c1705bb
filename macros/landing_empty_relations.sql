{#- Generated from contract/landing.yml by `python -m growth_ledger.contract --write`. -#}

{#- Per Parquet entity: its optional columns. A file written before a column
    existed (a GA4 export from before `collected_traffic_source`) lacks it;
    source() then reads it as a typed null (landing_optional_column_null). -#}
{% macro landing_optional_parquet_columns() -%}
    {{ return({
        'ga4__events': ['user_id', 'device', 'geo', 'collected_traffic_source', 'ecommerce', 'items'],
    }) }}
{%- endmacro %}

{% macro landing_optional_column_null(slug, column_name) -%}
    {%- set key = slug ~ '.' ~ column_name -%}
    {%- if key == 'ga4__events.user_id' %}
    cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('user_id') }}
    {%- elif key == 'ga4__events.device' %}
    cast(null as struct(category varchar)) as {{ adapter.quote('device') }}
    {%- elif key == 'ga4__events.geo' %}
    cast(null as struct(country varchar)) as {{ adapter.quote('geo') }}
    {%- elif key == 'ga4__events.collected_traffic_source' %}
    cast(null as struct(manual_source varchar, manual_medium varchar, manual_campaign_name varchar, manual_campaign_id varchar, manual_content varchar, gclid varchar)) as {{ adapter.quote('collected_traffic_source') }}
    {%- elif key == 'ga4__events.ecommerce' %}
    cast(null as struct(transaction_id varchar, purchase_revenue double)) as {{ adapter.quote('ecommerce') }}
    {%- elif key == 'ga4__events.items' %}
    cast(null as struct(item_id varchar, item_name varchar, price double, quantity bigint)[]) as {{ adapter.quote('items') }}
    {%- else %}
    {{ exceptions.raise_compiler_error('not an optional Parquet column: ' ~ key) }}
    {%- endif %}
{%- endmacro %}

{#- Per entity (<source>__<entity>): the files its source reads, relative to the
    landing folder (the same glob as the source's external_location). -#}
{% macro landing_source_globs() -%}
    {{ return({
        'catalog__product_costs': 'catalog/product_costs/**/*.[cC][sS][vV]*',
        'catalog__products': 'catalog/products/**/*.[cC][sS][vV]*',
        'email__campaigns': 'email/campaigns/**/*.[cC][sS][vV]*',
        'email__events': 'email/events/**/*.[cC][sS][vV]*',
        'email__profiles': 'email/profiles/**/*.[cC][sS][vV]*',
        'finance__budgets': 'finance/budgets/**/*.[cC][sS][vV]*',
        'finance__targets': 'finance/targets/**/*.[cC][sS][vV]*',
        'fx__rates': 'fx/rates/**/*.[cC][sS][vV]*',
        'ga4__events': 'ga4/events/**/*.[pP][aA][rR][qQ][uU][eE][tT]',
        'google_ads__ad_stats': 'google_ads/ad_stats/**/*.[cC][sS][vV]*',
        'linkedin_ads__ad_analytics': 'linkedin_ads/ad_analytics/**/*.[cC][sS][vV]*',
        'meta_ads__ads_insights': 'meta_ads/ads_insights/**/*.[jJ][sS][oO][nN][lL]',
        'search_console__search_analytics': 'search_console/search_analytics/**/*.[cC][sS][vV]*',
        'shop__orders': 'shop/orders/**/*.[jJ][sS][oO][nN][lL]',
        'stores__sales': 'stores/sales/**/*.[cC][sS][vV]*',
        'subscriptions__billing_events': 'subscriptions/billing_events/**/*.[cC][sS][vV]*',
        'support__tickets': 'support/tickets/**/*.[cC][sS][vV]*',
        'tiktok_ads__ad_report': 'tiktok_ads/ad_report/**/*.[cC][sS][vV]*',
    }) }}
{%- endmacro %}

{#- An absent entity's stand-in: the columns its source would read (CSV and JSON
    lines as text, Parquet with the contract's sql_type), zero rows. -#}
{% macro landing_empty_relation(source_name, table_name) -%}
    {%- set slug = source_name ~ '__' ~ table_name -%}
    {%- if slug == 'catalog__product_costs' %}
    select
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('sku') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('valid_from') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('unit_cost') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('currency') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('filename') }}
    where 1 = 0
    {%- elif slug == 'catalog__products' %}
    select
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('sku') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('product_id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('title') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('product_line') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('list_price_eur') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('launched_on') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('filename') }}
    where 1 = 0
    {%- elif slug == 'email__campaigns' %}
    select
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('campaign_id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('campaign_name') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('sent_at') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('channel') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('subject') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('filename') }}
    where 1 = 0
    {%- elif slug == 'email__events' %}
    select
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('event_id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('event_type') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('occurred_at') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('campaign_id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('email') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('url') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('filename') }}
    where 1 = 0
    {%- elif slug == 'email__profiles' %}
    select
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('profile_id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('email') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('consent_email') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('consent_ads') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('created_at') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('first_name') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('last_name') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('phone') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('external_id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('filename') }}
    where 1 = 0
    {%- elif slug == 'finance__budgets' %}
    select
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('month') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('channel') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('budget_eur') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('filename') }}
    where 1 = 0
    {%- elif slug == 'finance__targets' %}
    select
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('month') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('kpi') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('target_value') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('filename') }}
    where 1 = 0
    {%- elif slug == 'fx__rates' %}
    select
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('date') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('currency') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('rate') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('filename') }}
    where 1 = 0
    {%- elif slug == 'ga4__events' %}
    select
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('event_date') }},
        cast(null as {{ api.Column.translate_type('bigint') }}) as {{ adapter.quote('event_timestamp') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('event_name') }},
        cast(null as struct("key" varchar, "value" struct(string_value varchar, int_value bigint, float_value double, double_value double))[]) as {{ adapter.quote('event_params') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('user_pseudo_id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('user_id') }},
        cast(null as struct(category varchar)) as {{ adapter.quote('device') }},
        cast(null as struct(country varchar)) as {{ adapter.quote('geo') }},
        cast(null as struct(manual_source varchar, manual_medium varchar, manual_campaign_name varchar, manual_campaign_id varchar, manual_content varchar, gclid varchar)) as {{ adapter.quote('collected_traffic_source') }},
        cast(null as struct(transaction_id varchar, purchase_revenue double)) as {{ adapter.quote('ecommerce') }},
        cast(null as struct(item_id varchar, item_name varchar, price double, quantity bigint)[]) as {{ adapter.quote('items') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('filename') }},
        cast(null as {{ api.Column.translate_type('bigint') }}) as {{ adapter.quote('file_row_number') }}
    where 1 = 0
    {%- elif slug == 'google_ads__ad_stats' %}
    select
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('segments.date') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('customer.id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('customer.currency_code') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('customer.time_zone') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('campaign.id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('campaign.name') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('ad_group.id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('ad_group.name') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('ad_group_ad.ad.id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('metrics.cost_micros') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('metrics.impressions') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('metrics.clicks') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('metrics.conversions') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('metrics.conversions_value') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('customer.descriptive_name') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('campaign.advertising_channel_type') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('campaign.status') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('filename') }}
    where 1 = 0
    {%- elif slug == 'linkedin_ads__ad_analytics' %}
    select
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('date') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('account_urn') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('campaign_urn') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('campaign_name') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('creative_urn') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('currency') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('cost_in_local_currency') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('cost_in_usd') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('impressions') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('clicks') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('external_website_conversions') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('conversion_value_in_local_currency') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('campaign_group_urn') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('filename') }}
    where 1 = 0
    {%- elif slug == 'meta_ads__ads_insights' %}
    select
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('filename') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('content') }},
        cast(null as {{ api.Column.translate_type('bigint') }}) as {{ adapter.quote('size') }},
        cast(null as {{ api.Column.translate_type('timestamp') }}) as {{ adapter.quote('last_modified') }}
    where 1 = 0
    {%- elif slug == 'search_console__search_analytics' %}
    select
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('date') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('query') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('page') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('country') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('device') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('clicks') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('impressions') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('ctr') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('position') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('filename') }}
    where 1 = 0
    {%- elif slug == 'shop__orders' %}
    select
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('filename') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('content') }},
        cast(null as {{ api.Column.translate_type('bigint') }}) as {{ adapter.quote('size') }},
        cast(null as {{ api.Column.translate_type('timestamp') }}) as {{ adapter.quote('last_modified') }}
    where 1 = 0
    {%- elif slug == 'stores__sales' %}
    select
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('date') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('store_id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('store_name') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('country_code') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('currency') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('transactions') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('gross_sales') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('discounts') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('returns') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('net_sales') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('cogs') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('filename') }}
    where 1 = 0
    {%- elif slug == 'subscriptions__billing_events' %}
    select
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('event_id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('event_type') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('occurred_at') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('subscription_id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('customer_id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('plan_id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('sku') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('quantity') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('interval_months') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('amount') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('currency') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('customer_email') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('cancellation_reason') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('shop_order_id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('filename') }}
    where 1 = 0
    {%- elif slug == 'support__tickets' %}
    select
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('ticket_id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('created_at') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('status') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('requester_email') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('category') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('priority') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('solved_at') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('order_name') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('satisfaction') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('requester_name') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('filename') }}
    where 1 = 0
    {%- elif slug == 'tiktok_ads__ad_report' %}
    select
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('stat_time_day') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('advertiser_id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('currency') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('campaign_id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('campaign_name') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('adgroup_id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('adgroup_name') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('ad_id') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('spend') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('impressions') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('clicks') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('complete_payment') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('total_complete_payment_rate') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('ad_name') }},
        cast(null as {{ api.Column.translate_type('string') }}) as {{ adapter.quote('filename') }}
    where 1 = 0
    {%- else %}
    {{ exceptions.raise_compiler_error('not a landing entity: ' ~ slug) }}
    {%- endif %}
{%- endmacro %}
