{#- Rules that turn the intelligence marts into actions; the figures are in
    the evidence text so the board pack can quote them. One unit for every
    money figure: EUR of contribution margin per 30 days, with a 90% interval
    and the assumptions behind it. -#}
with

anomalies as (
    select * from {{ ref('fct_kpi_anomalies') }}
),

campaigns as (
    select * from {{ ref('fct_inefficient_campaigns') }}
),

reallocation as (
    select * from {{ ref('mart_budget_reallocation') }}
),

churn_risk as (
    select * from {{ ref('fct_subscriber_churn_risk') }}
),

churn_skill as (
    select max(metric_value) as has_skill
    from {{ ref('mart_churn_model_evaluation') }}
    where metric = 'has_skill'
),

forecasts as (
    select * from {{ ref('mart_forecast_to_period_end') }}
    where is_latest
),

as_of as (
    select max(anomaly_date) as as_of_date
    from anomalies
),

data_episodes as (
    select
        anomalies.anomaly_type,
        anomalies.scope_id,
        min(anomalies.anomaly_date) as first_date,
        max(anomalies.anomaly_date) as last_date,
        count(*) as days,
        max(anomalies.detection_rule) as detection_rule,
        avg(anomalies.expected_value) as expected_value,
        avg(anomalies.observed_value) as observed_value
    from anomalies
    where anomalies.anomaly_type in ('tracking_break', 'revenue_tracking_drift', 'late_source_data', 'source_stopped')
    group by 1, 2, {{ dbt.date_trunc('month', 'anomalies.anomaly_date') }}
),

tracking_actions as (
    select
        'data_quality' as action_category,
        case anomaly_type
            when 'tracking_break'
                then 'Fix and annotate the ' || scope_id || ' purchase tracking break ('
                    || cast(first_date as varchar) || ' to ' || cast(last_date as varchar)
                    || '); exclude those days from bidding and ROAS reporting'
            when 'revenue_tracking_drift'
                then 'Find why GA4 purchase revenue drifted from the shop ('
                    || cast(first_date as varchar) || ' to ' || cast(last_date as varchar)
                    || '); report revenue from the shop, not GA4, for those days'
            when 'late_source_data'
                then 'Chase the late ' || scope_id || ' extract for data of '
                    || cast(first_date as varchar) || ' to ' || cast(last_date as varchar)
                    || ' and recheck reports built before it landed'
            else 'Restart the ' || scope_id || ' extract: no data since ' || cast(first_date as varchar)
        end as action_text,
        cast(null as double) as expected_impact_eur,
        cast(null as double) as expected_impact_low_eur,
        cast(null as double) as expected_impact_high_eur,
        cast(days as varchar) || ' day(s); observed ' || cast(round(observed_value, 3) as varchar)
        || ' vs expected ' || cast(round(expected_value, 3) as varchar) || '. Rule: ' || detection_rule
            as evidence,
        cast(null as varchar) as assumptions,
        'Analytics engineer' as owner,
        case when last_date >= {{ dbt.dateadd('day', -30, '(select as_of_date from as_of)') }}
                then 1000000.0
            else 0.0
        end as priority_score,
        anomaly_type || ':' || scope_id || ':' || cast(first_date as varchar) as subject_id,
        last_date as evidence_date
    from data_episodes
),

margin_rates as (
    select contribution_margin_rate from {{ ref('int_margin_rates') }}
),

campaign_actions as (
    select
        'inefficient_campaign' as action_category,
        'Pause ' || campaign_name || ' (' || platform || '): its spend costs more contribution margin than it earns'
            as action_text,
        margin_shortfall_30d_eur as expected_impact_eur,
        margin_shortfall_30d_low_eur as expected_impact_low_eur,
        margin_shortfall_30d_high_eur as expected_impact_high_eur,
        'Last 90 days: spend ' || cast(round(spend_eur) as varchar) || ' EUR, ROAS '
        || cast(round(roas, 2) as varchar) || ' vs breakeven ' || cast(round(breakeven_roas, 2) as varchar)
        || ', ' || flag_reason || ' (shop revenue credited by the data-driven attribution, 90% bootstrap over days)'
            as evidence,
        'Saving = spend - attributed revenue x contribution margin rate, at the last 90 days'' pace; assumes '
        || 'the attributed revenue is lost with the spend (no halo), so the saving is not overstated'
            as assumptions,
        case when platform = 'google_ads' then 'Paid search lead' else 'Paid social lead' end as owner,
        margin_shortfall_30d_eur as priority_score,
        campaign_key as subject_id,
        window_end_date as evidence_date
    from campaigns
    where is_flagged
),

reallocation_actions as (
    select
        'budget_reallocation' as action_category,
        'Shift ' || string_agg(
            case when not is_total and abs(spend_shift_30d_eur) >= 50
                    then channel || ' ' || case when spend_shift_30d_eur > 0 then '+' else '' end
                        || cast(round(spend_shift_30d_eur) as varchar) || ' EUR'
            end, ', '
        ) || ' per 30 days, total spend unchanged, across the campaigns not flagged for a cut' as action_text,
        max(case when is_total then expected_margin_change_30d_eur end) as expected_impact_eur,
        max(case when is_total then margin_change_30d_low_eur end) as expected_impact_low_eur,
        max(case when is_total then margin_change_30d_high_eur end) as expected_impact_high_eur,
        'Power curves contribution = a x spend^b per channel on weekly attributed contribution (elasticities '
        || string_agg(case when not is_total then channel || ' ' || cast(round(elasticity, 2) as varchar) end, ', ')
        || '), guardrail +-50% per channel, 90% bootstrap interval over weeks'
            as evidence,
        'Curves hold over the +-50% range; channels with a clipped elasticity held at current spend ('
        || coalesce(string_agg(case when not is_total and is_held then channel end, ', '), 'none')
        || '); campaigns flagged for a cut excluded, so their saving is counted once, by their own action'
            as assumptions,
        'Head of growth' as owner,
        max(case when is_total then expected_margin_change_30d_eur end) as priority_score,
        'all_paid' as subject_id,
        cast((select as_of_date from as_of) as date) as evidence_date
    from reallocation
    having count(case when not is_total and abs(spend_shift_30d_eur) >= 50 then 1 end) > 0
),

churn_actions as (
    select
        'churn_risk' as action_category,
        'Retention outreach to the ' || cast(count(*) as varchar)
        || ' high-risk subscribers (fct_subscriber_churn_risk, risk_band = high)' as action_text,
        {{ var('retention_save_rate', 0.15) }} * sum(churn_risk.expected_mrr_loss_eur)
        * max(margin_rates.contribution_margin_rate)
        - {{ var('retention_contact_cost_eur', 2.0) }} * count(*) as expected_impact_eur,
        {{ var('retention_save_rate_low', 0.05) }} * sum(churn_risk.expected_mrr_loss_eur)
        * max(margin_rates.contribution_margin_rate)
        - {{ var('retention_contact_cost_eur', 2.0) }} * count(*) as expected_impact_low_eur,
        {{ var('retention_save_rate_high', 0.25) }} * sum(churn_risk.expected_mrr_loss_eur)
        * max(margin_rates.contribution_margin_rate)
        - {{ var('retention_contact_cost_eur', 2.0) }} * count(*) as expected_impact_high_eur,
        'Expected MRR loss ' || cast(round(sum(churn_risk.expected_mrr_loss_eur)) as varchar)
        || ' EUR/month; mean churn probability '
        || cast(round(avg(churn_risk.churn_probability), 3) as varchar)
        || '; model evaluated out of time (mart_churn_model_evaluation)' as evidence,
        'Save rate {{ var("retention_save_rate", 0.15) }} (interval {{ var("retention_save_rate_low", 0.05) }}-'
        || '{{ var("retention_save_rate_high", 0.25) }}), outreach cost {{ var("retention_contact_cost_eur", 2.0) }}'
        || ' EUR per subscriber, only the next 30 days of MRR x contribution margin rate counted (vars '
        || 'retention_save_rate*, retention_contact_cost_eur)' as assumptions,
        'CRM lead' as owner,
        {{ var('retention_save_rate', 0.15) }} * sum(churn_risk.expected_mrr_loss_eur)
        * max(margin_rates.contribution_margin_rate)
        - {{ var('retention_contact_cost_eur', 2.0) }} * count(*) as priority_score,
        'subscribers' as subject_id,
        max(churn_risk.snapshot_date) as evidence_date
    from churn_risk
    cross join margin_rates
    where
        churn_risk.risk_band = 'high'
        {#- No churn action when the out-of-time evaluation shows no skill
            (AUC 95% CI lower bound <= 0.5 or Brier not below the base rate). -#}
        and (select churn_skill.has_skill from churn_skill) = 1
    having count(*) > 0
),

forecast_actions as (
    {#- A warning, not a money action: closing a revenue gap has no costed
        lever here, so no contribution-margin figure is claimed. -#}
    select
        'forecast_gap' as action_category,
        'Review the plan: the ' || period_type || ' ' || metric || ' forecast of '
        || cast(round(forecast_eur) as varchar) || ' EUR misses the target of ' || cast(round(target_eur) as varchar)
            as action_text,
        cast(null as double) as expected_impact_eur,
        cast(null as double) as expected_impact_low_eur,
        cast(null as double) as expected_impact_high_eur,
        'As of ' || cast(as_of_date as varchar) || ': actual to date ' || cast(round(actual_to_date_eur) as varchar)
        || ' EUR, ' || cast(days_remaining as varchar) || ' days left, gap ' || cast(round(gap_to_target_eur) as varchar)
        || ' EUR (90% ' || cast(round(forecast_low_eur - target_eur) as varchar) || ' to '
        || cast(round(forecast_high_eur - target_eur) as varchar) || '), P(meet target) '
        || cast(round(probability_meeting_target, 2) as varchar) || '; ' || method as evidence,
        cast(null as varchar) as assumptions,
        'Finance lead' as owner,
        0.0 as priority_score,
        period_type || ':' || metric as subject_id,
        as_of_date as evidence_date
    from forecasts
    where target_eur is not null and probability_meeting_target < 0.5
),

unioned as (
    select * from tracking_actions
    union all
    select * from campaign_actions
    union all
    select * from reallocation_actions
    union all
    select * from churn_actions
    union all
    select * from forecast_actions
),

final as (
    select
        cast(
            {{ dbt.hash("action_category || '|' || subject_id || '|' || cast(evidence_date as " ~ api.Column.translate_type('string') ~ ")") }} as varchar
        )
            as action_id,
        cast(row_number() over (order by priority_score desc, action_category asc, subject_id asc) as integer) as priority,
        cast(action_category as varchar) as action_category,
        cast(action_text as varchar) as action_text,
        cast(expected_impact_eur as double) as expected_impact_eur,
        cast(expected_impact_low_eur as double) as expected_impact_low_eur,
        cast(expected_impact_high_eur as double) as expected_impact_high_eur,
        cast('eur_contribution_margin_30d' as varchar) as impact_unit,
        cast(expected_impact_eur is not null as boolean) as moves_money,
        cast(assumptions as varchar) as assumptions,
        cast(evidence as varchar) as evidence,
        cast(owner as varchar) as owner,
        cast(subject_id as varchar) as subject_id,
        cast(evidence_date as date) as evidence_date
    from unioned
    where
        action_text is not null
        -- A money action is shown only when it beats doing nothing at the low end of its interval.
        and (expected_impact_eur is null or expected_impact_low_eur > 0)
)

select * from final
