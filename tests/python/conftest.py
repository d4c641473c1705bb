"""Shared fixtures: real warehouses built by dbt from real raw files."""

import os
from pathlib import Path

import duckdb
import pytest

from growth_ledger.build import build
from growth_ledger.paths import DEMO_LANDING


@pytest.fixture(scope="session")
def demo_landing() -> Path:
    return DEMO_LANDING


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded demo data built by `dbt build` into a fresh DuckDB file.

    GROWTH_LEDGER_TEST_DB reuses a warehouse built from data/demo earlier, to
    iterate on tests quickly; CI never sets it.
    """
    if os.environ.get("GROWTH_LEDGER_TEST_DB"):
        return Path(os.environ["GROWTH_LEDGER_TEST_DB"])
    db_path = tmp_path_factory.mktemp("demo_warehouse") / "growth_ledger.duckdb"
    build(DEMO_LANDING, db_path)
    return db_path


@pytest.fixture()
def warehouse(demo_warehouse: Path):
    connection = duckdb.connect(str(demo_warehouse), read_only=True)
    yield connection
    connection.close()
