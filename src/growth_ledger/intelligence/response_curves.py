"""Per-channel diminishing-returns curves and a budget shift at equal total spend.

The plan and the campaign cut flags come from the same money: campaign-level
shop revenue credited by the data-driven attribution, times the contribution
margin rate. Campaigns flagged for a cut are taken out of the plan (their
spend and revenue leave the channel series), so the plan never funds a
campaign an action cuts, and the cut's saving is not counted again here.
Channels whose fitted elasticity sits at the clip are held at current spend:
the curve says nothing there, so moving money on it would be a guess.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.optimize import minimize

from growth_ledger.intelligence import SEED

ELASTICITY_BOUNDS = (0.05, 0.95)


def _fit_power_curve(weekly: pd.DataFrame) -> tuple[float, float]:
    """log(margin) = log(a) + b log(spend), OLS (statsmodels); b clipped to the bounds."""
    design = np.column_stack([np.ones(len(weekly)), np.log(weekly["spend"].to_numpy())])
    log_a, b = (float(v) for v in sm.OLS(np.log(weekly["margin"].to_numpy()), design).fit().params)
    return float(np.exp(log_a)), float(np.clip(b, *ELASTICITY_BOUNDS))


def _is_clipped(b: float) -> bool:
    return b <= ELASTICITY_BOUNDS[0] + 1e-9 or b >= ELASTICITY_BOUNDS[1] - 1e-9


def _optimise(
    curves: dict[str, tuple[float, float]], spend: dict[str, float], movable: set[str]
) -> dict[str, float]:
    """Maximise margin at equal total spend; movable channels within +-50%, others fixed."""
    names = list(spend)
    current = np.array([spend[name] for name in names])
    if len([name for name in names if name in movable]) < 2:
        return dict(spend)

    def negative_margin(x: np.ndarray) -> float:
        return -sum(curves[n][0] * x[i] ** curves[n][1] for i, n in enumerate(names))

    bounds = [
        (0.5 * value, 1.5 * value) if name in movable else (value, value)
        for name, value in zip(names, current, strict=True)
    ]
    result = minimize(
        negative_margin,
        current,
        method="SLSQP",
        bounds=bounds,
        constraints=[{"type": "eq", "fun": lambda x: x.sum() - current.sum()}],
    )
    return dict(zip(names, result.x, strict=True))


def recommend_reallocation(
    daily: pd.DataFrame,
    margin_rate: float,
    cut_campaigns: set[str] | None = None,
    resamples: int = 200,
    window_days: int = 30,
) -> pd.DataFrame:
    """One row per channel (and one total row).

    daily: kpi_date, campaign_key, channel, spend_eur, revenue_eur (attributed
    shop revenue). Weekly sums are fitted (days are too noisy); margin =
    revenue x contribution margin rate. Intervals: bootstrap over weeks,
    refit, same recommended allocation. Money: EUR of contribution margin per
    `window_days` days (total spend unchanged, so margin change = gain).
    """
    cut_campaigns = cut_campaigns or set()
    kept = daily[~daily["campaign_key"].isin(cut_campaigns)]
    funded_keys = kept.groupby("channel")["campaign_key"].agg(
        lambda keys: ",".join(sorted(set(keys)))
    )
    frame = kept.assign(week=pd.to_datetime(kept["kpi_date"]).dt.to_period("W"))
    weekly = frame.groupby(["channel", "week"], as_index=False)[["spend_eur", "revenue_eur"]].sum()
    weekly = weekly.assign(spend=weekly["spend_eur"], margin=weekly["revenue_eur"] * margin_rate)
    weekly = weekly[(weekly["spend"] > 0) & (weekly["margin"] > 0)].sort_values(["channel", "week"])
    last_weeks = weekly["week"].max() - 3
    curves: dict[str, tuple[float, float]] = {}
    spend_now: dict[str, float] = {}
    for channel, group in weekly.groupby("channel"):
        recent = group[group["week"] > last_weeks]
        if len(group) < 12 or recent.empty:
            continue
        curves[channel] = _fit_power_curve(group)
        spend_now[channel] = float(recent["spend"].mean())
    movable = {name for name, (_, b) in curves.items() if not _is_clipped(b)}
    plan = _optimise(curves, spend_now, movable)
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
                "is_held": channel not in movable,
                "funded_campaign_keys": funded_keys.get(channel, ""),
                "current_spend_30d_eur": spend_now[channel] * weeks_per_window,
                "recommended_spend_30d_eur": plan[channel] * weeks_per_window,
                "spend_shift_30d_eur": (plan[channel] - spend_now[channel]) * weeks_per_window,
                "expected_margin_change_30d_eur": change,
                "margin_change_30d_low_eur": min(change, float(low)),
                "margin_change_30d_high_eur": max(change, float(high)),
            }
        )
    total_change = sum(row["expected_margin_change_30d_eur"] for row in rows)
    if draws:
        total = np.sum([np.array(values) for values in draws.values()], axis=0) * weeks_per_window
        total_low, total_high = (float(v) for v in np.quantile(total, [0.05, 0.95]))
    else:
        total_low = total_high = 0.0
    rows.append(
        {
            "channel": "all_paid",
            "is_total": True,
            "elasticity": None,
            "is_held": not movable,
            "funded_campaign_keys": ",".join(row["funded_campaign_keys"] for row in rows),
            "current_spend_30d_eur": sum(row["current_spend_30d_eur"] for row in rows),
            "recommended_spend_30d_eur": sum(row["recommended_spend_30d_eur"] for row in rows),
            "spend_shift_30d_eur": 0.0,
            "expected_margin_change_30d_eur": total_change,
            "margin_change_30d_low_eur": min(total_change, total_low),
            "margin_change_30d_high_eur": max(total_change, total_high),
        }
    )
    return pd.DataFrame(rows)
