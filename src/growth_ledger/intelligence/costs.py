"""Product cost rises per product line: a same-mix unit-cost index against past unit costs.

A supplier raising the unit cost of a product line shows in COGS, but so do a shift of
the line's sales towards dearer products and a busy week; a promotion lowers the margin
rate through the price, not the cost. The index keeps only the cost: for the day's units
of a line, the cost at today's unit costs over the cost of the same units at each
product's own past unit cost (the median on its days with sales in the 28 days before,
never the day itself or later). A mix shift changes both sides alike (index 1), a
discount neither.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .anomalies import COLUMNS

# A product's baseline unit cost: the median of its unit costs on its days with sales in
# the 28 calendar days before the day (never the day itself or later), from 3 such days
# on. Unit costs in a shop's catalog are step functions (a new cost from a date), so the
# median is the cost most recent sales carried, a single mis-keyed day cannot move it,
# and a step is absorbed about two weeks after it whatever the product's speed: one
# supplier change is one episode. A product with fewer days with sales in the window (a
# launch, a slow seller) has no baseline and stays out of its line's index.
BASELINE_DAYS = 28
MIN_BASELINE_SALES_DAYS = 3
# Smallest rise of the line's same-mix unit cost flagged: 5%. Supplier indexation and
# the FX of imported goods move costs by a few percent a year, which the monthly margin
# review covers; a step of 5% or more on a whole line is a decision (reprice, renegotiate).
MIN_RISE = 0.05
# The index is taken on trailing 7-day sums (a small line sells a few units a day), and
# scored only with at least 10 units of products with a baseline in those 7 days: a 5%
# cost noise per unit (averaged costing, FX on imported goods) then averages to 1.6%,
# a third of MIN_RISE.
WINDOW_DAYS = 7
MIN_WINDOW_UNITS = 10
# A step, not a blip: the 7-day index at or above 1 + MIN_RISE on 3 days in a row.
MIN_RUN_DAYS = 3
# Materiality in money, in proportion to the business: the rise, at the line's volume of
# the last four weeks, must cost at least 0.1% of the whole shop's weekly net sales, i.e.
# move the shop's gross margin rate by a tenth of a point, the smallest change a margin
# report (one decimal) shows. A rise on a line that sells a few units stays silent.
MIN_MARGIN_POINTS = 0.001
# Volume window of the money impact: the last four weeks of sales.
VOLUME_DAYS = 28

ANOMALY_TYPE = "product_cost_rise"
KPI = "unit_cost_index"


def unit_cost_index(
    costs: pd.DataFrame,
    baseline_days: int = BASELINE_DAYS,
    min_baseline_sales_days: int = MIN_BASELINE_SALES_DAYS,
) -> pd.DataFrame:
    """One row per product line and day with sales: the same-mix unit-cost index.

    `costs` has one row per order day and SKU: order_date, sku, product_line, units,
    net_sales_eur, cogs_eur (int_product_costs_aggregated). Only products with a past
    baseline count; `units`, `cost_eur`, `baseline_cost_eur` and `net_sales_eur` are
    theirs: the day's cost at today's unit costs and at the baseline unit costs.
    """
    frame = costs[costs["units"] > 0].copy()
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    frame = frame.sort_values(["sku", "order_date"], kind="stable")
    frame["unit_cost"] = frame["cogs_eur"] / frame["units"]
    # Past only: the SKU's days with sales in the window before the day (closed left).
    baseline = (
        frame.set_index("order_date")
        .groupby("sku", sort=False)["unit_cost"]
        .rolling(f"{baseline_days}D", closed="left", min_periods=min_baseline_sales_days)
        .median()
    )
    frame = frame.merge(
        baseline.rename("baseline_unit_cost").reset_index(), on=["sku", "order_date"]
    )
    frame = frame[frame["baseline_unit_cost"] > 0]
    frame = frame.assign(baseline_cost_eur=frame["units"] * frame["baseline_unit_cost"])
    daily = (
        frame.groupby(["product_line", "order_date"])
        .agg(
            units=("units", "sum"),
            net_sales_eur=("net_sales_eur", "sum"),
            cost_eur=("cogs_eur", "sum"),
            baseline_cost_eur=("baseline_cost_eur", "sum"),
        )
        .reset_index()
    )
    daily["cost_index"] = daily["cost_eur"] / daily["baseline_cost_eur"]
    return daily


def _eur(amount: float) -> str:
    return f"EUR {amount:,.0f}"


def _weekly_net_sales(costs: pd.DataFrame, days: pd.DatetimeIndex, volume_days: int) -> pd.Series:
    """The whole shop's net sales per week over the last `volume_days` days, per day."""
    by_day = costs.groupby(pd.to_datetime(costs["order_date"]))["net_sales_eur"].sum()
    full = by_day.reindex(pd.date_range(by_day.index.min(), days.max(), freq="D"), fill_value=0)
    return (full.rolling(volume_days, min_periods=1).sum() / (volume_days / 7)).reindex(days)


