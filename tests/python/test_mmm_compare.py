"""Pure helpers of bench/mmm_compare.py (no pymc-marketing needed, no warehouse built)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "mmm_compare.py"


@pytest.fixture(scope="module")
def mc():
    spec = importlib.util.spec_from_file_location("mmm_compare", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules["mmm_compare"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("mmm_compare", None)


def test_parse_seeds(mc):
    assert mc.parse_seeds("101-103") == [101, 102, 103]
    assert mc.parse_seeds("101,105") == [101, 105]


def test_moves_free_and_equal_total(mc):
    frame = pd.DataFrame(
        {"mpoas": [2.0, 0.8, 0.5], "spend_now_week": [100.0, 100.0, 200.0]},
        index=["a", "b", "c"],
    )
    out = mc.moves(frame)
    assert out["move_free"].tolist() == [1, -1, -1]
    # spend-weighted mean mPOAS = (200 + 80 + 100) / 400 = 0.95
    assert out["move_equal"].tolist() == [1, -1, -1]


def test_weekly_frame_keeps_full_weeks_and_promo_share(mc):
    days = pd.date_range("2025-11-19", "2025-12-10", freq="D")  # a Wednesday to a Wednesday
    daily = pd.DataFrame({"net_revenue_eur": 1.0, "paid_search": 2.0}, index=days)
    weekly = mc.weekly_frame(daily)
    assert (weekly["date_week"].dt.day_of_week == 0).all()  # Monday-started weeks
    assert len(weekly) == 2  # 2025-11-24 and 2025-12-01: the partial weeks are left out
    assert weekly["net_revenue_eur"].tolist() == [7.0, 7.0]
    assert weekly["promo"].iloc[1] == pytest.approx(1.0)  # Dec 1-7 is all promo
    assert weekly["trend"].tolist() == [0.0, 1.0]


def test_error_metrics(mc):
    table = pd.DataFrame(
        {
            "truth_roas": [2.0, 1.0],
            "x_roas": [4.0, 0.5],
            "truth_mroas": [1.0, 1.0],
            "x_mroas": [1.1, 0.9],
            "truth_share": [0.6, 0.4],
            "x_share": [0.5, 0.5],
            "truth_move_free": [1, -1],
            "x_move_free": [1, 1],
            "truth_move_equal": [1, -1],
            "x_move_equal": [1, -1],
        }
    )
    out = mc.error_metrics(table, "x")
    assert out["roas median factor off"] == pytest.approx(2.0)
    assert out["roas MAPE"] == pytest.approx(0.75)
    assert out["mroas MAPE"] == pytest.approx(0.1)
    assert out["share MAE (pp)"] == pytest.approx(10.0)
    assert out["move_free agreement"] == 0.5
    assert out["move_equal agreement"] == 1.0
    assert np.isfinite(out["mroas median factor off"])


def test_interval_coverage_and_kept_campaign_metric(mc):
    table = pd.DataFrame(
        {
            "truth_roas": [2.0, 1.0],
            "x_roas": [2.0, 1.0],
            "x_roas_low": [1.0, 1.5],
            "x_roas_high": [4.0, 3.0],
            "truth_mroas": [1.0, 1.0],
            "x_mroas": [1.0, 1.0],
            "x_mroas_low": [0.5, 0.5],
            "x_mroas_high": [2.0, 2.0],
            "truth_share": [0.5, 0.5],
            "x_share": [0.5, 0.5],
            "truth_move_free": [1, 1],
            "x_move_free": [1, 1],
            "truth_move_equal": [1, -1],
            "x_move_equal": [1, -1],
        }
    )
    out = mc.error_metrics(table, "x")
    assert out["roas: truth inside the 90% interval"] == 0.5  # 1.0 is below [1.5, 3.0]
    assert out["mroas: 90% interval width, median factor"] == pytest.approx(4.0)
    shipped = table.rename(columns=lambda c: c.replace("x_", "shipped_"))
    shipped["truth_mroas_kept"] = [2.0, 0.5]
    out = mc.error_metrics(shipped, "shipped")
    assert out["mroas vs truth of the kept campaigns, median factor off"] == pytest.approx(2.0)
