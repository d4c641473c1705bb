"""KPI deviations against a robust seasonal baseline, tracking breaks, late sources."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import nbinom
from statsmodels.tsa.seasonal import STL

# KPI -> (numerator, denominator or None, minimum denominator to score the day)
KPIS: dict[str, tuple[str, str | None, float]] = {
    "spend_eur": ("spend_eur", None, 0.0),
    "cpc_eur": ("spend_eur", "clicks", 50.0),
    "cpa_eur": ("spend_eur", "conversions", 10.0),
    "conversion_rate": ("conversions", "clicks", 50.0),
    "revenue_eur": ("revenue_eur", None, 0.0),
    "roas": ("revenue_eur", "spend_eur", 50.0),
}
MAD_TO_SD = 1.4826
COLUMNS = [
    "anomaly_date",
    "anomaly_type",
    "scope_type",
    "scope_id",
    "kpi",
    "observed_value",
    "expected_value",
    "deviation",
    "deviation_pct",
    "robust_z",
    "p_value",
    "direction",
    "severity",
    "detection_rule",
]


def _severity(score: float, medium: float, high: float) -> str:
    return "high" if score >= high else "medium" if score >= medium else "low"


def _stl_scores(values: pd.Series, valid: pd.Series) -> pd.DataFrame:
    """Robust STL (weekly season, slow trend) on log values; robust z of the residual."""
    log_values = np.log(values.where(valid & (values > 0)))
    filled = log_values.interpolate(limit_direction="both")
    fit = STL(
        filled.to_numpy(),
        period=7,
        seasonal=13,
        trend=91,
        robust=True,
        seasonal_jump=3,
        trend_jump=9,
        low_pass_jump=3,
    ).fit(inner_iter=2, outer_iter=5)
    baseline = fit.trend + fit.seasonal
    residual = filled.to_numpy() - baseline
    scored = valid & log_values.notna()
    mad = np.median(np.abs(residual[scored] - np.median(residual[scored])))
    scale = max(MAD_TO_SD * mad, 0.05)
    return pd.DataFrame(
        {"expected": np.exp(baseline), "z": residual / scale, "scored": scored},
        index=values.index,
    )


def score_kpi_deviations(
    inputs: pd.DataFrame,
    z_threshold: float = 4.5,
    ratio_z_threshold: float = 3.0,
    ratio_min_run_days: int = 3,
) -> pd.DataFrame:
    """Daily KPIs per scope vs robust STL baseline.

    Additive KPIs (spend, revenue): a day is flagged at |robust z| >= z_threshold.
    Ratio KPIs use trailing 7-day sums and are flagged at |robust z| >=
    ratio_z_threshold held for ratio_min_run_days days in a row in one direction.
    """
    rows: list[dict[str, object]] = []
    for (scope_type, scope_id), group in inputs.groupby(["scope_type", "scope_id"]):
        daily = group.set_index("kpi_date").sort_index()
        daily.index = pd.to_datetime(daily.index)
        calendar = pd.date_range(daily.index.min(), daily.index.max(), freq="D")
        daily = daily.reindex(calendar)[["spend_eur", "clicks", "conversions", "revenue_eur"]]
        daily = daily.fillna(0.0)
        if len(daily) < 56 or daily["spend_eur"].sum() <= 0:
            continue
        for kpi, (numerator, denominator, min_volume) in KPIS.items():
            if denominator is None:
                values = daily[numerator]
                valid = values > 0
            else:
                # Ratios on trailing 7-day sums: one day of a small campaign is noise.
                numerator_7d = daily[numerator].rolling(7, min_periods=7).sum()
                denominator_7d = daily[denominator].rolling(7, min_periods=7).sum()
                values = numerator_7d / denominator_7d.where(denominator_7d > 0)
                valid = denominator_7d >= min_volume
            if valid.sum() < 56:
                continue
            scores = _stl_scores(values, valid)
            threshold = z_threshold if denominator is None else ratio_z_threshold
            hit = scores["scored"] & (scores["z"].abs() >= threshold)
            if denominator is not None:
                sign = np.sign(scores["z"]).where(hit, 0)
                run_id = (sign != sign.shift()).cumsum()
                run_length = sign.groupby(run_id).transform("size")
                hit = hit & (run_length >= ratio_min_run_days)
            flagged = scores[hit]
            for day, score in flagged.iterrows():
                observed = float(values.loc[day])
                expected = float(score["expected"])
                rows.append(
                    {
                        "anomaly_date": day.date(),
                        "anomaly_type": "kpi_deviation",
                        "scope_type": scope_type,
                        "scope_id": scope_id,
                        "kpi": kpi,
                        "observed_value": observed,
                        "expected_value": expected,
                        "deviation": observed - expected,
                        "deviation_pct": observed / expected - 1 if expected else None,
                        "robust_z": float(score["z"]),
                        "p_value": None,
                        "direction": "above" if score["z"] > 0 else "below",
                        "severity": _severity(abs(float(score["z"])), threshold, 2 * threshold),
                        "detection_rule": (
                            f"log {kpi} vs robust STL baseline (weekly season, 91-day trend): "
                            f"|robust z| >= {threshold}"
                            + (
                                ""
                                if denominator is None
                                else f" on 7-day sums for >= {ratio_min_run_days} days in a row"
                            )
                        ),
                    }
                )
    return pd.DataFrame(rows, columns=COLUMNS)


def detect_conversion_breaks(
    checks: pd.DataFrame, max_p_value: float = 2e-3, min_days: int = 3
) -> pd.DataFrame:
    """Runs of zero platform conversions while clicks hold, improbable under a NB model.

    max_p_value 2e-3: on the demo, Meta's ~1.8 purchases a day make a 5-day break
    p = 1.6e-3; 5e-3 already admits a false run (a quiet Christmas week).
    """
    rows: list[dict[str, object]] = []
    platform_checks = checks[checks["check_name"] == "platform_conversions"]
    for platform, group in platform_checks.groupby("scope_id"):
        daily = group.set_index("check_date").sort_index()
        daily.index = pd.to_datetime(daily.index)
        daily = daily.reindex(pd.date_range(daily.index.min(), daily.index.max(), freq="D"))
        daily = daily.fillna({"volume": 0.0, "observed_value": 0.0})
        history = daily["observed_value"].shift(1).rolling(56, min_periods=28)
        expected_conversions = history.mean()
        variance = history.var()
        expected_clicks = daily["volume"].shift(1).rolling(28, min_periods=14).median()
        is_break_day = (daily["observed_value"] == 0) & (daily["volume"] >= 0.5 * expected_clicks)
        run_id = (is_break_day != is_break_day.shift()).cumsum()
        for _, run in daily[is_break_day].groupby(run_id[is_break_day]):
            rate = float(expected_conversions.loc[run.index[0]])
            if not np.isfinite(rate) or rate <= 0 or len(run) < min_days:
                continue
            # Negative binomial with the trailing 56 days' mean and variance (conversions
            # are over-dispersed); P(no conversion on every day of the run).
            excess = max(float(variance.loc[run.index[0]]) - rate, 1e-6)
            size = rate**2 / excess
            p_value = float(nbinom.pmf(0, size, size / (size + rate)) ** len(run))
            if p_value >= max_p_value:
                continue
            for day in run.index:
                rows.append(
                    {
                        "anomaly_date": day.date(),
                        "anomaly_type": "tracking_break",
                        "scope_type": "platform",
                        "scope_id": platform,
                        "kpi": "platform_conversions",
                        "observed_value": 0.0,
                        "expected_value": rate,
                        "deviation": -rate,
                        "deviation_pct": -1.0,
                        "robust_z": None,
                        "p_value": p_value,
                        "direction": "below",
                        "severity": "high",
                        "detection_rule": (
                            f"{len(run)} day(s) of 0 conversions with clicks >= 50% of the 28-day "
                            f"median; P(run | NB mean {rate:.1f}/day) = {p_value:.1e}"
                            f" < {max_p_value:g}"
                        ),
                    }
                )
    return pd.DataFrame(rows, columns=COLUMNS)


def detect_revenue_drift(
    checks: pd.DataFrame, min_gap: float = 0.03, z_threshold: float = 5.0
) -> pd.DataFrame:
    """GA4/shop revenue ratio on matched orders vs its trailing 56-day median."""
    daily = checks[checks["check_name"] == "ga4_vs_shop_revenue"].set_index("check_date")
    daily = daily.sort_index()
    ratio = daily["observed_value"]
    baseline = ratio.shift(1).rolling(56, min_periods=14).median()
    spread = (ratio.shift(1) - baseline).abs().rolling(56, min_periods=14).median() * MAD_TO_SD
    gap = ratio - baseline
    z = gap / spread.clip(lower=1e-4)
    flagged = (gap.abs() >= min_gap) & (z.abs() >= z_threshold)
    rows = [
        {
            "anomaly_date": pd.Timestamp(day).date(),
            "anomaly_type": "revenue_tracking_drift",
            "scope_type": "source",
            "scope_id": "ga4",
            "kpi": "ga4_over_shop_revenue",
            "observed_value": float(ratio.loc[day]),
            "expected_value": float(baseline.loc[day]),
            "deviation": float(gap.loc[day]),
            "deviation_pct": float(gap.loc[day] / baseline.loc[day]),
            "robust_z": float(z.loc[day]),
            "p_value": None,
            "direction": "above" if gap.loc[day] > 0 else "below",
            "severity": _severity(abs(float(gap.loc[day])), min_gap, 2 * min_gap),
            "detection_rule": (
                f"GA4 purchase revenue / shop total on matched orders off its 56-day median by "
                f">= {min_gap:.0%} and |robust z| >= {z_threshold}"
            ),
        }
        for day in ratio.index[flagged.fillna(False)]
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def detect_source_delays(arrivals: pd.DataFrame, min_days_late: int = 3) -> pd.DataFrame:
    """Data days that arrived late, and sources whose data stopped before the others."""
    rows: list[dict[str, object]] = []
    late = arrivals[arrivals["days_late"] >= min_days_late]
    for record in late.itertuples():
        rows.append(
            {
                "anomaly_date": record.data_date,
                "anomaly_type": "late_source_data",
                "scope_type": "source",
                "scope_id": record.source_name,
                "kpi": "days_late",
                "observed_value": float(record.days_late),
                "expected_value": 0.0,
                "deviation": float(record.days_late),
                "deviation_pct": None,
                "robust_z": None,
                "p_value": None,
                "direction": "above",
                "severity": "high" if record.days_late >= 7 else "medium",
                "detection_rule": (
                    f"first extract {record.first_extracted_date} "
                    f"vs due {record.expected_arrival_date} "
                    f"({record.cadence} cadence): >= {min_days_late} days late"
                ),
            }
        )
    as_of = pd.to_datetime(arrivals["data_date"]).max()
    for source_name, group in arrivals.groupby("source_name"):
        last_date = pd.to_datetime(group["data_date"]).max()
        allowed = 1 if group["cadence"].iloc[0] == "daily" else 35
        gap_days = int((as_of - last_date).days)
        if gap_days > allowed:
            rows.append(
                {
                    "anomaly_date": (last_date + pd.Timedelta(days=1)).date(),
                    "anomaly_type": "source_stopped",
                    "scope_type": "source",
                    "scope_id": source_name,
                    "kpi": "days_without_data",
                    "observed_value": float(gap_days),
                    "expected_value": float(allowed),
                    "deviation": float(gap_days - allowed),
                    "deviation_pct": None,
                    "robust_z": None,
                    "p_value": None,
                    "direction": "above",
                    "severity": "high",
                    "detection_rule": (
                        f"last data day {last_date.date()} "
                        f"vs latest across sources {as_of.date()}: "
                        f"more than {allowed} day(s) behind"
                    ),
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def _stable(frame: pd.DataFrame, keys: list[str], digits: int = 6) -> pd.DataFrame:
    """Float columns rounded to `digits`, rows sorted by their keys."""
    floats = frame.select_dtypes("float").columns
    rounded = frame.assign(**{column: frame[column].round(digits) for column in floats})
    return rounded.sort_values(keys, kind="stable").reset_index(drop=True)


def detect_all(
    kpi_inputs: pd.DataFrame, checks: pd.DataFrame, arrivals: pd.DataFrame
) -> pd.DataFrame:
    """Every detector, one frame, one row per anomaly day and scope."""
    # Sums of doubles differ in their last bits with the order DuckDB adds rows in,
    # and a z right at a threshold would flip between runs: score rounded inputs,
    # in one order, so an incremental run and a full refresh flag the same days.
    kpi_inputs = _stable(kpi_inputs, ["scope_type", "scope_id", "kpi_date"])
    checks = _stable(checks, ["check_name", "scope_id", "check_date"])
    arrivals = _stable(arrivals, ["source_name", "data_date"])
    frames = [
        score_kpi_deviations(kpi_inputs),
        detect_conversion_breaks(checks),
        detect_revenue_drift(checks),
        detect_source_delays(arrivals),
    ]
    result = pd.concat([frame for frame in frames if not frame.empty], ignore_index=True)
    result["anomaly_date"] = pd.to_datetime(result["anomaly_date"]).dt.date
    return result.sort_values(["anomaly_date", "anomaly_type", "scope_id", "kpi"]).reset_index(
        drop=True
    )
