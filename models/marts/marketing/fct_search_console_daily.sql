{%- set string_type = dbt.type_string() -%}

with

search_analytics as (
    select
        search_date,
        search_query,
        is_anonymized_query,
        page_url,
        country_iso3,
        device,
        clicks,
        impressions,
        ctr,
        average_position,
        source_relation
    from {{ ref('stg_search_console__search_analytics') }}
),

brand_search_terms as (
    select lower(brand_term) as brand_term
    from {{ ref('brand_search_terms') }}
),

-- Distinct queries first, so the term match runs once per query, not per row.
queries as (
    select distinct search_query
    from search_analytics
    where not is_anonymized_query
),

brand_queries as (
    select distinct queries.search_query
    from queries
    inner join brand_search_terms
        on {{ dbt.position('brand_search_terms.brand_term', 'lower(queries.search_query)') }} > 0
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            dbt.cast('search_analytics.search_date', string_type), "'|'",
            'search_analytics.search_query', "'|'",
            'search_analytics.page_url', "'|'",
            'search_analytics.country_iso3', "'|'",
            'search_analytics.device'
        ])) }} as search_console_daily_id,
        search_analytics.search_date,
        search_analytics.search_query,
        search_analytics.is_anonymized_query,
        -- Anonymised queries cannot be told apart: counted as non-brand.
        brand_queries.search_query is not null as is_brand_query,
        search_analytics.page_url,
        search_analytics.country_iso3,
        search_analytics.device,
        search_analytics.clicks,
        search_analytics.impressions,
        search_analytics.ctr,
        search_analytics.average_position,
        -- Sum this and divide by summed impressions to re-aggregate position.
        search_analytics.average_position * search_analytics.impressions as position_x_impressions,
        search_analytics.source_relation
    from search_analytics
    left join brand_queries
        on search_analytics.search_query = brand_queries.search_query
)

select * from final
