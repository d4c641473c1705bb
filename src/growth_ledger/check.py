"""Data quality checks: Great Expectations suites, landing pre-flight, source freshness.

`run_checks()` validates the landing folder and the built warehouse with the
suites in `expectations/` (read with duckdb into pandas, validated through a
pandas dataframe asset: the DuckDB + SQLAlchemy route hits upstream GX
IndexError bugs), runs `dbt source freshness`, prints a summary table and
writes Data Docs to a folder.

Freshness is judged against now, except for generated data (the demo, or
`growth-ledger generate`): its `_truth/manifest.json` names the last day it
covers, and it is judged as at the end of the day after (when the morning
pulls of that day have landed), so the demo reads fresh on any later date and
a source that stopped early still shows as stale.

A landing may hold any subset of the sources. Which entities are in it is read
from the landing inventory (growth_ledger.landing.inventory, the same rule the
build uses to give an absent entity its empty stand-in): a suite whose entity is
not in the landing is skipped ("skipped: <entity> not in the landing"), not
counted as a failure, and so is the freshness of an absent source. A present
entity is judged in full, so a present but broken source still fails.

A suite of severity "warning" (ad spend flagged implausible: loaded, reconciled,
but far above the campaign's history) that does not pass is a warning, not a
failure.

Verdict and exit code: PASS (0); WARN (2) when no suite failed but a source is
not fresh or a warning suite names rows to review; FAIL (1) when a suite failed
or the landing pre-flight found errors.

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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

from rich import box
from rich.console import Console
from rich.table import Table

from growth_ledger.build import BuildError, run_dbt
from growth_ledger.landing import (
    check_landing,
    earlier_readings_in,
    inventory,
    present_entities,
)
from growth_ledger.paths import project_dir
from growth_ledger.progress import StepProgress

DATA_SOURCE = "growth_ledger_frames"
MANIFEST = Path("_truth") / "manifest.json"
PERIOD_HOURS = {"minute": 1 / 60, "hour": 1, "day": 24}

PASSED = "passed"
FAILED = "failed"
NOT_BUILT = "not built"
ERROR = "error"
SKIPPED = "skipped"  # its landing entity is not in the landing: nothing to judge
WARNED = "warning"  # a suite of severity warning did not pass: rows to review
FRESHNESS_SKIPPED = "skipped"
NOT_IN_LANDING = "not in the landing"


@dataclass(frozen=True)
class SuiteOutcome:
    suite: str
    layer: str
    target: str
    status: str  # passed, failed, not built, error, skipped, warning
    expectations: int = 0
    failed: int = 0
    rows: int = 0
    detail: str = ""


def default_docs_dir() -> Path:
    """Data Docs go into the board pack's static folder, where the site links them."""
    return project_dir() / "reports" / "static" / "data-docs"


def expectations_dir() -> Path:
    return project_dir() / "expectations"


@dataclass(frozen=True)
class FreshnessOutcome:
    source: str
    status: str  # pass, warn, error, runtime error, skipped (absent source)
    max_loaded_at: str = ""
    age_hours: float | None = None
    detail: str = ""


@dataclass
class CheckSummary:
    suites: list[SuiteOutcome] = field(default_factory=list)
    freshness: list[FreshnessOutcome] = field(default_factory=list)
    landing_errors: list[str] = field(default_factory=list)
    landing_warnings: int = 0
    docs_index: Path | None = None
    seconds: float = 0.0
    freshness_as_of: datetime | None = None  # None: judged against now

    @property
    def failed_suites(self) -> list[SuiteOutcome]:
        return [suite for suite in self.suites if suite.status in {FAILED, ERROR}]

    @property
    def warned_suites(self) -> list[SuiteOutcome]:
        return [suite for suite in self.suites if suite.status == WARNED]

    @property
    def stale_sources(self) -> list[FreshnessOutcome]:
        return [item for item in self.freshness if item.status not in {"pass", FRESHNESS_SKIPPED}]

    @property
    def success(self) -> bool:
        return not self.failed_suites and not self.landing_errors

    @property
    def verdict(self) -> str:
        """FAIL: a suite failed or the landing breaks the contract; WARN: a source is stale,
        or a warning suite names rows to review (flagged spend)."""
        if not self.success:
            return "FAIL"
        return "WARN" if self.stale_sources or self.warned_suites else "PASS"

    @property
    def exit_code(self) -> int:
        """0 for PASS, 1 for FAIL, 2 for WARN (no suite failed; stale or flagged)."""
        return {"PASS": 0, "FAIL": 1, "WARN": 2}[self.verdict]


def load_expectations() -> ModuleType:
    """Import the `expectations/` package of the project under a private name."""
    name = "growth_ledger_expectations"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name,
        expectations_dir() / "__init__.py",
        submodule_search_locations=[str(expectations_dir())],
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


