with

source as (
    select * from {{ source('search_console', 'search_analytics') }}
),

parsed as (
    select
        {{ file_name('source.filename') }} as source_file,
        {{ source_relation('source.filename') }} as source_relation,
        {{ extracted_at_from_filename('source.filename') }} as extracted_at,
        {{ row_to_json('source') }} as raw_values,
        {{ parse_date('source.date') }} as search_date,
        -- Search Console anonymises rare queries: an empty query is kept as ''.
        coalesce(trim(source.query), '') as search_query,
        nullif(trim(source.page), '') as page_url,
        lower(trim(source.country)) as country_iso3,
        lower(trim(source.device)) as device,
        {{ parse_non_negative('source.clicks', 'bigint') }} as clicks,
        {{ parse_non_negative('source.impressions', 'bigint') }} as impressions,
        {{ parse_non_negative('source.ctr', 'double') }} as ctr,
        {{ parse_non_negative('source.position', 'double') }} as average_position
    from source
),

validated as (
    select
        *,
        {{ invalid_reason([
            ('extracted_at is null', 'file name has no extract timestamp'),
            ('search_date is null', 'date is not a date'),
            ('search_date > cast(extracted_at as date)', 'date is after the extract time'),
            ('page_url is null', 'page is missing'),
            ("country_iso3 is null or length(country_iso3) != 3", 'country is not an ISO alpha-3 code'),
            ("device is null or device not in ('desktop', 'mobile', 'tablet')",
                'device is not one of DESKTOP, MOBILE, TABLET'),
            ('clicks is null', 'clicks is not a non-negative integer'),
            ('impressions is null', 'impressions is not a non-negative integer'),
            ('clicks > impressions', 'clicks exceed impressions'),
            ('ctr is null or ctr > 1', 'ctr is not a number between 0 and 1'),
            ('average_position is null or average_position < 1', 'position is not a number of at least 1'),
        ]) }} as invalid_reason
    from parsed
),

final as (
    select
        *,
        {{ quarantine_reason(['search_date', 'search_query', 'page_url', 'country_iso3', 'device']) }}
            as quarantine_reason
    from validated
)

select * from final
