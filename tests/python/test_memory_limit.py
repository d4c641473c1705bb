"""The memory limit holds: the heaviest models (GA4 events parsed, then sessionised)
built with a DuckDB memory limit far below what they hold spill to the temp
directory instead of failing, and give the same rows as the normal build."""

import shutil
import threading
from pathlib import Path

import duckdb
import pytest

from growth_ledger.build import run_dbt
from growth_ledger.paths import DEMO_LANDING

MODELS = ["base_ga4__events", "int_sessions_from_events"]
MEMORY_LIMIT = "256MB"


def _fingerprint(db_path: Path) -> dict[str, tuple]:
    connection = duckdb.connect(str(db_path), read_only=True)
    try:
        return {
            "events": connection.execute(
                "select count(*), count(distinct source_row_number || source_file),"
                " count(quarantine_reason), sum(engagement_time_msec),"
                " round(sum(purchase_revenue), 2)"
                " from staging.base_ga4__events"
            ).fetchone(),
            "sessions": connection.execute(
                "select count(*), count(distinct session_key), sum(events), sum(page_views),"
                " round(sum(purchase_revenue_eur), 2)"
                " from intermediate.int_sessions_from_events"
            ).fetchone(),
        }
    finally:
        connection.close()


def _largest_folder_bytes(folder: Path, stop: threading.Event, seen: list[int]) -> None:
    while not stop.is_set():
        try:
            if folder.is_dir():
                seen.append(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()))
        except FileNotFoundError:  # DuckDB removed a spill file (or the folder) mid-scan
            pass
        stop.wait(0.05)


def test_models_spill_instead_of_failing_under_a_small_memory_limit(
    demo_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path = tmp_path / "growth_ledger.duckdb"
    shutil.copy2(demo_warehouse, db_path)
    expected = _fingerprint(db_path)
    spill = tmp_path / "spill"
    monkeypatch.setenv("GROWTH_LEDGER_MEMORY_LIMIT", MEMORY_LIMIT)
    monkeypatch.setenv("GROWTH_LEDGER_TEMP_DIR", str(spill))
    monkeypatch.setenv("GROWTH_LEDGER_THREADS", "2")

    stop, seen = threading.Event(), []
    watcher = threading.Thread(target=_largest_folder_bytes, args=(spill, stop, seen))
    watcher.start()
    try:
        run_dbt(["run", "--full-refresh", "--select", *MODELS], DEMO_LANDING, db_path)
    finally:
        stop.set()
        watcher.join()

    # Something spilled: the limit was binding, and DuckDB went to disk instead of failing.
    assert max(seen, default=0) > 0, "nothing was spilled to the temp directory"
    assert _fingerprint(db_path) == expected
