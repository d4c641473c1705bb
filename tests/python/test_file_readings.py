"""The inventory reads a landing file once per version: an unchanged file's earlier
reading is reused, a changed file is read again, another scanner's reading is not used."""

import os
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb

from growth_ledger.landing import (
    LOADED,
    earlier_readings,
    files_frame,
    inventory,
    scanner_version,
)


def _landing(tmp_path: Path, demo_landing: Path) -> Path:
    landing = tmp_path / "landing"
    for entity in ("finance/budgets", "finance/targets"):
        shutil.copytree(demo_landing / entity, landing / entity)
    return landing


def test_readings_survive_the_table_round_trip(tmp_path: Path, demo_landing: Path):
    landing = _landing(tmp_path, demo_landing)
    (landing / "finance" / "budgets" / "notes.txt").write_text("not an export\n")
    files = inventory(landing)
    version = scanner_version()
    readings = earlier_readings(files_frame(files, version), version)
    assert sorted(readings.values(), key=lambda file: file.path) == files
    # Through a DuckDB table, as stg_landing__file_scans keeps them.
    with duckdb.connect() as con:
        con.register("frame", files_frame(files, version))
        kept = con.execute("create table scans as select * from frame; from scans").df()
    assert sorted(earlier_readings(kept, version).values(), key=lambda file: file.path) == files
    assert earlier_readings(kept.drop(columns="inode"), version) == {}
    assert {file.status for file in files} == {LOADED, "refused"}
    assert earlier_readings(files_frame(files, version), "another scanner") == {}


def test_an_unchanged_file_is_not_read_again_and_a_changed_one_is(
    tmp_path: Path, demo_landing: Path
):
    landing = _landing(tmp_path, demo_landing)
    files = inventory(landing)
    # Earlier readings with a wrong count: reused only while the file is unchanged.
    planted = {file.version: replace(file, raw_rows=-1) for file in files}
    assert {file.raw_rows for file in inventory(landing, planted)} == {-1}

    budgets = next(file for file in files if file.entity == "budgets")
    path = landing / budgets.path
    last_line = path.read_text().splitlines()[-1]
    with path.open("a") as handle:
        handle.write(last_line.replace("2026", "2027", 1) + "\n")
    again = {file.path: file for file in inventory(landing, planted)}
    assert again[budgets.path].raw_rows == budgets.raw_rows + 1
    assert again[budgets.path].size > budgets.size
    assert {file.raw_rows for path, file in again.items() if path != budgets.path} == {-1}


def test_a_rewrite_that_keeps_size_and_modification_time_is_read_again(
    tmp_path: Path, demo_landing: Path
):
    """cp -p, rsync -a or touch -r restore the modification time; the version still
    changes (status-change time), so the earlier reading is not reused."""
    landing = _landing(tmp_path, demo_landing)
    files = inventory(landing)
    planted = {file.version: replace(file, raw_rows=-1) for file in files}
    budgets = next(file for file in files if file.entity == "budgets")
    path = landing / budgets.path
    before = path.stat()
    text = path.read_text()
    path.write_text(text[:-2] + ("7" if text[-2] != "7" else "8") + text[-1])
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    again = {file.path: file for file in inventory(landing, planted)}
    assert again[budgets.path].raw_rows == budgets.raw_rows
