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
        cast(channel_family as {{ dbt.type_string() }}) as channel_family,
        cast(is_paid as {{ dbt.type_boolean() }}) as is_paid,
        cast(sort_order as {{ dbt.type_int() }}) as sort_order,
        cast(description as {{ dbt.type_string() }}) as channel_description
    from channels
)

select * from final
