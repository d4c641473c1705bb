"""`python -m growth_ledger.connectors`: the same as `growth-ledger import`."""

import argparse
import sys
from pathlib import Path

from growth_ledger.connectors import ADAPTERS, ConnectorError, import_connector


def main(argv: list[str] | None = None) -> int:
    known = ", ".join(f"{c} {s}" for c, sources in ADAPTERS.items() for s in sources)
    parser = argparse.ArgumentParser(
        prog="python -m growth_ledger.connectors",
        description=f"Write landing-contract files from a connector's tables. Known: {known}.",
    )
    parser.add_argument("connector", choices=sorted(ADAPTERS))
    parser.add_argument("source", help="the connector's source name, e.g. google_ads")
    parser.add_argument(
        "--from",
        dest="location",
        type=Path,
        required=True,
        help="a folder of the connector's tables (one CSV/Parquet/JSONL file per table) "
        "or a DuckDB database file its destination wrote",
    )
    parser.add_argument("--landing", type=Path, required=True, help="landing folder to write to")
    parser.add_argument("--schema", help="schema of the DuckDB database holding the tables")
    parser.add_argument(
        "--table-pattern",
        default="{table}",
        help="how table files or tables are named, e.g. 'google_ads_{table}' (default {table})",
    )
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="what the schema lacks, e.g. currency=USD for Fivetran facebook_ads",
    )
    args = parser.parse_args(argv)
    options = dict(item.split("=", 1) for item in args.option)
    try:
        imported = import_connector(
            args.connector,
            args.source,
            args.location,
            args.landing,
            schema=args.schema,
            table_pattern=args.table_pattern,
            options=options,
        )
    except ConnectorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for item in imported:
        print(f"wrote {item.path}: {item.rows} rows from {item.source_rows} connector rows")
        for note in item.notes:
            print(f"  note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
