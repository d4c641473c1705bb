{#- Rules that turn the intelligence marts into actions; the figures are in
    the evidence text so the board pack can quote them. One unit for every
    money figure: EUR of contribution margin per 30 days, with a 90% interval
    and the assumptions behind it.
    action_text (what to do) and rationale (why) are read by executives as
    they are (board pack, actions page): whole sentences with the names a reader
    knows (campaign name, platform and channel labels, KPI labels), money as
    "€1,070" and days as "10 June 2026"; never a table, column or code. The
    rules and model details stay in evidence and assumptions, for analysts. -#}
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

kpi_labels as (
    select
        metric_name,
        label
    from {{ ref('mart_kpi_dictionary') }}
),

channel_labels as (
    select
        channel,
        channel_label
    from {{ ref('dim_channel') }}
),

campaign_labels as (
    select
        campaign_key,
        platform_name
    from {{ ref('dim_campaign') }}
),

source_labels as (
    -- Names of the landing sources as a reader knows them: the ad platforms' names from
    -- their seed; GA4 is an acronym; the other sources are plain words (shop, stores).
    select
        platform as source_name,
        platform_name as source_label
    from {{ ref('ad_platforms') }}
    union all
    select
        'ga4' as source_name,
        'GA4' as source_label
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

labelled_episodes as (
    select
        data_episodes.*,
        coalesce(
            source_labels.source_label,
            upper(left(data_episodes.scope_id, 1)) || replace(substr(data_episodes.scope_id, 2), '_', ' ')
        ) as source_label
    from data_episodes
    left join source_labels on data_episodes.scope_id = source_labels.source_name
),

tracking_actions as (
    select
        'data_quality' as action_category,
        case anomaly_type
            when 'tracking_break'
                then 'Fix the ' || source_label || ' purchase tracking and mark '
                    || {{ format_day_span('first_date', 'last_date') }}
                    || ' as a tracking outage, so bidding and ROAS reports leave those days out'
            when 'revenue_tracking_drift'
                then 'Find out why ' || source_label || ' purchase revenue drifted from the shop''s ('
                    || {{ format_day_span('first_date', 'last_date') }}
                    || '), and report revenue from the shop for those days'
            when 'late_source_data'
                then 'Chase the late ' || source_label || ' data for '
                    || {{ format_day_span('first_date', 'last_date') }}
                    || ' and check again the reports built before it arrived'
            else 'Restart the ' || source_label || ' data feed: nothing has arrived since '
                || {{ format_day('first_date') }}
        end as action_text,
        case anomaly_type
            when 'tracking_break'
                then source_label || ' recorded '
                    || case when round(observed_value, 1) = 0 then 'no purchases'
                        else {{ format_decimal('observed_value', 1) }} || ' purchases a day'
                    end
                    || ' on ' || {{ format_days('days') }} || ' while its ads kept getting clicks (about '
                    || {{ format_decimal('expected_value', 1) }} || ' a day expected), so its ROAS and automatic '
                    || 'bidding are wrong for those days'
            when 'revenue_tracking_drift'
                then source_label || ' recorded ' || {{ format_decimal('abs(observed_value - expected_value) * 100', 1) }}
                    || '% ' || case when observed_value < expected_value then 'less' else 'more' end
                    || ' purchase revenue than the shop for the same orders on ' || {{ format_days('days') }}
                    || ', so channel figures built on it are off by as much'
            when 'late_source_data'
                then 'The ' || source_label || ' data arrived ' || {{ format_days('cast(round(observed_value) as integer)') }}
                    || ' after it was due, so reports built in between missed it'
            else 'Nothing has arrived for ' || {{ format_days('cast(round(observed_value) as integer)') }} || ', more than the '
                || {{ format_decimal('expected_value', 0) }} || ' its schedule allows, so every figure from '
                || source_label || ' is out of date'
        end || '.' as rationale,
        cast(null as double) as expected_impact_eur,
        cast(null as double) as expected_impact_low_eur,
        cast(null as double) as expected_impact_high_eur,
        cast(days as {{ dbt.type_string() }}) || ' day(s); observed ' || cast(round(observed_value, 3) as {{ dbt.type_string() }})
        || ' vs expected ' || cast(round(expected_value, 3) as {{ dbt.type_string() }}) || '. Rule: ' || detection_rule
            as evidence,
        cast(null as {{ dbt.type_string() }}) as assumptions,
        'Analytics engineer' as owner,
        case when last_date >= {{ dbt.dateadd('day', -30, '(select as_of_date from as_of)') }}
                then 1000000.0
            else 0.0
        end as priority_score,
        anomaly_type || ':' || scope_id || ':' || cast(first_date as {{ dbt.type_string() }}) as subject_id,
        last_date as evidence_date
    from labelled_episodes
),

margin_rates as (
    select contribution_margin_rate from {{ ref('int_margin_rates') }}
),

campaign_actions as (
    select
        'inefficient_campaign' as action_category,
        'Pause the ' || coalesce(campaign_labels.platform_name, campaigns.platform) || ' campaign '
        || campaigns.campaign_name || ': it spends more than the margin it brings in' as action_text,
        'In the last 90 days it spent ' || {{ format_eur('campaigns.spend_eur') }} || ' and brought in '
        || {{ format_eur('campaigns.revenue_eur') }} || ' of sales: €' || {{ format_decimal('campaigns.roas', 2) }}
        || ' per euro spent, against the €' || {{ format_decimal('campaigns.breakeven_roas', 2) }}
        || ' it needs to break even'
        || case when campaigns.is_unprofitable
                then '; its gross margin paid back ' || {{ format_decimal('campaigns.poas * 100', 0) }}
                    || '% of its spend (likely ' || {{ format_decimal('campaigns.poas_low * 100', 0) }} || '% to '
                    || {{ format_decimal('campaigns.poas_high * 100', 0) }} || '%)'
            else ''
        end
        || case when campaigns.is_cpa_above_target
                then '; each sale cost at least ' || {{ format_eur('campaigns.cpa_low_eur') }} || ', against the '
                    || {{ format_eur('campaigns.target_cac_eur') }} || ' target for a new customer'
            else ''
        end || '.' as rationale,
        campaigns.margin_shortfall_30d_eur as expected_impact_eur,
        campaigns.margin_shortfall_30d_low_eur as expected_impact_low_eur,
        campaigns.margin_shortfall_30d_high_eur as expected_impact_high_eur,
        'Last 90 days: spend ' || cast(round(campaigns.spend_eur) as {{ dbt.type_string() }}) || ' EUR, ROAS '
        || cast(round(campaigns.roas, 2) as {{ dbt.type_string() }}) || ' vs breakeven '
        || cast(round(campaigns.breakeven_roas, 2) as {{ dbt.type_string() }}) || ', ' || campaigns.flag_reason
        || ' (shop revenue credited by the data-driven attribution, 90% bootstrap over days)'
            as evidence,
        'Saving = spend - attributed revenue x contribution margin rate, at the last 90 days'' pace; assumes '
        || 'the attributed revenue is lost with the spend (no halo), so the saving is not overstated'
            as assumptions,
        case when campaigns.platform = 'google_ads' then 'Paid search lead' else 'Paid social lead' end as owner,
        campaigns.margin_shortfall_30d_eur as priority_score,
        campaigns.campaign_key as subject_id,
        campaigns.window_end_date as evidence_date
    from campaigns
    left join campaign_labels on campaigns.campaign_key = campaign_labels.campaign_key
    where campaigns.is_flagged
),

reallocation_actions as (
    select
        'budget_reallocation' as action_category,
        'Move budget between paid channels over the next 30 days, keeping total spend the same: '
        || {{ dbt.listagg(
            "case when not reallocation.is_total and abs(reallocation.spend_shift_30d_eur) >= 50
                    then coalesce(channel_labels.channel_label, reallocation.channel) || ' '
                        || " ~ format_eur('reallocation.spend_shift_30d_eur', signed=true) ~ "
            end", "', '", "order by reallocation.channel"
        ) }} || ' (campaigns recommended for a pause are left out)' as action_text,
        'Weekly spend and the margin credited to each channel show that the next euro earns more '
        || 'margin in some channels than in others; no channel moves by more than half its spend'
        || coalesce(
            '; ' || {{ dbt.listagg(
                "case when not reallocation.is_total and reallocation.is_held
                        then coalesce(channel_labels.channel_label, reallocation.channel)
                end", "', '", "order by reallocation.channel"
            ) }} || ' stay as they are, as their response to spend could not be measured reliably', ''
        ) || '.' as rationale,
        max(case when reallocation.is_total then reallocation.expected_margin_change_30d_eur end)
            as expected_impact_eur,
        max(case when reallocation.is_total then reallocation.margin_change_30d_low_eur end)
            as expected_impact_low_eur,
        max(case when reallocation.is_total then reallocation.margin_change_30d_high_eur end)
            as expected_impact_high_eur,
        'Power curves contribution = a x spend^b per channel on weekly attributed contribution (elasticities '
        || {{ dbt.listagg(
            "case when not reallocation.is_total
                    then reallocation.channel || ' ' || cast(round(reallocation.elasticity, 2) as " ~ dbt.type_string() ~ ")
            end", "', '", "order by reallocation.channel"
        ) }}
        || '), guardrail +-50% per channel, 90% bootstrap interval over weeks'
            as evidence,
        'Curves hold over the +-50% range; channels with a clipped elasticity held at current spend ('
        || coalesce(
            {{ dbt.listagg(
                "case when not reallocation.is_total and reallocation.is_held then reallocation.channel end",
                "', '", "order by reallocation.channel"
            ) }},
            'none'
        )
        || '); campaigns flagged for a cut excluded, so their saving is counted once, by their own action'
            as assumptions,
        'Head of growth' as owner,
        max(case when reallocation.is_total then reallocation.expected_margin_change_30d_eur end) as priority_score,
        'all_paid' as subject_id,
        cast((select as_of.as_of_date from as_of) as date) as evidence_date
    from reallocation
    left join channel_labels on reallocation.channel = channel_labels.channel
    having count(case when not reallocation.is_total and abs(reallocation.spend_shift_30d_eur) >= 50 then 1 end) > 0
),

churn_actions as (
    select
        'churn_risk' as action_category,
        'Contact the ' || cast(count(*) as {{ dbt.type_string() }})
        || ' subscribers most likely to cancel with a retention offer' as action_text,
        'They are expected to cancel ' || {{ format_eur('sum(churn_risk.expected_mrr_loss_eur)') }}
        || ' of monthly subscription revenue (average chance of cancelling '
        || {{ format_decimal('avg(churn_risk.churn_probability) * 100', 0) }}
        || '%); the churn model picked out past cancellations better than chance when tested on later months.'
            as rationale,
        {{ var('retention_save_rate', 0.15) }} * sum(churn_risk.expected_mrr_loss_eur)
        * max(margin_rates.contribution_margin_rate)
        - {{ var('retention_contact_cost_eur', 2.0) }} * count(*) as expected_impact_eur,
        {{ var('retention_save_rate_low', 0.05) }} * sum(churn_risk.expected_mrr_loss_eur)
        * max(margin_rates.contribution_margin_rate)
        - {{ var('retention_contact_cost_eur', 2.0) }} * count(*) as expected_impact_low_eur,
        {{ var('retention_save_rate_high', 0.25) }} * sum(churn_risk.expected_mrr_loss_eur)
        * max(margin_rates.contribution_margin_rate)
        - {{ var('retention_contact_cost_eur', 2.0) }} * count(*) as expected_impact_high_eur,
        'Expected MRR loss ' || cast(round(sum(churn_risk.expected_mrr_loss_eur)) as {{ dbt.type_string() }})
        || ' EUR/month; mean churn probability '
        || cast(round(avg(churn_risk.churn_probability), 3) as {{ dbt.type_string() }})
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
        'Review the plan for '
        || case when forecasts.period_type = 'month' then {{ format_month('forecasts.period_start_date') }}
            when forecasts.period_type = 'quarter'
                then 'Q' || cast(extract(quarter from forecasts.period_start_date) as {{ dbt.type_string() }})
                    || ' ' || cast(extract(year from forecasts.period_start_date) as {{ dbt.type_string() }})
            else 'the ' || forecasts.period_type
        end
        || ': ' || coalesce(kpi_labels.label, replace(forecasts.metric, '_', ' ')) || ' is forecast at '
        || {{ format_eur('forecasts.forecast_eur') }} || ' against a target of '
        || {{ format_eur('forecasts.target_eur') }}
        || case when forecasts.gap_to_target_eur < 0
                then ' (' || {{ format_eur('-forecasts.gap_to_target_eur') }} || ' short)'
            else ''
        end as action_text,
        {{ format_eur('forecasts.actual_to_date_eur') }} || ' so far, by ' || {{ format_day('forecasts.as_of_date') }}
        || ', with ' || cast(forecasts.days_remaining as {{ dbt.type_string() }}) || ' days to go; the likely range at period end is '
        || {{ format_eur('forecasts.forecast_low_eur') }} || ' to ' || {{ format_eur('forecasts.forecast_high_eur') }}
        || ' and the chance of reaching the target is ' || {{ format_decimal('forecasts.probability_meeting_target * 100', 0) }}
        || '%.' as rationale,
        cast(null as double) as expected_impact_eur,
        cast(null as double) as expected_impact_low_eur,
        cast(null as double) as expected_impact_high_eur,
        'As of ' || cast(forecasts.as_of_date as {{ dbt.type_string() }}) || ': actual to date '
        || cast(round(forecasts.actual_to_date_eur) as {{ dbt.type_string() }}) || ' EUR, '
        || cast(forecasts.days_remaining as {{ dbt.type_string() }}) || ' days left, gap '
        || cast(round(forecasts.gap_to_target_eur) as {{ dbt.type_string() }}) || ' EUR (80% '
        || cast(round(forecasts.forecast_low_eur - forecasts.target_eur) as {{ dbt.type_string() }}) || ' to '
        || cast(round(forecasts.forecast_high_eur - forecasts.target_eur) as {{ dbt.type_string() }}) || '), P(meet target) '
        || cast(round(forecasts.probability_meeting_target, 2) as {{ dbt.type_string() }}) || '; ' || forecasts.method as evidence,
        cast(null as {{ dbt.type_string() }}) as assumptions,
        'Finance lead' as owner,
        0.0 as priority_score,
        forecasts.period_type || ':' || forecasts.metric as subject_id,
        forecasts.as_of_date as evidence_date
    from forecasts
    left join kpi_labels on replace(forecasts.metric, '_eur', '') = kpi_labels.metric_name
    where forecasts.target_eur is not null and forecasts.probability_meeting_target < 0.5
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
            {{ dbt.hash("action_category || '|' || subject_id || '|' || cast(evidence_date as " ~ api.Column.translate_type('string') ~ ")") }} as {{ dbt.type_string() }}
        )
            as action_id,
        cast(row_number() over (order by priority_score desc, action_category asc, subject_id asc) as integer) as priority,
        cast(action_category as {{ dbt.type_string() }}) as action_category,
        cast(action_text as {{ dbt.type_string() }}) as action_text,
        cast(rationale as {{ dbt.type_string() }}) as rationale,
        cast(expected_impact_eur as double) as expected_impact_eur,
        cast(expected_impact_low_eur as double) as expected_impact_low_eur,
        cast(expected_impact_high_eur as double) as expected_impact_high_eur,
        cast('eur_contribution_margin_30d' as {{ dbt.type_string() }}) as impact_unit,
        cast(expected_impact_eur is not null as boolean) as moves_money,
        cast(assumptions as {{ dbt.type_string() }}) as assumptions,
        cast(evidence as {{ dbt.type_string() }}) as evidence,
        cast(owner as {{ dbt.type_string() }}) as owner,
        cast(subject_id as {{ dbt.type_string() }}) as subject_id,
        cast(evidence_date as date) as evidence_date
    from unioned
    where
        action_text is not null
        -- A money action is shown only when it beats doing nothing at the low end of its interval.
        and (expected_impact_eur is null or expected_impact_low_eur > 0)
)

select * from final
