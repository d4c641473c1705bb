"""Extract files not loaded yet whose extract time is older than the newest loaded one
minus restatement_lookback_days: a re-run of an old export, a backfill. The next
incremental run loads them (macros/incremental.sql `new_extract_files` reads every file
not loaded yet); the daily data tests, scoped to recent extract times, must reach back to
them too (growth_ledger.build.daily_tests_since)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from growth_ledger.landing import CONTRACTS, count_raw_rows, file_name_pattern, loaded_by_glob

# Incremental base models, and the landing entity each reads.
INCREMENTAL_BASES: dict[str, tuple[str, str]] = {
    "base_ga4__events": ("ga4", "events"),
    "base_google_ads__ad_stats": ("google_ads", "ad_stats"),
    "base_meta_ads__ads_insights": ("meta_ads", "ads_insights"),
    "base_shop__orders": ("shop", "orders"),
    "base_email__events": ("email", "events"),
}


def _loaded(connection: duckdb.DuckDBPyConnection, table: str) -> tuple[datetime | None, set[str]]:
    """The newest extract time and the files (source_file) an incremental base holds."""
    try:
        (newest,) = connection.execute(f"select max(extracted_at) from staging.{table}").fetchone()
        files = connection.execute(f"select distinct source_file from staging.{table}").fetchall()
    except duckdb.Error:  # not built yet: the run loads everything
        return None, set()
    return newest, {name for (name,) in files}


def late_files(
    landing: Path, database: Path, lookback_days: int, tables: Iterable[str] = INCREMENTAL_BASES
) -> dict[str, datetime]:
    """Late landing files of these base tables: relative path -> extract time."""
    if not database.exists():
        return {}
    contracts = {(entity.source, entity.entity): entity for entity in CONTRACTS}
    connection = duckdb.connect(str(database), read_only=True)
    try:
        holdings = {table: _loaded(connection, table) for table in tables}
    finally:
        connection.close()
    late = {}
    for table, (newest, loaded) in holdings.items():
        source, entity_name = INCREMENTAL_BASES[table]
        folder = landing / source / entity_name
        if newest is None or not folder.is_dir():
            continue
        entity = contracts[(source, entity_name)]
        pattern = file_name_pattern(entity)
        cutoff = newest - timedelta(days=lookback_days)
        for path in sorted(folder.rglob("*")):
            match = pattern.match(path.name)
            if not (path.is_file() and match and loaded_by_glob(entity, path.name)):
                continue
            source_file = path.relative_to(folder).as_posix()
            try:
                extracted = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S")
            except ValueError:  # the pre-flight refuses it by name
                continue
            # A file without rows (an empty export) is never in the table: not late.
            if source_file not in loaded and extracted < cutoff and count_raw_rows(path, entity):
                late[path.relative_to(landing).as_posix()] = extracted
    return late
