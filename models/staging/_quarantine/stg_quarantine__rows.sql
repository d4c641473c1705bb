{#- Raw rows kept out of the staging models, with the reason and its stable
    code (declared in contract/landing.yml): those their base model refused,
    those without an FX rate (macros/fx.sql), and the CSV lines the sources
    skip because their number of fields differs from the header
    (stg_quarantine__malformed_lines), with their line number. Holds raw
    values (possibly personal data), so it stays in the staging schema. -#}
with

malformed_lines as (
    select * from {{ ref('stg_quarantine__malformed_lines') }}
),

{% for source_name, entity, _ in landing_entities() %}
    {%- set codes = landing_reason_codes()[source_name ~ '__' ~ entity] %}
    {{ source_name }}__{{ entity }} as (
        select
            '{{ source_name }}' as source_name,
            '{{ entity }}' as entity,
            source_file,
            extracted_at,
            case quarantine_reason
                {%- for reason, code in codes.items() %}
                    when '{{ reason }}' then '{{ code }}'
                {%- endfor %}
            end as reason_code,
            quarantine_reason as reason,
            quarantine_reason,
            cast(null as {{ api.Column.translate_type('integer') }}) as source_line_number,
            cast(raw_values as {{ api.Column.translate_type('string') }}) as raw_values
        from {{ ref('base_' ~ source_name ~ '__' ~ entity) }}
        where quarantine_reason is not null
    ),
    {%- if source_name ~ '__' ~ entity in landing_fx_rate_dates() %}
        {%- set reason = no_fx_rate_reason(source_name, entity) | replace("'", "''") %}

        -- Rows that passed the contract but have no FX rate yet (macros/fx.sql).
        {{ source_name }}__{{ entity }}_no_fx_rate as (
            select
                '{{ source_name }}' as source_name,
                '{{ entity }}' as entity,
                source_file,
                extracted_at,
                'no_fx_rate' as reason_code,
                '{{ reason }}' as reason,
                '{{ reason }}' as quarantine_reason,
                cast(null as {{ api.Column.translate_type('integer') }}) as source_line_number,
                cast(raw_values as {{ api.Column.translate_type('string') }}) as raw_values
            from ({{ rows_with_fx_rate(source_name, entity, with_rate=false) }}) as unconverted
        ),
    {%- endif %}

{% endfor %}
malformed as (
    select
        source_name,
        entity,
        {{ file_name('file_path') }} as source_file,
        {{ extracted_at_from_filename('file_path') }} as extracted_at,
        'malformed_line' as reason_code,
        'the line does not have as many fields as the header' as reason,
        'the line does not have as many fields as the header' as quarantine_reason,
        cast(line_number as {{ api.Column.translate_type('integer') }}) as source_line_number,
        raw_line as raw_values
    from malformed_lines
),

final as (
    select * from malformed
    union all

    {% for source_name, entity, _ in landing_entities() %}
        select * from {{ source_name }}__{{ entity }}
        {%- if source_name ~ '__' ~ entity in landing_fx_rate_dates() %}
            union all
            select * from {{ source_name }}__{{ entity }}_no_fx_rate
        {%- endif %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from final
