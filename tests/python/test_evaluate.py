"""The evaluation harness's scoring on small frames whose right answer is known by construction.

No warehouse is built here: `growth-ledger evaluate` itself is the benchmark (bench/README.md).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize_scalar
from typer.testing import CliRunner

from growth_ledger.cli import _seeds, app
from growth_ledger.evaluate import anomaly_scoring, money_scoring, replay, report
from growth_ledger.evaluate.truth import from_manifest
from growth_ledger.evaluate.world import WorldScore
from growth_ledger.generate import scenario

D = dt.date
META = "meta_ads:111"
GOOGLE = "google_ads:222"
CHANNELS = {META: "paid_social", GOOGLE: "paid_search"}
PLATFORMS = {"paid_social": {"meta_ads"}, "paid_search": {"google_ads"}}


def _campaign(platform: str, cid: str, spend: float, revenue: float, cogs: float, b: float):
    months = ("2026-09", "2026-10")
    return {
        "campaign_id": cid,
        "campaign_name": f"{platform} {cid}",
        "platform": platform,
        "elasticity": b,
        "active_from": "2025-10-01",
        "active_to": "2026-10-31",
        "spend_by_month_eur": {m: spend for m in months},
        "true_revenue_by_month_eur": {m: revenue for m in months},
        "true_cogs_by_month_eur": {m: cogs for m in months},
    }


def _manifest() -> dict[str, object]:
    return {
        "seed": 101,
        "scenario": {"name": "random"},
        "date_range": {"start": "2026-09-01", "end": "2026-10-31"},
        "planted_events": [
            {
                "kind": "tracking_break",
                "source": "meta_ads",
                "start": "2026-10-05",
                "end": "2026-10-09",
            },
            {
                "kind": "cpc_surge",
                "source": "google_ads",
                "campaign_ids": ["222"],
                "start": "2026-09-10",
                "end": "2026-09-20",
            },
            {
                "kind": "cost_increase",
                "source": "catalog",
                "product_line": "BODY",
                "start": "2026-09-15",
            },
            {"kind": "churn_driver", "source": "subscriptions"},
        ],
        "extracts": {
            "late_files": [{"source": "google_ads", "month": "2026-09", "delay_days": 5}],
            "missing_daily_pulls": [{"source": "meta_ads", "data_day": "2026-10-14"}],
        },
        "attribution_truth": {
            "campaigns": [
                # ROAS 4, product cost 20% of revenue: margin 1 - 0.2 - 0.1 = 0.7, POAS 2.8
                _campaign("google_ads", "222", 310.0, 1240.0, 248.0, 0.8),
                # ROAS 1, margin 0.7: POAS 0.7, truly inefficient
                _campaign("meta_ads", "111", 310.0, 310.0, 62.0, 0.7),
            ]
        },
    }


def _anomaly(day: str, kind: str, scope_type: str, scope_id: str, kpi: str) -> dict[str, object]:
    return {
        "anomaly_date": D.fromisoformat(day),
        "anomaly_type": kind,
        "scope_type": scope_type,
        "scope_id": scope_id,
        "kpi": kpi,
    }


def _anomalies(*rows: dict[str, object]) -> pd.DataFrame:
    return pd.DataFrame(
        list(rows), columns=["anomaly_date", "anomaly_type", "scope_type", "scope_id", "kpi"]
    )


# --- truth -----------------------------------------------------------------------------


def test_truth_keeps_detectable_events_and_every_cause() -> None:
    truth = from_manifest(_manifest())
    assert list(truth.events["kind"]) == ["tracking_break", "cpc_surge", "cost_increase"]
    assert truth.events.loc[1, "campaign_keys"] == (GOOGLE,)
    causes = truth.causes.set_index("kind")
    assert causes.loc["late_file", "start"] == D(2026, 9, 1)
    assert causes.loc["late_file", "end"] == D(2026, 9, 30)
    assert causes.loc["missing_pull", "start"] == D(2026, 10, 14)
    # after-effects: 7 days after a planted event, 28 after a cost rise
    assert causes.loc["tracking_break", "end"] == D(2026, 10, 16)
    assert causes.loc["cost_increase", "end"] == D(2026, 10, 13)
    assert math.isclose(truth.weeks, 61 / 7)


# --- anomalies -------------------------------------------------------------------------


def test_event_detection_needs_the_right_check_scope_and_days() -> None:
    truth = from_manifest(_manifest())
    anomalies = _anomalies(
        _anomaly("2026-10-04", "tracking_break", "platform", "meta_ads", "platform_conversions"),
        _anomaly("2026-10-07", "tracking_break", "platform", "meta_ads", "platform_conversions"),
        _anomaly("2026-09-12", "tracking_break", "platform", "google_ads", "platform_conversions"),
        _anomaly("2026-09-11", "kpi_deviation", "campaign", GOOGLE, "spend_eur"),
        _anomaly("2026-09-13", "kpi_deviation", "channel", "paid_search", "cpc_eur"),
        _anomaly("2026-09-20", "kpi_deviation", "campaign", "BODY", "revenue_eur"),
    )
    found = anomaly_scoring.event_detection(truth.events, anomalies, CHANNELS).set_index("kind")
    # the day before the break does not count; the third day of the break does
    assert found.loc["tracking_break", "detected"]
    assert found.loc["tracking_break", "data_day_lag_days"] == 2
    # a spend deviation is not a CPC surge; the channel's CPC deviation is, 3 days in
    assert found.loc["cpc_surge", "data_day_lag_days"] == 3
    # no margin check: the cost rise is missed
    assert not found.loc["cost_increase", "detected"]


def test_false_alarms_are_episodes_no_cause_explains() -> None:
    truth = from_manifest(_manifest())
    anomalies = _anomalies(
        # one episode of two days on Meta during its tracking break: explained
        _anomaly("2026-10-06", "kpi_deviation", "campaign", META, "roas"),
        _anomaly("2026-10-07", "kpi_deviation", "campaign", META, "roas"),
        # the same series after a gap of 10 days: a second episode, unexplained
        _anomaly("2026-10-25", "kpi_deviation", "campaign", META, "roas"),
        # late google data in September: explained by the late file
        _anomaly("2026-09-03", "late_source_data", "source", "google_ads", "days_late"),
        # late meta data in September: no cause (the late file is Google's)
        _anomaly("2026-09-03", "late_source_data", "source", "meta_ads", "days_late"),
        # a Google campaign during the Meta break: not explained by it
        _anomaly("2026-10-06", "kpi_deviation", "campaign", GOOGLE, "conversion_rate"),
    )
    alarms = anomaly_scoring.false_alarms(anomalies, truth.causes, CHANNELS, PLATFORMS)
    assert len(alarms) == 5
    assert int(alarms["days"].max()) == 2
    unexplained = alarms[~alarms["explained"]]
    assert sorted(unexplained["scope_id"]) == sorted([GOOGLE, META, "meta_ads"])
    assert set(unexplained.loc[unexplained["scope_id"] == META, "first_date"]) == {D(2026, 10, 25)}


def test_episodes_split_on_gaps_and_series() -> None:
    frame = anomaly_scoring.episodes(
        _anomalies(
            _anomaly("2026-01-01", "kpi_deviation", "campaign", META, "roas"),
            _anomaly("2026-01-02", "kpi_deviation", "campaign", META, "roas"),
            _anomaly("2026-01-02", "kpi_deviation", "campaign", META, "cpc_eur"),
            _anomaly("2026-01-04", "kpi_deviation", "campaign", META, "roas"),
        )
    )
    assert frame["episode"].nunique() == 3


# --- money -----------------------------------------------------------------------------


def _economics() -> pd.DataFrame:
    truth = from_manifest(_manifest())
    return money_scoring.campaign_economics(truth.campaigns, D(2026, 9, 1), D(2026, 10, 31), 0.1)


def test_campaign_economics_by_construction() -> None:
    economics = _economics().set_index("campaign_key")
    assert economics.loc[GOOGLE, "true_roas"] == pytest.approx(4.0)
    assert economics.loc[GOOGLE, "true_margin_rate"] == pytest.approx(0.7)
    assert economics.loc[GOOGLE, "true_poas"] == pytest.approx(2.8)
    assert not economics.loc[GOOGLE, "is_truly_inefficient"]
    assert economics.loc[META, "true_poas"] == pytest.approx(0.7)
    assert economics.loc[META, "is_truly_inefficient"]
    # pace: October's 310 EUR per 31 days is 300 per 30 days
    assert economics.loc[META, "current_spend_30d_eur"] == pytest.approx(300.0)


def test_window_prorates_months_by_their_days() -> None:
    truth = from_manifest(_manifest())
    economics = money_scoring.campaign_economics(
        truth.campaigns, D(2026, 9, 16), D(2026, 10, 15), 0.1
    )
    # 15 of September's 30 days and 15 of October's 31
    assert economics["window_spend_eur"].iloc[0] == pytest.approx(310 * (15 / 30 + 15 / 31))


def test_optimal_spend_is_the_numeric_argmax_within_the_bound() -> None:
    s0, r0, m, b = 100.0, 150.0, 0.7, 0.6
    closed = money_scoring.optimal_spend(
        np.array([s0]), np.array([r0]), np.array([m]), np.array([b])
    )[0]
    numeric = minimize_scalar(
        lambda s: -(m * r0 * (s / s0) ** b - s), bounds=(0, 2 * s0), method="bounded"
    ).x
    assert closed == pytest.approx(numeric, rel=1e-3)
    assert closed < s0  # ROAS 1.5 at margin 0.7: spend less
    # a very profitable campaign stops at the bound; one without return goes to 0
    high = money_scoring.optimal_spend(
        np.array([s0, s0]), np.array([2000.0, 0.0]), np.array([m, m]), np.array([0.8, 0.8])
    )
    assert list(high) == [2 * s0, 0.0]


def test_flag_precision_and_recall() -> None:
    flags = pd.DataFrame({"campaign_key": [GOOGLE, META], "is_flagged": [True, True]})
    score = money_scoring.score_flags(flags, _economics())
    assert (score.flagged, score.truly_inefficient, score.true_positives) == (2, 1, 1)
    assert score.precision == 0.5
    assert score.recall == 1.0
    none = money_scoring.score_flags(flags.assign(is_flagged=False), _economics())
    assert none.precision is None
    assert none.recall == 0.0


def test_plan_spreads_channel_changes_and_cuts_flags() -> None:
    economics = _economics()
    plan = pd.DataFrame(
        {
            "channel": ["paid_search", "all_paid"],
            "is_total": [False, True],
            "funded_campaign_keys": [GOOGLE, GOOGLE],
            "current_spend_30d_eur": [300.0, 300.0],
            "recommended_spend_30d_eur": [450.0, 450.0],
        }
    )
    spend = money_scoring.plan_spend(economics, plan, {META}).to_numpy()
    keys = list(economics["campaign_key"])
    assert spend[keys.index(GOOGLE)] == pytest.approx(450.0)
    assert spend[keys.index(META)] == 0.0
    kept = money_scoring.plan_spend(economics, plan, {META}, with_cuts=False).to_numpy()
    assert kept[keys.index(META)] == pytest.approx(300.0)


def test_plan_equal_to_the_optimum_captures_all_of_its_gain() -> None:
    economics = _economics()
    optimum = economics["optimal_spend_30d_eur"]
    plan = pd.DataFrame(
        {
            "campaign_key": economics["campaign_key"],
            "current_spend_30d_eur": economics["current_spend_30d_eur"],
            "recommended_spend_30d_eur": optimum,
        }
    )
    score = money_scoring.score_plan(economics, plan, set())
    assert score.optimum_gain > 0
    assert score.capture == pytest.approx(1.0)
    assert score.regret == pytest.approx(0.0, abs=1e-6)
    nothing = money_scoring.score_plan(
        economics, plan.assign(recommended_spend_30d_eur=plan["current_spend_30d_eur"]), set()
    )
    assert nothing.capture == pytest.approx(0.0)


def test_action_values_sign_by_construction() -> None:
    economics = _economics()
    actions = pd.DataFrame(
        {
            "action_category": ["inefficient_campaign", "inefficient_campaign", "churn_risk"],
            "subject_id": [META, GOOGLE, "high_risk"],
        }
    )
    empty_plan = pd.DataFrame(columns=["current_spend_30d_eur", "recommended_spend_30d_eur"])
    values = money_scoring.action_values(actions, economics, empty_plan, set())[
        "true_value_30d_eur"
    ]
    # cutting Meta saves 300 - 0.7 x 300; cutting Google loses 0.7 x 1200 - 300
    assert values.iloc[0] == pytest.approx(90.0)
    assert values.iloc[1] == pytest.approx(-540.0)
    assert values.iloc[2] is None or pd.isna(values.iloc[2])


# --- replay ----------------------------------------------------------------------------


def test_replay_finds_the_day_a_run_detector_first_fires() -> None:
    days = pd.date_range("2026-10-01", "2026-10-20").date
    checks = pd.DataFrame(
        {"check_date": days, "observed_value": [0.0 if 5 <= i <= 9 else 2.0 for i in range(20)]}
    )
    inputs = {
        "int_kpi_daily_inputs": pd.DataFrame({"kpi_date": days}),
        "int_tracking_checks_daily": checks,
        "int_source_arrivals": pd.DataFrame({"data_date": days, "first_extracted_date": days}),
    }

    def three_day_runs(_: pd.DataFrame, known: pd.DataFrame, __: pd.DataFrame) -> pd.DataFrame:
        """Flags every day of a run of zeros once it lasts 3 days (dated by data day)."""
        zero = known["observed_value"].eq(0).to_numpy()
        rows = [
            _anomaly(
                str(known["check_date"].iloc[i]), "tracking_break", "platform", "meta_ads", "x"
            )
            for i in range(len(known))
            if zero[i] and zero[max(i - 2, 0) : i + 1].sum() + zero[i + 1 : i + 3].sum() >= 3
        ]
        return _anomalies(*rows)

    event = {
        "kind": "tracking_break",
        "source": "meta_ads",
        "start": D(2026, 10, 6),
        "end": D(2026, 10, 10),
    }
    # known in full, the first day is flagged (data-day lag 0); as of the day, on day 3
    assert replay.as_of_lag(event, inputs, {}, three_day_runs) == 2
    assert replay.as_of_lag(event, inputs, {}, three_day_runs, max_days=1) is None
    cut = replay.known_on(inputs, D(2026, 10, 3))
    assert len(cut[1]) == 3


# --- report ----------------------------------------------------------------------------


def _world(detected: list[bool], lags: list[float], alarms: int, weeks: float) -> WorldScore:
    events = pd.DataFrame(
        {
            "event_id": [f"e{i}" for i in range(len(detected))],
            "kind": ["tracking_break"] + ["ga4_revenue_drift"] * (len(detected) - 1),
            "detected": detected,
            "data_day_lag_days": [0.0] * len(detected),
            "as_of_lag_days": lags,
        }
    )
    score = WorldScore(seed=1, variant="random", events=events, weeks=weeks, replayed=True)
    score.alarms = pd.DataFrame({"explained": [False] * alarms + [True]})
    score.flags = money_scoring.FlagScore(flagged=10, truly_inefficient=10, true_positives=9)
    score.plan = money_scoring.PlanScore(plan_gain=70.0, optimum_gain=100.0)
    score.actions = pd.DataFrame({"true_value_30d_eur": [5.0, None]})
    return score


def test_targets_pass_and_fail_on_their_boundaries() -> None:
    good = report.targets_table([_world([True] * 10, [2.0] + [0.0] * 9, 3, 10.0)]).set_index(
        "target"
    )
    assert set(good["result"]) == {"pass"}
    bad = report.targets_table([_world([True] * 8 + [False] * 2, [3.0] + [0.0] * 9, 4, 10.0)])
    bad = bad.set_index("target")
    assert bad.loc["recall of planted events", "result"] == "FAIL"
    assert bad.loc["tracking break caught within 2 days (worst as-of lag)", "result"] == "FAIL"
    assert bad.loc["false alarms a week", "result"] == "FAIL"
    missed = report.targets_table([_world([False, True], [math.nan, 0.0], 0, 10.0)]).set_index(
        "target"
    )
    assert missed.loc["tracking break caught within 2 days (worst as-of lag)", "overall"] == "never"


def test_table_has_a_row_per_world_and_overall() -> None:
    worlds = [
        _world([True, False], [1.0, math.nan], 2, 10.0),
        _world([True, True], [0.0, 0.0], 0, 10.0),
    ]
    table = report.table(worlds)
    assert list(table["seed"]) == ["1", "1", "all", "target", "result"]
    overall = table.iloc[2]
    assert overall["recall of planted events"] == "3/4 = 0.75"
    assert overall["false alarms / week"] == "2 / 20.0 = 0.10"
    assert table.iloc[0]["tracking-break lag (days)"] == "1"
    assert table.iloc[-2]["false alarms / week"] == "<= 0.3"
    assert table.iloc[-1]["false alarms / week"] == "pass"
    assert table.iloc[-1]["recall of planted events"] == "FAIL"
    assert table.iloc[-1]["flag recall"] == "-"
    assert "| seed |" in report.markdown(table)


# --- scenario and CLI ------------------------------------------------------------------


def test_scenarios_are_drawn_from_the_seed_and_quiet_plants_nothing() -> None:
    first, again, other = (
        scenario.draw(101, "random"),
        scenario.draw(101, "random"),
        scenario.draw(102, "random"),
    )
    assert first == again
    assert first != other
    for drawn in (first, other):
        assert (
            drawn.tracking_break is not None
            and drawn.tracking_break.platform in scenario.BREAKABLE_PLATFORMS
        )
        assert (
            D(2026, 1, 5)
            <= drawn.tracking_break.start
            <= drawn.tracking_break.end
            <= D(2026, 10, 31)
        )
        assert drawn.wasted_campaign in scenario.WASTE_CANDIDATES
    quiet = scenario.draw(101, "quiet")
    assert (quiet.tracking_break, quiet.cpc_surge, quiet.ga4_drift, quiet.cost_increase) == (
        None,
    ) * 4
    assert quiet.wasted_campaign is None and quiet.churn_multiplier == 1.0
    # without a wasted campaign, the demo's wasted template gets an ordinary probability
    assert (
        quiet.p_trigger(scenario.WASTED_CAMPAIGN, 0.0004) == scenario.ORDINARY_PROSPECTING_P_TRIGGER
    )
    assert scenario.draw(7, "demo") == scenario.DEMO
    with pytest.raises(ValueError, match="unknown scenario variant"):
        scenario.draw(1, "loud")


def test_seed_ranges_and_lists() -> None:
    assert _seeds("101-105") == [101, 102, 103, 104, 105]
    assert _seeds("7,9-10") == [7, 9, 10]


def test_evaluate_help_and_bad_arguments_stop_before_any_world() -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["evaluate", "--help"])
    assert shown.exit_code == 0
    for option in ("--seeds", "--variants", "--threads", "--keep", "--replay"):
        assert option in shown.output
    bad_variant = runner.invoke(app, ["evaluate", "--variants", "loud"])
    assert bad_variant.exit_code == 1
    bad_seeds = runner.invoke(app, ["evaluate", "--seeds", "x-y"])
    assert bad_seeds.exit_code == 1
    rescore_without_work = runner.invoke(app, ["evaluate", "--rescore"])
    assert rescore_without_work.exit_code == 1
