"""PyMC-Marketing MMM vs the shipped response curves vs the generator's truth (issue #15).

    make mmm SEEDS=101-103                       # creates .venv-mmm, then runs this script
    .venv-mmm/bin/python bench/mmm_compare.py --seeds 101-103 --variant quiet --work DIR

For every seed: a world generated and built as `growth-ledger evaluate` does (its own
harness, reused: worlds already kept in --work by `growth-ledger evaluate --keep` are read,
missing ones are generated and built), then per paid channel three estimates of

  (a) ROAS and incremental revenue share over the scored window (fct_inefficient_campaigns),
  (b) marginal ROAS at current spend (the last weeks),
  (c) the sign of the recommended budget move (free total budget: is the marginal POAS
      above 1?; at equal total budget: is it above the spend-weighted mean?),

from the truth (growth_ledger.evaluate.money_scoring on _truth/manifest.json), the
product's shipped curves (the power curves of growth_ledger.intelligence.response_curves,
fitted by the product's own function on what mart_budget_reallocation fits, and the
mart's own move) and a PyMC-Marketing MMM (multidimensional MMM, geometric adstock +
logistic saturation, linear trend and promo-calendar controls, yearly Fourier seasonality,
as the library's docs set it up) fitted on weekly spend per channel and weekly shop net
revenue. Writes bench/results/mmm_compare.md (and .csv).

pymc-marketing is not a product dependency: this script runs in its own venv
(bench/mmm/requirements.txt). Everything but the fit runs without it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from growth_ledger.evaluate import money_scoring
from growth_ledger.evaluate.truth import WorldTruth, load
from growth_ledger.evaluate.world import _order_cost_rate, read_outputs
from growth_ledger.generate.world import BLACK_FRIDAY

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
WEEKS_NOW = 4  # "current spend": the last 4 full weeks (the truth: the last month)
ESTIMATORS = ("truth", "shipped", "mmm")


# ---------------------------------------------------------------- worlds


def parse_seeds(text: str) -> list[int]:
    if "-" in text:
        first, last = (int(v) for v in text.split("-"))
        return list(range(first, last + 1))
    return [int(v) for v in text.split(",") if v]


def world_paths(work: Path, seed: int, variant: str) -> tuple[Path, Path]:
    """Landing and warehouse of a world as growth_ledger.evaluate.harness lays them out."""
    folder = work / f"seed{seed}_{variant}"
    return folder / "landing", folder / "warehouse" / "growth_ledger.duckdb"


def ensure_worlds(seeds: list[int], variant: str, work: Path) -> None:
    """Generate and build (the evaluate harness, --keep, no replay) the worlds not in work."""
    missing = [s for s in seeds if not world_paths(work, s, variant)[1].exists()]
    if not missing:
        return
    from rich.console import Console

    from growth_ledger.evaluate import harness

    settings = harness.Settings(
        seeds=missing, variants=[variant], work=work, keep=True, replay=False
    )
    harness.run(settings, Console(stderr=True))


# ---------------------------------------------------------------- data


def read_daily(db: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Daily spend per campaign and channel with attributed revenue; daily shop totals."""
    with duckdb.connect(str(db), read_only=True) as con:
        campaigns = con.execute(
            """
            select i.kpi_date, i.scope_id as campaign_key, c.channel,
                   i.spend_eur, i.revenue_eur
            from intermediate.int_kpi_daily_inputs i
            join marts.dim_campaign c on c.campaign_key = i.scope_id
            where i.scope_type = 'campaign'
            """
        ).df()
        spend = con.execute(
            """
            select ad_date as day, channel, sum(spend_eur) as spend_eur
            from marts.fct_ad_performance_daily group by 1, 2
            """
        ).df()
        shop = con.execute(
            """
            select order_date as day, sum(net_revenue_eur)::double as net_revenue_eur,
                   sum(contribution_margin_eur)::double as contribution_margin_eur
            from marts.fct_orders group by 1
            """
        ).df()
    wide = spend.pivot_table(index="day", columns="channel", values="spend_eur", aggfunc="sum")
    daily = shop.set_index("day").join(wide, how="outer").fillna(0.0).sort_index()
    daily.index = pd.to_datetime(daily.index)
    return campaigns, daily


