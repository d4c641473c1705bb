with

channels as (
    select
        channel,
        channel_family,
        is_paid,
        sort_order,
        description
    from {{ ref('channels') }}
),

final as (
    select
        cast(channel as {{ dbt.type_string() }}) as channel,
        -- The name a reader sees (paid_search -> Paid search), so reports and generated
        -- sentences (fct_recommended_actions) use one label instead of each making its own.
        cast(upper(left(channel, 1)) || replace(substr(channel, 2), '_', ' ') as {{ dbt.type_string() }})
            as channel_label,
        cast(channel_family as {{ dbt.type_string() }}) as channel_family,
        cast(is_paid as {{ dbt.type_boolean() }}) as is_paid,
        cast(sort_order as {{ dbt.type_int() }}) as sort_order,
        cast(description as {{ dbt.type_string() }}) as channel_description
    from channels
)

select * from final
