"""Safe publishing: a BI reader polling the warehouse during `growth-ledger build`,
plain `dbt build` and `mf query` never errors and always sees a complete,
reconciled warehouse; a failed build leaves the old warehouse as it was; a
client writing into the published file is refused."""

import ctypes
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from growth_ledger.build import BuildError, build, models_stamp_path
from growth_ledger.environment import temporary_environment
from growth_ledger.generate import generate
from growth_ledger.paths import PROJECT_DIR
from growth_ledger.publish import PUBLISHED_MODE, build_path, prepare_build, publish

SELECT = ["--select", "staging", "marts.data_quality", "--indirect-selection", "cautious"]

READER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    import duckdb

    db, stop, log = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    with log.open("w") as out:
        while not stop.exists():
            started = time.time()
            try:
                con = duckdb.connect(str(db), read_only=True)
                try:
                    entities, unreconciled, empty, raw_rows = con.execute(
                        "select count(*), count(*) filter (where not is_reconciled), "
                        "count(*) filter (where raw_rows = 0), sum(raw_rows) "
                        "from marts.mart_source_reconciliation"
                    ).fetchone()
                    staged, accepted = con.execute(
                        "select (select sum(spend_eur) from staging.stg_google_ads__ad_stats), "
                        "(select sum(base.cost_micros / 1000000.0 / fx.units_per_eur) "
                        " from staging.base_google_ads__ad_stats as base"
                        " inner join staging.stg_fx__rates_daily as fx"
                        " on base.ad_date = fx.rate_date and base.currency = fx.currency"
                        " where base.quarantine_reason is null)"
                    ).fetchone()
                finally:
                    con.close()
                record = {"ok": True, "entities": entities, "unreconciled": unreconciled,
                          "empty": empty, "raw_rows": int(raw_rows),
                          "spend_gap": abs(staged - accepted)}
            except Exception as error:
                record = {"ok": False, "error": f"{type(error).__name__}: {error}"}
            record["seconds"] = round(time.time() - started, 3)
            out.write(json.dumps(record) + "\\n")
            out.flush()
            time.sleep(0.05)
    """
)


@pytest.fixture(scope="module", autouse=True)
def pii_salt():
    with temporary_environment({"GROWTH_LEDGER_PII_SALT": "publish-test-salt"}):
        yield


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("publish")
    landing = folder / "landing"
    generate(landing, scale=0.05, seed=5, show_progress=False)
    db_path = folder / "warehouse" / "growth_ledger.duckdb"
    build(landing, db_path, SELECT)
    return landing, db_path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _leftovers(db_path: Path) -> list[str]:
    """Files beside the published one, other than dbt's build file (kept for the next run)."""
    keep = {db_path.name, build_path(db_path).name, models_stamp_path(db_path).name}
    return sorted(p.name for p in db_path.parent.iterdir() if p.name not in keep)


def test_reader_never_sees_a_partial_warehouse(published, tmp_path: Path):
    landing, db_path = published
    # The next build has more rows: a later Google Ads extract restating a day.
    google = sorted((landing / "google_ads" / "ad_stats").glob("*.csv"))[-1]
    extra = google.with_name(
        google.name.replace("T063000Z", "T183000Z").replace("T060000Z", "T183000Z")
    )
    shutil.copy(google, extra)

    stop, log = tmp_path / "stop", tmp_path / "reads.jsonl"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db_path), str(stop), str(log)])
    try:
        time.sleep(1.5)
        build(landing, db_path, SELECT)
        time.sleep(1.5)
    finally:
        stop.touch()
        reader.wait(timeout=60)
    extra.unlink()

    reads = [json.loads(line) for line in log.read_text().splitlines()]
    errors = [read for read in reads if not read["ok"]]
    assert errors == []
    assert len(reads) >= 20
    assert all(read["entities"] == 18 for read in reads)
    assert all(read["unreconciled"] == 0 for read in reads)
    assert all(read["empty"] == 0 for read in reads)
    assert all(read["spend_gap"] < 0.01 for read in reads)
    # The reader saw the old warehouse, then the new one, and nothing in between.
    seen = list(dict.fromkeys(read["raw_rows"] for read in reads))
    assert len(seen) == 2 and seen[1] > seen[0], seen
    # Readers are never blocked for long by the build.
    assert max(read["seconds"] for read in reads) < 5
    assert _leftovers(db_path) == []
    assert stat.S_IMODE(db_path.stat().st_mode) == PUBLISHED_MODE


def test_failed_build_keeps_the_old_warehouse(published):
    landing, db_path = published
    before = _digest(db_path)
    with pytest.raises(BuildError):
        # A compile error in the middle of dbt (reporting currency other than EUR).
        build(landing, db_path, [*SELECT, "--vars", "{reporting_currency: USD}"])
    assert _digest(db_path) == before
    assert _leftovers(db_path) == []


# Marts rebuilt by the plain `dbt build` test (tables, cheap, full refresh).
MARTS = ["dim_date", "dim_channel", "fct_targets"]