def promo_share(days: pd.DatetimeIndex) -> np.ndarray:
    """Share of each day in the business's promo calendar (Black Friday week, Dec 1-20)."""
    black_friday = pd.Timestamp(BLACK_FRIDAY)
    offset = (days - black_friday).days
    in_bf = (offset >= -4) & (offset <= 3)
    in_december = (days.month == 12) & (days.day <= 20)
    return (in_bf | in_december).astype(float)


def weekly_frame(daily: pd.DataFrame) -> pd.DataFrame:
    """Full Monday-Sunday weeks: spend per channel, net revenue, controls (trend, promo)."""
    frame = daily.assign(promo=promo_share(daily.index), days=1.0)
    weekly = frame.resample("W-MON", label="left", closed="left").sum()
    weekly = weekly[weekly["days"] == 7].drop(columns="days")
    weekly["promo"] = weekly["promo"] / 7
    weekly.index.name = "date_week"
    weekly = weekly.reset_index()
    weekly["trend"] = np.linspace(0.0, 1.0, len(weekly))
    return weekly


# ---------------------------------------------------------------- the three estimators


@dataclass
class Estimate:
    """Per channel: roas, share, mroas (revenue per EUR), mpoas, move_free, move_equal."""

    name: str
    rows: pd.DataFrame
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def moves(frame: pd.DataFrame) -> pd.DataFrame:
    """Signs of the budget move from the marginal POAS (+1 up, -1 down).

    move_free: total budget free, the first euro more or less pays (mPOAS above 1 or not).
    move_equal: total budget fixed, channels above the spend-weighted mean mPOAS gain money.
    """
    mpoas = frame["mpoas"]
    weights = frame["spend_now_week"].where(frame["spend_now_week"] > 0, 0.0)
    mean = float((mpoas * weights).sum() / weights.sum()) if weights.sum() > 0 else np.nan
    return frame.assign(
        move_free=np.sign(mpoas - 1.0).astype("Int64"),
        move_equal=np.sign(mpoas - mean).astype("Int64"),
    )


def truth_by_channel(
    truth: WorldTruth,
    channels: dict[str, str],
    window: tuple[dt.date, dt.date],
    cost_rate: float,
    cut: frozenset[str] = frozenset(),
) -> Estimate:
    """The generator's economics (money_scoring) summed from campaigns to channels.

    ROAS = true incremental revenue / spend in the window; marginal ROAS of a channel
    scaled pro rata = sum(b R0) / sum(S0) over its campaigns (d/ds of R0 (s/S0)^b at S0);
    marginal POAS with each campaign's true margin rate. mroas_kept: the same over the
    campaigns not flagged for a cut (what the shipped curve of the channel is fitted on).
    """
    eco = money_scoring.campaign_economics(truth.campaigns, *window, cost_rate)
    eco = eco.assign(channel=eco["campaign_key"].map(channels)).dropna(subset=["channel"])
    r0, b, m = eco["current_revenue_30d_eur"], eco["elasticity"], eco["true_margin_rate"]
    kept = ~eco["campaign_key"].isin(cut)
    eco = eco.assign(
        marginal_revenue=b * r0,
        marginal_margin=m * b * r0,
        kept_marginal_revenue=(b * r0).where(kept, 0.0),
        kept_s0=eco["current_spend_30d_eur"].where(kept, 0.0),
    )
    grouped = eco.groupby("channel").agg(
        spend=("window_spend_eur", "sum"),
        revenue=("window_true_revenue_eur", "sum"),
        s0=("current_spend_30d_eur", "sum"),
        marginal_revenue=("marginal_revenue", "sum"),
        marginal_margin=("marginal_margin", "sum"),
        optimal=("optimal_spend_30d_eur", "sum"),
        kept_marginal_revenue=("kept_marginal_revenue", "sum"),
        kept_s0=("kept_s0", "sum"),
    )
    rows = pd.DataFrame(
        {
            "roas": grouped["revenue"] / grouped["spend"],
            "share": grouped["revenue"] / grouped["revenue"].sum(),
            "mroas": grouped["marginal_revenue"] / grouped["s0"],
            "mpoas": grouped["marginal_margin"] / grouped["s0"],
            "mroas_kept": grouped["kept_marginal_revenue"]
            / grouped["kept_s0"].where(grouped["kept_s0"] > 0),
            "spend_now_week": grouped["s0"] * 7 / money_scoring.DAYS_PER_PLAN,
            "optimum_move": np.sign(grouped["optimal"] - grouped["s0"]).astype(int),
        }
    )
    return Estimate("truth", moves(rows))


