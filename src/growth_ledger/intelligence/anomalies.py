"""KPI deviations against past-only robust baselines, sustained CPC / CPA / conversion-rate
shifts (NB CUSUM), tracking breaks, revenue drift, late sources."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit
from scipy.stats import nbinom, norm
from statsmodels.stats.multitest import multipletests

# KPI -> (numerator, denominator or None, minimum denominator to score the day)
KPIS: dict[str, tuple[str, str | None, float]] = {
    "spend_eur": ("spend_eur", None, 0.0),
    "cpc_eur": ("spend_eur", "clicks", 50.0),
    "cpa_eur": ("spend_eur", "conversions", 10.0),
    "conversion_rate": ("conversions", "clicks", 50.0),
    "revenue_eur": ("revenue_eur", None, 0.0),
    "roas": ("revenue_eur", "spend_eur", 50.0),
}
# Ratio KPIs with a count (clicks, conversions): which side is the count.
COUNT_SIDE = {"cpc_eur": "denominator", "cpa_eur": "denominator", "conversion_rate": "numerator"}
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


def _past_level_baseline(log_values: pd.Series) -> pd.Series:
    """Expected log value from earlier days only: the median of the seven days before
    (the current level) plus the weekday's usual offset from that level (the median
    over the eight weeks before). It takes a new level in four days."""
    level = log_values.shift(1).rolling(7, min_periods=4).median()
    offset = log_values - level
    same_weekday = pd.concat([offset.shift(7 * week) for week in range(1, 9)], axis=1)
    weekday_offset = same_weekday.median(axis=1).where(same_weekday.notna().sum(axis=1) >= 3)
    return level + weekday_offset


def _robust_z(history: pd.Series, baseline: pd.Series) -> pd.Series:
    """The day's residual over the robust spread (MAD as an SD) of the 56 residuals before."""
    residual = history - baseline
    past = residual.shift(1)
    spread = (past - past.rolling(56, min_periods=28).median()).abs()
    scale = (MAD_TO_SD * spread.rolling(56, min_periods=28).median()).clip(lower=0.05)
    return residual / scale


def _past_scores(values: pd.Series, valid: pd.Series, quiet: pd.Series, is_ratio: bool):
    """Robust z of each day's log value against its past-only baselines and spreads.

    Days of the promotion calendar (`quiet`) are neither baseline nor scored: a
    Black Friday peak is planned, and it must not lift the weeks after it.

    Spend and revenue follow budgets, which advertisers change in steps, and the ROAS
    moves with them (diminishing returns); the four-week baseline alone would flag a
    step for weeks. So a value is also scored against the current level (daily sums:
    `_past_level_baseline`; 7-day ratios: the 7-day window before), each z with its
    own spread, and keeps the smaller: it is unusual only if it fits neither the
    usual pattern nor the new level (an intersection-union test, so the larger
    p-value is a valid one), and the change is taken against the nearer of the two.
    A step is taken within a week.
    """
    log_values = np.log(values.where(valid & (values > 0)))
    history = log_values.where(~quiet)
    baseline = _past_baseline(history, is_ratio)
    level_baseline = history.shift(7) if is_ratio else _past_level_baseline(history)
    z = _robust_z(history, baseline)
    level_z = _robust_z(history, level_baseline)
    z = z.where(z.abs() <= level_z.abs(), level_z).where(level_z.notna())
    # The expected value, which the size of a change is taken against, is the nearer
    # of the two: a change is large only if it is large against both.
    nearer_level = (history - level_baseline).abs() < (history - baseline).abs()
    baseline = baseline.where(~nearer_level, level_baseline)
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


