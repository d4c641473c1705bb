"""Benchmark of the warehouse build at a generator scale.

    python bench/run.py --scale large      # or demo, small, or a factor (10, 20)

1. Generates the scale into <work>/landing (reused when its manifest says the
   same scale and seed).
2. Lays out <work>/landing_bench with hard links: every extract but the last
   daily pull (the "previous day").
3. Measures, each in its own process tree (peak RSS = sum of VmRSS over the
   process and its descendants, sampled from /proc every 0.2 s):
   - floor: DuckDB reading every raw file of that landing once (per landing
     entity: count(*) over read_csv / read_text, count of every column over
     read_parquet, since a bare count(*) reads only Parquet footers),
   - full: `dbt build --full-refresh` of it into a fresh warehouse,
   - incremental: the last daily pull's files (one new day of exports) are
     linked in and `dbt build` runs again on the same warehouse, its GA4 event
     tests scoped as `growth-ledger build` scopes them (README, daily runs).
4. Prints a table with ratios to the floor and writes bench/results/<scale>.json
   and .md. dbt's threads and DuckDB's memory_limit come from
   GROWTH_LEDGER_THREADS / GROWTH_LEDGER_MEMORY_LIMIT (profiles.yml defaults: 2, 4GB).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
RESULTS_DIR = PROJECT_DIR / "bench" / "results"
SAMPLE_SECONDS = 0.2

FLOOR_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    import duckdb

    landing, threads, memory_limit = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    con = duckdb.connect(config={"threads": threads, "memory_limit": memory_limit})
    readers = {
        # count(*) alone reads only Parquet footers; count(column) decodes every column.
        "parquet": "select count(*), count(columns(*)) from read_parquet('{g}', "
                   "filename = true, union_by_name = true)",
        "csv": "select count(*) from read_csv('{g}', all_varchar = true, header = true, "
               "filename = true, union_by_name = true)",
        "jsonl": "select sum(len(string_split(content, chr(10)))) from read_text('{g}')",
    }
    entities = {}
    for folder in sorted(p for p in landing.glob("*/*") if p.is_dir() and p.parts[-2] != "_truth"):
        ext = next(iter(sorted({f.suffix.lstrip(".") for f in folder.iterdir()})), None)
        if ext not in readers:
            continue
        started = time.perf_counter()
        rows = con.execute(readers[ext].format(g=f"{folder}/*.{ext}")).fetchone()[0]
        entities[f"{folder.parts[-2]}/{folder.name}"] = {
            "rows": int(rows or 0), "seconds": round(time.perf_counter() - started, 2)}
    print(json.dumps(entities))
    """
)


@dataclass
class Measurement:
    step: str
    seconds: float
    peak_rss_mb: float
    peak_spill_mb: float = 0.0
    peak_at: str = ""
    detail: dict = field(default_factory=dict)


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            found.append(int(entry.name))
    return found


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_rss_kb(root: int) -> int:
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _rss_kb(pid)
        stack.extend(_children(pid))
    return total


def _folder_bytes(path: Path | None) -> int:
    if path is None or not path.is_dir():
        return 0
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.path.getsize(os.path.join(root, name))
    return total


def measure(
    step: str, command: list[str], env: dict[str, str], log: Path, spill_dir: Path | None = None
) -> tuple[Measurement, str]:
    """Run command, sampling the process tree's RSS and the spill folder's size."""
    peak = {"rss": 0, "spill": 0, "at": ""}
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=out, cwd=PROJECT_DIR, text=True
        )
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                rss = _tree_rss_kb(process.pid)
                if rss > peak["rss"]:
                    peak["rss"], peak["at"] = rss, datetime.now(UTC).isoformat()
                peak["spill"] = max(peak["spill"], _folder_bytes(spill_dir))
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stdout, _ = process.communicate()
        done.set()
        sampler.join()
        out.write(stdout)
    seconds = time.perf_counter() - started
    # dbt exits 1 when a data test fails: the timing still stands, the failure is reported.
    if process.returncode not in {0, 1} or (process.returncode == 1 and step == "floor"):
        raise SystemExit(f"{step} failed (exit {process.returncode}); see {log}")
    if process.returncode:
        print(f"{step}: exit {process.returncode} (failing tests or models); see {log}")
    return Measurement(
        step,
        round(seconds, 1),
        round(peak["rss"] / 1024, 0),
        round(peak["spill"] / 2**20, 0),
        peak["at"],
    ), stdout


