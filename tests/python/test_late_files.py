"""growth-ledger build full-refreshes when an extract file landed too late for the
incremental file filter: late_files finds exactly those files."""

from pathlib import Path

import duckdb

from growth_ledger.late_files import late_files

HEADER = "segments.date,customer.id,campaign.id,ad_group_ad.ad.id,metrics.cost_micros\n"
ROW = "2026-10-01,1,2,3,1000000\n"


def _warehouse(path: Path, loaded: list[tuple[str, str]]) -> Path:
    connection = duckdb.connect(str(path))
    connection.execute("create schema staging")
    connection.execute(
        "create table staging.base_google_ads__ad_stats"
        " (extracted_at timestamp, source_file varchar)"
    )
    connection.executemany("insert into staging.base_google_ads__ad_stats values (?, ?)", loaded)
    connection.close()
    return path


def test_only_unloaded_files_older_than_the_lookback_are_late(tmp_path: Path) -> None:
    folder = tmp_path / "landing" / "google_ads" / "ad_stats"
    (folder / "account_b").mkdir(parents=True)
    files = {
        "ad_stats_20261030T060000Z.csv": HEADER + ROW,  # loaded
        "ad_stats_20261029T060000Z.csv": HEADER + ROW,  # new, inside the window: loaded next run
        "ad_stats_20261020T060000Z.csv": HEADER + ROW,  # new, older than the window: late
        "ad_stats_20261019T060000Z.csv": HEADER,  # no rows: never in the table, not late
        "account_b/ad_stats_20261018T060000Z.csv": HEADER + ROW,  # late, in a sub-folder
        "account_b/ad_stats_20261030T060000Z.csv": HEADER + ROW,  # loaded under its sub-folder
    }
    for name, text in files.items():
        (folder / name).write_text(text)
    database = _warehouse(
        tmp_path / "warehouse.duckdb",
        [
            ("2026-10-30 06:00:00", "ad_stats_20261030T060000Z.csv"),
            ("2026-10-30 06:00:00", "account_b/ad_stats_20261030T060000Z.csv"),
        ],
    )
    assert late_files(tmp_path / "landing", database, lookback_days=3) == [
        "google_ads/ad_stats/account_b/ad_stats_20261018T060000Z.csv",
        "google_ads/ad_stats/ad_stats_20261020T060000Z.csv",
    ]
    # A longer lookback takes the 20th in the window; the 18th is still outside.
    assert late_files(tmp_path / "landing", database, lookback_days=11) == [
        "google_ads/ad_stats/account_b/ad_stats_20261018T060000Z.csv",
    ]


def test_no_warehouse_or_table_means_nothing_late(tmp_path: Path) -> None:
    folder = tmp_path / "landing" / "google_ads" / "ad_stats"
    folder.mkdir(parents=True)
    (folder / "ad_stats_20261020T060000Z.csv").write_text(HEADER + ROW)
    assert late_files(tmp_path / "landing", tmp_path / "missing.duckdb", 3) == []
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert late_files(tmp_path / "landing", empty, 3) == []
