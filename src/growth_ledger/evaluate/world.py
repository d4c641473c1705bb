"""Score one built warehouse against its world's truth."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from . import anomaly_scoring, money_scoring, replay
from .truth import WorldTruth

OUTPUTS = {
    "anomalies": "marts.fct_kpi_anomalies",
    "campaigns": "marts.fct_inefficient_campaigns",
    "actions": "marts.fct_recommended_actions",
    "plan": "marts.mart_budget_reallocation",
    "dim_campaign": "marts.dim_campaign",
    "margin_rates": "intermediate.int_margin_rates",
    **{name: f"intermediate.{name}" for name in replay.INPUTS},
}
# The generator's payment fees (its own contribution margin: gross margin - 3% of revenue),
# used for the order cost rate only when the warehouse has no int_margin_rates.
GENERATOR_FEE_RATE = 0.03


@dataclass
class WorldScore:
    seed: int
    variant: str
    status: str = "ok"
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    alarms: pd.DataFrame = field(default_factory=pd.DataFrame)
    weeks: float = 0.0
    flags: money_scoring.FlagScore | None = None
    plan: money_scoring.PlanScore | None = None
    plan_note: str = ""
    actions: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    replayed: bool = False

    @property
    def planted(self) -> int:
        return len(self.events)

    @property
    def detected(self) -> int:
        return int(self.events["detected"].sum()) if not self.events.empty else 0

    @property
    def false_alarm_episodes(self) -> int:
        return int((~self.alarms["explained"]).sum()) if not self.alarms.empty else 0

    def lags(self, column: str, kind: str | None = None) -> list[float]:
        """Lags of the detected events (as of the day: NaN = not flagged within the replay)."""
        if self.events.empty or column not in self.events:
            return []
        rows = self.events[self.events["detected"].astype(bool)]
        if kind is not None:
            rows = rows[rows["kind"] == kind]
        if column == "as_of_lag_days":
            if not self.replayed:
                return []
            rows = rows[rows["kind"].isin(replay.REPLAY_KINDS)]
        return [float(v) for v in rows[column]]

    @property
    def negative_actions(self) -> int:
        if self.actions.empty:
            return 0
        return int((self.actions["true_value_30d_eur"].dropna() < 0).sum())

    @property
    def scored_actions(self) -> int:
        return 0 if self.actions.empty else int(self.actions["true_value_30d_eur"].notna().sum())


def read_outputs(db: Path) -> dict[str, pd.DataFrame | None]:
    """The intelligence outputs that exist in the warehouse (None for a missing table)."""
    out: dict[str, pd.DataFrame | None] = {}
    with duckdb.connect(str(db), read_only=True) as con:
        present = {
            f"{schema}.{name}"
            for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
        for key, table in OUTPUTS.items():
            out[key] = con.execute(f"select * from {table}").df() if table in present else None
    return out


def _maps(dim: pd.DataFrame | None) -> tuple[dict[str, str], dict[str, set[str]]]:
    if dim is None or dim.empty:
        return {}, {}
    channels = dict(zip(dim["campaign_key"], dim["channel"], strict=True))
    platforms: dict[str, set[str]] = {}
    for channel, platform in zip(dim["channel"], dim["platform"], strict=True):
        platforms.setdefault(str(channel), set()).add(str(platform))
    return channels, platforms


def _order_cost_rate(margin_rates: pd.DataFrame | None) -> tuple[float, str]:
    if margin_rates is not None and not margin_rates.empty:
        row = margin_rates.iloc[0]
        rate = float(row["gross_margin_rate"] - row["contribution_margin_rate"])
        return rate, f"order cost rate {rate:.3f} (warehouse gross - contribution margin rate)"
    return GENERATOR_FEE_RATE, "order cost rate 0.03 (generator's fees; no int_margin_rates)"


def score_world(
    truth: WorldTruth,
    outputs: dict[str, pd.DataFrame | None],
    variant: str,
    *,
    replay_lags: bool = True,
) -> WorldScore:
    score = WorldScore(seed=truth.seed, variant=variant, weeks=truth.weeks)
    channels, platforms = _maps(outputs.get("dim_campaign"))
    anomalies = outputs.get("anomalies")
    if anomalies is None:
        score.notes.append("no marts.fct_kpi_anomalies")
        anomalies = pd.DataFrame(
            columns=["anomaly_date", "anomaly_type", "scope_type", "scope_id", "kpi"]
        )
    score.events = anomaly_scoring.event_detection(truth.events, anomalies, channels)
    score.alarms = anomaly_scoring.false_alarms(anomalies, truth.causes, channels, platforms)
    lags = _as_of_lags(truth, score.events, outputs, channels, replay_lags)
    score.replayed = lags is not None
    score.events["as_of_lag_days"] = lags if lags is not None else [None] * len(score.events)
    promo = _in_promo_calendar(score.alarms)
    if promo:
        score.notes.append(
            f"{promo} of {score.false_alarm_episodes} false-alarm episodes start in the "
            "generator's promo calendar (Black Friday week, December 1-20)"
        )
    wasted = truth.events[truth.events["kind"] == "wasted_campaign"]
    _score_money(score, truth, outputs, wasted)
    return score


def _in_promo_calendar(alarms: pd.DataFrame) -> int:
    """Unexplained episodes starting in the generator's promo periods (world.conversion_factor)."""
    from growth_ledger.generate.world import BLACK_FRIDAY

    count = 0
    for row in alarms[~alarms["explained"]].to_dict("records") if not alarms.empty else []:
        day = pd.Timestamp(row["first_date"]).date()
        black_friday = -4 <= (day - BLACK_FRIDAY).days <= 3
        count += black_friday or (day.month == 12 and day.day <= 20)
    return count