def _extract_stamp(path: Path) -> str:
    return path.stem.rsplit("_", 1)[-1]


def ensure_landing(work: Path, scale: str, seed: int) -> Path:
    from growth_ledger.generate import SCALES, generate

    landing = work / "landing"
    manifest = landing / "_truth" / "manifest.json"
    factor = SCALES[scale] if scale in SCALES else float(scale)
    if manifest.exists():
        meta = json.loads(manifest.read_text())
        if meta.get("scale_factor") == factor and meta.get("seed") == seed:
            print(f"reusing {landing} (scale {scale}, seed {seed})")
            return landing
    print(f"generating scale {scale} into {landing} ...", flush=True)
    started = time.perf_counter()
    generate(landing, scale if scale in SCALES else factor, seed, show_progress=False)
    print(f"generated in {time.perf_counter() - started:.0f} s")
    return landing


def last_daily_pull(landing: Path) -> str:
    """The extract stamp of the last daily pull (the newest GA4 export)."""
    return max(_extract_stamp(p) for p in (landing / "ga4" / "events").glob("*.parquet"))


def link_landing(source: Path, target: Path, *, without_stamp: str | None) -> int:
    """Hard-link source's extracts into target, leaving out one extract stamp; return new links."""
    linked = 0
    for path in source.rglob("*"):
        if not path.is_file():
            continue
        relative = path.relative_to(source)
        if (
            without_stamp
            and relative.parts[0] != "_truth"
            and _extract_stamp(path) == without_stamp
        ):
            continue
        destination = target / relative
        if destination.exists():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, destination)
        except OSError:
            shutil.copy2(path, destination)
        linked += 1
    return linked