def shipped_by_channel(
    campaigns: pd.DataFrame,
    plan: pd.DataFrame | None,
    cut: set[str],
    margin_rate: float,
    window: tuple[dt.date, dt.date],
) -> Estimate:
    """The product's curves: response_curves._fit_power_curve on the weekly series the
    mart fits (campaigns flagged for a cut left out, weekly margin = attributed revenue x
    contribution margin rate). A channel whose campaigns are all cut is fitted on all its
    campaigns (noted). ROAS and share: the product's attributed revenue in the window.
    move_shipped: the sign of mart_budget_reallocation's spend shift (0 = held)."""
    from growth_ledger.intelligence.response_curves import _fit_power_curve, _is_clipped

    notes: list[str] = []
    start, end = (pd.Timestamp(d) for d in window)
    days = pd.to_datetime(campaigns["kpi_date"])
    in_window = campaigns[(days >= start) & (days <= end)]
    attributed = in_window.groupby("channel")[["spend_eur", "revenue_eur"]].sum()
    rows = []
    for channel, group in campaigns.groupby("channel"):
        kept = group[~group["campaign_key"].isin(cut)]
        if kept.empty:
            notes.append(f"{channel}: every campaign flagged for a cut; curve fitted on all")
            kept = group
        frame = kept.assign(week=pd.to_datetime(kept["kpi_date"]).dt.to_period("W"))
        weekly = frame.groupby("week", as_index=False)[["spend_eur", "revenue_eur"]].sum()
        weekly = weekly.assign(
            spend=weekly["spend_eur"], margin=weekly["revenue_eur"] * margin_rate
        )
        weekly = weekly[(weekly["spend"] > 0) & (weekly["margin"] > 0)]
        if len(weekly) < 12:
            notes.append(f"{channel}: fewer than 12 weeks with spend and margin; no curve")
            continue
        a, b = _fit_power_curve(weekly)
        spend_now = float(weekly[weekly["week"] > weekly["week"].max() - 3]["spend"].mean())
        mpoas = a * b * spend_now ** (b - 1)
        rows.append(
            {
                "channel": channel,
                "elasticity": b,
                "clipped": _is_clipped(b),
                "mpoas": mpoas,
                "mroas": mpoas / margin_rate,
                "spend_now_week": spend_now,
            }
        )
    columns = ["channel", "elasticity", "clipped", "mpoas", "mroas", "spend_now_week"]
    frame = pd.DataFrame(rows, columns=columns).set_index("channel")
    frame = frame.reindex(frame.index.union(attributed.index))  # ROAS even without a curve
    frame["roas"] = attributed["revenue_eur"] / attributed["spend_eur"]
    frame["share"] = attributed["revenue_eur"] / attributed["revenue_eur"].sum()
    frame = moves(frame)
    shipped = pd.Series(0, index=frame.index, dtype=int)  # not in the plan: held
    if plan is not None:
        for row in plan[~plan["is_total"].astype(bool)].to_dict("records"):
            if row["channel"] in shipped.index:
                shipped[row["channel"]] = int(np.sign(round(row["spend_shift_30d_eur"], 2)))
    for channel in frame.index:
        group = campaigns[campaigns["channel"] == channel]
        if set(group["campaign_key"]) <= cut:
            shipped[channel] = -1  # the actions cut every campaign of the channel
    frame["move_shipped"] = shipped
    return Estimate("shipped", frame, notes=notes)


