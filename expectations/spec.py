"""What a suite is: a frame to validate and the expectations it must meet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
from great_expectations.expectations import Expectation


class NotBuilt(Exception):
    """The relation a suite validates is not in the warehouse (yet)."""


NOT_BUILT = NotBuilt


@dataclass
class Sources:
    """Where suites read from: the landing folder and the built warehouse (read-only).

    `present` names the landing entities (`<source>/<entity>`) that hold at least one
    file the build reads, from the landing inventory (growth_ledger.landing.inventory);
    None when not known, and then every entity counts as present.
    """

    landing: Path
    warehouse: duckdb.DuckDBPyConnection | None
    present: frozenset[str] | None = None
    _landing_connection: duckdb.DuckDBPyConnection | None = field(default=None, repr=False)

    def is_present(self, entity: str) -> bool:
        return self.present is None or entity in self.present

    @property
    def files(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection for reading landing files."""
        if self._landing_connection is None:
            self._landing_connection = duckdb.connect()
        return self._landing_connection

    def relation_exists(self, relation: str) -> bool:
        if self.warehouse is None:
            return False
        schema, name = relation.split(".")
        return bool(
            self.warehouse.execute(
                "select count(*) from information_schema.tables "
                "where table_schema = ? and table_name = ?",
                [schema, name],
            ).fetchone()[0]
        )

    def require(self, *relations: str) -> None:
        missing = [relation for relation in relations if not self.relation_exists(relation)]
        if missing:
            raise NotBuilt(", ".join(missing))

    def columns(self, relation: str) -> list[str]:
        schema, name = relation.split(".")
        return [
            row[0]
            for row in self.warehouse.execute(
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, name],
            ).fetchall()
        ]

    def query(self, sql: str) -> pd.DataFrame:
        return self.warehouse.execute(sql).df()

    def close(self) -> None:
        if self._landing_connection is not None:
            self._landing_connection.close()
            self._landing_connection = None


@dataclass(frozen=True)
class SuiteSpec:
    """One suite: `load` returns the frame (raises NotBuilt when its relation is absent).

    `needs` are the landing entities (`<source>/<entity>`) whose data the suite judges:
    when they are not in the landing (all of them, or with `needs_any` any one), the
    suite is skipped, not run. A suite that needs nothing always runs.
    """

    name: str
    layer: str  # landing, staging, marts, reconciliation
    target: str  # what is validated, for the summary
    load: Callable[[Sources], pd.DataFrame]
    expectations: Callable[[], list[Expectation]]
    description: str = ""
    needs: tuple[str, ...] = ()
    needs_any: bool = False
    # error: a failed run fails the check; warning: it makes the check WARN (the data
    # loaded and reconciles, but a person should look at the rows it names).
    severity: str = "error"

    def absent(self, sources: Sources) -> tuple[str, ...]:
        """The needed entities not in the landing, when that makes the suite moot; else ()."""
        missing = tuple(entity for entity in self.needs if not sources.is_present(entity))
        if self.needs_any and len(missing) < len(self.needs):
            return ()
        return missing
