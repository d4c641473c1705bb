"""GA4 exports as they come from BigQuery: two properties, an intraday table, an
export from before `collected_traffic_source` existed. One landing holds them
all (plus the smallest useful other sources); every event is staged or
quarantined with its reason, counted against the Parquet files themselves."""

import shutil
from pathlib import Path

import duckdb
import pytest

from growth_ledger.build import build, models_fingerprint, models_stamp_path
from growth_ledger.environment import temporary_environment
from growth_ledger.landing import ERROR, check_landing
from growth_ledger.publish import build_path

OTHER_SOURCES = ("google_ads", "shop", "fx")
DAY_1, DAY_2, DAY_3 = "20251002T063000Z", "20251003T063000Z", "20251004T063000Z"
# Exported after the daily table of the same day: the daily table must still win.
LATE_INTRADAY = "20251003T120000Z"
MAIN, OLD = "analytics_111", "analytics_222"


@pytest.fixture(scope="module", autouse=True)
def pii_salt():
    with temporary_environment({"GROWTH_LEDGER_PII_SALT": "ga4-variants-test-salt"}):
        yield


def _copy_parquet(source: Path, target: Path, where: str = "true", exclude: str = "") -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    columns = f"* exclude ({exclude})" if exclude else "*"
    duckdb.sql(
        f"copy (select {columns} from read_parquet('{source}') where {where}) "
        f"to '{target}' (format parquet)"
    )


@pytest.fixture(scope="module")
def variants(demo_landing: Path, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("ga4_variants")
    landing = folder / "landing"
    for source in OTHER_SOURCES:
        shutil.copytree(demo_landing / source, landing / source)
    demo_events = demo_landing / "ga4" / "events"
    events = landing / "ga4" / "events"
    # Property 1: two daily tables; day 2 also as an intraday table (a part of the
    # day, exported later); day 3 only as an intraday table.
    for stamp in (DAY_1, DAY_2):
        _copy_parquet(
            demo_events / f"events_{stamp}.parquet", events / MAIN / f"events_{stamp}.parquet"
        )
    _copy_parquet(
        demo_events / f"events_{DAY_2}.parquet",
        events / MAIN / f"events_intraday_{LATE_INTRADAY}.parquet",
        where="event_timestamp % 2 = 0",
    )
    _copy_parquet(
        demo_events / f"events_{DAY_3}.parquet",
        events / MAIN / f"events_intraday_{DAY_3}.parquet",
    )
    # Property 2: day 1 under the same file name, exported before
    # collected_traffic_source existed (its visitors' ids collide with property 1's).
    _copy_parquet(
        demo_events / f"events_{DAY_1}.parquet",
        events / OLD / f"events_{DAY_1}.parquet",
        exclude="collected_traffic_source",
    )
    db_path = folder / "warehouse.duckdb"
    build(landing, db_path)
    connection = duckdb.connect(str(db_path), read_only=True)
    yield landing, connection
    connection.close()


def _raw_count(path: Path) -> int:
    return duckdb.sql(f"select count(*) from read_parquet('{path}')").fetchone()[0]


def test_pre_flight_accepts_intraday_tables_and_property_folders(variants) -> None:
    landing, _ = variants
    errors = [problem for problem in check_landing(landing) if problem.severity == ERROR]
    assert errors == []


def test_every_event_is_staged_or_quarantined_by_property(variants) -> None:
    landing, warehouse = variants
    events = landing / "ga4" / "events"
    expected = {
        (MAIN, f"events_{DAY_1}.parquet"): _raw_count(events / MAIN / f"events_{DAY_1}.parquet"),
        (MAIN, f"events_{DAY_2}.parquet"): _raw_count(events / MAIN / f"events_{DAY_2}.parquet"),
        (MAIN, f"events_intraday_{DAY_3}.parquet"): _raw_count(
            events / MAIN / f"events_intraday_{DAY_3}.parquet"
        ),
        (OLD, f"events_{DAY_1}.parquet"): _raw_count(events / OLD / f"events_{DAY_1}.parquet"),
    }
    staged = dict(
        ((row[0], row[1].split("/", 1)[1]), row[2])
        for row in warehouse.execute(
            "select ga4_property, source_file, count(*) from staging.stg_ga4__events group by all"
        ).fetchall()
    )
    assert staged == expected
    intraday = events / MAIN / f"events_intraday_{LATE_INTRADAY}.parquet"
    quarantined = warehouse.execute(
        "select source_file, reason_code, count(*) from staging.stg_quarantine__rows "
        "where source_name = 'ga4' group by all"
    ).fetchall()
    assert quarantined == [
        (f"{MAIN}/{intraday.name}", "superseded_by_daily_export", _raw_count(intraday))
    ]
    reconciliation = warehouse.execute(
        "select files, raw_rows, superseded_rows, is_reconciled "
        "from marts.mart_source_reconciliation where source_name = 'ga4'"
    ).fetchone()
    assert reconciliation == (
        5,
        sum(expected.values()) + _raw_count(intraday),
        _raw_count(intraday),
        True,
    )


def test_an_export_without_collected_traffic_source_takes_the_event_parameters(variants) -> None:
    landing, warehouse = variants
    raw = duckdb.sql(
        "select count(*) from read_parquet(?) "
        "where nullif(trim(list_extract(list_filter(event_params, p -> p.key = 'source'), 1)"
        ".value.string_value), '') is not null",
        params=[str(landing / "ga4" / "events" / OLD / f"events_{DAY_1}.parquet")],
    ).fetchone()[0]
    assert raw > 0
    staged = warehouse.execute(
        "select count(traffic_source) from staging.stg_ga4__events where ga4_property = ?", [OLD]
    ).fetchone()[0]
    assert staged == raw


def test_sessions_of_two_properties_stay_apart(variants) -> None:
    landing, warehouse = variants
    raw_sessions = duckdb.sql(
        "select count(distinct user_pseudo_id || '.' || list_extract(list_filter(event_params, "
        "p -> p.key = 'ga_session_id'), 1).value.int_value) from read_parquet(?)",
        params=[str(landing / "ga4" / "events" / OLD / f"events_{DAY_1}.parquet")],
    ).fetchone()[0]
    by_property = dict(
        warehouse.execute(
            "select ga4_property, count(*) from marts.fct_sessions "
            "where not is_consent_gap group by all"
        ).fetchall()
    )
    assert by_property[OLD] == raw_sessions
    assert by_property[MAIN] > raw_sessions
    keys = warehouse.execute(
        "select count(*) from marts.fct_sessions "
        "where not starts_with(session_key, ga4_property || '/')"
    ).fetchone()[0]
    assert keys == 0


def test_a_build_after_a_model_change_rebuilds_the_incremental_tables(
    variants, capsys: pytest.CaptureFixture[str]
) -> None:
    """A warehouse built by other model code (here: before ga4_property existed) is
    rebuilt whole, not failed half-way by an incremental table without the column."""
    landing, warehouse = variants
    db_path = Path(
        warehouse.execute("select path from duckdb_databases() where not internal").fetchone()[0]
    )
    with duckdb.connect(str(build_path(db_path))) as built:
        built.execute("alter table staging.base_ga4__events drop column ga4_property")
    stamp = models_stamp_path(db_path)
    stamp.write_text("models of an earlier version")
    build(landing, db_path)
    assert "full refresh" in capsys.readouterr().out
    assert stamp.read_text() == models_fingerprint()
    with duckdb.connect(str(db_path), read_only=True) as rebuilt:
        properties = rebuilt.execute(
            "select count(distinct ga4_property) from staging.base_ga4__events"
        ).fetchone()[0]
    assert properties == 2
