{#- Meta reports every action type in two parallel lists; this flattens both
    to one row per ad, day and action type. -#}
{%- set action_shape = '[{"action_type": "VARCHAR", "value": "VARCHAR"}]' -%}

with

insights as (
    {{ rows_with_fx_rate('meta_ads', 'ads_insights') }}
),

action_counts as (
    select
        insights.ad_date,
        insights.ad_id,
        action.action_type,
        {{ try_cast('action.value', 'double') }} as action_count
    {{ from_list_elements('insights', 'insights', parse_json_array('insights.actions', action_shape), 'action') }}
),

action_values as (
    select
        insights.ad_date,
        insights.ad_id,
        action.action_type,
        {{ try_cast('action.value', 'double') }} as action_value,
        {{ to_reporting_currency(try_cast('action.value', 'double'), 'insights.units_per_eur') }} as action_value_eur,
        insights.currency
    {{ from_list_elements('insights', 'insights', parse_json_array('insights.action_values', action_shape), 'action') }}
),

final as (
    select
        coalesce(action_counts.ad_date, action_values.ad_date) as ad_date,
        coalesce(action_counts.ad_id, action_values.ad_id) as ad_id,
        coalesce(action_counts.action_type, action_values.action_type) as action_type,
        coalesce(action_counts.action_count, 0) as action_count,
        coalesce(action_values.action_value, 0) as action_value,
        coalesce(action_values.action_value_eur, 0) as action_value_eur
    from action_counts
    full outer join action_values
        on
            action_counts.ad_date = action_values.ad_date
            and action_counts.ad_id = action_values.ad_id
            and action_counts.action_type = action_values.action_type
)

select * from final
