-- Conversions with no touchpoint in the window carry their whole amount on
-- one '(unattributed)' row per model, and only they do; every model shows
-- the same unattributed revenue. Returns the offending rows.
with

journeys as (
    select distinct conversion_id
    from {{ ref('int_attribution_journeys') }}
),

attribution as (
    select
        attribution_model,
        conversion_id,
        channel,
        is_attributed,
        credit_share
    from {{ ref('fct_attribution') }}
),

summary as (
    select
        attribution_model,
        sum(attributed_revenue_eur) as unattributed_revenue_eur
    from {{ ref('mart_attribution_channel_summary') }}
    where channel = '(unattributed)'
    group by 1
),

wrong_rows as (
    select
        attribution.attribution_model,
        attribution.conversion_id,
        'unattributed row mismatch' as problem
    from attribution
    left join journeys
        on attribution.conversion_id = journeys.conversion_id
    where
        (journeys.conversion_id is null and (attribution.channel <> '(unattributed)' or attribution.credit_share <> 1))
        or (journeys.conversion_id is not null and not attribution.is_attributed)
        or ((attribution.channel = '(unattributed)') = attribution.is_attributed)
),

model_disagreement as (
    select
        cast('all' as {{ dbt.type_string() }}) as attribution_model,
        cast(null as {{ dbt.type_string() }}) as conversion_id,
        'models disagree on unattributed revenue' as problem
    from summary
    having count(distinct unattributed_revenue_eur) > 1
)

select * from wrong_rows
union all
select * from model_disagreement
