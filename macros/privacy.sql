{#- Personal data (e-mails, names, phones) never leaves the base models: staging
    exposes a salted hash instead, so the same person still joins across
    sources (shop, e-mail, support, subscriptions) without being readable. -#}

{#- The salt: env GROWTH_LEDGER_PII_SALT. Only the embedded demo data (landing
    folder data/demo) may run without it, with a fixed demo salt. -#}
{% macro pii_salt() -%}
    {%- set salt = env_var('GROWTH_LEDGER_PII_SALT', '') -%}
    {%- if salt == '' -%}
        {%- set landing_path = var('landing_path', env_var('GROWTH_LEDGER_LANDING', 'data/demo')) -%}
        {%- set normalised_path = landing_path | trim | replace('\\', '/') -%}
        {%- if normalised_path.startswith('./') -%}
            {%- set normalised_path = normalised_path[2:] -%}
        {%- endif -%}
        {%- if normalised_path.rstrip('/') == 'data/demo' -%}
            {%- set salt = 'growth-ledger-demo-salt' -%}
        {%- elif execute -%}
            {{ exceptions.raise_compiler_error(
                "Personal data is hashed with a salt, and the landing folder '" ~ landing_path
                ~ "' is not the embedded demo data: set the environment variable "
                ~ "GROWTH_LEDGER_PII_SALT to a secret value (keep it the same between runs "
                ~ "so hashes stay comparable)."
            ) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(salt) }}
{%- endmacro %}

{#- Salted hash of a personal value, normalised first (trimmed, lower case) so
    ' Jane@Example.COM ' and 'jane@example.com' give the same hash; null for
    null or blank values. -#}
{% macro hash_pii(expression) -%}
    {{ return(adapter.dispatch('hash_pii', 'growth_ledger')(expression)) }}
{%- endmacro %}

{% macro default__hash_pii(expression) -%}
    {%- set normalised = "nullif(lower(trim(" ~ expression ~ ")), '')" -%}
    case
        when {{ normalised }} is not null
            then {{ dbt.hash(dbt.concat([dbt.string_literal(pii_salt()), normalised])) }}
    end
{%- endmacro %}

{% macro duckdb__hash_pii(expression) -%}
    sha256({{ dbt.string_literal(pii_salt()) }} || nullif(lower(trim({{ expression }})), ''))
{%- endmacro %}

{#- Unsalted SHA-256 (hex) of a trimmed, lower-cased e-mail: the key Google
    Customer Match and Meta custom audiences match on. Only for the audiences
    people consented to (stg_email__ad_match_keys). -#}
{% macro ad_match_key(expression) -%}
    {{ return(adapter.dispatch('ad_match_key', 'growth_ledger')(expression)) }}
{%- endmacro %}

{% macro default__ad_match_key(expression) -%}
    lower(sha2(lower(trim({{ expression }})), 256))
{%- endmacro %}

{% macro duckdb__ad_match_key(expression) -%}
    lower(sha256(lower(trim({{ expression }}))))
{%- endmacro %}

{#- The one customer key of the warehouse: the shop's customer id; for a guest
    or a CRM-only person, the shop account their e-mail was seen with
    (int_customer_emails_mapped); else the salted e-mail hash itself. -#}
{% macro unified_customer_id(shop_customer_id, email_hash, mapped_customer_id='customer_emails.customer_id') -%}
    coalesce({{ shop_customer_id }}, {{ mapped_customer_id }}, {{ email_hash }})
{%- endmacro %}