# A BI tool, in its own process: a new read-only connection per read ("fresh"), or
# one connection held open all along ("held"; a process shares one DuckDB instance
# per file, so the two are separate processes). Each read counts several marts.
COUNTING_READER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    import duckdb

    db, stop, log = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    tables, mode = sys.argv[4].split(","), sys.argv[5]
    sql = "select " + ", ".join(f"(select count(*) from marts.{t})" for t in tables)
    held = duckdb.connect(str(db), read_only=True) if mode == "held" else None
    with log.open("w") as out:
        while not stop.exists():
            started = time.time()
            try:
                con = held or duckdb.connect(str(db), read_only=True)
                try:
                    record = {"ok": True, "counts": list(con.execute(sql).fetchone())}
                finally:
                    if held is None:
                        con.close()
            except Exception as error:
                record = {"ok": False, "error": f"{type(error).__name__}: {error}"}
            record["seconds"] = round(time.time() - started, 3)
            out.write(json.dumps(record) + "\\n")
            out.flush()
            time.sleep(0.05)
    """
)


def _counts(db_path: Path, tables: list[str]) -> list[int]:
    import duckdb

    with duckdb.connect(str(db_path), read_only=True) as connection:
        return [connection.execute(f"select count(*) from marts.{t}").fetchone()[0] for t in tables]


def _environment(db_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "GROWTH_LEDGER_DB": str(db_path),
        "GROWTH_LEDGER_THREADS": os.environ.get("GROWTH_LEDGER_THREADS", "1"),
    }


def _while_reading(
    db_path: Path, folder: Path, command: list[str]
) -> tuple[dict[str, list[dict]], str]:
    """Run a documented command from the project folder while readers poll db_path."""
    stop = folder / "stop"
    logs = {mode: folder / f"{mode}.jsonl" for mode in ("fresh", "held")}
    tables = ",".join(MARTS)
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", COUNTING_READER, *map(str, (db_path, stop, log, tables)), mode]
        )
        for mode, log in logs.items()
    ]
    try:
        time.sleep(1.5)
        finished = subprocess.run(
            command,
            cwd=PROJECT_DIR,
            env=_environment(db_path),
            capture_output=True,
            text=True,
            timeout=1200,
        )
        time.sleep(1.5)
    finally:
        stop.touch()
        for reader in readers:
            reader.wait(timeout=60)
    output = finished.stdout[-4000:] + finished.stderr[-4000:]
    assert finished.returncode == 0, output
    reads = {
        mode: [json.loads(line) for line in log.read_text().splitlines()]
        for mode, log in logs.items()
    }
    for mode, mode_reads in reads.items():
        assert [read for read in mode_reads if not read["ok"]] == [], mode
        assert len(mode_reads) >= 20, mode
        # Readers are never blocked for long by the command.
        assert max(read["seconds"] for read in mode_reads) < 5, mode
    return reads, output


def test_reader_during_plain_dbt_build(demo_warehouse: Path, tmp_path: Path):
    import duckdb

    folder = tmp_path / "warehouse"
    folder.mkdir()
    db_path = folder / "growth_ledger.duckdb"
    shutil.copyfile(demo_warehouse, db_path)  # not copy2: the published file is read-only
    new = _counts(demo_warehouse, MARTS)
    # An older warehouse, as a version before publishing left it (no build file yet):
    # fewer rows, so the reader can tell the old warehouse from the new one.
    with duckdb.connect(str(db_path)) as connection:
        for table in MARTS:
            connection.execute(f"delete from marts.{table} where rowid % 3 = 0")
    old = _counts(db_path, MARTS)
    assert all(o < n for o, n in zip(old, new, strict=True)), (old, new)

    dbt = str(Path(sys.executable).parent / "dbt")
    reads, output = _while_reading(
        db_path, tmp_path, [dbt, "build", "--full-refresh", "--select", *MARTS]
    )
    assert "Published the warehouse" in output
    # Every read saw one whole warehouse: the old one, then the new one, never a mix.
    seen = list(dict.fromkeys(tuple(read["counts"]) for read in reads["fresh"]))
    assert seen == [tuple(old), tuple(new)], seen
    # The connection held open all along kept its consistent snapshot.
    assert all(read["counts"] == old for read in reads["held"])
    assert _counts(db_path, MARTS) == new
    assert stat.S_IMODE(db_path.stat().st_mode) == PUBLISHED_MODE
    # The next run continues from dbt's own build file, not from the published copy.
    assert build_path(db_path).exists()
    assert _counts(build_path(db_path), MARTS) == new


def test_reader_during_mf_query(demo_warehouse: Path, tmp_path: Path):
    import duckdb

    folder = tmp_path / "warehouse"
    folder.mkdir()
    db_path = folder / "growth_ledger.duckdb"
    building = build_path(db_path)
    shutil.copyfile(demo_warehouse, building)
    publish(building, db_path)
    before = _digest(db_path)
    # A dbt run in progress holds the write lock of its build file: mf must not need it.
    dbt_running = duckdb.connect(str(building))
    try:
        mf = str(Path(sys.executable).parent / "mf")
        reads, output = _while_reading(
            db_path,
            tmp_path,
            [
                mf,
                "query",
                "--metrics",
                "net_revenue,marketing_spend",
                "--group-by",
                "metric_time__year",
            ],
        )
    finally:
        dbt_running.close()
    assert "net_revenue" in output
    expected = _counts(demo_warehouse, MARTS)
    assert all(read["counts"] == expected for mode in reads.values() for read in mode)
    # mf read the published file without writing to it.
    assert _digest(db_path) == before
    assert _leftovers(db_path) == []


WRITER = textwrap.dedent(
    """
    import sys
    import duckdb

    try:
        con = duckdb.connect(sys.argv[1])
        con.execute("create table marts.my_notes as select 1 as note")
        con.close()
        print("WROTE")
    except Exception as error:
        print(f"REFUSED {type(error).__name__}: {error}")
    """
)

SCRATCH = textwrap.dedent(
    """
    import sys
    import duckdb

    con = duckdb.connect(sys.argv[2])
    con.execute(f"attach '{sys.argv[1]}' as growth_ledger (read_only)")
    con.execute(
        "create table my_notes as "
        "select count(*) as n from growth_ledger.marts.mart_source_reconciliation"
    )
    print(con.execute("select n from my_notes").fetchone()[0])
    con.close()
    """
)


def _as_ordinary_user() -> None:
    """In the child, before exec: drop the superuser's permission to ignore file modes.

    Root (as in CI containers) bypasses file modes; BI tools run as ordinary users.
    Dropping CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding set makes the
    exec'd process obey modes as an ordinary user would.
    """
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_writes_to_the_published_file_are_refused(published, tmp_path: Path):
    _, db_path = published
    assert stat.S_IMODE(db_path.stat().st_mode) == PUBLISHED_MODE
    before = _digest(db_path)
    written = subprocess.run(
        [sys.executable, "-c", WRITER, str(db_path)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_as_ordinary_user,
    )
    assert "REFUSED" in written.stdout, written.stdout + written.stderr
    assert "Permission denied" in written.stdout, written.stdout
    assert _digest(db_path) == before
    # The documented way to write: a scratch database attaching the warehouse read-only.
    scratch = subprocess.run(
        [sys.executable, "-c", SCRATCH, str(db_path), str(tmp_path / "scratch.duckdb")],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_as_ordinary_user,
    )
    assert scratch.returncode == 0, scratch.stderr
    assert int(scratch.stdout.strip()) == _counts(db_path, ["mart_source_reconciliation"])[0] > 0
    assert _digest(db_path) == before


def test_build_file_starts_from_a_newer_published_file(tmp_path: Path):
    import duckdb

    db_path = tmp_path / "growth_ledger.duckdb"
    building = build_path(db_path)

    def table_of(path: Path, value: int) -> None:
        with duckdb.connect(str(path)) as connection:
            connection.execute(f"create or replace table t as select {value} as v")

    def value_of(path: Path) -> int:
        with duckdb.connect(str(path), read_only=True) as connection:
            return connection.execute("select v from t").fetchone()[0]

    # First run: no build file, a warehouse published by an older version.
    table_of(db_path, 1)
    prepare_build(building, db_path)
    assert value_of(building) == 1
    # dbt's writes since the last publish are kept (incremental state, failed runs).
    table_of(building, 2)
    prepare_build(building, db_path)
    assert value_of(building) == 2
    publish(building, db_path)
    assert value_of(db_path) == 2
    prepare_build(building, db_path)
    assert value_of(building) == 2
    # Someone put a newer warehouse at the published path (a restored backup).
    db_path.unlink()
    time.sleep(0.01)
    table_of(db_path, 3)
    prepare_build(building, db_path)
    assert value_of(building) == 3


def test_plain_dbt_run_with_a_failing_node_does_not_publish(demo_warehouse: Path, tmp_path: Path):
    (tmp_path / "warehouse").mkdir()
    db_path = tmp_path / "warehouse" / "growth_ledger.duckdb"
    shutil.copyfile(demo_warehouse, db_path)
    before = _digest(db_path)
    dbt = str(Path(sys.executable).parent / "dbt")
    paths = ["--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")]
    # A runtime error inside one model (its SQL casts the calendar start to a date).
    failed = subprocess.run(
        [dbt, "run", "--select", "dim_date", "--vars", "{calendar_start_date: x}", *paths],
        cwd=PROJECT_DIR,
        env=_environment(db_path),
        capture_output=True,
        text=True,
        timeout=1200,
    )
    output = failed.stdout[-4000:] + failed.stderr[-4000:]
    assert failed.returncode != 0, output
    assert "Not published" in output and "dim_date" in output, output
    assert _digest(db_path) == before
    assert _leftovers(db_path) == []