def validate_suites(
    context, suites, sources, on_suite: Callable[[str], None] | None = None
) -> list[SuiteOutcome]:
    """Register every suite with add_or_update and run one checkpoint per suite."""
    import great_expectations as gx

    expectations_module = load_expectations()
    data_source = context.data_sources.add_or_update_pandas(DATA_SOURCE)
    outcomes = []
    for number, spec in enumerate(suites, start=1):
        if on_suite:
            on_suite(f"{number}/{len(suites)} {spec.name}")
        if absent := spec.absent(sources):
            outcomes.append(
                SuiteOutcome(
                    spec.name,
                    spec.layer,
                    spec.target,
                    SKIPPED,
                    detail=f"{', '.join(absent)} {NOT_IN_LANDING}",
                )
            )
            continue
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
        if spec.severity == "warning":
            # A warning suite's failing values are its findings: each one, whole.
            detail = "; ".join(_findings(item) for item in failed)
        else:
            detail = "; ".join(_describe_failure(item) for item in failed[:3])
        outcomes.append(
            SuiteOutcome(
                spec.name,
                spec.layer,
                spec.target,
                PASSED if run.success else WARNED if spec.severity == "warning" else FAILED,
                expectations=int(statistics["evaluated_expectations"]),
                failed=int(statistics["unsuccessful_expectations"]),
                rows=len(frame),
                detail=detail,
            )
        )
    return outcomes


def _findings(item) -> str:
    values = (item.result or {}).get("partial_unexpected_list") or []
    return "; ".join(str(value) for value in values) or _describe_failure(item)


def _describe_failure(item) -> str:
    config = item.expectation_config
    column = config.kwargs.get("column") or config.kwargs.get("column_list") or ""
    result = item.result or {}
    sample = result.get("partial_unexpected_list") or result.get("observed_value")
    text = f"{config.type}({column})"
    if sample is not None:
        text += f": {str(sample)[:80]}"
    return text


def freshness_as_of(landing: Path) -> datetime | None:
    """When generated data is judged: the end of the day after the last day its manifest
    names (the morning pulls of that day have landed). None for other data: judged now."""
    manifest = landing / MANIFEST
    try:
        end = json.loads(manifest.read_text(encoding="utf-8"))["date_range"]["end"]
        last_day = datetime.strptime(str(end), "%Y-%m-%d").replace(tzinfo=UTC)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return last_day + timedelta(days=2)


def _threshold_hours(criteria: dict, key: str) -> float | None:
    rule = (criteria or {}).get(key) or {}
    if rule.get("count") is None or rule.get("period") not in PERIOD_HOURS:
        return None
    return float(rule["count"]) * PERIOD_HOURS[rule["period"]]


def _judge(item: dict, as_of: datetime | None) -> tuple[str, float | None]:
    """dbt's status and age (hours), or both again as at `as_of` with dbt's own thresholds."""
    age_s = item.get("max_loaded_at_time_ago_in_s")
    if as_of is None or item.get("status") == "runtime error" or not item.get("max_loaded_at"):
        return item["status"], None if age_s is None else age_s / 3600
    loaded = datetime.fromisoformat(str(item["max_loaded_at"]))
    if loaded.tzinfo is None:
        loaded = loaded.replace(tzinfo=UTC)
    # Extracts after the as-of moment (a backfill the next morning) are fresh, not negative.
    age = max(0.0, (as_of - loaded).total_seconds() / 3600)
    error_after = _threshold_hours(item.get("criteria"), "error_after")
    warn_after = _threshold_hours(item.get("criteria"), "warn_after")
    if error_after is not None and age > error_after:
        return "error", age
    if warn_after is not None and age > warn_after:
        return "warn", age
    return "pass", age


def _freshness_tables(present: set[tuple[str, str]] | None) -> tuple[list[str], list[str]]:
    """The dbt source tables (`<source>.<entity>`) with a freshness rule: those in the
    landing, and those not in it (all in it when `present` is None)."""
    from growth_ledger.contract import load

    judged, absent = [], []
    for source in load().sources:
        if not source.freshness:
            continue
        for entity in source.entities:
            name = f"{entity.source}.{entity.entity}"
            in_landing = present is None or (entity.source, entity.entity) in present
            (judged if in_landing else absent).append(name)
    return judged, absent


