"""Extract files older than the daily test scope and not loaded yet (a re-run of an old
export, a backfill): late_files finds exactly those, and a daily growth-ledger build
tests their rows too (the incremental run loads them: test_incremental)."""

from pathlib import Path

import duckdb

from growth_ledger.build import daily_tests_since
from growth_ledger.late_files import late_files

HEADER = "segments.date,customer.id,campaign.id,ad_group_ad.ad.id,metrics.cost_micros\n"
ROW = "2026-10-01,1,2,3,1000000\n"


def _warehouse(path: Path, table: str, loaded: list[tuple[str, str]]) -> Path:
    connection = duckdb.connect(str(path))
    connection.execute("create schema if not exists staging")
    connection.execute(
        f"create table staging.{table} (extracted_at timestamp, source_file varchar)"
    )
    connection.executemany(f"insert into staging.{table} values (?, ?)", loaded)
    connection.close()
    return path


def test_only_unloaded_files_older_than_the_lookback_are_late(tmp_path: Path) -> None:
    folder = tmp_path / "landing" / "google_ads" / "ad_stats"
    (folder / "account_b").mkdir(parents=True)
    files = {
        "ad_stats_20261030T060000Z.csv": HEADER + ROW,  # loaded
        "ad_stats_20261029T060000Z.csv": HEADER + ROW,  # new, inside the window
        "ad_stats_20261020T060000Z.csv": HEADER + ROW,  # new, older than the window: late
        "ad_stats_20261019T060000Z.csv": HEADER,  # no rows: never in the table, not late
        "account_b/ad_stats_20261018T060000Z.csv": HEADER + ROW,  # late, in a sub-folder
        "account_b/ad_stats_20261030T060000Z.csv": HEADER + ROW,  # loaded under its sub-folder
    }
    for name, text in files.items():
        (folder / name).write_text(text)
    database = _warehouse(
        tmp_path / "warehouse.duckdb",
        "base_google_ads__ad_stats",
        [
            ("2026-10-30 06:00:00", "ad_stats_20261030T060000Z.csv"),
            ("2026-10-30 06:00:00", "account_b/ad_stats_20261030T060000Z.csv"),
        ],
    )
    assert list(late_files(tmp_path / "landing", database, lookback_days=3)) == [
        "google_ads/ad_stats/account_b/ad_stats_20261018T060000Z.csv",
        "google_ads/ad_stats/ad_stats_20261020T060000Z.csv",
    ]
    # A longer lookback takes the 20th in the window; the 18th is still outside.
    assert list(late_files(tmp_path / "landing", database, lookback_days=11)) == [
        "google_ads/ad_stats/account_b/ad_stats_20261018T060000Z.csv",
    ]


def test_no_warehouse_or_table_means_nothing_late(tmp_path: Path) -> None:
    folder = tmp_path / "landing" / "google_ads" / "ad_stats"
    folder.mkdir(parents=True)
    (folder / "ad_stats_20261020T060000Z.csv").write_text(HEADER + ROW)
    assert late_files(tmp_path / "landing", tmp_path / "missing.duckdb", 3) == {}
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert late_files(tmp_path / "landing", empty, 3) == {}


def test_daily_tests_reach_back_to_a_late_ga4_file(tmp_path: Path) -> None:
    """The GA4 event tests of a daily run read the rows extracted since the newest loaded
    extract minus the lookback, or since the oldest late file when there is one."""
    events = tmp_path / "landing" / "ga4" / "events"
    events.mkdir(parents=True)
    for stamp in ("20261030T060000Z", "20261001T060000Z"):
        duckdb.execute(
            f"copy (select 'page_view' as event_name) to '{events}/events_{stamp}.parquet'"
        )
    database = _warehouse(
        tmp_path / "warehouse.duckdb",
        "base_ga4__events",
        [("2026-10-30 06:00:00", "events_20261030T060000Z.parquet")],
    )
    assert daily_tests_since(database) == "2026-10-27 06:00:00"
    assert daily_tests_since(database, tmp_path / "landing") == "2026-10-01 06:00:00"
