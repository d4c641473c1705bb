"""One table: per seed and variant, overall, and the issue's targets with pass / fail."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from .world import WorldScore

NA = "n/a"


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _mean(values: Sequence[float]) -> float | None:
    finite = [v for v in values if not math.isnan(v)]
    return sum(finite) / len(finite) if finite else None


def _fmt(value: float | None, digits: int = 2, suffix: str = "") -> str:
    return NA if value is None else f"{value:.{digits}f}{suffix}"


def _lag_text(t: Totals) -> str:
    """As-of lags of the tracking breaks: days, 'miss' when the detector run on the day's data
    never flagged a break found in the end, 'undetected', '-' when none was planted."""
    if not t.tracking_planted:
        return "-"
    if not t.replayed:
        return "not replayed"
    shown = ["miss" if math.isnan(v) else f"{v:.0f}" for v in t.tracking_lags]
    return ", ".join(shown + ["undetected"] * (t.tracking_planted - t.tracking_detected))


@dataclass(frozen=True)
class Totals:
    planted: int
    detected: int
    data_day_lags: list[float]
    as_of_lags: list[float]
    tracking_lags: list[float]
    tracking_planted: int
    tracking_detected: int
    replayed: bool
    false_alarms: int
    weeks: float
    flagged: int
    truly_inefficient: int
    true_positives: int
    plan_gain: float | None
    optimum_gain: float | None
    negative_actions: int
    scored_actions: int


def _count(score: WorldScore, kind: str, *, detected: bool) -> int:
    if score.events.empty:
        return 0
    rows = score.events[score.events["kind"] == kind]
    return int(rows["detected"].astype(bool).sum()) if detected else len(rows)


def totals(scores: Sequence[WorldScore]) -> Totals:
    plans = [s.plan for s in scores if s.plan is not None and s.plan.optimum_gain > 0]
    return Totals(
        planted=sum(s.planted for s in scores),
        detected=sum(s.detected for s in scores),
        data_day_lags=[v for s in scores for v in s.lags("data_day_lag_days")],
        as_of_lags=[v for s in scores for v in s.lags("as_of_lag_days")],
        tracking_lags=[v for s in scores for v in s.lags("as_of_lag_days", "tracking_break")],
        tracking_planted=sum(_count(s, "tracking_break", detected=False) for s in scores),
        tracking_detected=sum(_count(s, "tracking_break", detected=True) for s in scores),
        replayed=all(s.replayed for s in scores),
        false_alarms=sum(s.false_alarm_episodes for s in scores),
        weeks=sum(s.weeks for s in scores),
        flagged=sum(s.flags.flagged for s in scores if s.flags),
        truly_inefficient=sum(s.flags.truly_inefficient for s in scores if s.flags),
        true_positives=sum(s.flags.true_positives for s in scores if s.flags),
        plan_gain=sum(p.plan_gain for p in plans) if plans else None,
        optimum_gain=sum(p.optimum_gain for p in plans) if plans else None,
        negative_actions=sum(s.negative_actions for s in scores),
        scored_actions=sum(s.scored_actions for s in scores),
    )


def world_totals(score: WorldScore) -> Totals:
    return totals([score])


COLUMNS = [
    "seed",
    "variant",
    "recall of planted events",
    "lag, data day (mean)",
    "lag, as of the day (mean)",
    "tracking-break lag (days)",
    "false alarms / week",
    "flag precision",
    "flag recall",
    "plan gain / optimum gain",
    "plan regret EUR / 30 d",
    "actions of negative true value",
]


def _row(seed: str, variant: str, t: Totals, plan_note: str = "") -> list[str]:
    capture = (
        _ratio(t.plan_gain, t.optimum_gain) if t.plan_gain is not None and t.optimum_gain else None
    )
    regret = t.optimum_gain - t.plan_gain if t.plan_gain is not None and t.optimum_gain else None
    recall = _ratio(t.detected, t.planted)
    return [
        seed,
        variant,
        f"{t.detected}/{t.planted}" + (f" = {recall:.2f}" if recall is not None else ""),
        _fmt(_mean(t.data_day_lags), 1),
        _fmt(_mean(t.as_of_lags), 1),
        _lag_text(t),
        f"{t.false_alarms} / {t.weeks:.1f} = {t.false_alarms / t.weeks:.2f}" if t.weeks else NA,
        f"{t.true_positives}/{t.flagged}"
        + (f" = {t.true_positives / t.flagged:.2f}" if t.flagged else " (none flagged)"),
        f"{t.true_positives}/{t.truly_inefficient}"
        + (f" = {t.true_positives / t.truly_inefficient:.2f}" if t.truly_inefficient else ""),
        _fmt(capture, 2) if capture is not None else (plan_note or "not computable"),
        _fmt(regret, 0),
        f"{t.negative_actions} of {t.scored_actions} scored",
    ]


def table(scores: Sequence[WorldScore]) -> pd.DataFrame:
    rows = []
    for score in scores:
        status = "" if score.status == "ok" else f" ({score.status})"
        rows.append(
            _row(str(score.seed), score.variant + status, world_totals(score), score.plan_note)
        )
    overall = totals(scores)
    rows.append(_row("all", f"{len(scores)} worlds", overall))
    goals, results = ["target", "(issue #15)"], ["result", "overall"]
    for column in COLUMNS[2:]:
        target = TARGET_OF_COLUMN.get(column)
        goals.append(target.goal if target else "-")
        value = target.value(overall) if target else None
        results.append("-" if target is None else NA if value is None else _verdict(target, value))
    rows += [goals, results]
    return pd.DataFrame(rows, columns=COLUMNS)


def _verdict(target: Target, value: float) -> str:
    return "pass" if target.passes(value) else "FAIL"


def _worst_tracking_lag(t: Totals) -> float | None:
    """inf when a break went undetected or unflagged as of the day; None if none / not replayed."""
    if not t.tracking_planted or not t.replayed:
        return None
    if t.tracking_detected < t.tracking_planted or any(math.isnan(v) for v in t.tracking_lags):
        return math.inf
    return max(t.tracking_lags)


@dataclass(frozen=True)
class Target:
    name: str
    goal: str
    value: Callable[[Totals], float | None]
    passes: Callable[[float], bool]
    digits: int = 2


TARGETS = (
    Target(
        "recall of planted events",
        ">= 0.9",
        lambda t: _ratio(t.detected, t.planted),
        lambda v: v >= 0.9,
    ),
    Target(
        "tracking break caught within 2 days (worst as-of lag)",
        "<= 2 days, every break",
        _worst_tracking_lag,
        lambda v: v <= 2,
        0,
    ),
    Target(
        "false alarms a week",
        "<= 0.3",
        lambda t: _ratio(t.false_alarms, t.weeks),
        lambda v: v <= 0.3,
    ),
    Target(
        "inefficient-campaign flag precision",
        ">= 0.9",
        lambda t: _ratio(t.true_positives, t.flagged),
        lambda v: v >= 0.9,
    ),
    Target(
        "actions with negative true value",
        "0",
        lambda t: float(t.negative_actions),
        lambda v: v == 0,
        0,
    ),
    Target(
        "plan's share of the true optimum's gain",
        ">= 0.70",
        lambda t: (
            _ratio(t.plan_gain, t.optimum_gain)
            if t.plan_gain is not None and t.optimum_gain
            else None
        ),
        lambda v: v >= 0.7,
    ),
)


def targets_table(scores: Sequence[WorldScore]) -> pd.DataFrame:
    overall = totals(scores)
    rows = []
    for target in TARGETS:
        value = target.value(overall)
        worlds = [target.value(world_totals(s)) for s in scores]
        judged = [v for v in worlds if v is not None]
        rows.append(
            {
                "target": target.name,
                "goal": target.goal,
                "overall": NA
                if value is None
                else ("never" if math.isinf(value) else f"{value:.{target.digits}f}"),
                "result": NA if value is None else _verdict(target, value),
                "worlds passing": f"{sum(target.passes(v) for v in judged)}/{len(judged)}",
            }
        )
    return pd.DataFrame(rows)


def markdown(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


TARGET_OF_COLUMN = {
    column: target
    for column, target in zip(
        (
            "recall of planted events",
            "tracking-break lag (days)",
            "false alarms / week",
            "flag precision",
            "actions of negative true value",
            "plan gain / optimum gain",
        ),
        TARGETS,
        strict=True,
    )
}
