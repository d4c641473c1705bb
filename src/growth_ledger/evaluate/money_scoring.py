"""Flags, the media plan and the actions' money against the truth.

True economics of a campaign, per 30 days at its current pace:
- spend S0 (the last month of data, per 30 days) and true incremental net revenue
  R0 = S0 x true ROAS of the scored window (each order credited to the session that
  triggered it, in the generator);
- margin per EUR of revenue m = 1 - true product cost / true revenue (the campaign's own
  product mix, from the generator) - the order cost rate (payment fees, fulfilment: the
  warehouse's gross minus contribution margin rate, i.e. the business's own fee and
  fulfilment tables applied to its orders; the generator does not simulate them);
- true curve: revenue(s) = R0 (s / S0) ** b with b the generator's click elasticity
  (clicks = k x spend ** b, each click worth the same true revenue);
- profit(s) = m revenue(s) - s; a campaign is truly inefficient when m R0 < S0 (its true
  contribution-margin POAS is below 1, i.e. its ROAS below breakeven 1 / m).
The true optimum sets every campaign to its argmax s* = S0 (m R0 b / S0) ** (1 / (1 - b)),
total budget free (as the issue asks of the plan), within [0, MAX_SCALE_UP x S0]: the
generator's power curve never saturates, so unbounded a brand campaign at ROAS 7 would
"optimally" spend 300x its budget, far outside the days the truth ever simulated (a
campaign's daily spend spans about 0.5x to 2x its average). profit is concave in s (b < 1),
so the bounded optimum is the clipped stationary point.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

DAYS_PER_PLAN = 30
MAX_SCALE_UP = 2.0


def _days_in_window(month: str, start: dt.date, end: dt.date) -> int:
    first = dt.date.fromisoformat(f"{month}-01")
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    last = following - dt.timedelta(days=1)
    overlap = (min(last, end) - max(first, start)).days + 1
    return max(overlap, 0)


def _month_days(month: str) -> int:
    return _days_in_window(month, dt.date.min, dt.date.max)


def campaign_economics(
    months: pd.DataFrame,
    window_start: dt.date,
    window_end: dt.date,
    order_cost_rate: float,
) -> pd.DataFrame:
    """Per campaign: true ROAS, margin rate and POAS in the window, current pace, optimum.

    months: campaign_key, elasticity, month (YYYY-MM), spend_eur, true_revenue_eur,
    true_cogs_eur. Window sums pro-rate each month by its days inside the window.
    """
    frame = months.copy()
    frame["share"] = [
        _days_in_window(m, window_start, window_end) / _month_days(m) for m in frame["month"]
    ]
    for column in ("spend_eur", "true_revenue_eur", "true_cogs_eur"):
        frame[f"w_{column}"] = frame[column] * frame["share"]
    last_month = frame["month"].max()
    frame["pace_spend"] = np.where(
        frame["month"] == last_month,
        frame["spend_eur"] * DAYS_PER_PLAN / _month_days(last_month),
        0.0,
    )
    grouped = frame.groupby("campaign_key").agg(
        elasticity=("elasticity", "first"),
        window_spend_eur=("w_spend_eur", "sum"),
        window_true_revenue_eur=("w_true_revenue_eur", "sum"),
        window_true_cogs_eur=("w_true_cogs_eur", "sum"),
        current_spend_30d_eur=("pace_spend", "sum"),
    )
    revenue = grouped["window_true_revenue_eur"]
    spend = grouped["window_spend_eur"]
    grouped["true_roas"] = np.where(spend > 0, revenue / spend.where(spend > 0, 1.0), np.nan)
    cogs_rate = np.where(
        revenue > 0, grouped["window_true_cogs_eur"] / revenue.where(revenue > 0, 1.0), 0.0
    )
    grouped["true_margin_rate"] = 1.0 - cogs_rate - order_cost_rate
    grouped["true_poas"] = grouped["true_roas"] * grouped["true_margin_rate"]
    grouped["is_truly_inefficient"] = grouped["true_poas"] < 1.0
    s0 = grouped["current_spend_30d_eur"]
    grouped["current_revenue_30d_eur"] = s0 * grouped["true_roas"].fillna(0.0)
    grouped["optimal_spend_30d_eur"] = optimal_spend(
        s0.to_numpy(),
        grouped["current_revenue_30d_eur"].to_numpy(),
        grouped["true_margin_rate"].to_numpy(),
        grouped["elasticity"].to_numpy(),
    )
    return grouped.reset_index()


def optimal_spend(
    current_spend: np.ndarray, current_revenue: np.ndarray, margin: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """argmax over [0, MAX_SCALE_UP S0] of m R0 (s/S0)^b - s: S0 (m R0 b / S0)^(1/(1-b)),
    clipped; 0 for a campaign without return."""
    value = np.clip(margin * current_revenue, 0.0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(current_spend > 0, value * b / current_spend, 0.0)
        optimum = current_spend * np.power(ratio, 1.0 / (1.0 - b))
    bounded = np.minimum(optimum, MAX_SCALE_UP * current_spend)
    return np.where((current_spend > 0) & (value > 0), bounded, 0.0)


def profit(economics: pd.DataFrame, spend: pd.Series) -> pd.Series:
    """True contribution after media per 30 days of each campaign at the given spend."""
    s0 = economics["current_spend_30d_eur"]
    r0 = economics["current_revenue_30d_eur"]
    b = economics["elasticity"]
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(s0 > 0, np.power(np.clip(spend / s0.where(s0 > 0, 1.0), 0, None), b), 0.0)
    return economics["true_margin_rate"] * r0 * scale - spend


def gain(economics: pd.DataFrame, spend: pd.Series) -> float:
    """True profit change per 30 days of moving every campaign from current spend to `spend`."""
    current = economics["current_spend_30d_eur"]
    return float((profit(economics, spend) - profit(economics, current)).sum())


@dataclass(frozen=True)
class FlagScore:
    flagged: int
    truly_inefficient: int
    true_positives: int

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.flagged if self.flagged else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.truly_inefficient if self.truly_inefficient else None


def score_flags(flags: pd.DataFrame, economics: pd.DataFrame) -> FlagScore:
    """flags: campaign_key, is_flagged (the campaigns the warehouse scored)."""
    merged = flags.merge(
        economics[["campaign_key", "is_truly_inefficient"]], on="campaign_key", how="left"
    )
    truth = merged["is_truly_inefficient"].fillna(False).astype(bool)
    flagged = merged["is_flagged"].fillna(False).astype(bool)
    return FlagScore(
        flagged=int(flagged.sum()),
        truly_inefficient=int(truth.sum()),
        true_positives=int((flagged & truth).sum()),
    )


def plan_spend(
    economics: pd.DataFrame, plan: pd.DataFrame, cut_keys: set[str], *, with_cuts: bool = True
) -> pd.Series:
    """Each campaign's spend per 30 days under the warehouse's plan.

    plan: either campaign rows (campaign_key, current/recommended_spend_30d_eur) or channel
    rows (funded_campaign_keys, current/recommended_spend_30d_eur, is_total): a channel's
    change is spread over its funded campaigns pro rata to their spend. Campaigns the plan
    does not name keep their spend; flagged campaigns are cut to 0 when with_cuts.
    """
    spend = economics.set_index("campaign_key")["current_spend_30d_eur"].copy()
    for row in plan.to_dict("records"):
        if row.get("is_total"):
            continue
        current = float(row["current_spend_30d_eur"] or 0.0)
        ratio = float(row["recommended_spend_30d_eur"] or 0.0) / current if current > 0 else 1.0
        if row.get("campaign_key"):
            keys = [str(row["campaign_key"])]
        else:
            keys = [k for k in str(row.get("funded_campaign_keys") or "").split(",") if k]
        for key in keys:
            if key in spend.index:
                spend[key] = spend[key] * ratio
    if with_cuts:
        for key in cut_keys & set(spend.index):
            spend[key] = 0.0
    return spend.reindex(economics["campaign_key"]).reset_index(drop=True)


@dataclass(frozen=True)
class PlanScore:
    plan_gain: float
    optimum_gain: float

    @property
    def capture(self) -> float | None:
        return self.plan_gain / self.optimum_gain if self.optimum_gain > 0 else None

    @property
    def regret(self) -> float:
        return self.optimum_gain - self.plan_gain


def score_plan(economics: pd.DataFrame, plan: pd.DataFrame, cut_keys: set[str]) -> PlanScore:
    spend = plan_spend(economics, plan, cut_keys)
    return PlanScore(
        plan_gain=gain(economics, spend),
        optimum_gain=gain(economics, economics["optimal_spend_30d_eur"]),
    )


def action_values(
    actions: pd.DataFrame, economics: pd.DataFrame, plan: pd.DataFrame, cut_keys: set[str]
) -> pd.DataFrame:
    """True value per 30 days of each action that moves money, where the truth gives it.

    A campaign cut is worth S0 - m R0 (positive: the spend earned less than it cost); the
    budget reallocation is worth the plan's true gain without the cuts (they are their own
    actions). Other actions (retention outreach, forecasts, data quality) get no true value.
    """
    by_key = economics.set_index("campaign_key")
    reallocation = gain(economics, plan_spend(economics, plan, cut_keys, with_cuts=False))
    values: list[float | None] = []
    for action in actions.to_dict("records"):
        category, subject = str(action["action_category"]), str(action["subject_id"])
        if category == "inefficient_campaign" and subject in by_key.index:
            row = by_key.loc[subject]
            values.append(
                float(
                    row["current_spend_30d_eur"]
                    - row["true_margin_rate"] * row["current_revenue_30d_eur"]
                )
            )
        elif category == "budget_reallocation":
            values.append(reallocation)
        else:
            values.append(None)
    return actions.assign(true_value_30d_eur=values)
