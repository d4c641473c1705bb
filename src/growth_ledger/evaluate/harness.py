"""growth-ledger evaluate: generate worlds, build each, score the intelligence against truth.

Per seed and scenario variant: the project's generator writes a world into a temporary
landing (growth_ledger.generate, planted events from generate.scenario.draw), the project's
own build (growth_ledger.build.build, the code path of `growth-ledger build`: pre-flight,
`dbt build`, atomic publish) builds it into a temporary warehouse, and growth_ledger.evaluate
scores its marts against the generator's truth. Nothing is written to the published
warehouse or the landing of the project; the temporary folder is removed unless kept.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from growth_ledger import paths
from growth_ledger.environment import temporary_environment
from growth_ledger.progress import StepProgress

from . import report
from .truth import load
from .world import WorldScore, read_outputs, score_world

SALT = "evaluate-salt"


@dataclass(frozen=True)
class Settings:
    seeds: Sequence[int]
    variants: Sequence[str]
    scale: float = 1.0
    threads: int = 1
    work: Path | None = None
    keep: bool = False
    replay: bool = True
    rescore: bool = False  # score the worlds kept in `work` again, without generate or build


@contextmanager
def _environment(threads: int) -> Iterator[None]:
    """Threads for dbt, and a PII salt: a generated landing is not data/demo."""
    settings = {
        "GROWTH_LEDGER_THREADS": str(threads),
        "GROWTH_LEDGER_PII_SALT": os.environ.get("GROWTH_LEDGER_PII_SALT", SALT),
    }
    with temporary_environment(settings):
        yield


def _temporary_db(work: Path) -> Path:
    db = (work / "warehouse" / "growth_ledger.duckdb").resolve()
    if db == paths.default_db().resolve():
        raise RuntimeError(f"refusing to build into the published warehouse {db}")
    return db


def evaluate_world(
    seed: int, variant: str, work: Path, settings: Settings, progress: StepProgress
) -> WorldScore:
    started = time.perf_counter()
    landing, db = work / "landing", _temporary_db(work)
    label = f"seed {seed} {variant}"

    if settings.rescore:  # a world kept from an earlier run; no publish = its build failed
        status = "ok" if db.exists() else "build failed"
        db = db if db.exists() else db.with_name(db.name + ".build")
    else:
        status, db = _generate_and_build(seed, variant, landing, db, settings, progress)

    task = progress.add_task(f"{label}: score against the truth", total=1)
    if not db.exists():
        score = WorldScore(seed=seed, variant=variant, status="no warehouse")
    else:
        score = score_world(load(landing), read_outputs(db), variant, replay_lags=settings.replay)
        score.status = status
    progress.update(task, completed=1)
    score.seconds = time.perf_counter() - started
    return score


def _generate_and_build(
    seed: int, variant: str, landing: Path, db: Path, settings: Settings, progress: StepProgress
) -> tuple[str, Path]:
    from growth_ledger.build import BuildError, build
    from growth_ledger.generate import generate
    from growth_ledger.generate.scenario import draw
    from growth_ledger.inputs import check_landing_folder, check_salt

    label = f"seed {seed} {variant}"
    task = progress.add_task(f"{label}: generate", total=1)
    generate(
        landing, scale=settings.scale, seed=seed, show_progress=False, scenario=draw(seed, variant)
    )
    progress.update(task, completed=1)

    task = progress.add_task(f"{label}: build (dbt, {settings.threads} thread)", total=1)
    status = "ok"
    try:
        check_landing_folder(landing)  # as `growth-ledger build` does before it builds
        check_salt(landing)
        build(landing, db)
    except BuildError as error:
        # A failed test stops the publish; score what dbt built, and say so.
        status = "build failed"
        progress.line(task, str(error).splitlines()[0])
        db = db.with_name(db.name + ".build")
    progress.update(task, completed=1)
    return status, db


def run(settings: Settings, console: Console) -> list[WorldScore]:
    scores: list[WorldScore] = []
    root = settings.work or Path(tempfile.mkdtemp(prefix="growth_ledger_evaluate_"))
    worlds = [(seed, variant) for seed in settings.seeds for variant in settings.variants]
    try:
        with _environment(settings.threads), StepProgress(console) as progress:
            for number, (seed, variant) in enumerate(worlds, start=1):
                console.print(f"world {number}/{len(worlds)}: seed {seed}, variant {variant}")
                work = root / f"seed{seed}_{variant}"
                if not settings.rescore:
                    shutil.rmtree(work, ignore_errors=True)
                    work.mkdir(parents=True)
                elif not (work / "landing" / "_truth" / "manifest.json").exists():
                    raise FileNotFoundError(f"--rescore: no kept world in {work}")
                score = evaluate_world(seed, variant, work, settings, progress)
                scores.append(score)
                console.print(_summary(score), markup=False)
                if not settings.keep and not settings.rescore:
                    shutil.rmtree(work, ignore_errors=True)
    finally:
        if not settings.keep and settings.work is None:
            shutil.rmtree(root, ignore_errors=True)
    return scores


def _summary(score: WorldScore) -> str:
    row = report.table([score]).iloc[0]
    return (
        f"  seed {score.seed} {score.variant}: recall {row['recall of planted events']}, "
        f"false alarms/week {row['false alarms / week']}, flags {row['flag precision']}, "
        f"plan {row['plan gain / optimum gain']} ({score.seconds:.0f}s)"
    )


def write_results(
    scores: Sequence[WorldScore], out_dir: Path, command: str, seconds: float
) -> list[Path]:
    """bench/results/evaluate.{md,csv} (table), evaluate_targets.csv, evaluate_events.csv."""
    out_dir.mkdir(parents=True, exist_ok=True)
    table, targets = report.table(scores), report.targets_table(scores)
    events = [s.events.assign(seed=s.seed, variant=s.variant) for s in scores if not s.events.empty]
    notes = [f"- seed {s.seed} {s.variant}: {'; '.join(s.notes)}" for s in scores if s.notes]
    text = "\n".join(
        [
            "# growth-ledger evaluate",
            "",
            f"Command: `{command}`; wall time {seconds / 60:.1f} min.",
            "",
            report.markdown(table),
            "",
            "## Targets (issue #15)",
            "",
            report.markdown(targets),
            "",
            "## Notes",
            "",
            *notes,
            "",
        ]
    )
    written = [out_dir / "evaluate.md", out_dir / "evaluate.csv", out_dir / "evaluate_targets.csv"]
    written[0].write_text(text, encoding="utf-8")
    table.to_csv(written[1], index=False)
    targets.to_csv(written[2], index=False)
    if events:
        import pandas as pd

        written.append(out_dir / "evaluate_events.csv")
        pd.concat(events, ignore_index=True).to_csv(written[-1], index=False)
    return written
