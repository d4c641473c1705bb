"""Any subset of sources builds: absent sources give empty models, the pre-flight
names them (info, not errors), present money still reconciles with the raw files,
and the KPIs that need an absent source are null with a reason, never zero."""

import importlib.util
import io
import json
import shutil
import sys
from pathlib import Path
from types import ModuleType

import duckdb
import pandas as pd
import pytest
from raw_reference import ad_spend_by_platform_day, orders_latest
from rich.console import Console

from growth_ledger.build import build
from growth_ledger.check import (
    FAILED,
    MANIFEST,
    PASSED,
    SKIPPED,
    load_expectations,
    print_summary,
    run_checks,
)
from growth_ledger.contract import load
from growth_ledger.environment import temporary_environment
from growth_ledger.generate import generate
from growth_ledger.landing import check_landing

CENT = 0.005
CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "bad_input" / "cases.py"
SMALLEST = ("google_ads", "shop", "fx")  # one ad platform, the shop, FX
CONTRACT = load()


@pytest.fixture(scope="module", autouse=True)
def pii_salt():
    with temporary_environment({"GROWTH_LEDGER_PII_SALT": "subset-landing-test-salt"}):
        yield


def _copy_sources(source_landing: Path, target: Path, sources: tuple[str, ...]) -> Path:
    target.mkdir(parents=True)
    for source in sources:
        shutil.copytree(source_landing / source, target / source)
    return target


@pytest.fixture(scope="module")
def smallest_build(demo_landing: Path, tmp_path_factory: pytest.TempPathFactory):
    """google_ads + shop + fx copied from the demo (with the demo's manifest, so freshness
    is judged at the data's own end), built into a fresh DuckDB file."""
    folder = tmp_path_factory.mktemp("smallest")
    landing = _copy_sources(demo_landing, folder / "landing", SMALLEST)
    (landing / MANIFEST).parent.mkdir()
    shutil.copyfile(demo_landing / MANIFEST, landing / MANIFEST)
    db_path = folder / "warehouse.duckdb"
    build(landing, db_path)
    return landing, db_path


@pytest.fixture(scope="module")
def smallest(smallest_build):
    landing, db_path = smallest_build
    connection = duckdb.connect(str(db_path), read_only=True)
    yield landing, connection
    connection.close()


def _load_corpus() -> ModuleType:
    name = "bad_input_cases"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, CORPUS)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


cases = _load_corpus()


@pytest.fixture(scope="module")
def without_ga4(tmp_path_factory: pytest.TempPathFactory):
    """A generated landing (every source, planted defects) minus ga4, plus one Google Ads
    ad-day spending 1000x the usual (the bad-input corpus case: flagged, still loaded), built."""
    folder = tmp_path_factory.mktemp("without_ga4")
    generated = folder / "generated"
    generate(generated, scale=0.05, seed=11, show_progress=False)
    present = tuple(source.name for source in CONTRACT.sources if source.name != "ga4")
    landing = _copy_sources(generated, folder / "landing", present)
    cases.spend_1000x(landing)
    db_path = folder / "warehouse.duckdb"
    build(landing, db_path)
    connection = duckdb.connect(str(db_path), read_only=True)
    yield landing, connection
    connection.close()


def _count(warehouse: duckdb.DuckDBPyConnection, relation: str) -> int:
    return warehouse.execute(f"select count(*) from {relation}").fetchone()[0]


def _compare(expected: pd.DataFrame, actual: pd.DataFrame, keys: list[str], value: str) -> None:
    merged = expected.merge(actual, on=keys, how="outer", suffixes=("_raw", "_warehouse"))
    missing = merged[merged[f"{value}_raw"].isna() | merged[f"{value}_warehouse"].isna()]
    assert missing.empty, f"keys only on one side:\n{missing.head(10)}"
    off = merged[(merged[f"{value}_raw"] - merged[f"{value}_warehouse"]).abs() >= CENT]
    assert off.empty, f"{len(off)} {value} values differ by a cent or more:\n{off.head(10)}"


def _staged_models(sources: set[str]) -> list[str]:
    return [
        f"staging.{entity.staging_model or f'base_{entity.slug}'}"
        for entity in CONTRACT.entities
        if entity.source in sources
    ]


