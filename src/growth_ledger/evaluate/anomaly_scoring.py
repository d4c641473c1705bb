"""Anomalies against the truth: which planted events were found, how late, and false alarms.

An anomaly row (marts.fct_kpi_anomalies: anomaly_date, anomaly_type, scope_type, scope_id,
kpi) *detects* a planted event when it is the check meant for it, on its scope, inside its
days (`detects`); it is *explained* by a cause of the truth when it sits on a scope the cause
moves, inside the cause's days plus its after-effects (`explains`). False alarms are counted
per episode, a run of consecutive days of one anomaly type, scope and KPI, none of whose days
any cause explains.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from .truth import AFTER_EFFECT_DAYS, COST_RISE_DAYS, DATA_QUALITY_TYPES

# KPIs a product cost rise moves (a margin check per product line).
MARGIN_WORDS = ("margin", "cost", "cogs")
CPC_KPIS = ("cpc_eur", "cpa_eur")

EventRow = Mapping[str, object]


def _as_date(value: object) -> dt.date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(str(value)).date()


def _is_margin_kpi(kpi: str) -> bool:
    return any(word in kpi.lower() for word in MARGIN_WORDS)


def _platform_of(
    scope_type: str, scope_id: str, channel_platforms: Mapping[str, set[str]]
) -> set[str]:
    """The ad platforms an anomaly's scope covers."""
    if scope_type == "campaign":
        return {scope_id.split(":", 1)[0]}
    if scope_type == "channel":
        return set(channel_platforms.get(scope_id, set()))
    return {scope_id}


def detects(event: EventRow, anomaly: EventRow, campaign_channels: Mapping[str, str]) -> bool:
    """Is this anomaly the check meant for this planted event, on its scope and days?"""
    kind = str(event["kind"])
    day = _as_date(anomaly["anomaly_date"])
    start, end = _as_date(event["start"]), _as_date(event["end"])
    kind_of = str(anomaly["anomaly_type"])
    scope_type, scope_id = str(anomaly["scope_type"]), str(anomaly["scope_id"])
    kpi = str(anomaly["kpi"])
    if kind == "tracking_break":
        return kind_of == "tracking_break" and scope_id == event["source"] and start <= day <= end
    if kind == "ga4_revenue_drift":
        return kind_of == "revenue_tracking_drift" and start <= day <= end
    if kind == "cpc_surge":
        if (
            not start <= day <= end + dt.timedelta(days=AFTER_EFFECT_DAYS - 1)
            or kpi not in CPC_KPIS
        ):
            return False
        keys = set(event["campaign_keys"])  # type: ignore[call-overload]
        if scope_type == "campaign":
            return scope_id in keys
        return scope_type == "channel" and scope_id in {campaign_channels.get(k) for k in keys}
    if kind == "cost_increase":
        line = str(event["product_line"]).lower()
        in_days = start <= day <= start + dt.timedelta(days=COST_RISE_DAYS - 1)
        on_line = scope_id.lower() == line or (
            scope_type == "product_line" and line in scope_id.lower()
        )
        return in_days and _is_margin_kpi(kpi) and on_line
    return False


def explains(
    cause: EventRow,
    anomaly: EventRow,
    campaign_channels: Mapping[str, str],
    channel_platforms: Mapping[str, set[str]],
) -> bool:
    """Does this cause of the truth account for the anomaly (scope and days, after-effects in)?"""
    day = _as_date(anomaly["anomaly_date"])
    if not _as_date(cause["start"]) <= day <= _as_date(cause["end"]):
        return False
    kind = str(cause["kind"])
    kind_of = str(anomaly["anomaly_type"])
    scope_type, scope_id = str(anomaly["scope_type"]), str(anomaly["scope_id"])
    if kind in ("late_file", "missing_pull"):
        return kind_of in DATA_QUALITY_TYPES and scope_id == cause["source"]
    if kind_of in DATA_QUALITY_TYPES:
        return False
    if kind == "ga4_revenue_drift":
        return kind_of == "revenue_tracking_drift" or scope_id == "ga4"
    if kind == "cost_increase":
        return _is_margin_kpi(str(anomaly["kpi"]))
    if kind == "tracking_break":
        return str(cause["source"]) in _platform_of(scope_type, scope_id, channel_platforms)
    keys = set(cause["campaign_keys"])  # type: ignore[call-overload]
    if scope_type == "campaign":
        return scope_id in keys
    if scope_type == "channel":
        return scope_id in {campaign_channels.get(k) for k in keys}
    return scope_type == "platform" and scope_id == cause["source"]


def event_detection(
    events: pd.DataFrame, anomalies: pd.DataFrame, campaign_channels: Mapping[str, str]
) -> pd.DataFrame:
    """Per planted event (not the wasted campaign, which flags score): detected, first day, lag."""
    rows = []
    for event in events[events["kind"] != "wasted_campaign"].to_dict("records"):
        days = [
            _as_date(anomaly["anomaly_date"])
            for anomaly in anomalies.to_dict("records")
            if detects(event, anomaly, campaign_channels)
        ]
        first = min(days) if days else None
        rows.append(
            {
                "event_id": event["event_id"],
                "kind": event["kind"],
                "start": _as_date(event["start"]),
                "detected": first is not None,
                "first_flagged_date": first,
                "data_day_lag_days": (first - _as_date(event["start"])).days if first else None,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "event_id",
            "kind",
            "start",
            "detected",
            "first_flagged_date",
            "data_day_lag_days",
        ],
    )


def episodes(anomalies: pd.DataFrame) -> pd.DataFrame:
    """Runs of consecutive days of one anomaly type, scope and KPI; episode id per row."""
    keys = ["anomaly_type", "scope_type", "scope_id", "kpi"]
    if anomalies.empty:
        return anomalies.assign(episode=pd.Series(dtype="int64"))
    frame = anomalies.copy()
    frame["anomaly_date"] = pd.to_datetime(frame["anomaly_date"])
    frame = frame.sort_values([*keys, "anomaly_date"]).reset_index(drop=True)
    same_series = (frame[keys] == frame[keys].shift()).all(axis=1)
    next_day = frame["anomaly_date"].diff().dt.days.le(1)
    frame["episode"] = (~(same_series & next_day)).cumsum() - 1
    return frame


def false_alarms(
    anomalies: pd.DataFrame,
    causes: pd.DataFrame,
    campaign_channels: Mapping[str, str],
    channel_platforms: Mapping[str, set[str]],
) -> pd.DataFrame:
    """One row per anomaly episode: its days and whether a cause of the truth explains it."""
    frame = episodes(anomalies)
    cause_rows = causes.to_dict("records")
    frame["explained"] = [
        any(explains(cause, anomaly, campaign_channels, channel_platforms) for cause in cause_rows)
        for anomaly in frame.to_dict("records")
    ]
    grouped = frame.groupby("episode", sort=True)
    return pd.DataFrame(
        {
            "anomaly_type": grouped["anomaly_type"].first(),
            "scope_id": grouped["scope_id"].first(),
            "kpi": grouped["kpi"].first(),
            "first_date": grouped["anomaly_date"].min().dt.date,
            "days": grouped.size(),
            "explained": grouped["explained"].any(),
        }
    ).reset_index(drop=True)