def fit_mmm(
    weekly: pd.DataFrame,
    channels: list[str],
    window: tuple[dt.date, dt.date],
    *,
    draws: int,
    tune: int,
    chains: int,
    seed: int,
    margin_rate: float,
) -> Estimate:
    """PyMC-Marketing's multidimensional MMM, set up as its docs' example: geometric adstock
    (l_max 6 weeks), logistic saturation, yearly Fourier seasonality (2 modes), a linear
    trend and the promo calendar as controls; channel-coefficient priors scaled by spend
    share (the docs' recipe). ROAS over the window and marginal ROAS over the last weeks
    from the library's incrementality module (counterfactual spend, carry-over included)."""
    from pymc_extras.prior import Prior
    from pymc_marketing.mmm import GeometricAdstock, LogisticSaturation
    from pymc_marketing.mmm.multidimensional import MMM

    spend_share = weekly[channels].sum() / weekly[channels].sum().sum()
    prior_sigma = (len(channels) * spend_share).to_numpy()
    model_config = {
        "saturation_beta": Prior("HalfNormal", sigma=prior_sigma, dims="channel"),
    }
    mmm = MMM(
        date_column="date_week",
        target_column="net_revenue_eur",
        channel_columns=channels,
        control_columns=["trend", "promo"],
        adstock=GeometricAdstock(l_max=6),
        saturation=LogisticSaturation(),
        yearly_seasonality=2,
        model_config=model_config,
    )
    X = weekly[["date_week", *channels, "trend", "promo"]]
    y = weekly["net_revenue_eur"]
    started = time.perf_counter()
    mmm.fit(
        X,
        y,
        draws=draws,
        tune=tune,
        chains=chains,
        cores=min(chains, 2),
        target_accept=0.9,
        random_seed=seed,
        progressbar=False,
    )
    seconds = time.perf_counter() - started
    sampling = float(mmm.idata.posterior.attrs.get("sampling_time", np.nan))
    notes = [
        f"fit {seconds:.0f} s wall, of which NUTS sampling {sampling:.0f} s (the rest: "
        "building and compiling the model; PyTensor's C cache makes later fits faster)",
        _diagnostics(mmm.idata),
    ]

    start, end = (pd.Timestamp(d) for d in window)
    dates = pd.to_datetime(weekly["date_week"])
    first_week = dates[dates >= start].min()
    last_week = dates[dates + pd.Timedelta(days=6) <= end].max()
    incr = mmm.incrementality
    roas = incr.contribution_over_spend(
        frequency="all_time", start_date=first_week, end_date=last_week
    )
    contribution = incr.compute_incremental_contribution(
        frequency="all_time", start_date=first_week, end_date=last_week
    )
    now_start = dates.iloc[-WEEKS_NOW]
    mroas = incr.marginal_contribution_over_spend(
        frequency="all_time", start_date=now_start, end_date=dates.iloc[-1]
    )
    share = contribution / contribution.sum("channel")
    rows = pd.DataFrame(
        {
            "roas": _mean(roas),
            "roas_low": _quantile(roas, 0.05),
            "roas_high": _quantile(roas, 0.95),
            "share": _mean(share),
            "mroas": _mean(mroas),
            "mroas_low": _quantile(mroas, 0.05),
            "mroas_high": _quantile(mroas, 0.95),
            "spend_now_week": weekly[channels].iloc[-WEEKS_NOW:].mean(),
        }
    )
    rows["mpoas"] = rows["mroas"] * margin_rate
    rows["uncertain_free"] = (rows["mroas_low"] * margin_rate < 1) & (
        rows["mroas_high"] * margin_rate > 1
    )
    return Estimate("mmm", moves(rows), seconds=seconds, notes=notes)


