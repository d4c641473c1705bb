with

source as (
    select * from {{ source('finance', 'budgets') }}
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
        lower(nullif(trim(source.channel), '')) as channel,
        {{ parse_non_negative('source.budget_eur', 'decimal(18, 2)') }} as budget_eur
    from source
),

validated as (
    select
        *,
        {{ invalid_reason([
            ('extracted_at is null', 'file name has no extract timestamp'),
            ('month_start_date is null', 'month is not a YYYY-MM month'),
            ('channel is null', 'channel is missing'),
            ('budget_eur is null', 'budget_eur is not a non-negative amount'),
        ]) }} as invalid_reason
    from parsed
),

final as (
    select
        *,
        {{ quarantine_reason(['month_start_date', 'channel']) }} as quarantine_reason
    from validated
)

select * from final
