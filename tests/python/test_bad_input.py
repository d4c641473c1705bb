"""Bad input: every breakage in tests/fixtures/bad_input either loads, lands in
quarantine with its reason, or stops the build naming the file and the fix."""

import csv
import importlib.util
import shutil
import sys
from pathlib import Path

import duckdb
import pytest
import yaml
from raw_reference import ad_spend_by_platform_day

from growth_ledger.build import BuildError, build
from growth_ledger.check import PASSED, WARNED, run_checks
from growth_ledger.contract import load as load_contract
from growth_ledger.environment import temporary_environment
from growth_ledger.generate import generate
from growth_ledger.landing import check_landing
from growth_ledger.paths import PROJECT_DIR

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "bad_input" / "cases.py"
STAGING_ONLY = ["--select", "staging", "marts.data_quality", "--indirect-selection", "cautious"]
PLATFORM_MODELS = {
    "google_ads": "stg_google_ads__ad_stats",
    "meta_ads": "stg_meta_ads__ads_insights",
    "tiktok_ads": "stg_tiktok_ads__ad_report",
    "linkedin_ads": "stg_linkedin_ads__ad_analytics",
}


def _load_corpus():
    spec = importlib.util.spec_from_file_location("bad_input_cases", CORPUS)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


cases = _load_corpus()
# File changed by each "loads exactly" case, filled when the accepted warehouse is built.
EXACT_FILES: dict[str, Path] = {}


@pytest.fixture(scope="module", autouse=True)
def pii_salt():
    with temporary_environment({"GROWTH_LEDGER_PII_SALT": "bad-input-test-salt"}):
        yield


@pytest.fixture(scope="module")
def small_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("small") / "landing"
    generate(landing, scale=0.05, seed=3, show_progress=False)
    return landing


@pytest.fixture(scope="module")
def accepted_warehouse(small_landing: Path, tmp_path_factory: pytest.TempPathFactory):
    """All accepted cases applied to one copy, built once (staging layer only)."""
    folder = tmp_path_factory.mktemp("accepted")
    landing = folder / "landing"
    shutil.copytree(small_landing, landing)
    for case in (*cases.ACCEPTED, *cases.STRICT, *cases.FLAGGED):
        case.apply(landing)
    for case in cases.EXACT:
        EXACT_FILES[case.name] = case.apply(landing)
    db_path = folder / "warehouse.duckdb"
    build(landing, db_path, STAGING_ONLY)
    connection = duckdb.connect(str(db_path), read_only=True)
    yield landing, connection
    connection.close()


def test_clean_small_landing_passes_preflight(small_landing: Path):
    assert [p for p in check_landing(small_landing) if p.is_error] == []


def test_accepted_cases_give_warnings_not_errors(accepted_warehouse):
    landing, _ = accepted_warehouse
    problems = check_landing(landing)
    assert [p for p in problems if p.is_error] == []
    warnings = "\n".join(str(p) for p in problems)
    assert "events_20261105T060000Z.csv: empty file" in warnings
    assert "events_20261106T060000Z.csv.gz: empty file" in warnings
    assert "unknown column(s) video_views are ignored" in warnings
    assert "the last line is not valid JSON" in warnings
    search = sorted((landing / cases.SEARCH).glob("*.csv"))
    assert f"{search[0].name}: line(s) 3 do not have as many fields as the header" in warnings
    assert f"{search[1].name}: line(s) 4 do not have as many fields as the header" in warnings


@pytest.mark.parametrize("case", [c for c in cases.ACCEPTED if c.marker], ids=lambda c: c.name)
def test_marked_rows_are_quarantined_with_their_reason(accepted_warehouse, case):
    _, warehouse = accepted_warehouse
    reasons = [
        row[0]
        for row in warehouse.execute(
            "select quarantine_reason from staging.stg_quarantine__rows "
            "where source_name = 'google_ads' and raw_values like ?",
            [f"%{case.marker}%"],
        ).fetchall()
    ]
    assert reasons == [case.reason]
    staged = warehouse.execute(
        "select count(*) from staging.stg_google_ads__ad_stats where ad_id = ?", [case.marker]
    ).fetchone()[0]
    # A duplicated row is staged once; rejected rows are not staged at all.
    assert staged == (1 if case.name == "duplicated rows" else 0)


