"""Run dbt on a landing folder into a DuckDB file."""

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dbt.cli.main import dbtRunner

from growth_ledger.paths import DEMO_LANDING, PROJECT_DIR


class BuildError(RuntimeError):
    """dbt did not finish cleanly."""


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
    if landing.resolve() == DEMO_LANDING.resolve():
        # The demo data's own relative path, so its demo salt applies.
        settings["GROWTH_LEDGER_LANDING"] = "data/demo"
    saved = {key: os.environ.get(key) for key in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_dbt(args: Sequence[str], landing: Path, db_path: Path) -> BuildResult:
    """Run one dbt command from the project folder; raise BuildError on failure."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    cwd = Path.cwd()
    with project_environment(landing, db_path):
        os.chdir(PROJECT_DIR)
        try:
            result = dbtRunner().invoke(
                [*args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
            )
        finally:
            os.chdir(cwd)
    failures = [
        f"{node.node.name}: {node.message}"
        for node in (result.result or [])
        if getattr(node, "status", None) in {"error", "fail", "runtime error"}
    ]
    if not result.success:
        detail = "\n".join(failures) or str(result.exception)
        raise BuildError(f"dbt {' '.join(args)} failed:\n{detail}")
    return BuildResult(db_path=db_path, failures=failures)


def build(landing: Path, db_path: Path, extra_args: Sequence[str] = ()) -> BuildResult:
    """`dbt build` (seeds, models, tests) of the landing folder into db_path."""
    if not landing.is_dir():
        raise BuildError(f"landing folder {landing} does not exist")
    return run_dbt(["build", *extra_args], landing, db_path)
