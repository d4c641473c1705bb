"""Net revenue and gross margin to month and quarter end, ETS with simulated intervals.

Why ETS: daily revenue has a weekly pattern and a drifting level; an
additive-error, damped-trend, weekly-seasonal ETS captures both, and its
simulated paths give a sum-over-horizon interval that a run-rate cannot.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from growth_ledger.intelligence import SEED

METRICS = ["net_revenue_eur", "gross_margin_eur"]
WEEK = 7
# An ETS with a damped trend has 5 parameters before seasonality: fewer days fit noise.
MIN_HISTORY_DAYS = 10
COLUMNS = [
    "as_of_date", "period_type", "period_start_date", "period_end_date", "metric",
    "actual_to_date_eur", "days_elapsed", "days_remaining", "forecast_eur", "forecast_low_eur",
    "forecast_high_eur", "target_eur", "gap_to_target_eur", "probability_meeting_target",
    "is_latest", "method",
]  # fmt: skip


def _period_end(as_of: pd.Timestamp, period: str) -> pd.Timestamp:
    return as_of + (pd.offsets.MonthEnd(0) if period == "month" else pd.offsets.QuarterEnd(0))


def _period_start(as_of: pd.Timestamp, period: str) -> pd.Timestamp:
    return as_of.to_period("M" if period == "month" else "Q").start_time


def forecast_periods(
    daily: pd.DataFrame,
    targets: pd.DataFrame,
    as_of_dates: list[pd.Timestamp] | None = None,
    repetitions: int = 1000,
    coverage: float = 0.8,
) -> pd.DataFrame:
    """One row per as-of date x period (month, quarter) x metric.

    daily: order_date + METRICS; targets: month_start_date, kpi, target_value.
    Default as-of dates: the last data day and the 10th and 20th of its month
    (earlier checkpoints show how the forecast converged).
    """
    series = daily.assign(order_date=pd.to_datetime(daily["order_date"])).set_index("order_date")
    series = series.asfreq("D", fill_value=0.0)
    last_day = series.index.max()
    if as_of_dates is None:
        month_start = last_day.to_period("M").start_time
        as_of_dates = [
            month_start + pd.Timedelta(days=9),
            month_start + pd.Timedelta(days=19),
            last_day,
        ]
    targets = targets.assign(month_start_date=pd.to_datetime(targets["month_start_date"]))
    alpha = (1 - coverage) / 2
    rows = []
    for as_of in as_of_dates:
        history = series.loc[:as_of]
        if len(history) < MIN_HISTORY_DAYS:
            # Too few days to fit anything honest: no forecast at this checkpoint.
            continue
        # Weekly seasonality needs two full weeks to be estimated at all.
        seasonal = "add" if len(history) >= 2 * WEEK else None
        for metric in METRICS:
            if history[metric].isna().all():
                # The landing cannot support it (marts.mart_kpi_coverage): nothing to forecast.
                continue
            quarter_end = _period_end(as_of, "quarter")
            horizon = int((quarter_end - as_of).days)
            paths = np.zeros((horizon, repetitions))
            if horizon > 0:
                fit = ETSModel(
                    history[metric].astype(float),
                    error="add",
                    trend="add",
                    damped_trend=True,
                    seasonal=seasonal,
                    seasonal_periods=WEEK if seasonal else None,
                ).fit(disp=False)
                paths = np.asarray(
                    fit.simulate(
                        horizon,
                        repetitions=repetitions,
                        rng=np.random.default_rng(SEED),
                        anchor="end",
                    )
                )
            for period in ("month", "quarter"):
                start, end = _period_start(as_of, period), _period_end(as_of, period)
                actual = float(history.loc[start:as_of, metric].sum())
                days_left = int((end - as_of).days)
                totals = actual + paths[:days_left].sum(axis=0)
                months = pd.period_range(start, end, freq="M").start_time
                kpi = metric.removesuffix("_eur")
                target_rows = targets[
                    (targets["kpi"] == kpi) & targets["month_start_date"].isin(months)
                ]
                target = (
                    float(target_rows["target_value"].sum())
                    if len(target_rows) == len(months)
                    else None
                )
                point = float(np.mean(totals))
                low, high = (float(v) for v in np.quantile(totals, [alpha, 1 - alpha]))
                rows.append(
                    {
                        "as_of_date": as_of.date(),
                        "period_type": period,
                        "period_start_date": start.date(),
                        "period_end_date": end.date(),
                        "metric": metric,
                        "actual_to_date_eur": actual,
                        "days_elapsed": int((as_of - start).days) + 1,
                        "days_remaining": days_left,
                        "forecast_eur": point,
                        "forecast_low_eur": low,
                        "forecast_high_eur": high,
                        "target_eur": target,
                        "gap_to_target_eur": point - target if target is not None else None,
                        "probability_meeting_target": (
                            float(np.mean(totals >= target)) if target is not None else None
                        ),
                        "is_latest": as_of == last_day,
                        "method": (
                            f"ETS(A,Ad,{'A' if seasonal else 'N'})"
                            f"{' weekly season' if seasonal else ''}, simulated 80% interval"
                        )
                        if days_left
                        else "actual (period complete)",
                    }
                )
    return pd.DataFrame(rows, columns=COLUMNS)