def _assert_spend_reconciles(warehouse: duckdb.DuckDBPyConnection, expected: pd.DataFrame) -> None:
    assert not expected.empty
    mart = warehouse.sql(
        "select platform, ad_date, sum(spend_eur) as spend_eur "
        "from marts.fct_ad_performance_daily group by all"
    ).df()
    mart["ad_date"] = pd.to_datetime(mart["ad_date"]).dt.date
    _compare(
        expected[["platform", "ad_date", "spend_eur"]], mart, ["platform", "ad_date"], "spend_eur"
    )
    kpi = warehouse.sql(
        "select date_day as ad_date, marketing_spend_eur from marts.mart_kpi_daily_totals "
        "where marketing_spend_eur > 0"
    ).df()
    kpi["ad_date"] = pd.to_datetime(kpi["ad_date"]).dt.date
    per_day = expected.groupby("ad_date", as_index=False).agg(
        marketing_spend_eur=("spend_eur", "sum")
    )
    _compare(per_day[per_day.marketing_spend_eur > 0], kpi, ["ad_date"], "marketing_spend_eur")


def _assert_orders_reconcile(warehouse: duckdb.DuckDBPyConnection, landing: Path) -> None:
    raw = orders_latest(landing)
    assert not raw.empty
    staged = warehouse.sql(
        "select order_date, sum(total_price_eur) as total_price_eur, count(*) as orders "
        "from staging.stg_shop__orders group by all"
    ).df()
    staged["order_date"] = pd.to_datetime(staged["order_date"]).dt.date
    expected = raw.groupby("order_date", as_index=False).agg(
        total_price_eur=("total_price_eur", "sum"), orders=("order_id", "count")
    )
    _compare(expected, staged, ["order_date"], "total_price_eur")
    _compare(expected, staged, ["order_date"], "orders")


def _coverage(warehouse: duckdb.DuckDBPyConnection) -> dict[str, tuple[bool, str | None]]:
    rows = warehouse.execute(
        "select requirement, is_covered, null_reason from marts.mart_kpi_coverage"
    ).fetchall()
    return {requirement: (covered, reason) for requirement, covered, reason in rows}


# Pre-flight


def test_preflight_names_each_absent_source_once_without_errors(
    demo_landing: Path, tmp_path: Path
) -> None:
    landing = _copy_sources(demo_landing, tmp_path / "landing", SMALLEST)
    problems = check_landing(landing)
    assert [str(p) for p in problems if p.is_error] == []
    absent = [p for p in problems if p.is_info]
    expected = sorted(s.name for s in CONTRACT.sources if s.name not in SMALLEST)
    assert sorted(p.path for p in absent) == expected
    assert all("is absent" in p.problem and "mart_source_coverage" in p.problem for p in absent)


def test_preflight_partly_absent_source_names_the_missing_entity(
    demo_landing: Path, tmp_path: Path
) -> None:
    landing = _copy_sources(demo_landing, tmp_path / "landing", (*SMALLEST, "catalog"))
    shutil.rmtree(landing / "catalog" / "product_costs")
    catalog = [p for p in check_landing(landing) if p.path == "catalog"]
    assert len(catalog) == 1 and catalog[0].is_info
    assert "partly absent" in catalog[0].problem and "catalog/product_costs/" in catalog[0].problem


def test_preflight_empty_landing_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "landing").mkdir()
    errors = [p for p in check_landing(tmp_path / "landing") if p.is_error]
    assert len(errors) == 1 and "no source is present" in errors[0].problem


