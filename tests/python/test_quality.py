"""Data quality: GX suites on the demo warehouse, landing pre-flight, SQL lint."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from growth_ledger.check import FAILED, NOT_BUILT, PASSED, load_expectations, run_checks
from growth_ledger.landing import check_landing
from growth_ledger.paths import DEMO_LANDING, PROJECT_DIR

REQUIRED_SUITES = {
    "marts__mart_source_reconciliation",
    "marts__mart_flagged_spend",  # no demo spend is implausible: no false positives
    "reconciliation__spend_and_revenue",
    "staging__stg_google_ads__ad_stats",
    "staging__stg_shop__orders",
    "landing__google_ads__ad_stats",
    "landing__shop__orders",
    "landing__meta_ads__ads_insights__daily_volume",
}


def test_demo_landing_passes_preflight():
    assert [str(p) for p in check_landing(DEMO_LANDING) if p.is_error] == []


def test_suites_are_code_and_idempotent():
    names = [suite.name for suite in load_expectations().all_suites()]
    assert len(names) == len(set(names))
    assert set(names) >= REQUIRED_SUITES


@pytest.fixture(scope="module")
def demo_checks(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory):
    docs = tmp_path_factory.mktemp("checks") / "data-docs"
    return run_checks(demo_warehouse, DEMO_LANDING, docs), docs


def test_every_suite_passes_on_the_demo(demo_checks):
    summary, _ = demo_checks
    statuses = {suite.suite: suite.status for suite in summary.suites}
    assert {name: statuses[name] for name in REQUIRED_SUITES} == dict.fromkeys(
        REQUIRED_SUITES, PASSED
    )
    assert [s for s in summary.suites if s.status not in {PASSED, NOT_BUILT}] == []
    assert summary.exit_code == 0


def test_reconciliation_compares_marts_once_they_exist(demo_checks, demo_warehouse: Path):
    summary, _ = demo_checks
    reconciliation = next(s for s in summary.suites if s.suite.startswith("reconciliation"))
    connection = duckdb.connect(str(demo_warehouse), read_only=True)
    spend_facts = connection.execute(
        "select count(*) from information_schema.columns where table_schema = 'marts' "
        "and column_name = 'spend_eur' and table_name like 'fct_ad_%'"
    ).fetchone()[0]
    connection.close()
    # 5 staging comparisons, plus one per fact that carries ad spend.
    assert reconciliation.rows >= 5 + spend_facts


def test_freshness_is_reported_not_raised(demo_checks):
    summary, _ = demo_checks
    assert summary.freshness, "dbt source freshness reported nothing"
    assert {item.status for item in summary.freshness} <= {"pass", "warn", "error"}
    # Generated data is judged at its own end date (the manifest's), not at today: every
    # source of the demo was extracted up to its last day, so none is stale.
    manifest = json.loads((DEMO_LANDING / "_truth" / "manifest.json").read_text())
    assert f"{summary.freshness_as_of:%Y-%m-%d}" > manifest["date_range"]["end"]
    assert summary.stale_sources == []


def test_data_docs_are_written(demo_checks):
    summary, docs = demo_checks
    assert summary.docs_index == docs / "index.html"
    index = summary.docs_index.read_text(encoding="utf-8")
    assert "reconciliation__spend_and_revenue" in index
    assert len(list((docs / "validations").rglob("*.html"))) >= len(REQUIRED_SUITES)


def test_checks_fail_on_a_broken_warehouse(demo_warehouse: Path, tmp_path: Path):
    broken = tmp_path / "broken.duckdb"
    shutil.copyfile(demo_warehouse, broken)  # not copy: the published file is read-only
    connection = duckdb.connect(str(broken))
    connection.execute(
        "update marts.mart_source_reconciliation set staged_rows = staged_rows + 1, "
        "is_reconciled = false where source_name = 'google_ads'"
    )
    connection.execute(
        "create or replace view staging.stg_shop__orders as "
        "select * from staging.base_shop__orders where false"
    )
    connection.close()
    summary = run_checks(
        broken, DEMO_LANDING, tmp_path / "docs", freshness=False, layers={"marts", "staging"}
    )
    statuses = {suite.suite: suite.status for suite in summary.suites}
    assert statuses["marts__mart_source_reconciliation"] == FAILED
    assert statuses["staging__stg_shop__orders"] in {FAILED, "error"}
    assert summary.exit_code == 1


INCREMENTAL_MODELS = sorted(
    str(path.relative_to(PROJECT_DIR))
    for path in (PROJECT_DIR / "models").rglob("*.sql")
    if "is_incremental()" in path.read_text()
)


def sqlfluff_lint(paths: list[str], database: Path) -> subprocess.CompletedProcess[str]:
    """Lint with the dbt templater against `database`: `is_incremental()` is true only for
    models whose table exists there, so the database decides which branch is rendered."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("sqlfluff")), "lint", *paths, "--disable-progress-bar"],
        cwd=PROJECT_DIR,
        env={**os.environ, "GROWTH_LEDGER_DB": str(database)},
        capture_output=True,
        text=True,
        timeout=1800,
    )


