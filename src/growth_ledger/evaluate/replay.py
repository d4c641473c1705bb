"""Detection lag as of the day: rerun the warehouse's own detector on the data known then.

fct_kpi_anomalies dates an anomaly by its data day, and a detector that needs a run of
days flags the run's first day once the run is long enough: its data-day lag is 0 although
nobody knew on that day. Here the detector of the dbt model int_kpi_anomalies_detected
(growth_ledger.intelligence.anomalies.detect_all, the same function) runs on its three
input tables cut at each day from the event's start; the lag is the first day whose run
flags the event, minus its start. The thresholds are the detector's own, untouched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import pandas as pd

from .anomaly_scoring import detects

# Inputs of int_kpi_anomalies_detected and the date column each is cut on.
INPUTS = {
    "int_kpi_daily_inputs": "kpi_date",
    "int_tracking_checks_daily": "check_date",
    "int_source_arrivals": "data_date",
}
REPLAY_KINDS = ("tracking_break", "ga4_revenue_drift", "cpc_surge")
MAX_REPLAY_DAYS = 14

Detector = Callable[[pd.DataFrame, pd.DataFrame, pd.DataFrame], pd.DataFrame]


def known_on(inputs: Mapping[str, pd.DataFrame], day: dt.date) -> list[pd.DataFrame]:
    """The detector's inputs as they stood at the end of `day` (rows dated after it dropped;
    arrivals also lose the extracts that landed after it)."""
    cut = []
    for table, column in INPUTS.items():
        frame = inputs[table]
        keep = pd.to_datetime(frame[column]).dt.date <= day
        if "first_extracted_date" in frame:
            keep &= pd.to_datetime(frame["first_extracted_date"]).dt.date <= day
        cut.append(frame[keep].reset_index(drop=True))
    return cut


def as_of_lag(
    event: Mapping[str, object],
    inputs: Mapping[str, pd.DataFrame],
    campaign_channels: Mapping[str, str],
    detector: Detector,
    max_days: int = MAX_REPLAY_DAYS,
) -> int | None:
    """Days from the event's start to the first day the detector, run on that day's data,
    flags it; None when it does not within max_days."""
    start = pd.Timestamp(str(event["start"])).date()
    for lag in range(max_days + 1):
        day = start + dt.timedelta(days=lag)
        found = detector(*known_on(inputs, day))
        if any(
            detects(event, anomaly, campaign_channels)
            and pd.Timestamp(str(anomaly["anomaly_date"])).date() <= day
            for anomaly in found.to_dict("records")
        ):
            return lag
    return None
