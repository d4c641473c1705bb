{#- One row per distinct channel path with how many journeys that followed it
    converted and how many did not. Converting journeys come from
    int_attribution_conversion_paths. A non-converting journey is a visitor's
    touches that fall in no conversion's journey, taken in time order, with
    the same direct-traffic rule and the same cap (the last
    var attribution_max_touchpoints touches). Aggregating here keeps the
    Python models' input small: it grows with distinct paths, not events. -#}
{%- set max_touchpoints = var('attribution_max_touchpoints', 20) | int -%}
{%- set direct_rule = var('attribution_direct_rule', 'ignore_direct_when_other_touches') -%}

with

touchpoints as (
    select
        touchpoint_id,
        visitor_id,
        touched_at,
        channel,
        is_direct
    from {{ ref('int_attribution_touchpoints') }}
),

journey_touchpoints as (
    select distinct touchpoint_id
    from {{ ref('int_attribution_journeys') }}
),

conversion_paths as (
    select
        conversion_id,
        channel_path
    from {{ ref('int_attribution_conversion_paths') }}
),

unconverted_touchpoints as (
    select
        touchpoints.touchpoint_id,
        touchpoints.visitor_id,
        touchpoints.touched_at,
        touchpoints.channel,
        touchpoints.is_direct,
        row_number() over (
            partition by touchpoints.visitor_id
            order by touchpoints.touched_at desc, touchpoints.touchpoint_id desc
        ) as touch_rank_from_last
    from touchpoints
    left join journey_touchpoints
        on touchpoints.touchpoint_id = journey_touchpoints.touchpoint_id
    where journey_touchpoints.touchpoint_id is null
),

unconverted_capped as (
    select
        *,
        {{ dbt.bool_or('not is_direct') }} over (partition by visitor_id) as has_non_direct_touch
    from unconverted_touchpoints
    where touch_rank_from_last <= {{ max_touchpoints }}
),

unconverted_eligible as (
    select
        visitor_id,
        touched_at,
        touchpoint_id,
        channel
    from unconverted_capped
    {% if direct_rule != 'keep_direct' -%}
        where not (is_direct and has_non_direct_touch)
    {%- endif %}
),

-- The path is read off each visitor's last touch by a running window
-- aggregate, not by an ordered aggregate per visitor: DuckDB keeps ordered
-- aggregate states outside its buffer manager, where millions of visitors
-- cannot spill. A window frame holds at most the capped touches.
unconverted_running_paths as (
    select
        visitor_id,
        {{ windowed_string_agg(
            'channel', "' > '",
            'partition by visitor_id order by touched_at, touchpoint_id rows between unbounded preceding and current row'
        ) }} as channel_path,
        row_number() over (
            partition by visitor_id
            order by touched_at desc, touchpoint_id desc
        ) as eligible_rank_from_last
    from unconverted_eligible
),

unconverted_paths as (
    select
        visitor_id,
        channel_path
    from unconverted_running_paths
    where eligible_rank_from_last = 1
),

path_outcomes as (
    select
        channel_path,
        1 as conversions,
        0 as non_conversions
    from conversion_paths
    union all
    select
        channel_path,
        0 as conversions,
        1 as non_conversions
    from unconverted_paths
),

final as (
    select
        channel_path,
        cast(sum(conversions) as {{ dbt.type_bigint() }}) as conversions,
        cast(sum(non_conversions) as {{ dbt.type_bigint() }}) as non_conversions
    from path_outcomes
    group by 1
)

select * from final
