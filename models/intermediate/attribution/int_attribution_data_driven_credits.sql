{#- Data-driven models (markov, shapley) brought back to touchpoints: a
    channel's share of the conversion's path is split equally between that
    channel's eligible touches in the journey. One row per conversion x
    touchpoint x model; shares of a conversion sum to 1 per model. -#}
with

journeys as (
    select
        conversion_id,
        touchpoint_id,
        channel
    from {{ ref('int_attribution_journeys') }}
    where is_eligible
),

conversion_paths as (
    select
        conversion_id,
        channel_path
    from {{ ref('int_attribution_conversion_paths') }}
),

path_credits as (
    select
        attribution_model,
        channel_path,
        channel,
        channel_share
    from {{ ref('int_attribution_data_driven_path_credits') }}
),

touches_per_channel as (
    select
        conversion_id,
        touchpoint_id,
        channel,
        count(*) over (partition by conversion_id, channel) as channel_touches
    from journeys
),

final as (
    select
        touches_per_channel.conversion_id,
        touches_per_channel.touchpoint_id,
        path_credits.attribution_model,
        cast(path_credits.channel_share / touches_per_channel.channel_touches as double)
            as credit_share
    from touches_per_channel
    inner join conversion_paths
        on touches_per_channel.conversion_id = conversion_paths.conversion_id
    inner join path_credits
        on
            conversion_paths.channel_path = path_credits.channel_path
            and touches_per_channel.channel = path_credits.channel
)

select * from final