def _scopes(
    inputs: pd.DataFrame, calendar: pd.DataFrame | None, materiality: float
) -> Iterator[tuple[str, str, pd.DataFrame, pd.Series, pd.Series]]:
    """Each scope with 56 days or more of spend: its daily sums over consecutive days (0
    on a day without a row), the promotion-calendar days and the days it is material
    (its 7-day spend at least `materiality` of the whole business's)."""
    business = inputs.groupby("kpi_date")["spend_eur"].sum()
    business.index = pd.to_datetime(business.index)
    business_7d = business.rolling(7, min_periods=1).sum()
    for (scope_type, scope_id), group in inputs.groupby(["scope_type", "scope_id"]):
        daily = group.set_index("kpi_date").sort_index()
        daily.index = pd.to_datetime(daily.index)
        days = pd.date_range(daily.index.min(), daily.index.max(), freq="D")
        daily = daily.reindex(days)[["spend_eur", "clicks", "conversions", "revenue_eur"]]
        daily = daily.fillna(0.0)
        if len(daily) < 56 or daily["spend_eur"].sum() <= 0:
            continue
        share = daily["spend_eur"].rolling(7, min_periods=1).sum() / business_7d.reindex(
            days
        ).where(lambda total: total > 0)
        yield scope_type, scope_id, daily, _calendar_days(calendar, days), share >= materiality


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
    for scope_type, scope_id, daily, quiet, material in _scopes(inputs, calendar, materiality):
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
                (
                    f"log {row.kpi} (7-day sums) vs both the median of the four weeks before "
                    "and the 7-day window before"
                    if row.is_ratio
                    else f"log {row.kpi} vs both the same weekday's median of the past four "
                    "weeks and the level of the 7 days before"
                )
                + f"; Benjamini-Hochberg FDR {false_discovery_rate:g} over all scopes and KPIs, "
                + (
                    "a doubling or halving"
                    if row.kpi == "spend_eur"
                    else f"change >= {min_ratio_change if row.is_ratio else min_change:.0%}"
                )
                + (f", >= {ratio_min_run_days} days in a row" if row.is_ratio else "")
            ),
        }
        for row in scored[scored["hit"]].itertuples()
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


class CountKpi(NamedTuple):
    """A KPI with a count on one side, as score_count_shifts models it."""

    count: str  # the count column: clicks or conversions
    exposure: str  # what buys the count: spend or clicks
    side: str  # the count's side of the KPI: numerator or denominator
    on_curve: bool  # count ~ exposure ** b on the spend-click curve, else proportional
    # Promotion-calendar days left out: a planned sale moves conversions, while the
    # price of a click given the day's spend is what the curve already models.
    calendar: bool


COUNT_KPIS: dict[str, CountKpi] = {
    "cpc_eur": CountKpi("clicks", "spend_eur", "denominator", on_curve=True, calendar=False),
    "cpa_eur": CountKpi("conversions", "spend_eur", "denominator", on_curve=True, calendar=True),
    "conversion_rate": CountKpi(
        "conversions", "clicks", "numerator", on_curve=False, calendar=True
    ),
}
# Days between a scored day and the end of its baseline: a fresh shift is not learned
# into its own baseline during its first week.
BASELINE_GAP_DAYS = 7
BASELINE_DAYS = 28
# The spend-response curve needs a long window to see the spend vary (budget steps).
CURVE_DAYS = 112


def _window_ends(usable: pd.Series) -> np.ndarray:
    """Per day, how many usable days lie BASELINE_GAP_DAYS or more before it: its
    baseline windows end there. Windows count usable days, not calendar days, so a
    promotion season (quiet days, left out) does not leave the weeks after it blind."""
    usable_days = usable.index[usable.to_numpy()]
    cutoffs = usable.index - pd.Timedelta(days=BASELINE_GAP_DAYS)
    return np.searchsorted(usable_days.to_numpy(), cutoffs.to_numpy(), side="right")


