"""Run dbt on a landing folder into a DuckDB file, and publish it safely.

`build()` checks the landing folder first (growth_ledger.landing), then runs
`dbt build` exactly as a user would: dbt works on its own build file
`<db>.build` and, at the end of a run in which no node failed, publishes a
complete read-only copy onto `<db>` with one atomic `os.replace`
(growth_ledger.publish, the on-run-end hook in macros/publish.sql). A BI tool
reading the warehouse (DuckDB `read_only=True`) is never blocked and never sees
a half-built file; on failure the published warehouse stays as it was.
"""

import fcntl
import hashlib
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import duckdb
import yaml
from dbt.cli.main import dbtRunner

from growth_ledger import paths
from growth_ledger.environment import temporary_environment
from growth_ledger.landing import (
    check_landing,
    earlier_readings_in,
    format_problems,
    inventory,
)
from growth_ledger.late_files import late_files
from growth_ledger.publish import build_path


class BuildError(RuntimeError):
    """dbt did not finish cleanly, or the landing folder breaks the contract."""


@dataclass(frozen=True)
class BuildResult:
    db_path: Path
    failures: list[str]


@contextmanager
def project_environment(landing: Path, db_path: Path) -> Iterator[None]:
    """Point profiles.yml and the sources at this landing folder and database."""
    settings = {
        "GROWTH_LEDGER_LANDING": str(landing.resolve()),
        "GROWTH_LEDGER_DB": str(db_path.resolve()),
    }
    if paths.is_demo_landing(landing):
        # The demo data's own relative path, so its demo salt applies.
        settings["GROWTH_LEDGER_LANDING"] = "data/demo"
    with temporary_environment(settings):
        yield


def run_dbt(args: Sequence[str], landing: Path, db_path: Path) -> BuildResult:
    """Run one dbt command from the project folder; raise BuildError on failure."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    cwd, project = Path.cwd(), paths.project_dir()
    with project_environment(landing, db_path):
        os.chdir(project)
        try:
            result = dbtRunner().invoke(
                [*args, "--project-dir", str(project), "--profiles-dir", str(project)]
            )
        finally:
            os.chdir(cwd)
            _release_duckdb()
    failures = [
        f"{node.node.name}: {node.message}"
        # `dbt parse` returns a manifest, not node results.
        for node in getattr(result.result, "results", None) or []
        if getattr(node, "status", None) in {"error", "fail", "runtime error"}
    ]
    if not result.success:
        detail = "\n".join(failures) or str(result.exception)
        hint = _quarantine_hint(getattr(result.result, "results", None) or [], db_path)
        raise BuildError(f"dbt {' '.join(args)} failed:\n{detail}{hint}")
    return BuildResult(db_path=db_path, failures=failures)


def _quarantine_hint(results: Sequence[object], db_path: Path) -> str:
    """For failed tests on staging models: what staging quarantined of their sources.

    A key can leave staging because its rows were quarantined (two differing copies of
    a product in one snapshot are both refused), and a test downstream then fails; the
    quarantine says why, so the error points at it."""
    sources = set()
    for node in results:
        if getattr(node, "status", None) not in {"error", "fail"}:
            continue
        for parent in getattr(getattr(node.node, "depends_on", None), "nodes", []):
            name = parent.rsplit(".", 1)[-1]
            if name.startswith("stg_") and "__" in name:
                sources.add(name.removeprefix("stg_").split("__", 1)[0])
    database = build_path(db_path) if build_path(db_path).exists() else db_path
    if not sources or not database.exists():
        return ""
    try:
        connection = duckdb.connect(str(database), read_only=True)
    except duckdb.Error:
        return ""
    try:
        rows = connection.execute(
            "select source_name, entity, reason_code, count(*), max(source_file)"
            " from staging.stg_quarantine__rows"
            " where list_contains(?, source_name) and reason_code != 'superseded_by_later_extract'"
            " group by all order by all",
            [sorted(sources)],
        ).fetchall()
    except duckdb.Error:
        return ""
    finally:
        connection.close()
    if not rows:
        return ""
    lines = [
        f"  - {source}/{entity}: {count} row(s) {code} (latest file {latest})"
        for source, entity, code, count, latest in rows
    ]
    return (
        "\nRows of these sources were quarantined (staging.stg_quarantine__rows), which can "
        "leave keys out of staging and fail the tests above:\n" + "\n".join(lines)
    )


def _release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open between invocations in this process.

    Otherwise the process keeps the write lock of the file it built, and once that file is
    published, BI readers get "Could not set lock on file" until the process exits.
    """
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        if environment is not None:
            with suppress(Exception):
                environment.close()
            DuckDBConnectionManager._ENV = None


def preflight(landing: Path, published: Path | None = None) -> None:
    """Check the landing folder; print warnings, raise BuildError listing every error.

    The file readings kept in the published warehouse are reused for unchanged files."""
    earlier = earlier_readings_in(published) if published else None
    problems = check_landing(landing, inventory(landing, earlier) if landing.is_dir() else None)
    errors = [problem for problem in problems if problem.is_error]
    warnings = [problem for problem in problems if not problem.is_error and not problem.is_info]
    absent = [problem for problem in problems if problem.is_info]
    if warnings or absent:
        from rich.console import Console

        console = Console(stderr=True, highlight=False)
        if absent:
            console.print(
                f"landing pre-flight: {len(absent)} absent source(s)\n" + format_problems(absent),
                markup=False,
                soft_wrap=True,
            )
        if warnings:
            console.print(
                f"[yellow]landing pre-flight: {len(warnings)} warning(s)[/]\n"
                + format_problems(warnings),
                markup=True,
                soft_wrap=True,
            )
    if errors:
        raise BuildError(
            f"landing folder {landing} breaks the contract (docs/landing_contract.md); "
            f"{len(errors)} problem(s), nothing was built:\n{format_problems(errors)}"
        )


