with

source as (
    {{ with_optional_columns(source('email', 'campaigns'), ['subject']) }}
),

parsed as (
    select
        {{ file_name('source.filename') }} as source_file,
        {{ extracted_at_from_filename('source.filename') }} as extracted_at,
        {{ row_to_json('source') }} as raw_values,
        nullif(trim(source.campaign_id), '') as campaign_id,
        nullif(trim(source.campaign_name), '') as campaign_name,
        nullif(trim(source.subject), '') as subject,
        {{ utc_timestamp('source.sent_at') }} as sent_at,
        lower(trim(source.channel)) as channel
    from source
),

validated as (
    select
        *,
        {{ reporting_date('sent_at') }} as sent_date,
        {{ invalid_reason([
            ('extracted_at is null', 'file name has no extract timestamp'),
            ('campaign_id is null', 'campaign_id is missing'),
            ('campaign_name is null', 'campaign_name is missing'),
            ('sent_at is null', 'sent_at is not a timestamp'),
            ('sent_at > extracted_at', 'sent_at is after the extract time'),
            ("channel is null or channel != 'email'", 'channel is not email'),
        ]) }} as invalid_reason
    from parsed
),

final as (
    select
        *,
        {{ quarantine_reason(['campaign_id']) }} as quarantine_reason
    from validated
)

select * from final
