"""Where a connector's tables are, and writing contract files from them.

A connector landed its tables either as files (one per table, CSV or
Parquet, in one folder) or as a schema of a DuckDB database (what the
Fivetran, Airbyte and dlt DuckDB / MotherDuck destinations write). Both
become DuckDB views named `<table>` in one connection, so each adapter is
plain SQL over the connector's own table names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from growth_ledger.contract import Entity

FILE_FORMATS = (".csv", ".parquet", ".jsonl")


class ConnectorError(Exception):
    """A connector's tables cannot be read or mapped; the message says what to do."""


@dataclass
class ConnectorTables:
    """Connector tables as views of one DuckDB connection."""

    location: Path
    schema: str | None = None
    table_pattern: str = "{table}"
    connection: duckdb.DuckDBPyConnection = field(init=False)

    def __post_init__(self) -> None:
        self.connection = duckdb.connect()
        # Connector timestamps with a time zone are written out in UTC, whatever the machine's.
        self.connection.execute("set timezone = 'UTC'")
        if not self.location.exists():
            raise ConnectorError(f"{self.location} does not exist")
        if self.location.is_file():
            self.connection.execute(f"attach '{self.location}' as connector (read_only)")
        elif self.schema:
            raise ConnectorError(
                f"{self.location} is a folder: --schema applies to a DuckDB database file"
            )

    def has(self, table: str) -> bool:
        return self._file(table) is not None if self.location.is_dir() else self._in_db(table)

    def require(self, *tables: str) -> None:
        missing = [table for table in tables if not self.has(table)]
        if missing:
            where = (
                f"files named {self.table_pattern.format(table='<table>')}.csv|.parquet "
                f"in {self.location}"
                if self.location.is_dir()
                else f"schema {self.schema or 'main'} of {self.location}"
            )
            raise ConnectorError(f"missing connector table(s) {', '.join(missing)} ({where})")

    def view(self, table: str) -> None:
        """Create view `table`; every column is text, so adapters cast explicitly."""
        if self.location.is_dir():
            path = self._file(table)
            if path is None:
                raise ConnectorError(f"no file for table {table} in {self.location}")
            if path.suffix == ".parquet":
                relation = f"read_parquet('{path}')"
            elif path.suffix == ".jsonl":
                # Formats that never match keep timestamps as written, offset included.
                relation = (
                    f"read_json('{path}', format='newline_delimited', "
                    "timestampformat='%Y.never', dateformat='%Y.never')"
                )
            else:
                relation = f"read_csv('{path}', header=true, all_varchar=true, encoding='utf-8')"
        else:
            relation = f'connector."{self.schema or "main"}"."{self._db_table(table)}"'
        self.connection.execute(f'create or replace view "{table}" as select * from {relation}')

    def columns(self, table: str) -> list[str]:
        return [row[0] for row in self.connection.execute(f'describe "{table}"').fetchall()]

    def has_column(self, table: str, column: str) -> bool:
        return column.lower() in {name.lower() for name in self.columns(table)}

    def require_columns(self, table: str, columns: list[str]) -> None:
        missing = [column for column in columns if not self.has_column(table, column)]
        if missing:
            raise ConnectorError(f"connector table {table} has no column(s) {', '.join(missing)}")

    def count(self, table: str) -> int:
        return self.connection.execute(f'select count(*) from "{table}"').fetchone()[0]

    def _file(self, table: str) -> Path | None:
        stem = self.table_pattern.format(table=table).lower()
        for path in sorted(self.location.iterdir()):
            if path.suffix.lower() in FILE_FORMATS and path.stem.lower() == stem:
                return path
        return None

    def _db_table(self, table: str) -> str:
        name = self.table_pattern.format(table=table)
        rows = self.connection.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'connector' and table_schema = ? "
            "and lower(table_name) = lower(?)",
            [self.schema or "main", name],
        ).fetchall()
        if not rows:
            raise ConnectorError(f"no table {name} in schema {self.schema or 'main'}")
        return rows[0][0]

    def _in_db(self, table: str) -> bool:
        try:
            self._db_table(table)
        except ConnectorError:
            return False
        return True


def write_entity(
    connection: duckdb.DuckDBPyConnection,
    query: str,
    entity: Entity,
    landing: Path,
    extracted_at: datetime | None = None,
    stem: str | None = None,
    sub_folder: str | None = None,
) -> tuple[Path, int]:
    """Write the rows of `query` as one extract file of `entity`, columns in contract order."""
    produced = [row[0] for row in connection.execute(f"describe {query}").fetchall()]
    missing = [column.name for column in entity.columns if column.name not in produced]
    if missing:
        raise ConnectorError(f"adapter for {entity.folder} does not produce {missing}")
    folder = landing / entity.source / entity.entity
    if sub_folder:
        folder = folder / sub_folder
    folder.mkdir(parents=True, exist_ok=True)
    moment = (extracted_at or datetime.now(UTC)).replace(microsecond=0)
    # Two imports in one second (two accounts) must not overwrite each other.
    name = stem or entity.entity
    while (target := folder / f"{name}_{moment:%Y%m%dT%H%M%SZ}.{entity.fmt}").exists():
        moment += timedelta(seconds=1)
    selected = ", ".join(f'"{column.name}"' for column in entity.columns)
    fmt = {"csv": "(format csv, header true)", "parquet": "(format parquet)"}.get(
        entity.fmt, "(format json)"
    )
    connection.execute(f"copy (select {selected} from {query}) to '{target}' {fmt}")
    rows = connection.execute(f"select count(*) from {query}").fetchone()[0]
    return target, rows