def test_latest_extract_wins(accepted_warehouse):
    landing, warehouse = accepted_warehouse
    restated = sorted((landing / cases.META).glob("*.jsonl"))[-1]
    rows = warehouse.execute(
        "select source_file, spend from staging.stg_meta_ads__ads_insights "
        "where cast(spend as decimal(18, 2)) = ?",
        [cases.RESTATED_SPEND],
    ).fetchall()
    assert rows == [(restated.name, float(cases.RESTATED_SPEND))]
    superseded = warehouse.execute(
        "select count(*) from staging.stg_quarantine__rows where source_name = 'meta_ads' "
        "and quarantine_reason = 'superseded by a later extract' and source_file != ?",
        [restated.name],
    ).fetchone()[0]
    assert superseded >= 1


def test_truncated_jsonl_line_is_quarantined(accepted_warehouse):
    landing, warehouse = accepted_warehouse
    last = sorted((landing / cases.SHOP).glob("*.jsonl"))[-1]
    reasons = warehouse.execute(
        "select quarantine_reason from staging.stg_quarantine__rows "
        "where source_name = 'shop' and source_file = ? and quarantine_reason = ?",
        [last.name, "line is not valid JSON"],
    ).fetchall()
    assert len(reasons) == 1


def test_extra_column_and_empty_files_load(accepted_warehouse):
    landing, warehouse = accepted_warehouse
    first = sorted((landing / cases.LINKEDIN).glob("*.csv"))[0]
    raw_rows = len(first.read_text(encoding="utf-8").splitlines()) - 1
    read = warehouse.execute(
        "select count(*) from staging.base_linkedin_ads__ad_analytics where source_file = ?",
        [first.name],
    ).fetchone()[0]
    assert read == raw_rows
    files = dict(
        warehouse.execute(
            "select source_name || '/' || entity, files from marts.mart_source_reconciliation"
        ).fetchall()
    )
    assert files["tiktok_ads/ad_report"] == len(list((landing / cases.TIKTOK).glob("*.csv"))) - 1


def test_raw_to_staging_still_reconciles(accepted_warehouse):
    landing, warehouse = accepted_warehouse
    unreconciled = warehouse.execute(
        "select source_name, entity, raw_rows, staged_rows, quarantined_rows "
        "from marts.mart_source_reconciliation where not is_reconciled"
    ).fetchall()
    assert unreconciled == []
    reference = ad_spend_by_platform_day(landing).groupby("platform")[["spend", "spend_eur"]].sum()
    for platform, model in PLATFORM_MODELS.items():
        spend, spend_eur = warehouse.execute(
            f"select sum(spend), sum(spend_eur) from staging.{model}"
        ).fetchone()
        assert spend == pytest.approx(reference.loc[platform, "spend"], abs=0.01), platform
        assert spend_eur == pytest.approx(reference.loc[platform, "spend_eur"], abs=0.01), platform


def test_corpus_has_at_least_40_cases():
    corpus = (*cases.ACCEPTED, *cases.STRICT, *cases.EXACT, *cases.FLAGGED, *cases.FATAL)
    assert len({case.name for case in corpus}) == len(corpus) >= 40


@pytest.mark.parametrize("case", cases.STRICT, ids=lambda c: c.name)
def test_strict_parsing_quarantines_with_reason_code_and_line(accepted_warehouse, case):
    _, warehouse = accepted_warehouse
    quarantined = warehouse.execute(
        "select reason, reason_code, source_line_number from staging.stg_quarantine__rows "
        "where source_name = ? and entity = ? and raw_values like ?",
        [case.source, case.entity, f"%{case.marker}%"],
    ).fetchall()
    expected = [(case.reason, case.code, case.line)] if case.reason else []
    assert quarantined == expected
    staged = warehouse.execute(
        f"select count(*) from staging.stg_{case.source}__{case.entity} where {case.id_column} = ?",
        [case.marker],
    ).fetchone()[0]
    assert staged == case.staged


