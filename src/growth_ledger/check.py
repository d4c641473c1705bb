"""Data quality checks: Great Expectations suites, landing pre-flight, source freshness.

`run_checks()` validates the landing folder and the built warehouse with the
suites in `expectations/` (read with duckdb into pandas, validated through a
pandas dataframe asset: the DuckDB + SQLAlchemy route hits upstream GX
IndexError bugs), runs `dbt source freshness`, prints a summary table and
writes Data Docs to a folder.

The GX context is ephemeral: suites, validation definitions and checkpoints
are code (registered with add_or_update on every run, so re-runs are
idempotent), there is no generated GX config to keep in step with the code,
and the only output is the Data Docs folder.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from rich.console import Console
from rich.table import Table

from growth_ledger.build import BuildError, run_dbt
from growth_ledger.landing import check_landing
from growth_ledger.paths import PROJECT_DIR

DEFAULT_DOCS_DIR = PROJECT_DIR / "reports" / "static" / "data-docs"
EXPECTATIONS_DIR = PROJECT_DIR / "expectations"
DATA_SOURCE = "growth_ledger_frames"

PASSED = "passed"
FAILED = "failed"
NOT_BUILT = "not built"
ERROR = "error"


@dataclass(frozen=True)
class SuiteOutcome:
    suite: str
    layer: str
    target: str
    status: str  # passed, failed, not built, error
    expectations: int = 0
    failed: int = 0
    rows: int = 0
    detail: str = ""


@dataclass(frozen=True)
class FreshnessOutcome:
    source: str
    status: str  # pass, warn, error, runtime error
    max_loaded_at: str = ""
    age_hours: float | None = None


@dataclass
class CheckSummary:
    suites: list[SuiteOutcome] = field(default_factory=list)
    freshness: list[FreshnessOutcome] = field(default_factory=list)
    landing_errors: list[str] = field(default_factory=list)
    landing_warnings: int = 0
    docs_index: Path | None = None
    seconds: float = 0.0

    @property
    def failed_suites(self) -> list[SuiteOutcome]:
        return [suite for suite in self.suites if suite.status in {FAILED, ERROR}]

    @property
    def stale_sources(self) -> list[FreshnessOutcome]:
        return [item for item in self.freshness if item.status != "pass"]

    @property
    def success(self) -> bool:
        return not self.failed_suites and not self.landing_errors

    @property
    def exit_code(self) -> int:
        """0 when every suite passed (not-built suites and stale sources are reported only)."""
        return 0 if self.success else 1


def load_expectations() -> ModuleType:
    """Import the `expectations/` package of the project under a private name."""
    name = "growth_ledger_expectations"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name,
        EXPECTATIONS_DIR / "__init__.py",
        submodule_search_locations=[str(EXPECTATIONS_DIR)],
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _gx_context(docs_dir: Path):
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.add_data_docs_site(
        site_name="growth_ledger",
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir.resolve()),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    return context


def _reset_docs_dir(docs_dir: Path) -> None:
    """Data Docs are generated: replace the previous run's pages (never another folder)."""
    if docs_dir.exists() and (docs_dir / "index.html").exists():
        shutil.rmtree(docs_dir)
    docs_dir.mkdir(parents=True, exist_ok=True)


def validate_suites(context, suites, sources) -> list[SuiteOutcome]:
    """Register every suite with add_or_update and run one checkpoint per suite."""
    import great_expectations as gx

    expectations_module = load_expectations()
    data_source = context.data_sources.add_or_update_pandas(DATA_SOURCE)
    outcomes = []
    for spec in suites:
        try:
            frame = spec.load(sources)
        except expectations_module.NOT_BUILT as missing:
            outcomes.append(
                SuiteOutcome(spec.name, spec.layer, spec.target, NOT_BUILT, detail=str(missing))
            )
            continue
        except Exception as error:  # a suite that cannot read its data is a failure
            outcomes.append(
                SuiteOutcome(
                    spec.name,
                    spec.layer,
                    spec.target,
                    ERROR,
                    detail=f"{type(error).__name__}: {error}",
                )
            )
            continue
        suite = context.suites.add_or_update(
            gx.ExpectationSuite(name=spec.name, expectations=spec.expectations())
        )
        suite.meta["notes"] = {"format": "markdown", "content": spec.description}
        try:
            asset = data_source.get_asset(spec.name)
        except LookupError:
            asset = data_source.add_dataframe_asset(spec.name)
        try:
            batch = asset.get_batch_definition("whole_frame")
        except KeyError:
            batch = asset.add_batch_definition_whole_dataframe("whole_frame")
        validation = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=spec.name, data=batch, suite=suite)
        )
        checkpoint = context.checkpoints.add_or_update(
            gx.Checkpoint(
                name=f"check__{spec.name}",
                validation_definitions=[validation],
                result_format={"result_format": "SUMMARY", "partial_unexpected_count": 10},
            )
        )
        result = checkpoint.run(batch_parameters={"dataframe": frame})
        run = next(iter(result.run_results.values()))
        statistics = run.statistics
        failed = [item for item in run.results if not item.success]
        detail = "; ".join(_describe_failure(item) for item in failed[:3])
        outcomes.append(
            SuiteOutcome(
                spec.name,
                spec.layer,
                spec.target,
                PASSED if run.success else FAILED,
                expectations=int(statistics["evaluated_expectations"]),
                failed=int(statistics["unsuccessful_expectations"]),
                rows=len(frame),
                detail=detail,
            )
        )
    return outcomes


def _describe_failure(item) -> str:
    config = item.expectation_config
    column = config.kwargs.get("column") or config.kwargs.get("column_list") or ""
    result = item.result or {}
    sample = result.get("partial_unexpected_list") or result.get("observed_value")
    text = f"{config.type}({column})"
    if sample is not None:
        text += f": {str(sample)[:80]}"
    return text


