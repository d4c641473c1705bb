"""The growth-ledger command line."""

import typer

app = typer.Typer(help="Growth Ledger: marketing spend to revenue and margin.", no_args_is_help=True)


@app.callback()
def main() -> None:
    """Growth Ledger command line."""
