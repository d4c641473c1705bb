"""The growth-ledger command line.

Every default comes from the project folder the command runs in (growth_ledger.paths), never
from where the package is installed. Inputs are checked before any long step: a wrong input
is a short message (one to three lines) and exit code 1, not a traceback.
"""

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from growth_ledger import paths
from growth_ledger.inputs import InputError, check_database, check_landing_folder, check_salt

app = typer.Typer(
    help=(
        "Growth Ledger: marketing spend to revenue and margin, on dbt and DuckDB. "
        "Run it inside the project folder (or set GROWTH_LEDGER_PROJECT_DIR): the defaults "
        "below (data/demo, warehouse/growth_ledger.duckdb, reports/) are that folder's."
    ),
    no_args_is_help=True,
    # Plain click help: a flag is shown as a flag (rich help printed `--full-refresh <bool>`).
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
)
console = Console(stderr=True, highlight=False)

LandingOption = Annotated[
    Path | None,
    typer.Option(
        "--landing",
        envvar=paths.LANDING_ENV,
        show_default="data/demo of the project folder",
        help="Folder of raw exports (see docs/landing_contract.md).",
    ),
]
BuildDbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        envvar=paths.DB_ENV,
        show_default="warehouse/growth_ledger.duckdb of the project folder",
        help="DuckDB file to build; replaced only once the build succeeds.",
    ),
]
ReadDbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        envvar=paths.DB_ENV,
        show_default="warehouse/growth_ledger.duckdb of the project folder",
        help="Warehouse to read (built by `growth-ledger build`), opened read-only.",
    ),
]


def fail(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True)
    raise typer.Exit(code=1)


@contextmanager
def user_errors() -> Iterator[None]:
    """Known errors become a short message and exit code 1."""
    try:
        yield
    except Exception as error:
        if not isinstance(error, _known_errors()):
            raise
        fail(str(error))


def _known_errors() -> tuple[type[Exception], ...]:
    # Only the modules already imported: importing dbt just to name its error costs seconds.
    known: list[type[Exception]] = [paths.ProjectNotFound, InputError]
    for module, name in (
        ("growth_ledger.build", "BuildError"),
        ("growth_ledger.report", "ReportError"),
    ):
        if module in sys.modules:
            known.append(getattr(sys.modules[module], name))
    return tuple(known)


def _database(db: Path | None, *, must_exist: bool) -> Path:
    db = db or paths.default_db()
    check_database(db, must_exist=must_exist)
    return db


@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the raw exports to.")],
    scale: Annotated[
        str, typer.Option("--scale", help="demo, small, large, or a number (1 = demo size).")
    ] = "demo",
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same files.")] = 42,
) -> None:
    """Write a realistic, deterministic set of raw exports of every source."""
    from growth_ledger.generate import SCALES
    from growth_ledger.generate import generate as run_generate

    try:
        scale_value: str | float = scale if scale in SCALES else float(scale)
    except ValueError:
        fail(f"--scale must be one of {', '.join(SCALES)} or a number, not {scale!r}")
        return
    if out.is_file():
        fail(f"--out {out} is a file: pass a folder for the raw exports.")
    started = time.perf_counter()
    run_generate(out, scale=scale_value, seed=seed, show_progress=True)
    console.print(f"wrote {out} in {time.perf_counter() - started:.1f}s")


@app.command()
def build(
    landing: LandingOption = None,
    db: BuildDbOption = None,
    full_refresh: Annotated[
        bool, typer.Option("--full-refresh", help="Rebuild incremental models from scratch.")
    ] = False,
    all_tests: Annotated[
        bool,
        typer.Option(
            "--all-tests",
            help="Run every data test on every row (an incremental run tests the GA4 "
            "events on the rows of the extracts it can have loaded).",
        ),
    ] = False,
) -> None:
    """Run `dbt build` (seeds, models, tests) on the landing folder."""
    with user_errors():
        landing = landing or paths.default_landing()
        check_landing_folder(landing)
        check_salt(landing)
        db = _database(db, must_exist=False)
        from growth_ledger.build import build as run_build

        started = time.perf_counter()
        run_build(landing, db, ["--full-refresh"] if full_refresh else [], all_tests=all_tests)
        console.print(f"[green]built[/] {db} in {time.perf_counter() - started:.1f}s")


