with

anomalies as (
    select * from {{ ref('int_kpi_anomalies_detected') }}
),

campaigns as (
    select
        campaign_key,
        campaign_name
    from {{ ref('dim_campaign') }}
),

final as (
    select
        cast(
            {{ dbt.hash("cast(anomalies.anomaly_date as " ~ api.Column.translate_type('string') ~ ") || '|' || anomalies.anomaly_type || '|' || anomalies.scope_type || '|' || anomalies.scope_id || '|' || anomalies.kpi") }} as {{ dbt.type_string() }}
        )
            as anomaly_id,
        cast(anomalies.anomaly_date as date) as anomaly_date,
        cast(anomalies.anomaly_type as {{ dbt.type_string() }}) as anomaly_type,
        cast(anomalies.scope_type as {{ dbt.type_string() }}) as scope_type,
        cast(anomalies.scope_id as {{ dbt.type_string() }}) as scope_id,
        cast(coalesce(campaigns.campaign_name, anomalies.scope_id) as {{ dbt.type_string() }}) as scope_name,
        cast(anomalies.kpi as {{ dbt.type_string() }}) as kpi,
        cast(anomalies.observed_value as double) as observed_value,
        cast(anomalies.expected_value as double) as expected_value,
        cast(anomalies.deviation as double) as deviation,
        cast(anomalies.deviation_pct as double) as deviation_pct,
        cast(anomalies.robust_z as double) as robust_z,
        cast(anomalies.p_value as double) as p_value,
        cast(anomalies.direction as {{ dbt.type_string() }}) as direction,
        cast(anomalies.severity as {{ dbt.type_string() }}) as severity,
        cast(anomalies.detection_rule as {{ dbt.type_string() }}) as detection_rule
    from anomalies
    left join campaigns
        on anomalies.scope_id = campaigns.campaign_key
)

select * from final