def source_freshness(
    landing: Path,
    as_of: datetime | None = None,
    present: set[tuple[str, str]] | None = None,
) -> list[FreshnessOutcome]:
    """`dbt source freshness` on the landing files; stale data is a status, not a crash.

    With `as_of`, ages and statuses are taken at that moment instead of now. With
    `present` (the landing's entities), only their sources are judged; the others are
    "skipped", as an absent source has no extract to be late.
    """
    judged, absent = _freshness_tables(present)
    skipped = [FreshnessOutcome(name, FRESHNESS_SKIPPED, detail=NOT_IN_LANDING) for name in absent]
    if not judged:
        return sorted(skipped, key=lambda outcome: outcome.source)
    selection = ["--select", *(f"source:{name}" for name in judged)] if absent else []
    with tempfile.TemporaryDirectory(prefix="growth-ledger-freshness-") as folder:
        output = Path(folder) / "sources.json"
        # A throwaway database: freshness reads only the landing files, and must not
        # take the write lock of the published warehouse that BI tools are reading.
        scratch_db = Path(folder) / "freshness.duckdb"
        error_text = ""
        try:
            # No dbt lines on the console: the table below says it all (judged at the data's
            # own end date, where dbt's lines judge at now), and they are wider than 80.
            # Its own target path: the project's target/semantic_manifest.json keeps
            # naming the warehouse, so `mf query` works after a build.
            run_dbt(
                [
                    "source",
                    "freshness",
                    "--log-level",
                    "none",
                    "--output",
                    str(output),
                    "--target-path",
                    str(Path(folder) / "target"),
                    *selection,
                ],
                landing,
                scratch_db,
            )
        except BuildError as error:
            error_text = str(error)
        if not output.exists():
            detail = error_text.strip().splitlines()[-1][:160] if error_text.strip() else ""
            return [
                FreshnessOutcome("(dbt source freshness failed)", "runtime error", detail=detail)
            ]
        results = json.loads(output.read_text())["results"]
    outcomes = skipped
    for item in results:
        status, age = _judge(item, as_of)
        outcomes.append(
            FreshnessOutcome(
                source=item["unique_id"].removeprefix("source.growth_ledger."),
                status=status,
                max_loaded_at=str(item.get("max_loaded_at") or "")[:16].replace("T", " "),
                age_hours=None if age is None else round(age, 1),
                detail=str(item.get("message") or "")[:160] if status == "runtime error" else "",
            )
        )
    return sorted(outcomes, key=lambda outcome: outcome.source)


def _suite_label(outcome: SuiteOutcome) -> str:
    # The layer heads its section of the table: the name without it fits 80 columns.
    return outcome.suite.removeprefix(f"{outcome.layer}__")


def _rows(count: int) -> str:
    # Millions as 12.3M: a 46-character suite name and its counts still fit 80 columns.
    return f"{count / 1e6:.1f}M" if count >= 1_000_000 else f"{count:,}"


