"""Read what a connector landed and write it as landing-contract files.

Staging has one code path: the landing contract (docs/landing_contract.md).
Connector schemas (Fivetran, Airbyte) are mapped onto it here, by plain SQL
over the connector's own table names, so `dbt build` then reads them as any
other landing. Every row of the connector's stats table is accounted for:
the money and row totals of what is written are checked against the
connector table itself before the file is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from growth_ledger import contract
from growth_ledger.connectors import airbyte, dlt, fivetran, fivetran_ga4
from growth_ledger.connectors.mapping import Mapping
from growth_ledger.connectors.tables import ConnectorError, ConnectorTables, write_entity

Adapter = Callable[[ConnectorTables, dict[str, str]], list[Mapping]]

ADAPTERS: dict[str, dict[str, Adapter]] = {
    "fivetran": {**fivetran.ADAPTERS, **fivetran_ga4.ADAPTERS},
    "airbyte": airbyte.ADAPTERS,
    "dlt": dlt.ADAPTERS,
}

__all__ = ["ADAPTERS", "ConnectorError", "ImportedFile", "import_connector"]

SOURCE_RELATION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class ImportedFile:
    path: Path
    source_rows: int  # rows of the connector's stats table
    rows: int  # rows written (one per contract grain: day x ad)
    notes: tuple[str, ...]


def import_connector(
    connector: str,
    source: str,
    location: Path,
    landing: Path,
    *,
    schema: str | None = None,
    table_pattern: str = "{table}",
    options: dict[str, str] | None = None,
    extracted_at: datetime | None = None,
    source_relation: str | None = None,
) -> list[ImportedFile]:
    """Write the contract files for one connector source; return what was written.

    `source_relation` names the connection when several accounts or connectors of one
    platform are landed: its files go to `<source>/<entity>/<source_relation>/`, and the
    name is kept down to the marts (`source_relation` columns).
    """
    if source_relation is not None and not SOURCE_RELATION_NAME.fullmatch(source_relation):
        raise ConnectorError(
            f"--source-relation {source_relation!r}: use letters, digits, '.', '_' or '-' "
            "(it becomes a folder name), e.g. fivetran_eu"
        )
    try:
        adapter = ADAPTERS[connector][source]
    except KeyError:
        known = ", ".join(f"{c} {s}" for c, sources in ADAPTERS.items() for s in sources)
        raise ConnectorError(f"no adapter for {connector} {source}; known: {known}") from None
    tables = ConnectorTables(location, schema=schema, table_pattern=table_pattern)
    imported = []
    for mapping in adapter(tables, options or {}):
        entity = contract.load().entity(mapping.source, mapping.entity)
        try:
            path, rows = write_entity(
                tables.connection,
                mapping.query,
                entity,
                landing,
                extracted_at,
                mapping.file_stem,
                source_relation,
            )
        except ConnectorError:
            raise
        except Exception as error:  # DuckDB's message names the value that does not parse
            raise ConnectorError(
                f"{connector} {source}: cannot map {mapping.driving_table} "
                f"({location}): {str(error).splitlines()[0]}"
            ) from None
        _check_money(tables, mapping, path)
        notes = (*mapping.notes, *_gaps(tables, entity, path))
        imported.append(ImportedFile(path, tables.count(mapping.driving_table), rows, notes))
    return imported


def _reader(path: Path) -> str:
    if path.suffix == ".csv":
        return f"read_csv('{path}', header=true, all_varchar=true)"
    if path.suffix == ".parquet":
        return f"read_parquet('{path}')"
    return f"read_json('{path}', format='newline_delimited')"


def _gaps(tables: ConnectorTables, entity: contract.Entity, path: Path) -> list[str]:
    """Required contract columns the connector could not fill (staging quarantines those rows)."""
    notes = []
    for column in entity.required:
        empty = tables.connection.execute(
            f"select count(*) from {_reader(path)} "
            f"where nullif(trim(cast(\"{column}\" as varchar)), '') is null"
        ).fetchone()[0]
        if empty:
            notes.append(
                f"{empty} row(s) have no {column} (not in the connector's tables): "
                "staging quarantines them as missing_value"
            )
    return notes


def _check_money(tables: ConnectorTables, mapping: Mapping, path: Path) -> None:
    """The file as written must hold the connector table's money, to the unit; else it goes."""
    expected = tables.connection.execute(mapping.money_in).fetchone()[0] or 0
    money = mapping.money_out if mapping.money_is_expression else f'"{mapping.money_out}"'
    written = (
        tables.connection.execute(
            f"select sum(cast({money} as decimal(38, 6))) from {_reader(path)}"
        ).fetchone()[0]
        or 0
    )
    if written != expected:
        path.unlink()
        raise ConnectorError(
            f"{mapping.driving_table}: {mapping.money_out} sums to {written} in the file "
            f"written but {expected} in the connector table; nothing was written"
        )
