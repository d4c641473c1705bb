"""The generator's ground truth (`<landing>/_truth/manifest.json`) as frames to score against.

- `events`: one row per planted event a detector or a flag should find (kind, source,
  campaign keys, product line, first and last day).
- `causes`: every cause in the truth that explains an anomaly (planted events, late files,
  missing daily pulls, campaign launches and stops), with the scopes it may show in.
- `campaigns`: per campaign and calendar month, spend, true incremental net revenue
  (each order credited to the session that triggered it) and its product cost, all EUR.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

# Anomaly types that only a data-quality cause can explain.
DATA_QUALITY_TYPES = ("late_source_data", "source_stopped")
# Days after a planted event's last day in which its after-effects still show
# (trailing 7-day ratios of the KPI deviations).
AFTER_EFFECT_DAYS = 7
# A product cost rise should be seen within four weeks of its first day.
COST_RISE_DAYS = 28

EVENT_COLUMNS = ["event_id", "kind", "source", "campaign_keys", "product_line", "start", "end"]
CAUSE_COLUMNS = ["cause", "kind", "source", "campaign_keys", "product_line", "start", "end"]


@dataclass(frozen=True)
class WorldTruth:
    seed: int
    scenario: str
    first_day: dt.date
    last_day: dt.date
    events: pd.DataFrame
    causes: pd.DataFrame
    campaigns: pd.DataFrame

    @property
    def weeks(self) -> float:
        return ((self.last_day - self.first_day).days + 1) / 7


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _keys(event: dict[str, Any]) -> tuple[str, ...]:
    return tuple(f"{event['source']}:{cid}" for cid in event.get("campaign_ids", []))


def planted_events(manifest: dict[str, Any]) -> pd.DataFrame:
    """Planted events with a detector or a flag to find them (the churn driver is not one)."""
    rows = []
    for event in manifest.get("planted_events", []):
        kind = event["kind"]
        if kind == "churn_driver":
            continue
        start = _date(event["start"])
        end = _date(event["end"]) if "end" in event else start
        rows.append(
            {
                "event_id": f"{kind}:{event.get('source', '')}:{start.isoformat()}",
                "kind": kind,
                "source": event.get("source", ""),
                "campaign_keys": _keys(event),
                "product_line": event.get("product_line", ""),
                "start": start,
                "end": end,
            }
        )
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


def _month_span(month: str) -> tuple[dt.date, dt.date]:
    first = _date(f"{month}-01")
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def causes(manifest: dict[str, Any], events: pd.DataFrame) -> pd.DataFrame:
    """Everything in the truth that explains an anomaly, with the days it explains."""
    rows: list[dict[str, Any]] = []
    for event in events.itertuples():
        if event.kind == "wasted_campaign":
            continue  # the same all year: nothing for a day-level detector to see
        after = COST_RISE_DAYS if event.kind == "cost_increase" else AFTER_EFFECT_DAYS
        rows.append(
            {
                "cause": event.event_id,
                "kind": event.kind,
                "source": event.source,
                "campaign_keys": event.campaign_keys,
                "product_line": event.product_line,
                "start": event.start,
                "end": event.end + dt.timedelta(days=after),
            }
        )
    extracts = manifest.get("extracts", {})
    for late in extracts.get("late_files", []):
        if "month" in late:
            start, end = _month_span(late["month"])
        else:
            start = end = _date(late["data_day"])
        rows.append(_data_cause("late_file", late["source"], start, end))
    for pull in extracts.get("missing_daily_pulls", []):
        day = _date(pull["data_day"])
        rows.append(_data_cause("missing_pull", pull["source"], day, day))
    rows.extend(_launches(manifest))
    return pd.DataFrame(rows, columns=CAUSE_COLUMNS)


def _data_cause(kind: str, source: str, start: dt.date, end: dt.date) -> dict[str, Any]:
    return {
        "cause": f"{kind}:{source}:{start.isoformat()}",
        "kind": kind,
        "source": source,
        "campaign_keys": (),
        "product_line": "",
        "start": start,
        "end": end,
    }


def _launches(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """Campaigns that start or stop inside the period: their spend moves their channel."""
    first = _date(manifest["date_range"]["start"])
    last = _date(manifest["date_range"]["end"])
    rows = []
    for campaign in manifest["attribution_truth"]["campaigns"]:
        key = f"{campaign['platform']}:{campaign['campaign_id']}"
        for field in ("active_from", "active_to"):
            day = _date(campaign[field]) if field in campaign else None
            if day is None or not first < day < last:
                continue
            rows.append(
                {
                    "cause": f"campaign_launch_or_stop:{key}:{day.isoformat()}",
                    "kind": "campaign_launch_or_stop",
                    "source": campaign["platform"],
                    "campaign_keys": (key,),
                    "product_line": "",
                    "start": day - dt.timedelta(days=AFTER_EFFECT_DAYS),
                    "end": day + dt.timedelta(days=AFTER_EFFECT_DAYS),
                }
            )
    return rows


def campaign_months(manifest: dict[str, Any]) -> pd.DataFrame:
    """One row per campaign and month: spend, true revenue and product cost (EUR)."""
    rows = []
    for campaign in manifest["attribution_truth"]["campaigns"]:
        key = f"{campaign['platform']}:{campaign['campaign_id']}"
        revenue = campaign.get("true_revenue_by_month_eur")
        if revenue is None:
            raise ValueError(
                "the manifest has no true_revenue_by_month_eur per campaign: "
                "regenerate the landing with this version of the generator"
            )
        for month, spend in campaign["spend_by_month_eur"].items():
            rows.append(
                {
                    "campaign_key": key,
                    "campaign_name": campaign["campaign_name"],
                    "platform": campaign["platform"],
                    "elasticity": float(campaign["elasticity"]),
                    "month": month,
                    "spend_eur": float(spend),
                    "true_revenue_eur": float(revenue[month]),
                    "true_cogs_eur": float(campaign["true_cogs_by_month_eur"][month]),
                }
            )
    return pd.DataFrame(rows)


def load(landing: Path) -> WorldTruth:
    manifest = json.loads((landing / "_truth" / "manifest.json").read_text(encoding="utf-8"))
    return from_manifest(manifest)


def from_manifest(manifest: dict[str, Any]) -> WorldTruth:
    events = planted_events(manifest)
    return WorldTruth(
        seed=int(manifest["seed"]),
        scenario=str((manifest.get("scenario") or {}).get("name", "demo")),
        first_day=_date(manifest["date_range"]["start"]),
        last_day=_date(manifest["date_range"]["end"]),
        events=events,
        causes=causes(manifest, events),
        campaigns=campaign_months(manifest),
    )
