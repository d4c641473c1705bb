{#- One row per conversion with a journey: its eligible touches' channels in
    time order, joined by ' > ' (the path the data-driven models read). -#}
with

journeys as (
    select
        conversion_id,
        channel,
        eligible_position
    from {{ ref('int_attribution_journeys') }}
    where is_eligible
),

final as (
    select
        conversion_id,
        {{ dbt.listagg(measure='channel', delimiter_text="' > '", order_by_clause='order by eligible_position') }} as channel_path
    from journeys
    group by 1
)

select * from final