def test_exponent_in_a_decimal_column_is_parsed(accepted_warehouse):
    _, warehouse = accepted_warehouse
    conversions = warehouse.execute(
        "select platform_conversions from staging.stg_google_ads__ad_stats where ad_id = ?",
        ["OK_EXPONENT"],
    ).fetchall()
    assert conversions == [(15.0,)]


def _independent_record_count(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        if path.suffix == ".jsonl":
            return sum(1 for line in handle if line.strip())
        return sum(1 for record in csv.reader(handle) if record) - 1


@pytest.mark.parametrize("case", cases.EXACT, ids=lambda c: c.name)
def test_exact_cases_load_every_row(accepted_warehouse, case):
    landing, warehouse = accepted_warehouse
    path = EXACT_FILES[case.name]
    source, entity = path.relative_to(landing).parts[:2]
    read, invalid = warehouse.execute(
        f"select count(*), count(invalid_reason) from staging.base_{source}__{entity} "
        "where source_file = ?",
        [path.name],
    ).fetchone()
    assert read == _independent_record_count(path) > 0
    assert invalid == 0
    malformed = warehouse.execute(
        "select count(*) from staging.stg_quarantine__malformed_lines where file_path = ?",
        [path.relative_to(landing).as_posix()],
    ).fetchone()[0]
    assert malformed == 0


def test_malformed_lines_are_counted_in_the_reconciliation(accepted_warehouse):
    landing, warehouse = accepted_warehouse
    landing_rows, raw_rows, staged, quarantined = warehouse.execute(
        "select landing_rows, raw_rows, staged_rows, quarantined_rows "
        "from marts.mart_source_reconciliation "
        "where source_name = 'search_console' and entity = 'search_analytics'"
    ).fetchone()
    independent = sum(
        _independent_record_count(path) for path in (landing / cases.SEARCH).rglob("*.csv")
    )
    assert landing_rows == raw_rows == staged + quarantined == independent


@pytest.mark.parametrize("case", cases.FATAL, ids=lambda c: c.name)
def test_fatal_cases_stop_the_build_naming_file_and_fix(small_landing, tmp_path, case):
    landing = tmp_path / "landing"
    shutil.copytree(small_landing, landing)
    file_name = case.apply(landing)
    db_path = tmp_path / "warehouse.duckdb"
    with pytest.raises(BuildError) as raised:
        build(landing, db_path, STAGING_ONLY)
    message = str(raised.value)
    assert file_name in message
    assert "Fix:" in message
    for text in case.message:
        assert text in message
    # The pre-flight speaks: no DuckDB error or traceback reaches the user.
    for raw in ("Binder Error", "Invalid Input Error", "make_timestamp", "Traceback"):
        assert raw not in message
    assert not db_path.exists()
    assert list(tmp_path.glob(".warehouse.duckdb.building*")) == []


@pytest.mark.parametrize("case", cases.FLAGGED, ids=lambda c: c.name)
def test_implausible_spend_loads_and_is_flagged(accepted_warehouse, case):
    _, warehouse = accepted_warehouse
    # Loaded, not quarantined: the spend stays in staging (and so in every mart).
    staged = warehouse.execute(
        "select account_id, campaign_id, ad_date, spend from staging.stg_google_ads__ad_stats "
        "where ad_id = ?",
        [case.marker],
    ).fetchall()
    assert len(staged) == case.staged
    quarantined = warehouse.execute(
        "select count(*) from staging.stg_quarantine__rows where raw_values like ?",
        [f"%{case.marker}%"],
    ).fetchone()[0]
    assert quarantined == 0
    account_id, campaign_id, ad_date, spike = staged[0]
    # Flagged: its campaign day and, of the other cases, only the Meta restatement whose
    # later extract says 987.65 for an ad-day of a campaign spending about 1 a day
    # (latest extract wins, so that spend loads too). Nothing of the generated landing.
    restated = warehouse.execute(
        "select 'meta_ads', account_id, campaign_id, ad_date, ? "
        "from staging.stg_meta_ads__ads_insights where cast(spend as decimal(18, 2)) = ?",
        [case.code, cases.RESTATED_SPEND],
    ).fetchall()
    assert len(restated) == 1
    flagged = warehouse.execute(
        "select source_name, account_id, campaign_id, ad_date, flag_code, flag_reason, "
        "baseline, spend, spend_ratio, spend_eur from marts.mart_flagged_spend "
        "order by source_name"
    ).fetchall()
    assert [row[:5] for row in flagged] == [
        ("google_ads", account_id, campaign_id, ad_date, case.code),
        *restated,
    ]
    _, _, _, _, _, reason, baseline, spend, ratio, spend_eur = flagged[0]
    contract = load_contract().entity("google_ads", "ad_stats")
    assert reason == next(rule.reason for rule in contract.flags if rule.code == case.code)
    assert baseline == "campaign"
    # The campaign's day holds the spike and its other ads; 1000x an ad's spend is far
    # above the default ratio of the campaign's median day, and above the default floor.
    defaults = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    assert spend >= spike
    assert ratio > defaults["implausible_spend_ratio"]
    assert spend_eur > defaults["implausible_spend_floor_eur"]
    usual = warehouse.execute(
        "select max(spend) from staging.stg_google_ads__ad_stats "
        "where ad_date = ? and campaign_id = ? and ad_id != ?",
        [ad_date, campaign_id, case.marker],
    ).fetchone()[0]
    assert spike == pytest.approx(usual * 1000)


def test_check_warns_on_flagged_spend(accepted_warehouse, tmp_path):
    landing, warehouse = accepted_warehouse
    db_path = landing.parent / "warehouse.duckdb"  # where accepted_warehouse built it
    summary = run_checks(
        db_path,
        landing,
        tmp_path / "docs",
        freshness=False,
        layers={"marts"},
        show_progress=False,
    )
    outcomes = {outcome.suite: outcome for outcome in summary.suites}
    flagged = outcomes["marts__mart_flagged_spend"]
    (campaign_id,) = warehouse.execute(
        "select campaign_id from marts.mart_flagged_spend where source_name = 'google_ads'"
    ).fetchone()
    assert flagged.status == WARNED and flagged.rows == 2  # the spike, the restatement
    assert f"google_ads campaign {campaign_id}" in flagged.detail
    assert outcomes["marts__mart_source_reconciliation"].status == PASSED
    assert summary.failed_suites == [] and summary.verdict == "WARN" and summary.exit_code == 2


def test_a_test_failing_after_a_quarantine_points_at_the_quarantine(small_landing, tmp_path):
    """Two differing rows of one SKU in the latest product snapshot are both quarantined
    (a conflict), so product costs reference a SKU staging no longer has: the build stops
    at that relationships test, and the error says what was quarantined, and where."""
    landing = tmp_path / "landing"
    shutil.copytree(small_landing, landing)
    path = sorted((landing / "catalog" / "products").glob("*.csv"))[-1]
    header, rows = cases.read_csv(path)
    changed = {**rows[0], "list_price_eur": "999.00"}
    cases.write_csv(path, header, [*rows, changed])
    with pytest.raises(BuildError) as raised:
        build(landing, tmp_path / "warehouse.duckdb", STAGING_ONLY)
    message = str(raised.value)
    assert "relationships_stg_catalog__product_costs_sku" in message
    assert f"catalog/products: 2 row(s) conflicting_duplicate (latest file {path.name})" in message
