with

base as (
    select * from {{ ref('base_search_console__search_analytics') }}
    where quarantine_reason is null
),

final as (
    select
        search_date,
        search_query,
        search_query = '' as is_anonymized_query,
        page_url,
        country_iso3,
        device,
        clicks,
        impressions,
        ctr,
        average_position,
        source_relation,
        source_file,
        extracted_at
    from base
)

select * from final
