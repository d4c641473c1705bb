with

base as (
    {{ rows_with_fx_rate('catalog', 'product_costs') }}
),

with_validity as (
    select
        *,
        lead(valid_from) over (partition by sku order by valid_from) as valid_to
    from base
),

final as (
    select
        sku,
        valid_from,
        valid_to,
        valid_to is null as is_current,
        currency,
        units_per_eur,
        unit_cost,
        {{ to_reporting_currency('unit_cost', 'units_per_eur') }} as unit_cost_eur,
        source_file,
        extracted_at
    from with_validity
)

select * from final
