"""Per-channel diminishing-returns curves and a budget shift at equal total spend."""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.optimize import minimize

from growth_ledger.intelligence import SEED


def _fit_power_curve(weekly: pd.DataFrame) -> tuple[float, float]:
    """log(margin) = log(a) + b log(spend), OLS; b clipped to (0.05, 0.95)."""
    design = np.column_stack([np.ones(len(weekly)), np.log(weekly["spend"].to_numpy())])
    log_a, b = (float(v) for v in sm.OLS(np.log(weekly["margin"].to_numpy()), design).fit().params)
    return float(np.exp(log_a)), float(np.clip(b, 0.05, 0.95))


def _optimise(curves: dict[str, tuple[float, float]], spend: dict[str, float]) -> dict[str, float]:
    """Maximise margin - spend at equal total spend, each channel within +-50%."""
    names = list(spend)
    current = np.array([spend[name] for name in names])

    def negative_margin(x: np.ndarray) -> float:
        return -sum(curves[n][0] * x[i] ** curves[n][1] for i, n in enumerate(names))

    result = minimize(
        negative_margin,
        current,
        method="SLSQP",
        bounds=[(0.5 * value, 1.5 * value) for value in current],
        constraints=[{"type": "eq", "fun": lambda x: x.sum() - current.sum()}],
    )
    return dict(zip(names, result.x, strict=True))


def recommend_reallocation(
    daily: pd.DataFrame, margin_rate: float, resamples: int = 200, window_days: int = 30
) -> pd.DataFrame:
    """One row per channel (and one total row).

    daily: kpi_date, channel, spend_eur, revenue_eur. Weekly sums are fitted
    (days are too noisy); margin = revenue x contribution margin rate.
    Intervals: bootstrap over weeks, refit, same recommended allocation.
    """
    frame = daily.assign(week=pd.to_datetime(daily["kpi_date"]).dt.to_period("W"))
    weekly = frame.groupby(["channel", "week"], as_index=False)[["spend_eur", "revenue_eur"]].sum()
    weekly = weekly.assign(spend=weekly["spend_eur"], margin=weekly["revenue_eur"] * margin_rate)
    weekly = weekly[(weekly["spend"] > 0) & (weekly["margin"] > 0)]
    last_weeks = weekly["week"].max() - 3
    curves: dict[str, tuple[float, float]] = {}
    spend_now: dict[str, float] = {}
    for channel, group in weekly.groupby("channel"):
        if len(group) < 12:
            continue
        curves[channel] = _fit_power_curve(group)
        spend_now[channel] = float(group[group["week"] > last_weeks]["spend"].mean())
    plan = _optimise(curves, spend_now)
    rng = np.random.default_rng(SEED)
    draws: dict[str, list[float]] = {name: [] for name in curves}
    for _ in range(resamples):
        for channel, group in weekly[weekly["channel"].isin(curves)].groupby("channel"):
            sample = group.iloc[rng.integers(0, len(group), len(group))]
            a, b = _fit_power_curve(sample)
            draws[channel].append(a * plan[channel] ** b - a * spend_now[channel] ** b)
    weeks_per_window = window_days / 7
    rows = []
    for channel, (a, b) in curves.items():
        change = (a * plan[channel] ** b - a * spend_now[channel] ** b) * weeks_per_window
        low, high = np.quantile(np.array(draws[channel]) * weeks_per_window, [0.05, 0.95])
        rows.append(
            {
                "channel": channel,
                "is_total": False,
                "elasticity": b,
                "current_spend_30d_eur": spend_now[channel] * weeks_per_window,
                "recommended_spend_30d_eur": plan[channel] * weeks_per_window,
                "spend_shift_30d_eur": (plan[channel] - spend_now[channel]) * weeks_per_window,
                "expected_margin_change_30d_eur": change,
                "margin_change_30d_low_eur": float(low),
                "margin_change_30d_high_eur": float(high),
            }
        )
    total = np.sum([np.array(values) for values in draws.values()], axis=0) * weeks_per_window
    rows.append(
        {
            "channel": "all_paid",
            "is_total": True,
            "elasticity": None,
            "current_spend_30d_eur": sum(row["current_spend_30d_eur"] for row in rows),
            "recommended_spend_30d_eur": sum(row["recommended_spend_30d_eur"] for row in rows),
            "spend_shift_30d_eur": 0.0,
            "expected_margin_change_30d_eur": sum(
                row["expected_margin_change_30d_eur"] for row in rows
            ),
            "margin_change_30d_low_eur": float(np.quantile(total, 0.05)),
            "margin_change_30d_high_eur": float(np.quantile(total, 0.95)),
        }
    )
    return pd.DataFrame(rows)