def _spend_response(clicks: pd.Series, spend: pd.Series, usable: pd.Series) -> pd.DataFrame:
    """Past-only elasticity b of a scope's clicks to its spend (clicks ~ spend ** b), and
    the variance of its estimate.

    Clicks grow less than spend (diminishing returns), so a campaign's CPC moves with
    every budget step and with the season; the count expected for a day's spend on
    the campaign's own curve does not take that drift for a surge. OLS of log clicks
    on log spend over the CURVE_DAYS usable days ending BASELINE_GAP_DAYS before the
    day, clipped to [0, 1]: a euro more never buys more than proportionally more clicks.
    """
    on = usable & (spend > 0) & (clicks > 0)
    log_x, log_y = np.log(spend[on]), np.log(clicks[on])
    window = {"window": CURVE_DAYS, "min_periods": CURVE_DAYS // 2}
    var_x = log_x.rolling(**window).var().to_numpy()
    var_y = log_y.rolling(**window).var().to_numpy()
    covariance = log_x.rolling(**window).cov(log_y).to_numpy()
    n = log_x.rolling(**window).count().to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        # Spend too steady to trace a curve: proportional (the plain ratio of sums).
        steady = ~(var_x >= 0.005)
        fitted = np.where(steady, 1.0, covariance / var_x)
        # OLS standard error of the slope: residual variance / (n var_x).
        fitted_var = np.where(steady, 0.0, (var_y - covariance**2 / var_x) / ((n - 2) * var_x))
    ends = _window_ends(on)
    known = ends > 0
    pick = np.maximum(ends - 1, 0)
    slope = np.where(known, fitted[pick], 1.0) if len(fitted) else np.ones(len(ends))
    slope_var = np.where(known, fitted_var[pick], 0.0) if len(fitted) else np.zeros(len(ends))
    return pd.DataFrame(
        {
            "slope": np.clip(np.nan_to_num(slope, nan=1.0), 0.0, 1.0),
            "slope_var": np.clip(np.nan_to_num(slope_var, nan=0.0), 0.0, None),
        },
        index=clicks.index,
    )


# The days of an alarm's run are left out of later baselines, so the level after a
# surge is compared with the level before it (not with the surge: no mirror alarm when
# it ends); a run that lasts this long is the new normal: its days go back into the
# baseline and the CUSUM restarts.
MAX_EXCLUDED_RUN_DAYS = 28


class _Series(NamedTuple):
    """One scope's count KPI, as numpy arrays over consecutive days."""

    count: np.ndarray
    log_exposure: np.ndarray  # NaN where nothing was bought
    usable: np.ndarray  # bool: scored and baseline (exposure, volume, not a quiet day)
    slope: np.ndarray  # b of count ~ exposure ** b (1: proportional)
    slope_var: np.ndarray


def _expectation(series: _Series, clean: np.ndarray, day: int) -> tuple[float, float]:
    """Expected count of `day` and the variance of its log, from the BASELINE_DAYS clean
    usable days ending BASELINE_GAP_DAYS before it: sum(count) / sum(exposure ** b)
    with today's b (the past days' exposure on today's curve), times exposure ** b.
    The variance is the slope's (its variance x the squared distance of today's log
    exposure from the window's mean: large right after a budget step) plus the rate's
    (1 / its count). NaN when the window is too short."""
    end = day - BASELINE_GAP_DAYS + 1
    window = np.flatnonzero(clean[: max(end, 0)])[-BASELINE_DAYS:]
    counted = float(series.count[window].sum())
    if len(window) < BASELINE_DAYS // 2 or counted <= 0:
        return np.nan, np.nan
    b = series.slope[day]
    log_x = series.log_exposure[window]
    rate = counted / float(np.exp(b * log_x).sum())
    distance = series.log_exposure[day] - float(log_x.mean())
    return rate * float(np.exp(b * series.log_exposure[day])), (
        series.slope_var[day] * distance**2 + 1 / counted
    )


def _noise(excess: np.ndarray, mean_squared: np.ndarray, past: np.ndarray) -> float:
    """NB over-dispersion tau2 (variance = mu + tau2 mu^2) by moments over the 56 clean
    scored days before: squared errors beyond the Poisson variance, per mu^2."""
    days = np.flatnonzero(past)[-56:]
    if len(days) < 28:
        return np.nan
    return float(np.clip(excess[days].sum() / mean_squared[days].sum(), 1e-3, 1.0))


def _log_ratio(count: float, mean: float, tau2: float, ratio: float) -> float:
    """log P(count | mean ratio x mean) - log P(count | mean), NB of size r = 1 / tau2.

    The NB's gamma terms do not depend on the mean and cancel, leaving
    (count + r) log((r + mean) / (r + ratio mean)) + count log(ratio)."""
    size = 1 / tau2
    return (count + size) * math.log((size + mean) / (size + ratio * mean)) + count * math.log(
        ratio
    )


def _watch(series: _Series, design_change: float, threshold: float) -> list[dict[str, float]]:
    """Both one-sided NB CUSUMs of one series, day by day; one dict per alarm day.

    Page's CUSUM S = max(0, S + increment) adds each day's log-likelihood ratio of a
    count design_change above (or below) its expectation; an alarm is S >= threshold,
    with the run's first day (the day after S was last 0) and its observed and
    expected counts from then to the alarm day. A day without data holds S.
    """
    days = len(series.count)
    clean = series.usable.copy()
    scored = np.zeros(days, dtype=bool)
    expected, excess, mean_squared = np.zeros(days), np.zeros(days), np.zeros(days)
    sides = {1: 1 + design_change, -1: 1 / (1 + design_change)}
    statistic, start = dict.fromkeys(sides, 0.0), dict.fromkeys(sides, -1)
    alarms: list[dict[str, float]] = []
    for day in range(days):
        if not series.usable[day]:
            continue
        mean, prediction_var = _expectation(series, clean, day)
        if not (np.isfinite(mean) and mean > 0):
            continue
        tau2 = _noise(excess, mean_squared, clean & expected.astype(bool)) + prediction_var
        count = float(series.count[day])
        expected[day] = mean
        excess[day], mean_squared[day] = (count - mean) ** 2 - mean, mean**2
        if not np.isfinite(tau2):
            continue  # its error still feeds the noise of the days after it
        scored[day] = True
        for sign, ratio in sides.items():
            increment = _log_ratio(count, mean, min(tau2, 1.0), ratio)
            statistic[sign] = max(0.0, statistic[sign] + increment)
            start[sign] = -1 if statistic[sign] == 0 else start[sign] if start[sign] >= 0 else day
            if statistic[sign] < threshold:
                continue
            run = slice(start[sign], day + 1)
            alarms.append(
                {
                    "day": day,
                    "run_start": start[sign],
                    "statistic": statistic[sign],
                    "observed": float(series.count[run][scored[run]].sum()),
                    "expected": float(expected[run][scored[run]].sum()),
                }
            )
            if day - start[sign] < MAX_EXCLUDED_RUN_DAYS:
                clean[run] = False
            else:  # the new normal: back into the baseline, and the watch starts afresh
                clean[run] = series.usable[run]
                statistic[sign], start[sign] = 0.0, -1
    return alarms


def score_count_shifts(
    inputs: pd.DataFrame,
    calendar: pd.DataFrame | None = None,
    design_change: float = 0.4,
    mean_days_between_false_alarms: float = 5_000.0,
    min_ratio_change: float = 0.2,
    materiality: float = 0.01,
) -> pd.DataFrame:
    """Sustained shifts of CPC, CPA and conversion rate: an NB CUSUM per scope, KPI, side.

    Each day's count (clicks, conversions) is set against what its exposure (spend,
    clicks) buys on the scope's own past curve, and the CUSUM adds up the
    log-likelihood ratio of a design_change shift over every day since the shift
    began: a +60% CPC at 20 clicks a day, lost in any single day's or week's noise,
    piles up evidence day after day. The multiple-testing family is the series, not
    the day: each (scope, KPI, direction) is one sequential test whose threshold
    log(mean_days_between_false_alarms) keeps its mean time between false alarms at
    least that long (Lorden's bound), however many days are watched. A flag also
    needs the run's KPI change of at least min_ratio_change, the typical daily count
    of KPIS' minimum volume (a 7-day sum) and the scope's spend share (materiality).
    """
    threshold = float(np.log(mean_days_between_false_alarms))
    settings = (design_change, threshold, min_ratio_change, mean_days_between_false_alarms)
    rows: list[dict[str, object]] = []
    for scope_type, scope_id, daily, quiet, material in _scopes(inputs, calendar, materiality):
        days = daily.index
        curve = _spend_response(daily["clicks"], daily["spend_eur"], daily["spend_eur"] > 0)
        proportional = pd.DataFrame({"slope": 1.0, "slope_var": 0.0}, index=days)
        for kpi, spec in COUNT_KPIS.items():
            count, exposure = daily[spec.count], daily[spec.exposure]
            skipped = quiet if spec.calendar else pd.Series(False, index=days)
            typical = count.where(~skipped).shift(1).rolling(28, min_periods=14).mean()
            usable = (exposure > 0) & ~skipped & (typical >= KPIS[kpi][2] / 7)
            if usable.sum() < 56:
                continue
            curve_of = curve if spec.on_curve else proportional
            series = _Series(
                count.to_numpy(dtype=float),
                np.log(exposure.where(exposure > 0)).to_numpy(),
                usable.to_numpy(),
                curve_of["slope"].to_numpy(),
                curve_of["slope_var"].to_numpy(),
            )
            alarms = pd.DataFrame(_watch(series, *settings[:2]))
            if alarms.empty:
                continue
            alarms.index = days[alarms["day"].to_numpy()]
            alarms["run_start"] = days[alarms["run_start"].to_numpy()]
            alarms = alarms[material.reindex(alarms.index).fillna(False).to_numpy()]
            scope = (scope_type, scope_id, kpi, spec.side)
            rows.extend(
                row
                for day, alarm in alarms.iterrows()
                if (row := _shift_row(day, alarm, scope, daily, settings)) is not None
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def _shift_row(
    day: pd.Timestamp,
    alarm: pd.Series,
    scope: tuple[str, str, str, str],
    daily: pd.DataFrame,
    settings: tuple[float, float, float, float],
) -> dict[str, object] | None:
    """The anomaly row of a CUSUM alarm day; None when the run's KPI change is too small
    (or a count of 0: a ratio over it has no value, and tracking breaks watch zeros)."""
    scope_type, scope_id, kpi, side = scope
    design_change, threshold, min_ratio_change, mean_days = settings
    if alarm["observed"] <= 0 or alarm["expected"] <= 0:
        return None
    count_ratio = float(alarm["observed"] / alarm["expected"])
    kpi_ratio = count_ratio if side == "numerator" else 1 / count_ratio
    if abs(np.log(kpi_ratio)) < np.log1p(min_ratio_change):
        return None
    numerator, denominator = KPIS[kpi][0], str(KPIS[kpi][1])
    run = daily.loc[alarm["run_start"] : day]
    observed = float(run[numerator].sum() / run[denominator].sum())
    expected = observed / kpi_ratio
    spec = COUNT_KPIS[kpi]
    curve = "on the scope's spend-click curve" if spec.on_curve else "at the past rate"
    return {
        "anomaly_date": day.date(),
        "anomaly_type": "kpi_deviation",
        "scope_type": scope_type,
        "scope_id": scope_id,
        "kpi": kpi,
        "observed_value": observed,
        "expected_value": expected,
        "deviation": observed - expected,
        "deviation_pct": kpi_ratio - 1,
        # The z whose one-sided normal log-likelihood ratio equals the CUSUM's.
        "robust_z": float(np.sign(kpi_ratio - 1) * np.sqrt(2 * alarm["statistic"])),
        "p_value": None,
        "direction": "above" if kpi_ratio > 1 else "below",
        "severity": _severity(abs(kpi_ratio - 1), min_ratio_change, 2 * min_ratio_change),
        "detection_rule": (
            f"{kpi} {kpi_ratio - 1:+.0%} over the {(day - alarm['run_start']).days + 1} day(s) "
            f"since {alarm['run_start'].date()}: daily {spec.count} vs what the day's "
            f"{spec.exposure.removesuffix('_eur')} buys {curve}, 4 weeks ending a week "
            f"before (negative binomial); CUSUM of the log-likelihood ratio of a "
            f"{design_change:.0%} shift {alarm['statistic']:.1f} >= {threshold:.1f} "
            f"(a false alarm per series at most every {mean_days:,.0f} days on average), "
            f"change >= {min_ratio_change:.0%}"
        ),
    }


# A break alarm per platform at most once in 20 years on average: Bonferroni over a year
# of daily runs (not a value fitted to a world).
BREAK_MAX_P_VALUE = 0.05 / 365


def _platform_days(checks: pd.DataFrame, platform: str) -> pd.DataFrame:
    """Every day of one platform: clicks, claimed conversions and the shop's orders with
    a click of the platform in the 7 days before (NaN when the shop side is not known)."""
    of_platform = checks[checks["scope_id"] == platform]
    claims = of_platform[of_platform["check_name"] == "platform_conversions"]
    daily = claims.set_index(pd.to_datetime(claims["check_date"]))[["volume", "observed_value"]]
    daily = daily.groupby(level=0).sum().sort_index()
    days = pd.date_range(daily.index.min(), daily.index.max(), freq="D")
    daily = daily.reindex(days).fillna(0.0)
    shop = of_platform[of_platform["check_name"] == "shop_click_orders"]
    click_orders = shop.set_index(pd.to_datetime(shop["check_date"]))["observed_value"]
    # A platform the shop side never saw (no GA4 landing) stays unknown, not zero.
    daily["click_orders"] = click_orders.reindex(days).fillna(0.0) if len(shop) else np.nan
    return daily.rename(columns={"volume": "clicks", "observed_value": "claims"})


class ZeroClaimModel(NamedTuple):
    """P(a day has no claimed conversion | the shop saw k orders after the platform's
    clicks) = no_other_claim x missed_order ** k: the platform's claims without a shop
    order (view-through, other devices) are absent with probability no_other_claim, and
    it misses each order the shop saw with probability missed_order."""

    no_other_claim: float
    missed_order: float

    def zero_probability(self, click_orders: np.ndarray) -> np.ndarray:
        return self.no_other_claim * self.missed_order**click_orders


def _fit_zero_claims(claims: np.ndarray, click_orders: np.ndarray) -> ZeroClaimModel | None:
    """Maximum likelihood of ZeroClaimModel on past days (scipy), with half a pseudo-day
    of each outcome at k = 0 and k = 1 so that a past without a single miss does not make
    a miss impossible. None with fewer than 14 days on which the shop saw an order."""
    if (click_orders >= 1).sum() < 14:
        return None
    zero = (claims == 0).astype(float)
    orders = np.concatenate([click_orders, [0, 0, 1, 1]])
    outcome = np.concatenate([zero, [1, 0, 1, 0]])
    weight = np.concatenate([np.ones(len(zero)), [0.5] * 4])

    def negative_log_likelihood(logits: np.ndarray) -> float:
        model = ZeroClaimModel(*expit(logits))
        probability = np.clip(model.zero_probability(orders), 1e-12, 1 - 1e-12)
        return -float(
            np.sum(
                weight * (outcome * np.log(probability) + (1 - outcome) * np.log1p(-probability))
            )
        )

    fit = minimize(negative_log_likelihood, np.zeros(2), method="L-BFGS-B")
    return ZeroClaimModel(*(float(value) for value in expit(fit.x)))


def detect_conversion_breaks(
    checks: pd.DataFrame, max_p_value: float = BREAK_MAX_P_VALUE, min_days: int = 2
) -> pd.DataFrame:
    """Runs of zero platform conversions while clicks hold, improbable given the past.

    The probability of each day of a run without a claimed conversion comes from the 56
    days before the run. Where the shop's side is known: ZeroClaimModel given the orders
    the shop recorded after the platform's clicks that day, so a run the shop agrees with
    (no such orders: nothing to claim) is not a break, and two days are enough when the
    shop keeps seeing the platform's buyers. Otherwise: the negative binomial P(0) of the
    past daily claims (over-dispersed counts). A run's p-value is the product over its
    days. min_days 2: one empty day is as often a late report.
    """
    rows: list[dict[str, object]] = []
    platforms = checks.loc[checks["check_name"] == "platform_conversions", "scope_id"].unique()
    for platform in sorted(platforms):
        daily = _platform_days(checks, platform)
        claims = daily["claims"]
        history = claims.shift(1).rolling(56, min_periods=28)
        rate, variance = history.mean(), history.var()
        size = rate**2 / (variance - rate).clip(lower=1e-6)
        zero_probability_nb = pd.Series(nbinom.pmf(0, size, size / (size + rate)), daily.index)
        expected_clicks = daily["clicks"].shift(1).rolling(28, min_periods=14).median()
        is_break_day = (claims == 0) & (daily["clicks"] >= 0.5 * expected_clicks)
        run_id = (is_break_day != is_break_day.shift()).cumsum()
        for _, run in daily[is_break_day].groupby(run_id[is_break_day]):
            first = run.index[0]
            if len(run) < min_days or not rate.loc[first] > 0:
                continue
            past = daily.loc[first - pd.Timedelta(days=56) : first - pd.Timedelta(days=1)]
            model = (
                _fit_zero_claims(past["claims"].to_numpy(), past["click_orders"].to_numpy())
                if run["click_orders"].notna().all()
                else None
            )
            if model is None:
                day_probability = np.full(len(run), float(zero_probability_nb.loc[first]))
                evidence = "the shop's side unknown"
            else:
                day_probability = model.zero_probability(run["click_orders"].to_numpy())
                evidence = (
                    f"the shop recorded {int(run['click_orders'].sum())} order(s) after its "
                    f"clicks on those days; in the 56 days before, P(no claim) = "
                    f"{model.no_other_claim:.2f} x {model.missed_order:.2f}^orders"
                )
            p_value = float(np.prod(day_probability))
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
                        "expected_value": float(rate.loc[first]),
                        "deviation": -float(rate.loc[first]),
                        "deviation_pct": -1.0,
                        "robust_z": None,
                        "p_value": p_value,
                        "direction": "below",
                        "severity": "high",
                        "detection_rule": (
                            f"{len(run)} day(s) of 0 conversions with clicks >= 50% of the "
                            f"28-day median; {evidence}; P(run) = {p_value:.1e} < "
                            f"{max_p_value:.1e}"
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


def _not_flagged_in(shifts: pd.DataFrame, deviations: pd.DataFrame) -> pd.DataFrame:
    """CUSUM rows whose day, scope and KPI the FDR test did not flag already: one row per
    anomaly key (fct_kpi_anomalies hashes it), the FDR test's when both fire."""
    keys = ["anomaly_date", "scope_type", "scope_id", "kpi"]
    if shifts.empty or deviations.empty:
        return shifts
    taken = pd.MultiIndex.from_frame(deviations[keys].astype(str))
    return shifts[~pd.MultiIndex.from_frame(shifts[keys].astype(str)).isin(taken)]


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
    deviations = score_kpi_deviations(kpi_inputs, calendar)
    frames = [
        deviations,
        _not_flagged_in(score_count_shifts(kpi_inputs, calendar), deviations),
        detect_conversion_breaks(checks),
        detect_revenue_drift(checks),
        detect_source_delays(arrivals),
        detect_cost_rises(product_costs) if product_costs is not None else pd.DataFrame(),
    ]
    found = [frame for frame in frames if not frame.empty]
    # Nothing at all (the replay's first weeks of data): an empty frame, not an error.
    result = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=COLUMNS)
    result["anomaly_date"] = pd.to_datetime(result["anomaly_date"]).dt.date
    return result.sort_values(["anomaly_date", "anomaly_type", "scope_id", "kpi"]).reset_index(
        drop=True
    )