def _eur_orders_landing(demo_landing: Path, landing: Path) -> Path:
    """The demo's shop orders in EUR only, without fx/rates."""
    folder = landing / "shop" / "orders"
    folder.mkdir(parents=True)
    for path in sorted((demo_landing / "shop" / "orders").glob("*.jsonl"))[:2]:
        lines = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                order = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(order, dict) and order.get("currency") == "EUR":
                lines.append(line)
        (folder / path.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return landing


def test_preflight_fx_is_required_only_for_foreign_currencies(
    demo_landing: Path, tmp_path: Path
) -> None:
    landing = _eur_orders_landing(demo_landing, tmp_path / "landing")
    problems = check_landing(landing)
    assert [str(p) for p in problems if p.is_error] == []
    assert "fx" in {p.path for p in problems if p.is_info}
    # One order in GBP: now the rates are needed, and the file is named.
    target = sorted((landing / "shop" / "orders").glob("*.jsonl"))[-1]
    lines = target.read_text(encoding="utf-8").splitlines()
    order = json.loads(lines[-1])
    order["currency"] = "GBP"
    lines[-1] = json.dumps(order)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = [p for p in check_landing(landing) if p.is_error]
    assert len(errors) == 1
    assert errors[0].path == "fx/rates"
    assert f"shop/orders/{target.name}" in errors[0].problem and "GBP" in errors[0].problem


# The smallest useful landing: one ad platform, the shop, FX


def test_smallest_absent_sources_give_empty_models(smallest) -> None:
    _, warehouse = smallest
    absent = {s.name for s in CONTRACT.sources} - set(SMALLEST)
    for relation in _staged_models(absent):
        assert _count(warehouse, relation) == 0, relation
    for relation in ("marts.fct_sessions", "marts.fct_store_sales", "marts.fct_targets"):
        assert _count(warehouse, relation) == 0, relation
    for relation in _staged_models(set(SMALLEST) - {"fx"}):
        assert _count(warehouse, relation) > 0, relation


def test_smallest_coverage_lists_present_and_absent_entities(smallest) -> None:
    landing, warehouse = smallest
    rows = warehouse.execute(
        "select source_name, entity, coverage_status, landing_files from marts.mart_source_coverage"
    ).fetchall()
    assert len(rows) == len(CONTRACT.entities)
    for source_name, entity, status, files in rows:
        on_disk = (
            len(list((landing / source_name / entity).glob("*"))) if source_name in SMALLEST else 0
        )
        assert status == ("present" if source_name in SMALLEST else "absent"), (source_name, entity)
        assert files == on_disk


def test_smallest_every_entity_reconciles(smallest) -> None:
    _, warehouse = smallest
    unreconciled = warehouse.execute(
        "select source_name, entity from marts.mart_source_reconciliation where not is_reconciled"
    ).fetchall()
    assert unreconciled == []


def test_smallest_spend_reconciles_to_the_cent(smallest, demo_landing: Path) -> None:
    _, warehouse = smallest
    # The same google_ads and fx files as the demo: its google_ads spend, from the raw files.
    raw = ad_spend_by_platform_day(demo_landing)
    _assert_spend_reconciles(warehouse, raw[raw.platform == "google_ads"])


def test_smallest_orders_reconcile_to_the_cent(smallest) -> None:
    landing, warehouse = smallest
    _assert_orders_reconcile(warehouse, landing)


def test_smallest_kpis_without_their_sources_are_null_with_a_reason(smallest) -> None:
    _, warehouse = smallest
    coverage = _coverage(warehouse)
    assert coverage["ad_spend"] == (True, None)
    assert coverage["web_orders"] == (True, None)
    assert coverage["sales"] == (True, None)
    covered, reason = coverage["sessions"]
    assert not covered and "ga4" in reason and "conversion_rate" in reason
    covered, reason = coverage["product_costs"]
    assert not covered and "catalog/product_costs" in reason and "gross_margin_eur" in reason
    kpis = warehouse.execute(
        "select count(*), count(sessions), count(conversion_rate), count(gross_margin_eur), "
        "count(poas), count(marketing_spend_eur), count(net_revenue_eur), count(roas) "
        "from marts.mart_kpi_daily"
    ).fetchone()
    rows, sessions, conversion, margin, poas, spend, revenue, roas = kpis
    assert rows > 0
    assert (sessions, conversion, margin, poas) == (0, 0, 0, 0)
    assert spend == rows and revenue == rows and roas > 0
    monthly = warehouse.execute(
        "select count(*), count(sessions), count(gross_margin_eur) from marts.mart_kpi_monthly"
    ).fetchone()
    assert monthly[0] > 0 and monthly[1:] == (0, 0)


# A landing without GA4


def test_without_ga4_builds_with_empty_ga4_models(without_ga4) -> None:
    landing, warehouse = without_ga4
    assert not (landing / "ga4").exists()
    for relation in (*_staged_models({"ga4"}), "marts.fct_sessions"):
        assert _count(warehouse, relation) == 0, relation
    status = dict(
        warehouse.execute(
            "select source_name || '/' || entity, coverage_status from marts.mart_source_coverage"
        ).fetchall()
    )
    assert status.pop("ga4/events") == "absent"
    assert set(status.values()) == {"present"}
    unreconciled = warehouse.execute(
        "select source_name, entity from marts.mart_source_reconciliation where not is_reconciled"
    ).fetchall()
    assert unreconciled == []


def test_without_ga4_money_reconciles_to_the_cent(without_ga4) -> None:
    landing, warehouse = without_ga4
    raw = ad_spend_by_platform_day(landing)
    assert set(raw.platform) == {"google_ads", "meta_ads", "tiktok_ads", "linkedin_ads"}
    _assert_spend_reconciles(warehouse, raw)
    _assert_orders_reconcile(warehouse, landing)


def test_without_ga4_implausible_spend_is_flagged_and_still_in_the_marts(without_ga4) -> None:
    """The 1000x ad-day is flagged, not dropped: it is in the ad fact (so the spend above
    reconciles with the files including it) and it is the only flagged campaign day."""
    _, warehouse = without_ga4
    spike = warehouse.execute(
        "select campaign_id, ad_date, spend_eur from marts.fct_ad_performance_daily "
        "where platform = 'google_ads' and ad_id = ?",
        [cases.SPEND_SPIKE],
    ).fetchall()
    assert len(spike) == 1
    campaign_id, ad_date, spike_eur = spike[0]
    flagged = warehouse.execute(
        "select source_name, campaign_id, ad_date, flag_code, spend_eur "
        "from marts.mart_flagged_spend"
    ).fetchall()
    assert [row[:4] for row in flagged] == [
        ("google_ads", campaign_id, ad_date, "implausible_spend")
    ]
    assert flagged[0][4] >= spike_eur


def test_without_ga4_only_session_kpis_are_null(without_ga4) -> None:
    _, warehouse = without_ga4
    coverage = _coverage(warehouse)
    assert {name for name, (covered, _) in coverage.items() if not covered} == {"sessions"}
    assert "ga4" in coverage["sessions"][1]
    rows, sessions, conversion, margin, cac = warehouse.execute(
        "select count(*), count(sessions), count(conversion_rate), count(gross_margin_eur), "
        "count(cac_eur) from marts.mart_kpi_daily"
    ).fetchone()
    assert rows > 0 and (sessions, conversion) == (0, 0)
    assert margin == rows and cac > 0


# `growth-ledger check` on a subset landing


def _present_folders(sources: tuple[str, ...]) -> set[str]:
    return {entity.folder for entity in CONTRACT.entities if entity.source in sources}


@pytest.fixture(scope="module")
def smallest_checks(smallest_build, tmp_path_factory: pytest.TempPathFactory):
    landing, db_path = smallest_build
    docs = tmp_path_factory.mktemp("smallest_checks") / "data-docs"
    return run_checks(db_path, landing, docs, show_progress=False)


def test_check_passes_on_the_smallest_landing_with_absent_suites_skipped(
    smallest_checks, smallest_build
) -> None:
    summary = smallest_checks
    landing, _ = smallest_build
    present = _present_folders(SMALLEST)
    by_name = {outcome.suite: outcome for outcome in summary.suites}
    for spec in load_expectations().all_suites():
        outcome = by_name[spec.name]
        needed = set(spec.needs)
        judged = not needed or (bool(needed & present) if spec.needs_any else needed <= present)
        if judged:
            assert outcome.status == PASSED, (spec.name, outcome.status, outcome.detail)
            assert outcome.expectations > 0
        else:
            assert outcome.status == SKIPPED, (spec.name, outcome.status)
            absent = ", ".join(entity for entity in spec.needs if entity not in present)
            assert outcome.detail == f"{absent} not in the landing"
    statuses = {name: outcome.status for name, outcome in by_name.items()}
    # Each present entity is judged in the landing, staging and reconciliation layers.
    for name in (
        "landing__google_ads__ad_stats",
        "landing__shop__orders",
        "landing__fx__rates",
        "staging__stg_google_ads__ad_stats",
        "staging__stg_shop__order_lines",
        "staging__stg_fx__rates_daily",
        "marts__mart_source_reconciliation",
        "reconciliation__spend_and_revenue",
    ):
        assert statuses[name] == PASSED, name
    assert statuses["landing__ga4__events"] == SKIPPED
    assert statuses["staging__stg_meta_ads__ads_insights"] == SKIPPED
    # The per-entity mart is judged on the present entities only: one row each.
    assert by_name["marts__mart_source_reconciliation"].rows == len(present)
    # The reconciliation compares the present platform and the shop, not the absent ones.
    assert by_name["reconciliation__spend_and_revenue"].rows >= 5
    # Freshness: present sources judged (fresh at the demo's end), absent ones skipped.
    freshness = {item.source: item.status for item in summary.freshness}
    assert freshness["google_ads.ad_stats"] == "pass" and freshness["shop.orders"] == "pass"
    assert freshness["meta_ads.ads_insights"] == "skipped"
    assert summary.stale_sources == []
    # The one pre-flight warning: the demo shop's planted mistyped currency (EUX), which
    # fx/rates cannot convert.
    warnings = [p for p in check_landing(landing) if not p.is_error and not p.is_info]
    assert [p.path for p in warnings] == ["fx/rates"] and "EUX" in warnings[0].problem
    assert summary.landing_errors == [] and summary.landing_warnings == len(warnings)
    assert summary.verdict == "PASS" and summary.exit_code == 0


def test_check_summary_says_what_was_skipped_and_why(smallest_checks) -> None:
    screen = io.StringIO()
    print_summary(smallest_checks, Console(file=screen, width=80))
    text = screen.getvalue()
    assert [line for line in text.splitlines() if len(line) > 80] == []
    assert "skipped: meta_ads/ads_insights not in the landing (3 suites)" in text
    assert "skipped: ga4/events not in the landing (2 suites)" in text
    assert "google_ads/ad_stats not in the landing" not in text
    verdict = next(line for line in text.splitlines() if line.startswith("PASS: "))
    skipped = sum(1 for outcome in smallest_checks.suites if outcome.status == SKIPPED)
    assert f"0 failed, 0 warnings, 0 errors, 0 not built, {skipped} skipped" in " ".join(
        text[text.index(verdict) :].split()
    )


def test_check_still_fails_a_present_but_broken_source(smallest_build, tmp_path: Path) -> None:
    """Skipping is for absent entities only: corrupt a present one and check fails."""
    built_landing, db_path = smallest_build
    landing = tmp_path / "landing"
    shutil.copytree(built_landing, landing)
    # Every google_ads row with a negative cost: a broken export, not a few bad rows.
    for path in (landing / "google_ads" / "ad_stats").glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["metrics.cost_micros"] = "-" + frame["metrics.cost_micros"]
        frame.to_csv(path, index=False)
    # And the warehouse loses every shop order (a copy: the fixture's file stays intact).
    broken = tmp_path / "broken.duckdb"
    shutil.copyfile(db_path, broken)
    connection = duckdb.connect(str(broken))
    connection.execute(
        "create or replace view staging.stg_shop__orders as "
        "select * from staging.base_shop__orders where false"
    )
    connection.close()
    summary = run_checks(broken, landing, tmp_path / "docs", freshness=False, show_progress=False)
    statuses = {outcome.suite: outcome.status for outcome in summary.suites}
    assert statuses["landing__google_ads__ad_stats"] == FAILED
    assert statuses["staging__stg_shop__orders"] == FAILED
    # Absent entities are still skipped, and the untouched present ones still pass.
    assert statuses["landing__meta_ads__ads_insights"] == SKIPPED
    assert statuses["landing__shop__orders"] == PASSED
    assert summary.verdict == "FAIL" and summary.exit_code == 1


def test_check_decides_absence_from_the_inventory_not_from_errors(
    smallest_build, tmp_path: Path
) -> None:
    """A folder with only a file the build does not read is absent (and named so); an
    entity whose one file is unreadable is present, and its suites fail, not skip."""
    built_landing, db_path = smallest_build
    landing = tmp_path / "landing"
    shutil.copytree(built_landing, landing)
    (landing / "meta_ads" / "ads_insights").mkdir(parents=True)
    (landing / "meta_ads" / "ads_insights" / "._ads_insights_20261001T060000Z.jsonl").write_text(
        "not read\n", encoding="utf-8"
    )
    (landing / "tiktok_ads" / "ad_report").mkdir(parents=True)
    (landing / "tiktok_ads" / "ad_report" / "ad_report_20261001T060000Z.csv").write_text(
        "this,is,not\nthe,tiktok,export\n", encoding="utf-8"
    )
    summary = run_checks(db_path, landing, tmp_path / "docs", freshness=False, show_progress=False)
    statuses = {outcome.suite: outcome.status for outcome in summary.suites}
    assert statuses["landing__meta_ads__ads_insights"] == SKIPPED
    assert statuses["landing__tiktok_ads__ad_report"] == FAILED
    # The warehouse was built without tiktok: its empty staging model fails as present.
    assert statuses["staging__stg_tiktok_ads__ad_report"] == FAILED
    assert summary.verdict == "FAIL"
