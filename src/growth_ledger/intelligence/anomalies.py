"""KPI deviations against past-only robust baselines, tracking breaks, late sources."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import nbinom, norm
from statsmodels.stats.multitest import multipletests

# Ratio KPIs with a count (clicks, conversions): which side is the count.
COUNT_SIDE = {"cpc_eur": "denominator", "cpa_eur": "denominator", "conversion_rate": "numerator"}
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


def _past_baseline(log_values: pd.Series, is_ratio: bool) -> pd.Series:
    """Expected log value from earlier days only (never the day itself or later).

    Daily sums: the median of the same weekday over the four weeks before (the
    weekly season). Ratios on trailing 7-day sums: the median over the four weeks
    before the window, so the baseline shares no day with the scored window.
    """
    if is_ratio:
        return log_values.shift(7).rolling(28, min_periods=14).median()
    same_weekday = pd.concat([log_values.shift(7 * week) for week in range(1, 5)], axis=1)
    return same_weekday.median(axis=1).where(same_weekday.notna().sum(axis=1) >= 3)


def _past_scores(values: pd.Series, valid: pd.Series, quiet: pd.Series, is_ratio: bool):
    """Robust z of each day's log value against its past-only baseline and spread.

    Days of the promotion calendar (`quiet`) are neither baseline nor scored: a
    Black Friday peak is planned, and it must not lift the weeks after it.
    """
    log_values = np.log(values.where(valid & (values > 0)))
    history = log_values.where(~quiet)
    baseline = _past_baseline(history, is_ratio)
    residual = history - baseline
    past = residual.shift(1)
    spread = (past - past.rolling(56, min_periods=28).median()).abs()
    scale = (MAD_TO_SD * spread.rolling(56, min_periods=28).median()).clip(lower=0.05)
    z = residual / scale
    return pd.DataFrame(
        {
            "expected": np.exp(baseline),
            "z": z,
            "p_value": 2 * norm.sf(z.abs()),
            "scored": z.notna(),
        },
        index=values.index,
    )


def _count_scores(
    numerator: pd.Series, denominator: pd.Series, valid: pd.Series, quiet: pd.Series, side: str
) -> pd.DataFrame:
    """A ratio with a count on one side, scored with a negative binomial count model.

    The expected ratio is the median of the four weeks before the 7-day window
    (past only); it gives the expected count for the window's exposure (a CPC's
    spend, a conversion rate's clicks). The over-dispersion comes from how far
    earlier windows' counts fell from their own expectation (robust spread),
    and the p-value is the two-sided NB tail of the observed count.
    """
    ratio = numerator / denominator.where(denominator > 0)
    baseline = ratio.where(valid & ~quiet).shift(7).rolling(28, min_periods=14).median()
    if side == "numerator":
        count, expected = numerator.round(), baseline * denominator
    else:
        count, expected = denominator.round(), numerator / baseline
    relative = ((count - expected) / expected).where(valid & ~quiet & (expected > 0))
    past = relative.shift(1)
    spread = (past - past.rolling(56, min_periods=28).median()).abs()
    relative_sd = MAD_TO_SD * spread.rolling(56, min_periods=28).median()
    typical = expected.where(valid).shift(1).rolling(56, min_periods=28).mean()
    dispersion = (relative_sd**2 - 1 / typical).clip(lower=1e-4)
    size = 1 / dispersion
    probability = size / (size + expected)
    low = nbinom.cdf(count, size, probability)
    high = nbinom.sf(count - 1, size, probability)
    p_value = np.minimum(1.0, 2 * np.minimum(low, high))
    # The ratio moves with the count when the count is its numerator, against it otherwise.
    above = (count > expected) == (side == "numerator")
    z = pd.Series(norm.isf(p_value / 2), index=ratio.index).where(above, -norm.isf(p_value / 2))
    scored = z.notna() & valid & ~quiet & (expected > 0)
    return pd.DataFrame(
        {"expected": baseline, "z": z, "p_value": p_value, "scored": scored}, index=ratio.index
    )


def _calendar_days(calendar: pd.DataFrame | None, days: pd.DatetimeIndex) -> pd.Series:
    """True on days of the promotion / holiday calendar (seed promo_calendar)."""
    quiet = pd.Series(False, index=days)
    if calendar is None:
        return quiet
    for row in calendar.itertuples():
        quiet |= (days >= pd.Timestamp(row.start_date)) & (days <= pd.Timestamp(row.end_date))
    return quiet


def score_kpi_deviations(
    inputs: pd.DataFrame,
    calendar: pd.DataFrame | None = None,
    false_discovery_rate: float = 0.01,
    min_change: float = 0.3,
    min_ratio_change: float = 0.2,
    ratio_min_run_days: int = 3,
    materiality: float = 0.01,
) -> pd.DataFrame:
    """Daily KPIs per scope against past-only robust baselines, with multiple-testing control.

    Every (scope, KPI, day) is a test: robust z of the log value against its
    past baseline, two-sided normal p-value. Benjamini-Hochberg
    (statsmodels) over all tests of the run keeps the share of false flags
    among the flagged at false_discovery_rate; a flag also needs a change of at
    least min_change (30%: smaller moves are noise or routine budget edits),
    and a ratio KPI (7-day sums) ratio_min_run_days flagged days in a row.
    Materiality: a scope is scored only while its spend (7-day sum) is at least
    `materiality` of the whole business's (1%: a tenth of a percent of the
    money is not worth a CMO's look), whatever the size of the business.
    """
    tests: list[pd.DataFrame] = []
    business = inputs.groupby("kpi_date")["spend_eur"].sum()
    business.index = pd.to_datetime(business.index)
    business_7d = business.rolling(7, min_periods=1).sum()
    for (scope_type, scope_id), group in inputs.groupby(["scope_type", "scope_id"]):
        daily = group.set_index("kpi_date").sort_index()
        daily.index = pd.to_datetime(daily.index)
        calendar_days = pd.date_range(daily.index.min(), daily.index.max(), freq="D")
        daily = daily.reindex(calendar_days)[["spend_eur", "clicks", "conversions", "revenue_eur"]]
        daily = daily.fillna(0.0)
        if len(daily) < 56 or daily["spend_eur"].sum() <= 0:
            continue
        quiet = _calendar_days(calendar, calendar_days)
        share = daily["spend_eur"].rolling(7, min_periods=1).sum() / business_7d.reindex(
            calendar_days
        ).where(lambda total: total > 0)
        material = share >= materiality
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
            if kpi in COUNT_SIDE:
                scores = _count_scores(numerator_7d, denominator_7d, valid, quiet, COUNT_SIDE[kpi])
            else:
                scores = _past_scores(values, valid, quiet, denominator is not None)
            scored = scores[scores["scored"] & material]
            tests.append(
                scored.assign(
                    scope_type=scope_type,
                    scope_id=scope_id,
                    kpi=kpi,
                    observed=values.loc[scored.index],
                    is_ratio=denominator is not None,
                )
            )
    if not tests:
        return pd.DataFrame(columns=COLUMNS)
    scored = pd.concat(tests).rename_axis("day").reset_index()
    rejected = multipletests(scored["p_value"], alpha=false_discovery_rate, method="fdr_bh")[0]
    change = scored["observed"] / scored["expected"] - 1
    # Log-symmetric: a 30% rise and the fall that undoes it count alike. Spend is
    # set by the advertiser's budgets, so only a doubling or halving is flagged.
    needed = np.select(
        [scored["kpi"] == "spend_eur", scored["is_ratio"]],
        [np.log(2), np.log1p(min_ratio_change)],
        np.log1p(min_change),
    )
    with np.errstate(divide="ignore"):  # a fall to 0 is an infinite log change
        large = np.abs(np.log1p(change)) >= needed
    scored = scored.assign(change=change, hit=rejected & large)
    scored = scored.sort_values(["scope_type", "scope_id", "kpi", "day"])
    # Ratio KPIs: a run of flagged days in one direction (7-day windows overlap).
    sign = np.sign(scored["z"]).where(scored["hit"], 0)
    run_id = (
        (sign != sign.groupby([scored["scope_id"], scored["kpi"]]).shift())
        | (scored["day"].diff() != pd.Timedelta(days=1))
    ).cumsum()
    run_length = sign.groupby(run_id).transform("size")
    scored["hit"] &= ~scored["is_ratio"] | (run_length >= ratio_min_run_days)
    rows = [
        {
            "anomaly_date": row.day.date(),
            "anomaly_type": "kpi_deviation",
            "scope_type": row.scope_type,
            "scope_id": row.scope_id,
            "kpi": row.kpi,
            "observed_value": float(row.observed),
            "expected_value": float(row.expected),
            "deviation": float(row.observed - row.expected),
            "deviation_pct": float(row.change),
            "robust_z": float(row.z),
            "p_value": float(row.p_value),
            "direction": "above" if row.z > 0 else "below",
            "severity": _severity(abs(float(row.change)), min_change, 2 * min_change),
            "detection_rule": (
                f"log {row.kpi} vs the median of the past four weeks"
                + (" (7-day sums)" if row.is_ratio else " (same weekday)")
                + f"; Benjamini-Hochberg FDR {false_discovery_rate:g} over all scopes and KPIs, "
                f"change >= {min_change:.0%}"
                + (f", >= {ratio_min_run_days} days in a row" if row.is_ratio else "")
            ),
        }
        for row in scored[scored["hit"]].itertuples()
    ]
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
    kpi_inputs: pd.DataFrame,
    checks: pd.DataFrame,
    arrivals: pd.DataFrame,
    calendar: pd.DataFrame | None = None,
    product_costs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every detector, one frame, one row per anomaly day and scope.

    product_costs (int_product_costs_aggregated: day x SKU units and cost) feeds the
    product cost rise detector (growth_ledger.intelligence.costs); without it that
    detector does not run.
    """
    from .costs import detect_cost_rises  # costs reuses this module's COLUMNS

    # Sums of doubles differ in their last bits with the order DuckDB adds rows in,
    # and a z right at a threshold would flip between runs: score rounded inputs,
    # in one order, so an incremental run and a full refresh flag the same days.
    kpi_inputs = _stable(kpi_inputs, ["scope_type", "scope_id", "kpi_date"])
    checks = _stable(checks, ["check_name", "scope_id", "check_date"])
    arrivals = _stable(arrivals, ["source_name", "data_date"])
    if product_costs is not None:
        product_costs = _stable(product_costs, ["product_line", "sku", "order_date"])
    frames = [
        score_kpi_deviations(kpi_inputs, calendar),
        detect_conversion_breaks(checks),
        detect_revenue_drift(checks),
        detect_source_delays(arrivals),
        detect_cost_rises(product_costs) if product_costs is not None else pd.DataFrame(),
    ]
    result = pd.concat([frame for frame in frames if not frame.empty], ignore_index=True)
    result["anomaly_date"] = pd.to_datetime(result["anomaly_date"]).dt.date
    return result.sort_values(["anomaly_date", "anomaly_type", "scope_id", "kpi"]).reset_index(
        drop=True
    )
