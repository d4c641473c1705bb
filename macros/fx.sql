{#- The staged rows of a landing entity with money: its base model's rows
    that passed the contract, with the FX rate of their fx_rate_date
    (contract/landing.yml, macros/landing_entities.sql). The rate is joined
    here, after the base model's deduplication, so a late FX file re-decides
    no base row. `with_rate=false` gives the rows without a rate instead: the
    entity's `no_fx_rate` quarantine, which loads once the rate lands. The
    reporting currency needs no published rate. -#}
{% macro rows_with_fx_rate(source_name, entity, with_rate=true) -%}
    {%- set rate_date = landing_fx_rate_dates()[source_name ~ '__' ~ entity] -%}
    select *
    from (
        select
            base.*,
            coalesce(
                fx_rates.units_per_eur,
                case when base.currency = '{{ var("reporting_currency") }}' then 1.0 end
            ) as units_per_eur
        from {{ ref('base_' ~ source_name ~ '__' ~ entity) }} as base
        left join {{ ref('stg_fx__rates_daily') }} as fx_rates
            on
                base.{{ rate_date }} = fx_rates.rate_date
                and base.currency = fx_rates.currency
        where base.quarantine_reason is null
    ) as rated
    where units_per_eur is {{ 'not ' if with_rate }}null
{%- endmacro %}

{#- The quarantine reason of a row without an FX rate, as the contract words it. -#}
{% macro no_fx_rate_reason(source_name, entity) -%}
    {%- set codes = landing_reason_codes()[source_name ~ '__' ~ entity] -%}
    {%- for reason, code in codes.items() if code == 'no_fx_rate' -%}
        {{ reason }}
    {%- endfor -%}
{%- endmacro %}
