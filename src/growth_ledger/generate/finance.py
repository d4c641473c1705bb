"""FX reference rates, monthly budgets and KPI targets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np

from .mess import Mess
from .truth import Truth
from .world import DAYS, N_DAYS
from .writers import csv_text, extract_name, month_extract_ts, write_text

# TARGET2 closing days inside the period (no ECB reference rate published).
ECB_HOLIDAYS = {
    dt.date(2025, 12, 25),
    dt.date(2025, 12, 26),
    dt.date(2026, 1, 1),
    dt.date(2026, 4, 3),
    dt.date(2026, 4, 6),
    dt.date(2026, 5, 1),
    dt.date(2026, 12, 25),
}
FX_START = {"GBP": 0.85, "USD": 1.08}
FX_VOL = {"GBP": 0.0025, "USD": 0.0045}


def fx_series(rng: np.random.Generator) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Units of currency per EUR for every day (carried forward) and the published mask."""
    published = np.array([d.weekday() < 5 and d not in ECB_HOLIDAYS for d in DAYS])
    rates: dict[str, np.ndarray] = {"EUR": np.ones(N_DAYS)}
    for cur, start in FX_START.items():
        steps = rng.normal(0, FX_VOL[cur], N_DAYS)
        # Mean-reverting walk so the rate stays near its anchor over 13 months.
        level = np.empty(N_DAYS)
        x = 0.0
        for i in range(N_DAYS):
            if published[i]:
                x = 0.97 * x + steps[i]
            level[i] = x
        rates[cur] = np.round(start * np.exp(level), 4)
    return rates, published


def write_fx(
    out: Path, rates: dict[str, np.ndarray], published: np.ndarray, mess: Mess, truth: Truth
) -> None:
    header = ["date", "currency", "rate"]
    by_month: dict[tuple[int, int], list[list[Any]]] = {}
    for i, d in enumerate(DAYS):
        if not published[i]:
            continue
        for cur in ("GBP", "USD"):
            by_month.setdefault((d.year, d.month), []).append(
                [d.isoformat(), cur, f"{rates[cur][i]:.4f}"]
            )
    for (y, m), rows in sorted(by_month.items()):
        fname = extract_name("rates", month_extract_ts(y, m), "csv")
        rows = mess.csv("fx", "rates", fname, header, rows, ["date", "currency"])
        write_text(out / "fx" / "rates" / fname, csv_text(header, rows))
        truth.file("fx", "rates", len(rows))


def write_budgets(
    out: Path, spend_eur: dict[str, dict[str, float]], rng: np.random.Generator, truth: Truth
) -> dict[str, dict[str, float]]:
    """Budgets are planned before the period: actual spend x noise, rounded to 100 EUR."""
    header = ["month", "channel", "budget_eur"]
    rows = []
    plan: dict[str, dict[str, float]] = {}
    for month in sorted(spend_eur):
        for channel in sorted(spend_eur[month]):
            b = round(spend_eur[month][channel] * rng.uniform(0.85, 1.12) / 100) * 100
            plan.setdefault(month, {})[channel] = float(b)
            rows.append([month, channel, f"{b:.2f}"])
    fname = extract_name("budgets", dt.datetime(2025, 9, 15, 9, 0, 0), "csv")
    write_text(out / "finance" / "budgets" / fname, csv_text(header, rows))
    truth.file("finance", "budgets", len(rows))
    return plan


TARGET_KPIS = (
    "net_revenue",
    "gross_margin",
    "contribution_margin",
    "marketing_spend",
    "new_customers",
    "orders",
    "mer",
    "cac",
    "mrr",
)


def write_targets(
    out: Path, actuals: dict[str, dict[str, float]], rng: np.random.Generator, truth: Truth
) -> dict[str, dict[str, float]]:
    """Targets scatter around the simulated actuals, so some months beat them and some miss."""
    header = ["month", "kpi", "target_value"]
    rows = []
    targets: dict[str, dict[str, float]] = {}
    for month in sorted(actuals):
        for kpi in TARGET_KPIS:
            a = actuals[month].get(kpi, 0.0)
            v = a * rng.uniform(0.9, 1.1)
            v = round(v, 2) if kpi in ("mer", "cac") else float(round(v))
            targets.setdefault(month, {})[kpi] = v
            rows.append([month, kpi, f"{v:.2f}"])
    fname = extract_name("targets", dt.datetime(2025, 9, 15, 9, 0, 0), "csv")
    write_text(out / "finance" / "targets" / fname, csv_text(header, rows))
    truth.file("finance", "targets", len(rows))
    return targets
