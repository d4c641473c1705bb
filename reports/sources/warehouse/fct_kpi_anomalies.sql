-- One row per detected anomaly: day x anomaly type x scope x KPI, with baseline and severity.
select
    anomaly_id,
    anomaly_date,
    anomaly_type,
    scope_type,
    scope_name,
    kpi,
    observed_value,
    expected_value,
    deviation_pct,
    direction,
    severity,
    detection_rule
from marts.fct_kpi_anomalies
