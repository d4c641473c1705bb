with

source as (
    select * from {{ source('finance', 'targets') }}
),

parsed as (
    select
        {{ file_name('source.filename') }} as source_file,
        {{ extracted_at_from_filename('source.filename') }} as extracted_at,
        {{ row_to_json('source') }} as raw_values,
        trim(source.month) as month_text,
        case
            when length(trim(source.month)) = 7
                then {{ try_cast(dbt.concat(['trim(source.month)', "'-01'"]), 'date') }}
        end as month_start_date,
        lower(trim(source.kpi)) as kpi,
        {{ parse_number('source.target_value', 'double') }} as target_value
    from source
),

validated as (
    select
        *,
        {{ invalid_reason([
            ('extracted_at is null', 'file name has no extract timestamp'),
            ('month_start_date is null', 'month is not a YYYY-MM month'),
            ("kpi is null or kpi not in ('net_revenue', 'gross_margin', 'contribution_margin', 'marketing_spend', "
                ~ "'new_customers', 'orders', 'mer', 'cac', 'mrr')",
                'kpi is not one of the known KPIs'),
            ('target_value is null', 'target_value is not a number'),
        ]) }} as invalid_reason
    from parsed
),

final as (
    select
        *,
        {{ quarantine_reason(['month_start_date', 'kpi']) }} as quarantine_reason
    from validated
)

select * from final
