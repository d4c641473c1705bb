"""Safe publishing: a BI reader polling the warehouse during a build never
errors and always sees a complete, reconciled warehouse; a failed build leaves
the old warehouse as it was."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from growth_ledger.build import BuildError, build
from growth_ledger.generate import generate

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
                        "(select sum(cost_micros / 1000000.0 / units_per_eur) "
                        " from staging.base_google_ads__ad_stats where quarantine_reason is null)"
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
    saved = os.environ.get("GROWTH_LEDGER_PII_SALT")
    os.environ["GROWTH_LEDGER_PII_SALT"] = "publish-test-salt"
    yield
    if saved is None:
        os.environ.pop("GROWTH_LEDGER_PII_SALT", None)
    else:
        os.environ["GROWTH_LEDGER_PII_SALT"] = saved


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
    leftovers = [p.name for p in db_path.parent.iterdir() if p.name != db_path.name]
    assert leftovers == []


def test_failed_build_keeps_the_old_warehouse(published):
    landing, db_path = published
    before = _digest(db_path)
    with pytest.raises(BuildError):
        # A compile error in the middle of dbt (reporting currency other than EUR).
        build(landing, db_path, [*SELECT, "--vars", "{reporting_currency: USD}"])
    assert _digest(db_path) == before
    leftovers = [p.name for p in db_path.parent.iterdir() if p.name != db_path.name]
    assert leftovers == []