def source_freshness(landing: Path) -> list[FreshnessOutcome]:
    """`dbt source freshness` on the landing files; stale data is a status, not a crash."""
    with tempfile.TemporaryDirectory(prefix="growth-ledger-freshness-") as folder:
        output = Path(folder) / "sources.json"
        # A throwaway database: freshness reads only the landing files, and must not
        # take the write lock of the published warehouse that BI tools are reading.
        scratch_db = Path(folder) / "freshness.duckdb"
        error_text = ""
        try:
            run_dbt(["source", "freshness", "--output", str(output)], landing, scratch_db)
        except BuildError as error:
            error_text = str(error)
        if not output.exists():
            detail = error_text.strip().splitlines()[-1][:120] if error_text.strip() else ""
            return [FreshnessOutcome("(dbt source freshness failed)", "runtime error", detail)]
        results = json.loads(output.read_text())["results"]
    outcomes = []
    for item in results:
        age = item.get("max_loaded_at_time_ago_in_s")
        outcomes.append(
            FreshnessOutcome(
                source=item["unique_id"].removeprefix("source.growth_ledger."),
                status=item["status"],
                max_loaded_at=str(item.get("max_loaded_at") or "")[:19],
                age_hours=round(age / 3600, 1) if age is not None else None,
            )
        )
    return sorted(outcomes, key=lambda outcome: outcome.source)


def print_summary(summary: CheckSummary, console: Console) -> None:
    colours = {PASSED: "green", FAILED: "red", ERROR: "red", NOT_BUILT: "yellow"}
    table = Table(title="Great Expectations suites", show_lines=False)
    for column in ("suite", "layer", "rows", "expectations", "failed", "status"):
        table.add_column(
            column,
            justify="right" if column in {"rows", "expectations", "failed"} else "left",
            no_wrap=column == "suite",
        )
    for outcome in summary.suites:
        colour = colours.get(outcome.status, "white")
        table.add_row(
            outcome.suite,
            outcome.layer,
            str(outcome.rows) if outcome.status in {PASSED, FAILED} else "",
            str(outcome.expectations) if outcome.status in {PASSED, FAILED} else "",
            str(outcome.failed) if outcome.status in {PASSED, FAILED} else "",
            f"[{colour}]{outcome.status}[/]",
        )
    console.print(table)
    for outcome in summary.suites:
        if outcome.detail and outcome.status != PASSED:
            console.print(f"  [bold]{outcome.suite}[/] ({outcome.status}): {outcome.detail}")
    fresh = Table(title="Source freshness (dbt source freshness)")
    for column in ("source", "status", "latest extract (UTC)", "age (h)"):
        fresh.add_column(column, no_wrap=column == "source")
    fresh_colours = {"pass": "green", "warn": "yellow", "error": "red", "runtime error": "red"}
    for item in summary.freshness:
        colour = fresh_colours.get(item.status, "white")
        fresh.add_row(
            item.source,
            f"[{colour}]{item.status}[/]",
            item.max_loaded_at,
            "" if item.age_hours is None else f"{item.age_hours:,.1f}",
        )
    console.print(fresh)
    for error in summary.landing_errors:
        console.print(f"[red]landing:[/] {error}")
    counts = {
        status: sum(1 for outcome in summary.suites if outcome.status == status)
        for status in (PASSED, FAILED, ERROR, NOT_BUILT)
    }
    verdict = "[green]PASS[/]" if summary.success else "[red]FAIL[/]"
    console.print(
        f"{verdict}: {counts[PASSED]} passed, {counts[FAILED]} failed, {counts[ERROR]} errors, "
        f"{counts[NOT_BUILT]} not built; {len(summary.stale_sources)} of "
        f"{len(summary.freshness)} sources not fresh; landing pre-flight "
        f"{len(summary.landing_errors)} errors, {summary.landing_warnings} warnings; "
        f"{summary.seconds:.0f}s"
    )
    if summary.docs_index:
        console.print(f"Data Docs: {summary.docs_index}")


def run_checks(
    db_path: Path,
    landing: Path,
    docs_dir: Path = DEFAULT_DOCS_DIR,
    *,
    freshness: bool = True,
    layers: set[str] | None = None,
    console: Console | None = None,
) -> CheckSummary:
    """Validate the landing folder and the warehouse at db_path; write Data Docs to docs_dir.

    `layers` limits the suites (landing, staging, marts, reconciliation); all by default.
    The result's `exit_code` is 1 when a suite failed or could not run.
    """
    import duckdb

    started = time.perf_counter()
    console = console or Console()
    expectations_module = load_expectations()
    summary = CheckSummary()

    problems = check_landing(landing)
    summary.landing_errors = [str(problem) for problem in problems if problem.is_error]
    summary.landing_warnings = sum(1 for problem in problems if not problem.is_error)

    suites = [
        spec for spec in expectations_module.all_suites() if layers is None or spec.layer in layers
    ]
    warehouse = duckdb.connect(str(db_path), read_only=True) if db_path.exists() else None
    sources = expectations_module.Sources(landing=landing, warehouse=warehouse)
    try:
        _reset_docs_dir(docs_dir)
        context = _gx_context(docs_dir)
        summary.suites = validate_suites(context, suites, sources)
        context.build_data_docs(site_names=["growth_ledger"])
        summary.docs_index = docs_dir / "index.html"
    finally:
        sources.close()
        if warehouse is not None:
            warehouse.close()
    if freshness:
        summary.freshness = source_freshness(landing)
    summary.seconds = time.perf_counter() - started
    print_summary(summary, console)
    return summary
