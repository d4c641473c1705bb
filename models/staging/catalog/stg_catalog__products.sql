with

base as (
    select * from {{ ref('base_catalog__products') }}
    where quarantine_reason is null
),

final as (
    select
        sku,
        product_id,
        product_title,
        product_line,
        list_price_eur,
        launch_date,
        source_file,
        extracted_at
    from base
)

select * from final
