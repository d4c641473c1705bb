{#- One row per conversion x touchpoint of its journey: the customer's touches
    in the lookback window before the conversion
    (var attribution_lookback_days, default 30), at most the last
    var attribution_max_touchpoints (default 20) of them: the cap bounds the
    number of distinct paths the data-driven models see, whatever the data
    volume.

    Direct-traffic rule (var attribution_direct_rule):
    - 'ignore_direct_when_other_touches' (default): a direct visit is mostly a
      return trip of someone another channel brought, so direct touches are
      not eligible for credit when the journey has any other touch; a journey
      of direct touches only credits direct.
    - 'keep_direct': every touch is eligible.
    last_touch ignores the rule (it is the plain last click, as GA4 and the
    shop report it); last_non_direct always skips direct when it can. -#}
{%- set lookback_days = var('attribution_lookback_days', 30) | int -%}
{%- set max_touchpoints = var('attribution_max_touchpoints', 20) | int -%}
{%- set direct_rule = var('attribution_direct_rule', 'ignore_direct_when_other_touches') -%}
{%- if direct_rule not in ('ignore_direct_when_other_touches', 'keep_direct') -%}
    {{ exceptions.raise_compiler_error("attribution_direct_rule must be 'ignore_direct_when_other_touches' or 'keep_direct', got " ~ direct_rule) }}
{%- endif -%}

with

conversions as (
    select
        conversion_id,
        customer_id,
        converted_at
    from {{ ref('int_attribution_conversions') }}
    where customer_id is not null
),

touchpoints as (
    select
        touchpoint_id,
        touched_at,
        customer_id,
        channel,
        is_direct
    from {{ ref('int_attribution_touchpoints') }}
    where customer_id is not null
),

in_window as (
    select
        conversions.conversion_id,
        conversions.converted_at,
        touchpoints.touchpoint_id,
        touchpoints.touched_at,
        touchpoints.channel,
        touchpoints.is_direct,
        row_number() over (
            partition by conversions.conversion_id
            order by touchpoints.touched_at desc, touchpoints.touchpoint_id desc
        ) as touch_rank_from_last
    from conversions
    inner join touchpoints
        on
            conversions.customer_id = touchpoints.customer_id
            and conversions.converted_at >= touchpoints.touched_at
            and {{ dbt.dateadd('day', -lookback_days, 'conversions.converted_at') }} <= touchpoints.touched_at
),

capped as (
    select
        conversion_id,
        converted_at,
        touchpoint_id,
        touched_at,
        channel,
        is_direct,
        touch_rank_from_last,
        count(*) over (partition by conversion_id) as touches_in_journey,
        {{ dbt.bool_or('not is_direct') }} over (partition by conversion_id) as has_non_direct_touch
    from in_window
    where touch_rank_from_last <= {{ max_touchpoints }}
),

eligibility as (
    select
        *,
        -- var attribution_direct_rule: keep_direct makes every touch eligible.
        {{ 'true' if direct_rule == 'keep_direct' else 'coalesce(not (is_direct and has_non_direct_touch), true)' }}
            as is_eligible,
        coalesce(not (is_direct and has_non_direct_touch), true) as is_last_non_direct_candidate
    from capped
),

positioned as (
    select
        *,
        row_number() over (
            partition by conversion_id
            order by touched_at, touchpoint_id
        ) as touch_position,
        row_number() over (
            partition by conversion_id, is_eligible
            order by touched_at, touchpoint_id
        ) as position_within_eligibility,
        sum(case when is_eligible then 1 else 0 end) over (partition by conversion_id) as eligible_touches,
        row_number() over (
            partition by conversion_id, is_last_non_direct_candidate
            order by touched_at desc, touchpoint_id desc
        ) as rank_from_last_within_candidacy
    from eligibility
),

ranked as (
    select
        *,
        case when is_eligible then position_within_eligibility end as eligible_position,
        case when is_last_non_direct_candidate then rank_from_last_within_candidacy end
            as non_direct_rank_from_last
    from positioned
),

final as (
    select
        conversion_id,
        touchpoint_id,
        converted_at,
        touched_at,
        channel,
        is_direct,
        is_eligible,
        touch_position,
        touch_rank_from_last,
        touches_in_journey,
        eligible_position,
        eligible_touches,
        coalesce(non_direct_rank_from_last = 1, false) as is_last_non_direct_touch,
        {{ dbt.datediff('touched_at', 'converted_at', 'second') }} / 86400.0 as days_before_conversion
    from ranked
)

select * from final