def line_windows(
    costs: pd.DataFrame,
    window_days: int = WINDOW_DAYS,
    volume_days: int = VOLUME_DAYS,
) -> pd.DataFrame:
    """Per product line and calendar day: the same-mix index on trailing `window_days`
    sums, and what the rise costs a week at the line's volume of the last `volume_days`."""
    daily = unit_cost_index(costs)
    frames = []
    for product_line, line in daily.groupby("product_line", sort=True):
        line = line.set_index("order_date").sort_index()
        days = pd.date_range(line.index.min(), line.index.max(), freq="D")
        sums = line[["units", "net_sales_eur", "cost_eur", "baseline_cost_eur"]]
        sums = sums.reindex(days, fill_value=0.0)
        window = sums.rolling(window_days, min_periods=1).sum()
        volume = sums["baseline_cost_eur"].rolling(volume_days, min_periods=1).sum()
        weekly_cost = volume / (volume_days / 7)
        index = window["cost_eur"] / window["baseline_cost_eur"].where(lambda v: v > 0)
        frames.append(
            window.assign(
                product_line=product_line,
                cost_index=index,
                weekly_cost_eur=weekly_cost,
                extra_per_week_eur=(index - 1) * weekly_cost,
                shop_weekly_net_sales_eur=_weekly_net_sales(costs, days, volume_days),
            )
            .rename_axis("day")
            .reset_index()
        )
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def detect_cost_rises(
    costs: pd.DataFrame,
    min_rise: float = MIN_RISE,
    min_window_units: int = MIN_WINDOW_UNITS,
    min_run_days: int = MIN_RUN_DAYS,
    min_margin_points: float = MIN_MARGIN_POINTS,
    window_days: int = WINDOW_DAYS,
    volume_days: int = VOLUME_DAYS,
) -> pd.DataFrame:
    """Sustained steps of a product line's same-mix unit cost, with their cost per week.

    A day is a hit when the line's trailing `window_days` hold at least
    `min_window_units` units of products with a baseline, their same-mix index is at
    least 1 + `min_rise`, and the rise at the line's volume of the last `volume_days`
    days costs at least `min_margin_points` of the shop's weekly net sales; every day
    of a run of `min_run_days` or more hits in a row is flagged. Falls are not flagged:
    a cheaper supplier is no alarm.
    """
    if costs.empty:
        return pd.DataFrame(columns=COLUMNS)
    windows = line_windows(costs, window_days, volume_days)
    if windows.empty:
        return pd.DataFrame(columns=COLUMNS)
    floor = min_margin_points * windows["shop_weekly_net_sales_eur"]
    with np.errstate(divide="ignore", invalid="ignore"):
        large = np.log(windows["cost_index"]) >= np.log1p(min_rise)
    hit = (windows["units"] >= min_window_units) & large & (windows["extra_per_week_eur"] >= floor)
    run_id = (hit != hit.shift()) | (windows["product_line"] != windows["product_line"].shift())
    run_id = run_id.cumsum()
    run_length = hit.groupby(run_id).transform("size")
    flagged = windows[hit & (run_length >= min_run_days)]
    rows = []
    for day in flagged.itertuples():
        rise = float(day.cost_index - 1)
        net = float(day.net_sales_eur)
        margin_now = f"{1 - day.cost_eur / net:.1%}" if net > 0 else "n/a"
        margin_before = f"{1 - day.baseline_cost_eur / net:.1%}" if net > 0 else "n/a"
        rows.append(
            {
                "anomaly_date": day.day.date(),
                "anomaly_type": ANOMALY_TYPE,
                "scope_type": "product_line",
                "scope_id": str(day.product_line),
                "kpi": KPI,
                "observed_value": float(day.cost_index),
                "expected_value": 1.0,
                "deviation": rise,
                "deviation_pct": rise,
                "robust_z": None,
                "p_value": None,
                "direction": "above",
                "severity": "high" if rise >= 2 * min_rise else "medium",
                "detection_rule": (
                    f"{day.product_line} products cost {rise:.1%} more per unit than in their "
                    f"previous {BASELINE_DAYS} days, on the same "
                    f"{int(day.units)} units of the last {window_days} days (product mix "
                    f"held, prices and discounts left out). At the line's volume of the last "
                    f"{volume_days} days that is {_eur(day.extra_per_week_eur)} of extra product "
                    f"cost a week ({day.extra_per_week_eur / day.shop_weekly_net_sales_eur:.2%} "
                    f"of the shop's net sales); the line's margin after product cost over those "
                    f"{window_days} days is {margin_now} instead of {margin_before}. Rule: a "
                    f"rise of {min_rise:.0%} or more for {min_run_days}+ days in a row, costing "
                    f"at least {min_margin_points:.1%} of the shop's weekly net sales"
                ),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