def _running_at(results: list[dict], moment: str) -> list[str]:
    """The dbt nodes executing at an ISO time (where the memory peak was seen)."""
    if not moment:
        return []
    at = datetime.fromisoformat(moment)
    running = []
    for result in results:
        for timing in result["timing"]:
            if timing["name"] != "execute":
                continue
            start = datetime.fromisoformat(timing["started_at"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(timing["completed_at"].replace("Z", "+00:00"))
            if start <= at <= end:
                running.append(result["unique_id"].split(".", 2)[-1])
    return running


def _dbt_timings(target_path: Path, peak_at: str = "") -> dict:
    run_results = json.loads((target_path / "run_results.json").read_text())
    results = run_results["results"]
    models = [r for r in results if r["unique_id"].startswith("model.")]
    slowest = sorted(results, key=lambda r: -r["execution_time"])[:12]
    return {
        "nodes": len(results),
        "models_seconds": round(sum(r["execution_time"] for r in models), 1),
        "tests_seconds": round(
            sum(r["execution_time"] for r in results if not r["unique_id"].startswith("model.")), 1
        ),
        "not_passed": [
            r["unique_id"].split(".", 2)[-1]
            for r in results
            if r["status"] not in {"success", "pass", "warn"}
        ],
        "slowest": [
            [r["unique_id"].split(".", 2)[-1], round(r["execution_time"], 1)] for r in slowest
        ],
        "running_at_peak_rss": _running_at(results, peak_at),
    }


def run(scale: str, work: Path, seed: int) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    landing = ensure_landing(work, scale, seed)
    stamp = last_daily_pull(landing)
    bench_landing = work / "landing_bench"
    shutil.rmtree(bench_landing, ignore_errors=True)
    link_landing(landing, bench_landing, without_stamp=stamp)

    threads = os.environ.get("GROWTH_LEDGER_THREADS", "2")
    memory_limit = os.environ.get("GROWTH_LEDGER_MEMORY_LIMIT", "4GB")
    db = work / "warehouse" / "growth_ledger.duckdb"
    shutil.rmtree(db.parent, ignore_errors=True)
    db.parent.mkdir(parents=True)
    env = {
        **os.environ,
        "GROWTH_LEDGER_LANDING": str(bench_landing),
        "GROWTH_LEDGER_DB": str(db),
        # A generated landing is not data/demo: personal data needs a salt.
        "GROWTH_LEDGER_PII_SALT": os.environ.get("GROWTH_LEDGER_PII_SALT", "bench-salt"),
    }
    dbt = str(Path(sys.executable).with_name("dbt"))
    target_path = work / "target"
    dbt_args = [
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(target_path),
        "--log-path",
        str(work / "logs"),
    ]
    spill = db.with_name(db.name + ".build.tmp")  # profiles.yml: beside the build file
    logs = work / "bench_logs"
    logs.mkdir(exist_ok=True)

    floor, stdout = measure(
        "floor",
        [sys.executable, "-c", FLOOR_SCRIPT, str(bench_landing), threads, memory_limit],
        env,
        logs / "floor.log",
    )
    floor.detail = {"entities": json.loads(stdout.strip().splitlines()[-1])}
    print(f"floor: {floor.seconds} s, {floor.peak_rss_mb:.0f} MB", flush=True)

    full, _ = measure(
        "full build", [dbt, "build", "--full-refresh", *dbt_args], env, logs / "full.log", spill
    )
    full.detail = _dbt_timings(target_path, full.peak_at)
    print(f"full build: {full.seconds} s, {full.peak_rss_mb:.0f} MB", flush=True)

    new_files = link_landing(landing, bench_landing, without_stamp=None)
    from growth_ledger.build import TESTS_EXTRACTED_SINCE, daily_tests_since

    # As the nightly `growth-ledger build` runs it: the GA4 event tests read the rows of
    # the extracts this run can load (README, daily runs).
    since = daily_tests_since(db) or ""
    incremental, _ = measure(
        "incremental build (+1 day)",
        [dbt, "build", *dbt_args],
        {**env, TESTS_EXTRACTED_SINCE: since},
        logs / "incremental.log",
        spill,
    )
    incremental.detail = {
        **_dbt_timings(target_path, incremental.peak_at),
        "new_files": new_files,
        "new_extract": stamp,
        "tests_extracted_since": since,
    }
    print(f"incremental: {incremental.seconds} s, {incremental.peak_rss_mb:.0f} MB", flush=True)

    raw_bytes = sum(
        p.stat().st_size for p in landing.rglob("*") if p.is_file() and "_truth" not in p.parts
    )
    manifest = json.loads((landing / "_truth" / "manifest.json").read_text())
    return {
        "scale": scale,
        "seed": seed,
        "landing_gb": round(raw_bytes / 1e9, 2),
        "ga4_events": manifest.get("counts", {}).get("ga4_events"),
        "threads": threads,
        "memory_limit": memory_limit,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "rss_method": "sum of VmRSS over the process tree from /proc, sampled every 0.2 s",
        "measurements": [asdict(m) for m in (floor, full, incremental)],
    }


def table(result: dict) -> str:
    floor = result["measurements"][0]
    lines = [
        f"scale {result['scale']}: {result['landing_gb']} GB raw, {result['ga4_events']} GA4 "
        f"events; threads {result['threads']}, memory_limit {result['memory_limit']}",
        "",
        "| step | seconds | x floor | peak RSS MB | x floor | peak spill MB | dbt models s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for m in result["measurements"]:
        lines.append(
            f"| {m['step']} | {m['seconds']:.1f} | {m['seconds'] / floor['seconds']:.1f} "
            f"| {m['peak_rss_mb']:.0f} | {m['peak_rss_mb'] / max(floor['peak_rss_mb'], 1):.1f} "
            f"| {m['peak_spill_mb']:.0f} | {m['detail'].get('models_seconds', '')} |"
        )
    full, incremental = result["measurements"][1:3]
    lines += ["", f"incremental / full: {incremental['seconds'] / full['seconds']:.2f}", ""]
    for m in result["measurements"][1:]:
        lines.append(
            f"slowest nodes, {m['step']}: "
            + ", ".join(f"{name} {seconds}s" for name, seconds in m["detail"]["slowest"])
        )
        lines.append("")
        lines.append(
            f"running at the peak RSS, {m['step']}: "
            + (", ".join(m["detail"]["running_at_peak_rss"]) or "no dbt node (start-up or end)")
        )
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="demo", help="demo, small, large or a factor")
    parser.add_argument("--work", type=Path, help="work folder (default /tmp/bench_<scale>)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    work = args.work or Path(f"/tmp/bench_{args.scale}")
    result = run(args.scale, work, args.seed)
    text = table(result)
    print("\n" + text)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{args.scale}.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS_DIR / f"{args.scale}.md").write_text(f"# Benchmark, scale {args.scale}\n\n{text}")


if __name__ == "__main__":
    main()
