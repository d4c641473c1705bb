{#- Heuristic models: one row per conversion x touchpoint x model with the
    touch's share of the conversion (shares of a conversion sum to 1 per model).
    - first_touch: the first eligible touch.
    - last_touch: the last touch of any channel (plain last click).
    - last_non_direct: the last non-direct touch, direct only if nothing else.
    - linear: equal shares over eligible touches.
    - time_decay: weight 0.5 ^ (days before conversion / var attribution_half_life_days).
    - position_based: first and last eligible touches get
      var attribution_position_first_weight / _last_weight (0.4 / 0.4), the
      middle touches share the rest; with two touches the two weights are
      rescaled to sum to 1, with one touch it gets everything. -#}
{%- set half_life_days = var('attribution_half_life_days', 7) -%}
{%- set first_weight = var('attribution_position_first_weight', 0.4) | float -%}
{%- set last_weight = var('attribution_position_last_weight', 0.4) | float -%}

with

journeys as (
    select
        conversion_id,
        touchpoint_id,
        is_eligible,
        touch_rank_from_last,
        eligible_position,
        eligible_touches,
        is_last_non_direct_touch,
        days_before_conversion
    from {{ ref('int_attribution_journeys') }}
),

eligible as (
    select * from journeys
    where is_eligible
),

first_touch as (
    select
        conversion_id,
        touchpoint_id,
        'first_touch' as attribution_model,
        1.0 as credit_share
    from eligible
    where eligible_position = 1
),

last_touch as (
    select
        conversion_id,
        touchpoint_id,
        'last_touch' as attribution_model,
        1.0 as credit_share
    from journeys
    where touch_rank_from_last = 1
),

last_non_direct as (
    select
        conversion_id,
        touchpoint_id,
        'last_non_direct' as attribution_model,
        1.0 as credit_share
    from journeys
    where is_last_non_direct_touch
),

linear as (
    select
        conversion_id,
        touchpoint_id,
        'linear' as attribution_model,
        1.0 / eligible_touches as credit_share
    from eligible
),

time_decay_weights as (
    select
        conversion_id,
        touchpoint_id,
        power(0.5, days_before_conversion / {{ half_life_days }}) as decay_weight
    from eligible
),

time_decay as (
    select
        conversion_id,
        touchpoint_id,
        'time_decay' as attribution_model,
        decay_weight / sum(decay_weight) over (partition by conversion_id) as credit_share
    from time_decay_weights
),

position_based as (
    select
        conversion_id,
        touchpoint_id,
        'position_based' as attribution_model,
        case
            when eligible_touches = 1 then 1.0
            when eligible_touches = 2 and eligible_position = 1
                then {{ first_weight }} / ({{ first_weight }} + {{ last_weight }})
            when eligible_touches = 2
                then {{ last_weight }} / ({{ first_weight }} + {{ last_weight }})
            when eligible_position = 1 then {{ first_weight }}
            when eligible_position = eligible_touches then {{ last_weight }}
            -- Decimal arithmetic in SQL: 1.0 - 0.4 - 0.4 is exactly 0.2 (not so in Jinja floats).
            else (1.0 - {{ first_weight }} - {{ last_weight }}) / (eligible_touches - 2)
        end as credit_share
    from eligible
),

unioned as (
    select * from first_touch
    union all
    select * from last_touch
    union all
    select * from last_non_direct
    union all
    select * from linear
    union all
    select * from time_decay
    union all
    select * from position_based
),

final as (
    select
        conversion_id,
        touchpoint_id,
        attribution_model,
        cast(credit_share as double) as credit_share
    from unioned
)

select * from final
