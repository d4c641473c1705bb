{#- Generated from contract/landing.yml by `python -m growth_ledger.contract --write`. -#}

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

{#- Per source: the name a reader knows it by. -#}
{% macro landing_source_labels() -%}
    {{ return({
        'catalog': 'Product catalog',
        'email': 'E-mail',
        'finance': 'Finance plan',
        'fx': 'FX rates',
        'ga4': 'GA4',
        'google_ads': 'Google Ads',
        'linkedin_ads': 'LinkedIn Ads',
        'meta_ads': 'Meta Ads',
        'search_console': 'Search Console',
        'shop': 'Web shop',
        'stores': 'Stores',
        'subscriptions': 'Subscriptions',
        'support': 'Customer support',
        'tiktok_ads': 'TikTok Ads',
    }) }}
{%- endmacro %}

{#- Per entity (<source>__<entity>): quarantine reason -> stable reason code. -#}
{% macro landing_reason_codes() -%}
    {{ return({
        'catalog__product_costs': {'file name has no extract timestamp': 'no_extract_timestamp', 'sku is missing': 'missing_value', 'valid_from is not a date': 'not_a_date', 'unit_cost is not a non-negative amount': 'not_a_non_negative_number', 'currency is not an ISO code': 'invalid_code', 'no FX rate for the currency on the valid_from date': 'no_fx_rate', 'superseded by a later extract': 'superseded_by_later_extract', 'duplicate row in the same extract': 'duplicate_in_extract', 'conflicting rows for the same key in the same extract': 'conflicting_duplicate', 'the line does not have as many fields as the header': 'malformed_line'},
        'catalog__products': {'file name has no extract timestamp': 'no_extract_timestamp', 'sku is missing': 'missing_value', 'product_id is missing': 'missing_value', 'title is missing': 'missing_value', 'product_line is not one of SKINCARE, MAKEUP, BODY, FRAGRANCE': 'not_an_accepted_value', 'list_price_eur is not a non-negative amount': 'not_a_non_negative_number', 'launched_on is not a date': 'not_a_date', 'superseded by a later extract': 'superseded_by_later_extract', 'duplicate row in the same extract': 'duplicate_in_extract', 'conflicting rows for the same key in the same extract': 'conflicting_duplicate', 'the line does not have as many fields as the header': 'malformed_line'},
        'email__campaigns': {'file name has no extract timestamp': 'no_extract_timestamp', 'campaign_id is missing': 'missing_value', 'campaign_name is missing': 'missing_value', 'sent_at is not a timestamp': 'not_a_timestamp', 'sent_at is after the extract time': 'after_extract_time', 'channel is not email': 'not_an_accepted_value', 'superseded by a later extract': 'superseded_by_later_extract', 'duplicate row in the same extract': 'duplicate_in_extract', 'conflicting rows for the same key in the same extract': 'conflicting_duplicate', 'the line does not have as many fields as the header': 'malformed_line'},
        'email__events': {'file name has no extract timestamp': 'no_extract_timestamp', 'event_id is missing': 'missing_value', 'event_type is not one of the known e-mail events': 'not_an_accepted_value', 'occurred_at is not a timestamp': 'not_a_timestamp', 'occurred_at is after the extract time': 'after_extract_time', 'campaign_id is missing': 'missing_value', 'email is missing': 'missing_value', 'email is not an e-mail address': 'invalid_email', 'superseded by a later extract': 'superseded_by_later_extract', 'duplicate row in the same extract': 'duplicate_in_extract', 'conflicting rows for the same key in the same extract': 'conflicting_duplicate', 'the line does not have as many fields as the header': 'malformed_line'},
        'email__profiles': {'file name has no extract timestamp': 'no_extract_timestamp', 'profile_id is missing': 'missing_value', 'email is missing': 'missing_value', 'email is not an e-mail address': 'invalid_email', 'consent_email is not one of subscribed, unsubscribed, never_subscribed': 'not_an_accepted_value', 'consent_ads is not true or false': 'not_an_accepted_value', 'created_at is not a timestamp': 'not_a_timestamp', 'created_at is after the extract time': 'after_extract_time', 'superseded by a later extract': 'superseded_by_later_extract', 'duplicate row in the same extract': 'duplicate_in_extract', 'conflicting rows for the same key in the same extract': 'conflicting_duplicate', 'the line does not have as many fields as the header': 'malformed_line'},
        'finance__budgets': {'file name has no extract timestamp': 'no_extract_timestamp', 'month is not a YYYY-MM month': 'not_a_date', 'channel is missing': 'missing_value', 'budget_eur is not a non-negative amount': 'not_a_non_negative_number', 'superseded by a later extract': 'superseded_by_later_extract', 'duplicate row in the same extract': 'duplicate_in_extract', 'conflicting rows for the same key in the same extract': 'conflicting_duplicate', 'the line does not have as many fields as the header': 'malformed_line'},
        'finance__targets': {'file name has no extract timestamp': 'no_extract_timestamp', 'month is not a YYYY-MM month': 'not_a_date', 'kpi is not one of the known KPIs': 'not_an_accepted_value', 'target_value is not a number': 'not_a_number', 'superseded by a later extract': 'superseded_by_later_extract', 'duplicate row in the same extract': 'duplicate_in_extract', 'conflicting rows for the same key in the same extract': 'conflicting_duplicate', 'the line does not have as many fields as the header': 'malformed_line'},
        'fx__rates': {'file name has no extract timestamp': 'no_extract_timestamp', 'date is not a date': 'not_a_date', 'currency is not an ISO code': 'invalid_code', 'rate is not a positive number': 'not_a_positive_number', 'superseded by a later extract': 'superseded_by_later_extract', 'duplicate row in the same extract': 'duplicate_in_extract', 'conflicting rows for the same key in the same extract': 'conflicting_duplicate', 'the line does not have as many fields as the header': 'malformed_line'},
        'ga4__events': {'file name has no extract timestamp': 'no_extract_timestamp', 'event_date is not a YYYYMMDD date': 'not_a_date', 'event_timestamp is missing': 'missing_value', 'event_name is missing': 'missing_value', 'superseded by the daily export': 'superseded_by_daily_export', 'superseded by a later extract': 'superseded_by_later_extract', 'duplicate row in the same extract': 'duplicate_in_extract', 'conflicting rows for the same key in the same extract': 'conflicting_duplicate', 'the line does not have as many fields as the header': 'malformed_line'},
        'google_ads__ad_stats': {'file name has no extract timestamp': 'no_extract_timestamp', 'segments.date is not a date': 'not_a_date', 'segments.date is after the extract time': 'after_extract_time', 'an id (customer, campaign, ad group, ad) is missing': 'missing_value', 'an id (customer, campaign, ad group, ad) is in scientific notation': 'mangled_id', 'metrics.cost_micros is not a non-negative integer': 'not_a_non_negative_number', 'impressions or clicks are not non-negative integers': 'not_a_non_negative_number', 'conversions or conversions_value are not non-negative numbers': 'not_a_non_negative_number', 'no FX rate for the currency on that date': 'no_fx_rate', 'superseded by a later extract': 'superseded_by_later_extract', 'duplicate row in the same extract': 'duplicate_in_extract', 'conflicting rows for the same key in the same extract': 'conflicting_duplicate', 'the line does not have as many fields as the header': 'malformed_line'},
        'linkedin_ads__ad_analytics': {'file name has no extract timestamp': 'no_extract_timestamp', 'date is not a date': 'not_a_date', 'date is after the extract time': 'after_extract_time', 'a URN (account, campaign, creative) is missing': 'missing_value', 'cost_in_local_currency is not a non-negative number': 'not_a_non_negative_number', 'impressions or clicks are not non-negative integers': 'not_a_non_negative_number', 'conversions or conversion value are not non-negative numbers': 'not_a_non_negative_number', 'no FX rate for the currency on that date': 'no_fx_rate', 'superseded by a later extract': 'superseded_by_later_extract', 'duplicate row in the same extract': 'duplicate_in_extract', 'conflicting rows for the same key in the same extract': 'conflicting_duplicate', 'the line does not have as many fields as the header': 'malformed_line'},
        'meta_ads__ads_insights': {'line is not valid JSON': 'invalid_json', 'file name has no extract timestamp': 'no_extract_timestamp', 'date_start is not a date': 'not_a_date', 'date_start is after the extract time': 'after_extract_time', 'an id (account, campaign, ad set, ad) is missing': 'missing_value', 'an id (account, campaign, ad set, ad) is in scientific notation': 'mangled_id', 'spend is not a non-negative number': 'not_a_non_negative_number', 'impressions or clicks are not non-negative integers': 'not_a_non_negative_number', 'actions or action_values are not lists': 'invalid_structure', 'no FX rate for the currency on that date': 'no_fx_rate', 'superseded by a later extract': 'superseded_by_later_extract', 'duplicate row in the same extract': 'duplicate_in_extract', 'conflicting rows for the same key in the same extract': 'conflicting_duplicate', 'the line does not have as many fields as the header': 'malformed_line'},
        'search_console__search_analytics': {'file name has no extract timestamp': 'no_extract_timestamp', 'date is not a date': 'not_a_date', 'date is after the extract time': 'after_extract_time', 'page is missing': 'missing_value', 'country is not an ISO alpha-3 code': 'invalid_code', 'device is not one of DESKTOP, MOBILE, TABLET': 'not_an_accepted_value', 'clicks is not a non-negative integer': 'not_a_non_negative_number', 'impressions is not a non-negative integer': 'not_a_non_negative_number', 'clicks exceed impressions': 'implausible_value', 'ctr is not a number between 0 and 1': 'out_of_range', 'position is not a number of at least 1': 'out_of_range', 'superseded by a later extract': 'superseded_by_later_extract', 'duplicate row in the same extract': 'duplicate_in_extract', 'conflicting rows for the same key in the same extract': 'conflicting_duplicate', 'the line does not have as many fields as the header': 'malformed_line'},
        'shop__orders': {'line is not valid JSON': 'invalid_json', 'file name has no extract timestamp': 'no_extract_timestamp', 'id is missing': 'missing_value', 'created_at is not a timestamp': 'not_a_timestamp', 'created_at is after the extract time': 'after_extract_time', 'line_items is missing or empty': 'missing_value', 'a line item has no id, or a price or quantity that is not a number': 'not_a_number', 'refunds or shipping_lines are not lists': 'invalid_structure', 'total_price or subtotal_price is not a non-negative amount': 'not_a_non_negative_number', 'refunds exceed the order (amount or quantity)': 'implausible_value', 'no FX rate for the currency on the order date': 'no_fx_rate', 'superseded by a later extract': 'superseded_by_later_extract', 'duplicate row in the same extract': 'duplicate_in_extract', 'conflicting rows for the same key in the same extract': 'conflicting_duplicate', 'the line does not have as many fields as the header': 'malformed_line'},
        'stores__sales': {'file name has no extract timestamp': 'no_extract_timestamp', 'date is not a date': 'not_a_date', 'date is after the extract time': 'after_extract_time', 'store_id is missing': 'missing_value', 'store_name is missing': 'missing_value', 'country_code is not an ISO alpha-2 code': 'invalid_code', 'currency is not an ISO code': 'invalid_code', 'transactions is not a non-negative integer': 'not_a_non_negative_number', 'gross_sales is not a non-negative amount': 'not_a_non_negative_number', 'discounts is not a non-negative amount': 'not_a_non_negative_number', 'returns is not a non-negative amount': 'not_a_non_negative_number', 'net_sales is not an amount': 'not_a_number', 'cogs is not a non-negative amount': 'not_a_non_negative_number', 'no FX rate for the currency on that date': 'no_fx_rate', 'superseded by a later extract': 'superseded_by_later_extract', 'duplicate row in the same extract': 'duplicate_in_extract', 'conflicting rows for the same key in the same extract': 'conflicting_duplicate', 'the line does not have as many fields as the header': 'malformed_line'},
        'subscriptions__billing_events': {'file name has no extract timestamp': 'no_extract_timestamp', 'event_id is missing': 'missing_value', 'event_type is not one of the known billing events': 'not_an_accepted_value', 'occurred_at is not a timestamp': 'not_a_timestamp', 'occurred_at is after the extract time': 'after_extract_time', 'subscription_id is missing': 'missing_value', 'customer_id is missing': 'missing_value', 'plan_id is missing': 'missing_value', 'sku is missing': 'missing_value', 'quantity is not a non-negative integer': 'not_a_non_negative_number', 'interval_months is not a positive integer': 'not_a_positive_number', 'amount is not a non-negative amount': 'not_a_non_negative_number', 'currency is not an ISO code': 'invalid_code', 'no FX rate for the currency on the event date': 'no_fx_rate', 'superseded by a later extract': 'superseded_by_later_extract', 'duplicate row in the same extract': 'duplicate_in_extract', 'conflicting rows for the same key in the same extract': 'conflicting_duplicate', 'the line does not have as many fields as the header': 'malformed_line'},
        'support__tickets': {'file name has no extract timestamp': 'no_extract_timestamp', 'ticket_id is missing': 'missing_value', 'created_at is not a timestamp': 'not_a_timestamp', 'created_at is after the extract time': 'after_extract_time', 'status is not one of open, pending, solved, closed': 'not_an_accepted_value', 'category is not one of delivery, product_issue, billing, subscription, other': 'not_an_accepted_value', 'priority is missing': 'missing_value', 'requester_email is missing': 'missing_value', 'solved_at is not a timestamp': 'not_a_timestamp', 'solved_at is before created_at': 'implausible_value', 'satisfaction is not good, bad or empty': 'not_an_accepted_value', 'superseded by a later extract': 'superseded_by_later_extract', 'duplicate row in the same extract': 'duplicate_in_extract', 'conflicting rows for the same key in the same extract': 'conflicting_duplicate', 'the line does not have as many fields as the header': 'malformed_line'},
        'tiktok_ads__ad_report': {'file name has no extract timestamp': 'no_extract_timestamp', 'stat_time_day is not a date': 'not_a_date', 'stat_time_day is after the extract time': 'after_extract_time', 'an id (advertiser, campaign, ad group, ad) is missing': 'missing_value', 'an id (advertiser, campaign, ad group, ad) is in scientific notation': 'mangled_id', 'spend is not a non-negative number': 'not_a_non_negative_number', 'impressions or clicks are not non-negative integers': 'not_a_non_negative_number', 'complete_payment or its value are not non-negative numbers': 'not_a_non_negative_number', 'no FX rate for the currency on that date': 'no_fx_rate', 'superseded by a later extract': 'superseded_by_later_extract', 'duplicate row in the same extract': 'duplicate_in_extract', 'conflicting rows for the same key in the same extract': 'conflicting_duplicate', 'the line does not have as many fields as the header': 'malformed_line'},
    }) }}
{%- endmacro %}

{#- Per entity with plausibility flags (<source>__<entity>): flag code -> reason.
    Flagged rows load; marts.mart_flagged_spend lists them. -#}
{% macro landing_flag_codes() -%}
    {{ return({
        'google_ads__ad_stats': {'implausible_spend': 'campaign spend of the day far above its history'},
        'linkedin_ads__ad_analytics': {'implausible_spend': 'campaign spend of the day far above its history'},
        'meta_ads__ads_insights': {'implausible_spend': 'campaign spend of the day far above its history'},
        'tiktok_ads__ad_report': {'implausible_spend': 'campaign spend of the day far above its history'},
    }) }}
{%- endmacro %}

{#- Per entity with money (<source>__<entity>): the staged date column whose FX
    rate converts it (macros/fx.sql). -#}
{% macro landing_fx_rate_dates() -%}
    {{ return({
        'catalog__product_costs': 'valid_from',
        'google_ads__ad_stats': 'ad_date',
        'linkedin_ads__ad_analytics': 'ad_date',
        'meta_ads__ads_insights': 'ad_date',
        'shop__orders': 'order_date',
        'stores__sales': 'sales_date',
        'subscriptions__billing_events': 'event_date',
        'tiktok_ads__ad_report': 'ad_date',
    }) }}
{%- endmacro %}