@app.command()
def check(
    landing: LandingOption = None,
    db: ReadDbOption = None,
    docs: Annotated[
        Path | None,
        typer.Option(
            "--docs",
            show_default="reports/static/data-docs of the project folder",
            help="Folder to write the Data Docs to (the board pack links them).",
        ),
    ] = None,
    freshness: Annotated[
        bool,
        typer.Option(
            help="Run dbt source freshness: generated data is judged at its own end date, "
            "other data at now."
        ),
    ] = True,
    layer: Annotated[
        list[str] | None,
        typer.Option(
            "--layer",
            metavar="<layer>",
            help="Only this layer (repeat for more): landing, staging, marts, reconciliation.",
        ),
    ] = None,
) -> None:
    """Run the Great Expectations suites, the landing pre-flight and source freshness.

    Exit code 0 when everything passed (PASS), 1 when a suite or the landing pre-flight
    failed (FAIL), 2 when nothing failed but sources are stale or ad spend is flagged
    implausible (WARN). Suites of sources not in the landing are skipped.
    """
    with user_errors():
        landing = landing or paths.default_landing()
        check_landing_folder(landing)
        db = _database(db, must_exist=True)
        from growth_ledger.check import default_docs_dir, run_checks

        summary = run_checks(
            db,
            landing,
            docs or default_docs_dir(),
            freshness=freshness,
            layers=set(layer) if layer else None,
        )
    raise typer.Exit(summary.exit_code)


@app.command()
def report(
    db: ReadDbOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            show_default="reports/build of the project folder",
            help="Folder for the static site.",
        ),
    ] = None,
    pdf: Annotated[bool, typer.Option(help="Also print the board pack to PDF.")] = True,
) -> None:
    """Build the Evidence board pack (static site and PDF) from the DuckDB file."""
    with user_errors():
        db = _database(db, must_exist=True)
        out = out or paths.project_dir() / "reports" / "build"
        from growth_ledger.report import build_report

        result = build_report(db, out, pdf=pdf)
        console.print(
            f"[green]board pack[/] {result.site_dir}" + (f", {result.pdf_path}" if pdf else "")
        )


@app.command("import")
def import_connector(
    connector: Annotated[str, typer.Argument(help="fivetran, airbyte or dlt.")],
    source: Annotated[str, typer.Argument(help="The connector's source, e.g. google_ads.")],
    location: Annotated[
        Path,
        typer.Option(
            "--from",
            help="Folder of the connector's tables (one CSV/Parquet/JSONL file each) "
            "or the DuckDB database its destination wrote.",
        ),
    ],
    landing: Annotated[Path, typer.Option("--landing", help="Landing folder to write to.")],
    schema: Annotated[
        str | None, typer.Option("--schema", help="Schema of the DuckDB database.")
    ] = None,
    table_pattern: Annotated[
        str,
        typer.Option("--table-pattern", help="How tables are named, e.g. 'shopify_{table}'."),
    ] = "{table}",
    option: Annotated[
        list[str] | None,
        typer.Option("--option", help="KEY=VALUE for what the schema lacks, e.g. currency=USD."),
    ] = None,
    source_relation: Annotated[
        str | None,
        typer.Option(
            "--source-relation",
            help="Name of this connection when several accounts or connectors of one "
            "platform are landed: files go to <source>/<entity>/NAME/, kept as "
            "source_relation in the marts.",
        ),
    ] = None,
) -> None:
    """Write what a connector (Fivetran, Airbyte, dlt) landed as landing-contract files.

    See README "Using Fivetran / Airbyte / dlt data" for the accepted sources.
    """
    from growth_ledger.connectors import ConnectorError
    from growth_ledger.connectors import import_connector as run_import

    options = {}
    for item in option or []:
        key, separator, value = item.partition("=")
        if not separator:
            fail(f"--option {item!r}: write KEY=VALUE, e.g. currency=USD")
        options[key] = value
    if landing.is_file():
        fail(f"--landing {landing} is a file: pass the landing folder.")
    try:
        imported = run_import(
            connector,
            source,
            location,
            landing,
            schema=schema,
            table_pattern=table_pattern,
            options=options,
            source_relation=source_relation,
        )
    except ConnectorError as error:
        fail(str(error))
        return
    for item in imported:
        console.print(
            f"wrote {item.path}: {item.rows} rows from {item.source_rows} connector rows",
            soft_wrap=True,
        )
        for note in item.notes:
            console.print(f"  note: {note}", soft_wrap=True)


@app.command()
def audience(
    db: ReadDbOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            show_default="exports/audiences of the project folder",
            help="Folder for the upload files.",
        ),
    ] = None,
) -> None:
    """Write the reactivation audience as Google Customer Match and Meta upload files."""
    with user_errors():
        db = _database(db, must_exist=True)
        out = out or paths.project_dir() / "exports" / "audiences"
        from growth_ledger.intelligence.audience import export_audiences

        for path in export_audiences(db, out):
            console.print(f"wrote {path}")


