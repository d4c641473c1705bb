"""The growth-ledger command line."""

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from growth_ledger.paths import DEFAULT_DB, DEMO_LANDING

app = typer.Typer(
    help="Growth Ledger: marketing spend to revenue and margin, on dbt and DuckDB.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
console = Console(stderr=True)

LandingOption = Annotated[
    Path,
    typer.Option(
        "--landing",
        envvar="GROWTH_LEDGER_LANDING",
        help="Folder of raw exports (see docs/landing_contract.md).",
    ),
]
DbOption = Annotated[
    Path, typer.Option("--db", envvar="GROWTH_LEDGER_DB", help="DuckDB file to build.")
]


def fail(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code=1)


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
    started = time.perf_counter()
    run_generate(out, scale=scale_value, seed=seed, show_progress=True)
    console.print(f"wrote {out} in {time.perf_counter() - started:.1f}s")


@app.command()
def build(
    landing: LandingOption = DEMO_LANDING,
    db: DbOption = DEFAULT_DB,
    full_refresh: Annotated[
        bool, typer.Option("--full-refresh", help="Rebuild incremental models.")
    ] = False,
) -> None:
    """Run `dbt build` (seeds, models, tests) on the landing folder."""
    from growth_ledger.build import BuildError
    from growth_ledger.build import build as run_build

    started = time.perf_counter()
    try:
        run_build(landing, db, ["--full-refresh"] if full_refresh else [])
    except BuildError as error:
        fail(str(error))
    console.print(f"[green]built[/] {db} in {time.perf_counter() - started:.1f}s")


@app.command()
def check(
    landing: LandingOption = DEMO_LANDING,
    db: DbOption = DEFAULT_DB,
    docs: Annotated[
        Path | None, typer.Option("--docs", help="Data Docs folder (default: in the board pack).")
    ] = None,
    freshness: Annotated[bool, typer.Option(help="Also run dbt source freshness.")] = True,
    layer: Annotated[
        list[str] | None,
        typer.Option("--layer", help="Only these layers: landing, staging, marts, reconciliation."),
    ] = None,
) -> None:
    """Run the Great Expectations suites, the landing pre-flight and source freshness."""
    from growth_ledger.check import DEFAULT_DOCS_DIR, run_checks

    if not db.exists():
        fail(f"{db} does not exist: run `growth-ledger build` first")
    summary = run_checks(
        db,
        landing,
        docs or DEFAULT_DOCS_DIR,
        freshness=freshness,
        layers=set(layer) if layer else None,
    )
    raise typer.Exit(summary.exit_code)


@app.command()
def report(
    db: DbOption = DEFAULT_DB,
    out: Annotated[Path, typer.Option("--out", help="Folder for the static site.")] = Path(
        "reports/build"
    ),
    pdf: Annotated[bool, typer.Option(help="Also print the board pack to PDF.")] = True,
) -> None:
    """Build the Evidence board pack (static site and PDF) from the DuckDB file."""
    from growth_ledger.report import ReportError, build_report

    if not db.exists():
        fail(f"{db} does not exist: run `growth-ledger build` first")
    try:
        result = build_report(db, out, pdf=pdf)
    except ReportError as error:
        fail(str(error))
        return
    console.print(
        f"[green]board pack[/] {result.site_dir}" + (f", {result.pdf_path}" if pdf else "")
    )


@app.command()
def audience(
    db: DbOption = DEFAULT_DB,
    out: Annotated[Path, typer.Option("--out", help="Folder for the upload files.")] = Path(
        "exports/audiences"
    ),
) -> None:
    """Write the reactivation audience as Google Customer Match and Meta upload files."""
    from growth_ledger.intelligence.audience import export_audiences

    if not db.exists():
        fail(f"{db} does not exist: run `growth-ledger build` first")
    for path in export_audiences(db, out):
        console.print(f"wrote {path}")


@app.command()
def demo(db: DbOption = DEFAULT_DB) -> None:
    """Build the warehouse from the embedded demo data, check it, then build the board pack."""
    from growth_ledger.check import DEFAULT_DOCS_DIR, run_checks

    build(landing=DEMO_LANDING, db=db, full_refresh=False)
    # The board pack links the Data Docs and shows the result; a failed suite is
    # reported here and on the data-quality page rather than stopping the demo.
    run_checks(db, DEMO_LANDING, DEFAULT_DOCS_DIR)
    report(db=db, out=Path("reports/build"), pdf=True)