def _mean(array) -> pd.Series:
    return array.mean(("chain", "draw")).to_series()


def _quantile(array, q: float) -> pd.Series:
    return array.quantile(q, dim=("chain", "draw")).drop_vars("quantile").to_series()


def _diagnostics(idata) -> str:
    import arviz as az

    divergences = int(idata.sample_stats["diverging"].sum())
    summary = az.summary(idata, var_names=["saturation_beta", "saturation_lam", "adstock_alpha"])
    return (
        f"divergences {divergences}, max r_hat {summary['r_hat'].max():.3f}, "
        f"min ess_bulk {summary['ess_bulk'].min():.0f} (saturation and adstock parameters)"
    )


# ---------------------------------------------------------------- comparison


def compare(estimates: dict[str, Estimate]) -> pd.DataFrame:
    """One row per channel: every estimator's ROAS, share, mROAS and moves side by side."""
    truth = estimates["truth"].rows
    out = pd.DataFrame(index=truth.index)
    for name, estimate in estimates.items():
        rows = estimate.rows.reindex(truth.index)
        for column in ("roas", "share", "mroas", "move_free", "move_equal"):
            out[f"{name}_{column}"] = rows[column]
    out["truth_optimum_move"] = truth["optimum_move"]
    out["truth_mroas_kept"] = truth["mroas_kept"]
    if "move_shipped" in estimates["shipped"].rows:
        out["shipped_move_shipped"] = estimates["shipped"].rows["move_shipped"].reindex(out.index)
    if "mroas_low" in estimates.get("mmm", Estimate("mmm", pd.DataFrame())).rows:
        mmm = estimates["mmm"].rows.reindex(truth.index)
        for column in ("roas_low", "roas_high", "mroas_low", "mroas_high"):
            out[f"mmm_{column}"] = mmm[column]
    return out.rename_axis("channel").reset_index()


def error_metrics(table: pd.DataFrame, estimator: str) -> dict[str, float]:
    """Pooled errors against the truth over the channel rows of every world.

    roas / mroas: median |log(estimate / truth)| (a factor: exp of it), and mean absolute
    percentage error; share: mean absolute error in percentage points; moves: share of
    channels whose sign agrees with the truth's.
    """
    out: dict[str, float] = {}
    for column in ("roas", "mroas"):
        est, true = table[f"{estimator}_{column}"], table[f"truth_{column}"]
        ok = (est > 0) & (true > 0)
        out[f"{column} median factor off"] = float(
            np.exp(np.median(np.abs(np.log(est[ok] / true[ok]))))
        )
        out[f"{column} MAPE"] = float(np.mean(np.abs(est[ok] / true[ok] - 1)))
        out[f"{column} n"] = int(ok.sum())
    if estimator == "shipped" and "truth_mroas_kept" in table:
        est, true = table["shipped_mroas"], table["truth_mroas_kept"]
        ok = (est > 0) & (true > 0)
        out["mroas vs truth of the kept campaigns, median factor off"] = float(
            np.exp(np.median(np.abs(np.log(est[ok] / true[ok]))))
        )
    if f"{estimator}_roas_low" in table:
        for column in ("roas", "mroas"):
            true = table[f"truth_{column}"]
            inside = (table[f"{estimator}_{column}_low"] <= true) & (
                true <= table[f"{estimator}_{column}_high"]
            )
            out[f"{column}: truth inside the 90% interval"] = float(inside.mean())
            ratio = table[f"{estimator}_{column}_high"] / table[f"{estimator}_{column}_low"]
            out[f"{column}: 90% interval width, median factor"] = float(ratio.median())
    share = (table[f"{estimator}_share"] - table["truth_share"]).abs()
    out["share MAE (pp)"] = float(100 * share.mean())
    for column in ("move_free", "move_equal"):
        est, true = table[f"{estimator}_{column}"], table[f"truth_{column}"]
        ok = est.notna() & true.notna()
        out[f"{column} agreement"] = float((est[ok] == true[ok]).mean()) if ok.any() else np.nan
    if estimator == "shipped" and "shipped_move_shipped" in table:
        est, true = table["shipped_move_shipped"], table["truth_move_equal"]
        out["shipped plan move agreement"] = float((est == true).mean())
        out["shipped plan moves (not held)"] = int((est != 0).sum())
    return out


