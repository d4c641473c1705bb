{#- Conversion x touchpoint x attribution model, with money allocated to the
    cent: every touch gets round(amount x credit share, 2) except the touch
    with the largest share (ties: the latest), which gets the remainder, so
    each conversion's credited amounts add up exactly to its amounts.
    Conversions with no touchpoint (no tracked visit in the window: consent
    gaps, other devices, orders placed outside the web) get one row per model
    with channel '(unattributed)' and the whole conversion, so no revenue is
    ever dropped. Shares are double precision (dbt.type_float() is a 4-byte
    REAL on DuckDB, too coarse for shares). -#}
{%- set money_type = 'decimal(18, 2)' -%}
{%- set string_type = dbt.type_string() -%}
{%- set models = ['first_touch', 'last_touch', 'last_non_direct', 'linear', 'time_decay', 'position_based', 'markov', 'shapley'] -%}

with

conversions as (
    select
        conversion_id,
        conversion_type,
        order_id,
        subscription_id,
        customer_id,
        converted_at,
        conversion_date,
        revenue_eur,
        gross_margin_eur,
        contribution_margin_eur
    from {{ ref('int_attribution_conversions') }}
),

journeys as (
    select
        conversion_id,
        touchpoint_id,
        touch_position,
        touches_in_journey,
        days_before_conversion
    from {{ ref('int_attribution_journeys') }}
),

touchpoints as (
    select
        touchpoint_id,
        touchpoint_type,
        session_key,
        touched_at,
        channel,
        campaign_name,
        campaign_key,
        platform
    from {{ ref('int_attribution_touchpoints') }}
),

rule_based_credits as (
    select
        conversion_id,
        touchpoint_id,
        attribution_model,
        credit_share
    from {{ ref('int_attribution_rule_based_credits') }}
),

data_driven_credits as (
    select
        conversion_id,
        touchpoint_id,
        attribution_model,
        credit_share
    from {{ ref('int_attribution_data_driven_credits') }}
),

credits as (
    select * from rule_based_credits
    union all
    select * from data_driven_credits
),

attribution_models as (
    {% for attribution_model in models -%}
        select '{{ attribution_model }}' as attribution_model
        {% if not loop.last %}union all
        {% endif %}
    {%- endfor %}
),

journey_conversions as (
    select distinct conversion_id
    from journeys
),

unattributed_conversions as (
    select conversions.conversion_id
    from conversions
    left join journey_conversions
        on conversions.conversion_id = journey_conversions.conversion_id
    where journey_conversions.conversion_id is null
),

unattributed_credits as (
    select
        unattributed_conversions.conversion_id,
        cast(null as {{ string_type }}) as touchpoint_id,
        attribution_models.attribution_model,
        cast(1.0 as double) as credit_share
    from unattributed_conversions
    cross join attribution_models
),

all_credits as (
    select * from credits
    union all
    select * from unattributed_credits
),

enriched as (
    select
        all_credits.attribution_model,
        all_credits.conversion_id,
        all_credits.touchpoint_id,
        all_credits.credit_share,
        conversions.conversion_type,
        conversions.order_id,
        conversions.subscription_id,
        conversions.customer_id,
        conversions.converted_at,
        conversions.conversion_date,
        conversions.revenue_eur,
        conversions.gross_margin_eur,
        conversions.contribution_margin_eur,
        touchpoints.touchpoint_type,
        touchpoints.session_key,
        touchpoints.touched_at,
        coalesce(touchpoints.channel, '(unattributed)') as channel,
        touchpoints.campaign_name,
        touchpoints.campaign_key,
        touchpoints.platform,
        journeys.touch_position,
        journeys.touches_in_journey,
        journeys.days_before_conversion,
        row_number() over (
            partition by all_credits.attribution_model, all_credits.conversion_id
            order by all_credits.credit_share desc, journeys.touch_position desc
        ) as remainder_rank
    from all_credits
    inner join conversions
        on all_credits.conversion_id = conversions.conversion_id
    left join journeys
        on
            all_credits.conversion_id = journeys.conversion_id
            and all_credits.touchpoint_id = journeys.touchpoint_id
    left join touchpoints
        on all_credits.touchpoint_id = touchpoints.touchpoint_id
),

rounded as (
    select
        *,
        cast(round(revenue_eur * credit_share, 2) as {{ money_type }}) as rounded_revenue_eur,
        cast(round(gross_margin_eur * credit_share, 2) as {{ money_type }}) as rounded_gross_margin_eur,
        cast(round(contribution_margin_eur * credit_share, 2) as {{ money_type }}) as rounded_contribution_margin_eur
    from enriched
),

-- What the other touches of the conversion already took, for the remainder.
rounded_totals as (
    select
        *,
        sum(rounded_revenue_eur) over (partition by attribution_model, conversion_id)
        - rounded_revenue_eur as others_revenue_eur,
        sum(rounded_gross_margin_eur) over (partition by attribution_model, conversion_id)
        - rounded_gross_margin_eur as others_gross_margin_eur,
        sum(rounded_contribution_margin_eur) over (partition by attribution_model, conversion_id)
        - rounded_contribution_margin_eur as others_contribution_margin_eur
    from rounded
),

allocated as (
    select
        *,
        case
            when remainder_rank = 1 then revenue_eur - others_revenue_eur
            else rounded_revenue_eur
        end as attributed_revenue_eur,
        case
            when remainder_rank = 1 then gross_margin_eur - others_gross_margin_eur
            else rounded_gross_margin_eur
        end as attributed_gross_margin_eur,
        case
            when remainder_rank = 1 then contribution_margin_eur - others_contribution_margin_eur
            else rounded_contribution_margin_eur
        end as attributed_contribution_margin_eur
    from rounded_totals
),

final as (
    select
        {{ dbt.hash(dbt.concat(['attribution_model', "'|'", 'conversion_id', "'|'", "coalesce(touchpoint_id, '(unattributed)')"])) }}
            as attribution_id,
        attribution_model,
        conversion_id,
        conversion_type,
        order_id,
        subscription_id,
        customer_id,
        converted_at,
        conversion_date,
        touchpoint_id,
        touchpoint_type,
        session_key,
        touched_at,
        channel,
        campaign_name,
        campaign_key,
        platform,
        touchpoint_id is not null as is_attributed,
        touch_position,
        touches_in_journey,
        cast(days_before_conversion as double) as days_before_conversion,
        credit_share,
        credit_share as attributed_conversions,
        cast(attributed_revenue_eur as {{ money_type }}) as attributed_revenue_eur,
        cast(attributed_gross_margin_eur as {{ money_type }}) as attributed_gross_margin_eur,
        cast(attributed_contribution_margin_eur as {{ money_type }}) as attributed_contribution_margin_eur,
        revenue_eur as conversion_revenue_eur
    from allocated
)

select * from final