def _as_of_lags(
    truth: WorldTruth,
    detected: pd.DataFrame,
    outputs: dict[str, pd.DataFrame | None],
    channels: dict[str, str],
    enabled: bool,
) -> list[float | None] | None:
    """As-of lag per event (NaN: not flagged within the replay); None when not replayed."""
    inputs = {name: outputs.get(name) for name in replay.INPUTS}
    if not enabled or any(frame is None for frame in inputs.values()):
        return None
    from growth_ledger.intelligence.anomalies import detect_all

    by_id = truth.events.set_index("event_id")
    lags: list[float | None] = []
    for row in detected.to_dict("records"):
        if not row["detected"] or row["kind"] not in replay.REPLAY_KINDS:
            lags.append(None)
            continue
        event = {"event_id": row["event_id"], **by_id.loc[row["event_id"]].to_dict()}
        lag = replay.as_of_lag(event, inputs, channels, detect_all)  # type: ignore[arg-type]
        lags.append(np.nan if lag is None else float(lag))
    return lags


def _score_money(
    score: WorldScore,
    truth: WorldTruth,
    outputs: dict[str, pd.DataFrame | None],
    wasted: pd.DataFrame,
) -> None:
    campaigns = outputs.get("campaigns")
    if campaigns is None or campaigns.empty:
        score.notes.append("no marts.fct_inefficient_campaigns: flags and plan not scored")
        score.plan_note = "not computable: no fct_inefficient_campaigns window"
        return
    start = pd.Timestamp(campaigns["window_start_date"].min()).date()
    end = pd.Timestamp(campaigns["window_end_date"].max()).date()
    rate, note = _order_cost_rate(outputs.get("margin_rates"))
    score.notes.append(note)
    economics = money_scoring.campaign_economics(truth.campaigns, start, end, rate)
    score.flags = money_scoring.score_flags(campaigns[["campaign_key", "is_flagged"]], economics)
    cut = set(campaigns.loc[campaigns["is_flagged"].fillna(False).astype(bool), "campaign_key"])
    for keys in wasted["campaign_keys"]:
        if not set(keys) <= cut:
            score.notes.append(f"planted wasted campaign not flagged: {', '.join(keys)}")
    plan = outputs.get("plan")
    if plan is None:
        score.plan_note = "not computable: no marts.mart_budget_reallocation"
        plan = pd.DataFrame(columns=["current_spend_30d_eur", "recommended_spend_30d_eur"])
    else:
        score.plan = money_scoring.score_plan(economics, plan, cut)
        if score.plan.optimum_gain <= 0:
            score.plan_note = "not computable: the true optimum gains nothing"
    actions = outputs.get("actions")
    if actions is not None:
        score.actions = money_scoring.action_values(actions, economics, plan, cut)