# ---------------------------------------------------------------- report


def _fmt(value: object, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "-"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return {1: "up", -1: "down", 0: "hold"}.get(int(value), str(value))
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def markdown(frame: pd.DataFrame, moves_columns: tuple[str, ...] = ()) -> str:
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    lines = [header, rule]
    for row in frame.itertuples(index=False):
        cells = []
        for name, value in zip(frame.columns, row, strict=True):
            if name in moves_columns and value is not None and not pd.isna(value):
                value = int(value)
            cells.append(_fmt(value))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _with_interval(table: pd.DataFrame, column: str) -> list[str] | float:
    """`estimate [low, high]` per row, from `<column>`, `<column>_low` and `<column>_high`."""
    if f"{column}_low" not in table:
        return np.nan
    bounds = zip(table[column], table[f"{column}_low"], table[f"{column}_high"], strict=True)
    return [f"{m:.2f} [{lo:.2f}, {hi:.2f}]" for m, lo, hi in bounds]


def _moves(table: pd.DataFrame, *columns: str) -> list[str]:
    """The budget moves of several estimators per row, `up / down / -`."""
    rows = zip(*(table[column] for column in columns), strict=True)
    return [" / ".join(_fmt(int(v)) if not pd.isna(v) else "-" for v in values) for values in rows]


def world_table(table: pd.DataFrame) -> str:
    view = pd.DataFrame(
        {
            "channel": table["channel"],
            "ROAS truth": table["truth_roas"],
            "ROAS shipped": table["shipped_roas"],
            "ROAS MMM [90%]": _with_interval(table, "mmm_roas"),
            "share truth": table["truth_share"],
            "share shipped": table["shipped_share"],
            "share MMM": table["mmm_share"],
            "mROAS truth": table["truth_mroas"],
            "mROAS shipped": table["shipped_mroas"],
            "mROAS MMM [90%]": _with_interval(table, "mmm_mroas"),
            "move free: truth / shipped curve / MMM": _moves(
                table, "truth_move_free", "shipped_move_free", "mmm_move_free"
            ),
            "move equal total: truth / shipped plan / MMM": _moves(
                table, "truth_move_equal", "shipped_move_shipped", "mmm_move_equal"
            ),
        }
    )
    return markdown(view)


def versions() -> str:
    names = ("pymc-marketing", "pymc", "pytensor", "arviz", "numpy", "pandas", "duckdb")
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def machine() -> str:
    return (
        f"{platform.node()}, {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )


# ---------------------------------------------------------------- main


@dataclass
class WorldResult:
    seed: int
    table: pd.DataFrame
    seconds: float
    weeks: int
    window: tuple[dt.date, dt.date]
    notes: list[str]


def run_world(seed: int, variant: str, work: Path, args: argparse.Namespace) -> WorldResult:
    landing, db = world_paths(work, seed, variant)
    truth = load(landing)
    outputs = read_outputs(db)
    scored = outputs["campaigns"]
    window = (
        pd.Timestamp(scored["window_start_date"].min()).date(),
        pd.Timestamp(scored["window_end_date"].max()).date(),
    )
    dim = outputs["dim_campaign"]
    channels = dict(zip(dim["campaign_key"], dim["channel"], strict=True))
    cost_rate, _ = _order_cost_rate(outputs.get("margin_rates"))
    margin_rate = float(outputs["margin_rates"].iloc[0]["contribution_margin_rate"])
    cut = set(scored.loc[scored["is_flagged"].fillna(False).astype(bool), "campaign_key"])

    campaigns, daily = read_daily(db)
    weekly = weekly_frame(daily)
    estimates = {
        "truth": truth_by_channel(truth, channels, window, cost_rate, frozenset(cut)),
        "shipped": shipped_by_channel(campaigns, outputs["plan"], cut, margin_rate, window),
    }
    paid = sorted(estimates["truth"].rows.index)
    print(f"seed {seed}: {len(weekly)} weeks, channels {paid}, window {window}", file=sys.stderr)
    estimates["mmm"] = fit_mmm(
        weekly,
        paid,
        window,
        draws=args.draws,
        tune=args.tune,
        chains=args.chains,
        seed=seed,
        margin_rate=margin_rate,
    )
    print(f"seed {seed}: MMM fit {estimates['mmm'].seconds:.0f}s", file=sys.stderr)
    notes = [f"{e.name}: {n}" for e in estimates.values() for n in e.notes]
    notes.append(f"{len(cut)} campaigns flagged for a cut (left out of the shipped curves)")
    return WorldResult(
        seed, compare(estimates), estimates["mmm"].seconds, len(weekly), window, notes
    )


def write_report(results: list[WorldResult], args: argparse.Namespace, out: Path) -> None:
    pooled = pd.concat([r.table.assign(seed=r.seed) for r in results], ignore_index=True)
    metrics = pd.DataFrame(
        {name: error_metrics(pooled, name) for name in ("shipped", "mmm")}
    ).rename_axis("metric")
    lines = [
        "# Response curves vs PyMC-Marketing MMM vs the truth (issue #15)",
        "",
        f"Command: `python bench/mmm_compare.py {' '.join(sys.argv[1:])}`; "
        f"run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
        "",
        f"Versions: {versions()}.",
        "",
        f"MMM sampler: {args.chains} chains x ({args.tune} tune + {args.draws} draws), NUTS "
        "(PyMC's default sampler), target_accept 0.9.",
        "",
    ]
    for result in results:
        lines += [
            f"## Seed {result.seed} ({args.variant})",
            "",
            f"{result.weeks} full weeks; scored window {result.window[0]} to {result.window[1]}; "
            f"MMM fit {result.seconds:.0f} s.",
            "",
            world_table(result.table),
            "",
            *[f"- {note}" for note in result.notes],
            "",
        ]
    lines += [
        "## Pooled error against the truth",
        "",
        f"{len(pooled)} channel rows over {len(results)} worlds.",
        "",
        markdown(metrics.reset_index()),
        "",
        "Fit runtimes: " + ", ".join(f"seed {r.seed} {r.seconds:.0f} s" for r in results) + ".",
        "",
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    conclusion = ROOT / "bench" / "mmm" / "conclusion.md"
    text = "\n".join(lines)
    if conclusion.exists() and out.resolve() == (RESULTS / "mmm_compare.md").resolve():
        text += "\n" + conclusion.read_text(encoding="utf-8")
    out.write_text(text, encoding="utf-8")
    pooled.to_csv(out.with_suffix(".csv"), index=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="101-103")
    parser.add_argument("--variant", default="quiet", choices=["quiet", "random"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/growth_ledger_mmm_worlds"))
    parser.add_argument("--draws", type=int, default=500)
    parser.add_argument("--tune", type=int, default=500)
    parser.add_argument("--chains", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS / "mmm_compare.md")
    args = parser.parse_args(argv)
    os.environ.setdefault("GROWTH_LEDGER_THREADS", "1")
    seeds = parse_seeds(args.seeds)
    ensure_worlds(seeds, args.variant, args.work)
    results = [run_world(seed, args.variant, args.work, args) for seed in seeds]
    write_report(results, args, args.out)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
