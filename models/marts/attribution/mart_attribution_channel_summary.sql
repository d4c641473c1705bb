{#- Models side by side: credited conversions, revenue and margins per
    attribution model, month of conversion, channel and campaign, next to the
    month's ad spend of that channel and campaign (spend does not depend on the
    model, so every model's row carries the same spend). Campaign is the
    platform campaign name for paid traffic, the utm/e-mail campaign otherwise,
    '(none)' when there is none. Rows exist for spend with no credited
    conversion too, so ROAS can be read as 0 rather than go missing. -#}
{%- set money_type = 'decimal(18, 2)' -%}
{%- set models = ['first_touch', 'last_touch', 'last_non_direct', 'linear', 'time_decay', 'position_based', 'markov', 'shapley'] -%}

with

attribution as (
    select
        attribution_model,
        conversion_date,
        conversion_type,
        channel,
        campaign_name,
        campaign_key,
        attributed_conversions,
        attributed_revenue_eur,
        attributed_gross_margin_eur,
        attributed_contribution_margin_eur
    from {{ ref('fct_attribution') }}
),

ad_performance as (
    select
        ad_date,
        campaign_key,
        channel,
        spend_eur
    from {{ ref('fct_ad_performance_daily') }}
),

campaigns as (
    select
        campaign_key,
        campaign_name
    from {{ ref('dim_campaign') }}
),

attribution_models as (
    {% for attribution_model in models -%}
        select '{{ attribution_model }}' as attribution_model
        {% if not loop.last %}union all
        {% endif %}
    {%- endfor %}
),

credited as (
    select
        attribution_model,
        cast({{ dbt.date_trunc('month', 'conversion_date') }} as date) as month_start_date,
        channel,
        coalesce(campaign_name, '(none)') as campaign_name,
        sum(attributed_conversions) as attributed_conversions,
        sum(case when conversion_type = 'first_order' then attributed_conversions else 0 end)
            as attributed_first_orders,
        sum(case when conversion_type = 'repeat_order' then attributed_conversions else 0 end)
            as attributed_repeat_orders,
        sum(case when conversion_type = 'subscription_start' then attributed_conversions else 0 end)
            as attributed_subscription_starts,
        sum(attributed_revenue_eur) as attributed_revenue_eur,
        sum(attributed_gross_margin_eur) as attributed_gross_margin_eur,
        sum(attributed_contribution_margin_eur) as attributed_contribution_margin_eur
    from attribution
    group by 1, 2, 3, 4
),

spend as (
    select
        cast({{ dbt.date_trunc('month', 'ad_performance.ad_date') }} as date) as month_start_date,
        coalesce(ad_performance.channel, 'unmapped') as channel,
        coalesce(campaigns.campaign_name, '(none)') as campaign_name,
        sum(ad_performance.spend_eur) as spend_eur
    from ad_performance
    left join campaigns
        on ad_performance.campaign_key = campaigns.campaign_key
    group by 1, 2, 3
),

spend_per_model as (
    select
        attribution_models.attribution_model,
        spend.month_start_date,
        spend.channel,
        spend.campaign_name,
        spend.spend_eur
    from spend
    cross join attribution_models
),

joined as (
    select
        coalesce(credited.attribution_model, spend_per_model.attribution_model) as attribution_model,
        coalesce(credited.month_start_date, spend_per_model.month_start_date) as month_start_date,
        coalesce(credited.channel, spend_per_model.channel) as channel,
        coalesce(credited.campaign_name, spend_per_model.campaign_name) as campaign_name,
        coalesce(credited.attributed_conversions, 0) as attributed_conversions,
        coalesce(credited.attributed_first_orders, 0) as attributed_first_orders,
        coalesce(credited.attributed_repeat_orders, 0) as attributed_repeat_orders,
        coalesce(credited.attributed_subscription_starts, 0) as attributed_subscription_starts,
        coalesce(credited.attributed_revenue_eur, 0) as attributed_revenue_eur,
        coalesce(credited.attributed_gross_margin_eur, 0) as attributed_gross_margin_eur,
        coalesce(credited.attributed_contribution_margin_eur, 0) as attributed_contribution_margin_eur,
        coalesce(spend_per_model.spend_eur, 0) as spend_eur
    from credited
    full outer join spend_per_model
        on
            credited.attribution_model = spend_per_model.attribution_model
            and credited.month_start_date = spend_per_model.month_start_date
            and credited.channel = spend_per_model.channel
            and credited.campaign_name = spend_per_model.campaign_name
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            'attribution_model', "'|'", dbt.cast('month_start_date', dbt.type_string()),
            "'|'", 'channel', "'|'", 'campaign_name'
        ])) }} as attribution_summary_id,
        attribution_model,
        month_start_date,
        channel,
        campaign_name,
        channel = '(unattributed)' as is_unattributed,
        cast(attributed_conversions as double) as attributed_conversions,
        cast(attributed_first_orders as double) as attributed_first_orders,
        cast(attributed_repeat_orders as double) as attributed_repeat_orders,
        cast(attributed_subscription_starts as double) as attributed_subscription_starts,
        cast(attributed_revenue_eur as {{ money_type }}) as attributed_revenue_eur,
        cast(attributed_gross_margin_eur as {{ money_type }}) as attributed_gross_margin_eur,
        cast(attributed_contribution_margin_eur as {{ money_type }}) as attributed_contribution_margin_eur,
        cast(spend_eur as {{ money_type }}) as spend_eur,
        cast(attributed_revenue_eur / nullif(spend_eur, 0) as double) as attributed_roas,
        cast(attributed_contribution_margin_eur / nullif(spend_eur, 0) as double)
            as attributed_poas
    from joined
)

select * from final