def print_summary(summary: CheckSummary, console: Console) -> None:
    """The suites and freshness tables, then one verdict line; readable at 80 columns."""
    colours = {
        PASSED: "green",
        FAILED: "red",
        ERROR: "red",
        NOT_BUILT: "yellow",
        SKIPPED: "dim",
        WARNED: "yellow",
    }
    table = Table(title="Great Expectations suites", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("suite (by layer)", overflow="fold")
    table.add_column("rows", justify="right", no_wrap=True)
    table.add_column("failed", justify="right", no_wrap=True)  # of the expectations
    table.add_column("status", no_wrap=True)
    layers = list(dict.fromkeys(outcome.layer for outcome in summary.suites))
    for layer in layers:
        table.add_row(f"[bold underline]{layer}[/]")
        for outcome in (item for item in summary.suites if item.layer == layer):
            counted = outcome.status in {PASSED, FAILED, WARNED}
            table.add_row(
                _suite_label(outcome),
                _rows(outcome.rows) if counted else "",
                f"{outcome.failed} of {outcome.expectations}" if counted else "",
                f"[{colours.get(outcome.status, 'white')}]{outcome.status}[/]",
            )
    console.print(table)
    # Skipped suites: one line per reason (an absent source skips several suites).
    skipped: dict[str, int] = {}
    for outcome in summary.suites:
        if outcome.status == SKIPPED:
            skipped[outcome.detail] = skipped.get(outcome.detail, 0) + 1
    for reason, count in skipped.items():
        console.print(f"  [dim]skipped: {reason} ({count} suite{'s' if count > 1 else ''})[/]")
    for outcome in summary.suites:
        if outcome.detail and outcome.status not in {PASSED, SKIPPED}:
            console.print(f"  [bold]{outcome.suite}[/] ({outcome.status}): {outcome.detail}")
    if summary.freshness:
        as_of = (
            f"as at {summary.freshness_as_of:%Y-%m-%d %H:%M} UTC, the data's own end"
            if summary.freshness_as_of
            else "as at now"
        )
        fresh = Table(title=f"Source freshness ({as_of})", box=box.SIMPLE_HEAD, pad_edge=False)
        fresh.add_column("source", overflow="fold")
        fresh.add_column("status", no_wrap=True)
        fresh.add_column("latest extract (UTC)", no_wrap=True)
        fresh.add_column("age (h)", justify="right", no_wrap=True)
        fresh_colours = {"pass": "green", "warn": "yellow", "error": "red", "skipped": "dim"}
        for item in summary.freshness:
            fresh.add_row(
                item.source,
                f"[{fresh_colours.get(item.status, 'red')}]{item.status}[/]",
                item.max_loaded_at,
                "" if item.age_hours is None else f"{item.age_hours:,.1f}",
            )
        console.print(fresh)
        absent = [item.source for item in summary.freshness if item.status == FRESHNESS_SKIPPED]
        if absent:
            console.print(f"  [dim]skipped: {', '.join(absent)} {NOT_IN_LANDING}[/]")
        for item in summary.freshness:
            if item.detail and item.status != FRESHNESS_SKIPPED:
                console.print(f"  [bold]{item.source}[/]: {item.detail}")
    for error in summary.landing_errors:
        console.print(f"[red]landing:[/] {error}")
    counts = {
        status: sum(1 for outcome in summary.suites if outcome.status == status)
        for status in (PASSED, FAILED, WARNED, ERROR, NOT_BUILT, SKIPPED)
    }
    colour = {"PASS": "green", "WARN": "yellow", "FAIL": "red"}[summary.verdict]
    judged = [item for item in summary.freshness if item.status != FRESHNESS_SKIPPED]
    freshness = (
        f"{len(summary.stale_sources)} of {len(judged)} sources not fresh"
        if judged
        else "freshness not checked"
    )
    console.print(
        f"[{colour}]{summary.verdict}[/]: {counts[PASSED]} passed, {counts[FAILED]} failed, "
        f"{counts[WARNED]} warnings, {counts[ERROR]} errors, {counts[NOT_BUILT]} not built, "
        f"{counts[SKIPPED]} skipped (not in the landing); {freshness}; landing "
        f"pre-flight {len(summary.landing_errors)} errors, {summary.landing_warnings} "
        f"warnings; {summary.seconds:.0f}s"
    )
    if summary.docs_index:
        console.print(f"Data Docs: {summary.docs_index}")


def run_checks(
    db_path: Path,
    landing: Path,
    docs_dir: Path | None = None,
    *,
    freshness: bool = True,
    layers: set[str] | None = None,
    console: Console | None = None,
    show_progress: bool = True,
) -> CheckSummary:
    """Validate the landing folder and the warehouse at db_path; write Data Docs to docs_dir
    (default: the board pack's static folder).

    `layers` limits the suites (landing, staging, marts, reconciliation); all by default.
    The result's `exit_code` is 1 when a suite failed or could not run, 2 when only
    freshness is short (see the module docstring).
    """
    import duckdb

    started = time.perf_counter()
    docs_dir = docs_dir or default_docs_dir()
    console = console or Console()
    expectations_module = load_expectations()
    summary = CheckSummary()

    # One inventory: the pre-flight and which entities are in the landing.
    files = inventory(landing, earlier_readings_in(db_path)) if landing.is_dir() else []
    present = present_entities(files)
    problems = check_landing(landing, files)
    summary.landing_errors = [str(problem) for problem in problems if problem.is_error]
    # An absent source is an info line, not a warning: its suites say "skipped".
    summary.landing_warnings = sum(
        1 for problem in problems if not problem.is_error and not problem.is_info
    )

    suites = [
        spec for spec in expectations_module.all_suites() if layers is None or spec.layer in layers
    ]
    warehouse = duckdb.connect(str(db_path), read_only=True) if db_path.exists() else None
    sources = expectations_module.Sources(
        landing=landing,
        warehouse=warehouse,
        present=frozenset(f"{source}/{entity}" for source, entity in present),
    )
    with StepProgress(Console(stderr=True), disable=not show_progress) as progress:
        try:
            task = progress.add_task(f"Great Expectations ({len(suites)} suites)")
            _reset_docs_dir(docs_dir)
            context = _gx_context(docs_dir)
            summary.suites = validate_suites(
                context, suites, sources, on_suite=lambda name: progress.line(task, name)
            )
            context.build_data_docs(site_names=["growth_ledger"])
            summary.docs_index = docs_dir / "index.html"
            progress.update(task, completed=1)
        finally:
            sources.close()
            if warehouse is not None:
                warehouse.close()
        if freshness:
            task = progress.add_task("dbt source freshness")
            summary.freshness_as_of = freshness_as_of(landing)
            summary.freshness = source_freshness(landing, summary.freshness_as_of, present)
            progress.update(task, completed=1)
    summary.seconds = time.perf_counter() - started
    print_summary(summary, console)
    return summary