def test_sqlfluff_lint_models_full_refresh_branch(tmp_path: Path):
    """House style for every model as a first build renders it, whatever warehouse is on disk."""
    result = sqlfluff_lint(["models"], tmp_path / "empty.duckdb")
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]


def test_sqlfluff_lint_models_incremental_branch(demo_warehouse: Path, tmp_path: Path):
    """The `is_incremental()` branch of every incremental model, rendered against a built
    warehouse (a copy, so the test's lint connection never touches the shared file)."""
    assert INCREMENTAL_MODELS, "no incremental model found: the branch test would lint nothing"
    database = tmp_path / "built.duckdb"
    shutil.copyfile(demo_warehouse, database)
    result = sqlfluff_lint(INCREMENTAL_MODELS, database)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]


def test_every_dispatched_macro_has_a_default_implementation():
    """Models must run on other engines (Spark): each adapter.dispatch has a default__."""
    text = "".join(path.read_text() for path in (PROJECT_DIR / "macros").rglob("*.sql"))
    dispatched = set(re.findall(r"adapter\.dispatch\('([a-z_]+)'", text))
    defaults = set(re.findall(r"macro default__([a-z_]+)\(", text))
    assert dispatched, "no dispatched macro found"
    assert dispatched <= defaults, sorted(dispatched - defaults)


# DuckDB-only syntax that has a dispatched macro (macros/window.sql, macros/staging.sql,
# macros/staging_business_sources.sql): models call the macro, so they run on Spark too.
ENGINE_SPECIFIC_SYNTAX = {
    r"\bignore\s+nulls\b": "first_value_ignore_nulls / last_value_ignore_nulls",
    r"\btimezone\s*\(": "utc_timestamp / reporting_date",
    r"\bstrptime\s*\(": "parse_date / parse_compact_date",
    r"\bmake_timestamp\s*\(": "timestamp_from_micros",
    r"\bstring_agg\s*\(": "dbt.listagg / windowed_string_agg",
    r"\w\.\"[^\"]+\"": "adapter.quote (Spark quotes identifiers with backticks)",
    r"\bas\s+varchar\b": "dbt.type_string() (Spark's varchar needs a length)",
}


def test_models_use_macros_for_engine_specific_syntax():
    """Found in a model outside a Jinja comment: the macro named must be used instead."""
    found = []
    for path in sorted((PROJECT_DIR / "models").rglob("*.sql")):
        code = re.sub(r"\{#.*?#\}", "", path.read_text(), flags=re.S)
        code = re.sub(r"--[^\n]*", "", code)
        for pattern, macro in ENGINE_SPECIFIC_SYNTAX.items():
            if re.search(pattern, code, flags=re.I):
                found.append(f"{path.relative_to(PROJECT_DIR)}: use {macro}")
    assert found == []