def _seeds(text: str) -> list[int]:
    """'101-105' or '101,103,107' (or both, comma-separated)."""
    seeds: list[int] = []
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        if dash:
            seeds.extend(range(int(first), int(last) + 1))
        elif first:
            seeds.append(int(first))
    return seeds


@app.command()
def evaluate(
    seeds: Annotated[
        str,
        typer.Option(
            "--seeds",
            help="Seeds to generate: a range 101-105 or a list 101,103 "
            "(use seeds the tests and the demo never ran; the demo is 42).",
        ),
    ] = "101-105",
    variants: Annotated[
        str,
        typer.Option(
            "--variants",
            help="Scenario variants per seed, comma-separated: random (event dates, sizes and "
            "channels drawn from the seed), quiet (no planted event), demo (the demo's events).",
        ),
    ] = "random,quiet",
    scale: Annotated[float, typer.Option("--scale", help="Generator scale (1 = demo size).")] = 1.0,
    threads: Annotated[int, typer.Option("--threads", help="dbt threads per build.")] = 1,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            show_default="bench/results of the project folder",
            help="Folder for evaluate.md, evaluate.csv, evaluate_targets.csv, evaluate_events.csv.",
        ),
    ] = None,
    work: Annotated[
        Path | None,
        typer.Option("--work", help="Folder for the worlds (default: a temporary folder)."),
    ] = None,
    keep: Annotated[bool, typer.Option(help="Keep each world's landing and warehouse.")] = False,
    replay: Annotated[
        bool,
        typer.Option(help="Measure detection lag as of the day by rerunning the detector."),
    ] = True,
    rescore: Annotated[
        bool,
        typer.Option(
            "--rescore",
            help="Score again the worlds an earlier run kept in --work (--keep), "
            "without generating or building them.",
        ),
    ] = False,
) -> None:
    """Generate worlds the methods were not tuned on, build each, score the intelligence.

    For every seed and variant: generate a world into a temporary landing, build it with the
    project's build into a temporary warehouse, score fct_kpi_anomalies, fct_inefficient_campaigns,
    mart_budget_reallocation and fct_recommended_actions against the generator's truth. Prints
    one table (per world and overall) and the issue #15 targets with pass / fail. See
    bench/README.md.
    """
    from growth_ledger.generate.scenario import VARIANTS

    try:
        seed_list = _seeds(seeds)
    except ValueError:
        fail(f"--seeds {seeds!r}: write a range 101-105 or a list 101,103")
        return
    variant_list = [v.strip() for v in variants.split(",") if v.strip()]
    unknown = [v for v in variant_list if v not in (*VARIANTS, "demo")]
    if not seed_list or not variant_list or unknown:
        fail(f"--variants: one or more of {', '.join((*VARIANTS, 'demo'))}; --seeds: at least one")
    if threads < 1 or scale <= 0:
        fail("--threads must be >= 1 and --scale > 0")
    if rescore and work is None:
        fail("--rescore needs --work: the folder an earlier `evaluate --keep --work` kept")
    with user_errors():
        out = out or paths.project_dir() / "bench" / "results"
        from growth_ledger.evaluate import harness, report

        started = time.perf_counter()
        settings = harness.Settings(
            seed_list,
            variant_list,
            scale=scale,
            threads=threads,
            work=work,
            keep=keep,
            replay=replay,
            rescore=rescore,
        )
        scores = harness.run(settings, console)
        seconds = time.perf_counter() - started
        command = "growth-ledger evaluate " + " ".join(sys.argv[2:])
        written = harness.write_results(scores, out, command.strip(), seconds)
    table = Console(width=250, highlight=False)
    table.print(report.markdown(report.table(scores)), markup=False)
    table.print("\n" + report.markdown(report.targets_table(scores)), markup=False)
    console.print(
        f"{len(scores)} world(s) in {seconds / 60:.1f} min; wrote " + ", ".join(map(str, written))
    )


@app.command()
def demo(db: BuildDbOption = None) -> None:
    """Build the warehouse from the embedded demo data, check it, then build the board pack."""
    with user_errors():
        landing = paths.demo_landing()
        db = _database(db, must_exist=False)
    build(landing=landing, db=db, full_refresh=False, all_tests=True)
    from growth_ledger.check import run_checks

    # The board pack links the Data Docs and shows the result; a failed suite is
    # reported here and on the data-quality page rather than stopping the demo.
    run_checks(db, landing)
    report(db=db, out=None, pdf=True)


if __name__ == "__main__":
    app()
