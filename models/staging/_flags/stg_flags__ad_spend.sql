{#- Plausibility of ad spend: one row per campaign and day whose spend is far
    above the campaign's own history, flagged `implausible_spend` (the code and
    reason are declared in contract/landing.yml). The spend is NOT kept out of
    staging: dropping it would understate spend and flatter ROAS, and the
    files would no longer reconcile with the marts. A person decides.

    The rule (dbt vars, defaults in dbt_project.yml): the campaign's spend of
    the day, in the account's currency, is more than implausible_spend_ratio
    times the median of the campaign's days with spend in the
    implausible_spend_history_days before it, and its EUR value is above
    implausible_spend_floor_eur. A campaign with fewer than
    implausible_spend_min_history_days such days is compared with the median
    of its account's daily spend; an account without that history is not
    judged. The median, not the mean: one earlier spike does not raise the
    bar for the next. -#}
{%- set ratio = var('implausible_spend_ratio') %}
{%- set floor_eur = var('implausible_spend_floor_eur') %}
{%- set history_days = var('implausible_spend_history_days') %}
{%- set min_history_days = var('implausible_spend_min_history_days') %}
{%- set flagged_entities = [] %}
{%- for source_name, entity, staging_model in landing_entities() %}
    {%- set flags = landing_flag_codes().get(source_name ~ '__' ~ entity, {}) %}
    {%- if 'implausible_spend' in flags %}
        {%- do flagged_entities.append((source_name, entity, staging_model, flags['implausible_spend'])) %}
    {%- endif %}
{%- endfor %}

with

{% for source_name, entity, staging_model, _ in flagged_entities %}
    {{ source_name }}__{{ entity }} as (
        select * from {{ ref(staging_model) }}
    ),

{% endfor %}
ad_rows as (
    {% for source_name, entity, _, reason in flagged_entities %}
        select
            '{{ source_name }}' as source_name,
            '{{ entity }}' as entity,
            '{{ reason }}' as flag_reason,
            account_id,
            campaign_id,
            ad_date,
            currency,
            spend,
            spend_eur,
            source_file
        from {{ source_name }}__{{ entity }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

campaign_days as (
    select
        source_name,
        entity,
        flag_reason,
        account_id,
        campaign_id,
        ad_date,
        max(currency) as currency,
        sum(spend) as spend,
        sum(spend_eur) as spend_eur,
        max(source_file) as source_file
    from ad_rows
    group by source_name, entity, flag_reason, account_id, campaign_id, ad_date
),

account_days as (
    select
        source_name,
        account_id,
        ad_date,
        sum(spend) as spend
    from campaign_days
    group by source_name, account_id, ad_date
),

campaign_history as (
    {{ prior_spend_median('campaign_days', ['source_name', 'account_id', 'campaign_id'], history_days) }}
),

account_history as (
    {{ prior_spend_median('account_days', ['source_name', 'account_id'], history_days) }}
),

judged as (
    select
        campaign_days.*,
        case
            when campaign_history.history_days >= {{ min_history_days }} then 'campaign'
            when account_history.history_days >= {{ min_history_days }} then 'account'
        end as baseline,
        case
            when campaign_history.history_days >= {{ min_history_days }}
                then campaign_history.median_spend
            when account_history.history_days >= {{ min_history_days }}
                then account_history.median_spend
        end as baseline_spend,
        case
            when campaign_history.history_days >= {{ min_history_days }}
                then campaign_history.history_days
            when account_history.history_days >= {{ min_history_days }}
                then account_history.history_days
        end as baseline_days
    from campaign_days
    left join campaign_history
        on
            campaign_days.source_name = campaign_history.source_name
            and campaign_days.account_id = campaign_history.account_id
            and campaign_days.campaign_id = campaign_history.campaign_id
            and campaign_days.ad_date = campaign_history.ad_date
    left join account_history
        on
            campaign_days.source_name = account_history.source_name
            and campaign_days.account_id = account_history.account_id
            and campaign_days.ad_date = account_history.ad_date
),

final as (
    select
        source_name,
        entity,
        account_id,
        campaign_id,
        ad_date,
        currency,
        spend,
        spend_eur,
        baseline,
        baseline_spend,
        baseline_days,
        spend / baseline_spend as spend_ratio,
        'implausible_spend' as flag_code,
        flag_reason,
        source_file
    from judged
    where
        baseline_spend > 0
        and spend > {{ ratio }} * baseline_spend
        and spend_eur > {{ floor_eur }}
)

select * from final