# A daily run's data tests on these tables read only the rows of extracts loaded since
# this time (a test's `where`, models/staging/ga4/_ga4__models.yml); unset: every row.
TESTS_EXTRACTED_SINCE = "GROWTH_LEDGER_TESTS_EXTRACTED_SINCE"
DAILY_SCOPED_TABLES = ("base_ga4__events",)


def build(
    landing: Path, db_path: Path, extra_args: Sequence[str] = (), *, all_tests: bool = False
) -> BuildResult:
    """`dbt build` (seeds, models, tests) of the landing folder, published atomically to db_path.

    An incremental run scopes the big data tests of DAILY_SCOPED_TABLES to the rows of
    the extracts it can have loaded; all_tests (or a full refresh, or a first build) runs
    every test on every row.
    """
    if not landing.is_dir():
        raise BuildError(f"landing folder {landing} does not exist")
    target = db_path.resolve()
    preflight(landing, None if "--full-refresh" in extra_args else target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(target):
        return _build_and_publish(landing, target, extra_args, db_path, all_tests=all_tests)


@contextmanager
def _exclusive(target: Path) -> Iterator[None]:
    """One build per target at a time (a second one would find the build file locked)."""
    lock_path = target.with_name(f".{target.name}.lock")
    with lock_path.open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise BuildError(f"another build of {target} is running") from error
        try:
            yield
        finally:
            with suppress(FileNotFoundError):
                lock_path.unlink()
            fcntl.flock(lock, fcntl.LOCK_UN)


def _build_and_publish(
    landing: Path, target: Path, extra_args: Sequence[str], db_path: Path, *, all_tests: bool
) -> BuildResult:
    # The same path as plain `dbt build`: the profile's build file and publish hook.
    args = ["build", *extra_args]
    stamp = models_stamp_path(target)
    fingerprint = models_fingerprint()
    if (
        "--full-refresh" not in args
        and build_path(target).exists()
        and (not stamp.exists() or stamp.read_text() != fingerprint)
    ):
        # Incremental tables written by other model code may lack columns the
        # new code reads: rebuild them whole rather than fail half-way.
        print(f"models changed since the last build of {db_path}: full refresh", flush=True)
        args.append("--full-refresh")
    since = None if all_tests or "--full-refresh" in args else daily_tests_since(target, landing)
    with temporary_environment({TESTS_EXTRACTED_SINCE: since or ""}):
        result = run_dbt(args, landing, target)
    stamp.write_text(fingerprint)
    return BuildResult(db_path=db_path, failures=result.failures)


def models_stamp_path(published: Path) -> Path:
    """Beside the build file: the models fingerprint of the last successful build."""
    return build_path(published).with_name(f"{build_path(published).name}.models")


def models_fingerprint() -> str:
    """A hash of the code that shapes the incremental tables: models, macros, the contract."""
    project = paths.project_dir()
    digest = hashlib.sha256()
    for folder in ("models", "macros", "contract"):
        for path in sorted((project / folder).rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(project)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def daily_tests_since(published: Path, landing: Path | None = None) -> str | None:
    """The earliest extract time an incremental run of this warehouse can load into each
    of DAILY_SCOPED_TABLES: the latest extract already loaded, minus
    restatement_lookback_days, or the extract time of an older file of the landing not
    loaded yet (a re-run of an old export, a backfill: the run loads it too). None when
    there is no warehouse yet or a table is missing or empty (a first build tests every
    row)."""
    database = build_path(published) if build_path(published).exists() else published
    if not database.exists():
        return None
    try:
        connection = duckdb.connect(str(database), read_only=True)
    except duckdb.Error:
        return None
    try:
        latest = [
            connection.execute(f"select max(extracted_at) from staging.{table}").fetchone()[0]
            for table in DAILY_SCOPED_TABLES
        ]
    except duckdb.Error:
        return None
    finally:
        connection.close()
    if any(value is None for value in latest):
        return None
    since = min(latest) - timedelta(days=restatement_lookback_days())
    late = (
        {}
        if landing is None
        else late_files(landing, database, restatement_lookback_days(), DAILY_SCOPED_TABLES)
    )
    if late:
        shown = ", ".join(list(late)[:3]) + (f" and {len(late) - 3} more" if len(late) > 3 else "")
        print(f"{len(late)} older extract file(s) not loaded yet, tested too: {shown}", flush=True)
        since = min(since, *late.values())
    return since.isoformat(sep=" ")


def restatement_lookback_days() -> int:
    """How far before the newest loaded extract an incremental run looks for new files."""
    project = yaml.safe_load((paths.project_dir() / "dbt_project.yml").read_text())
    return int(project["vars"]["restatement_lookback_days"])
