"""Publish the warehouse for BI readers: dbt builds its own file, readers get snapshots.

dbt (plain `dbt build`, `growth-ledger build`, any `dbt run -s ...`) always opens
the build database `<db>.build` read-write (profiles.yml). At the end of a run in
which no node failed, the on-run-end hook `publish_warehouse` (macros/publish.sql)
checkpoints it and calls `growth_ledger_publish()`, a DuckDB function this
dbt-duckdb plugin registers: it copies the build file to a temporary file in the
published file's folder and moves it onto `<db>` (GROWTH_LEDGER_DB, the file BI
tools open) with one atomic `os.replace`. A reader holding the old file open
keeps its consistent snapshot; a new connection opens the new, complete file;
readers never wait for a lock the build holds.

The published file is read-only (mode 0444): a client opening it read-write is
refused ("Permission denied") instead of writing into a file the next publish
replaces. Writes belong in a scratch database that attaches the warehouse
read-only. (The superuser ignores file modes; run BI tools as an ordinary user.)

The first run without a build file (or after someone put a newer file at `<db>`,
e.g. a warehouse from an older version or a restored backup) starts from a copy
of the published file, so incremental models continue from what readers see.
"""

import os
import shutil
from contextlib import suppress
from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

PUBLISHED_MODE = 0o444
FUNCTION_NAME = "growth_ledger_publish"


class PublishError(RuntimeError):
    """The build database could not be published."""


def build_path(published: Path) -> Path:
    """The build database dbt works on for a published file (same stem: same catalog name)."""
    return published.with_name(published.name + ".build")


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _copy_atomically(source: Path, destination: Path, mode: int) -> None:
    """Copy source onto destination: a temporary file in its folder, then os.replace."""
    temporary = destination.with_name(f".{destination.name}.{os.getpid()}.partial")
    try:
        shutil.copyfile(source, temporary)
        with temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        stat = source.stat()
        # Same modification time as the source: prepare_build tells "newer" files apart.
        os.utime(temporary, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        os.chmod(temporary, mode)
        os.replace(temporary, destination)
    except BaseException:
        with suppress(FileNotFoundError):
            temporary.unlink()
        raise
    directory = os.open(destination.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def prepare_build(build: Path, published: Path) -> None:
    """Start the build file from the published one when there is none, or it is older."""
    if not published.exists():
        return
    if build.exists() and build.stat().st_mtime_ns >= published.stat().st_mtime_ns:
        return
    build.parent.mkdir(parents=True, exist_ok=True)
    # A log the build file has no data for would be replayed onto it.
    with suppress(FileNotFoundError):
        _wal(build).unlink()
    # A warehouse published by an older version may have its log beside it.
    if _wal(published).exists():
        shutil.copyfile(_wal(published), _wal(build))
    _copy_atomically(published, build, 0o644)


def publish(build: Path, published: Path) -> Path:
    """Copy the checkpointed build file onto the published file, atomically and read-only."""
    wal = _wal(build)
    if wal.exists() and wal.stat().st_size > 0:
        # Data still in the log is not in the file: the copy would lack it.
        raise PublishError(f"{build} has an unfolded write-ahead log; CHECKPOINT it first")
    published.parent.mkdir(parents=True, exist_ok=True)
    # A log left by the old published file would be replayed onto the new one.
    with suppress(FileNotFoundError):
        _wal(published).unlink()
    _copy_atomically(build, published, PUBLISHED_MODE)
    return published


class Plugin(BasePlugin):
    """dbt-duckdb plugin: prepares the build file, registers growth_ledger_publish()."""

    def initialize(self, plugin_config: dict[str, Any]) -> None:
        published = plugin_config.get("published_path")
        if not published:
            raise PublishError("growth_ledger.publish needs published_path in profiles.yml")
        self.published = Path(str(published)).resolve()
        if self.creds is None or not self.creds.path:
            raise PublishError("growth_ledger.publish needs a DuckDB file path")
        self.build = Path(self.creds.path).resolve()
        if self.build == self.published:
            raise PublishError(f"the build database must not be the published file {published}")
        # Runs before dbt-duckdb opens the build file.
        prepare_build(self.build, self.published)

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        def publish_now() -> str:
            return str(publish(self.build, self.published))

        conn.create_function(FUNCTION_NAME, publish_now, [], "VARCHAR", side_effects=True)
