"""The warehouse file answers every view and table under any file name and catalog alias.

DuckDB names a file's catalog after the file (or the ATTACH alias); a view
whose SQL names the catalog it was built in fails everywhere else.
"""

import shutil
from pathlib import Path

import duckdb
import pytest

ALIAS = "renamed_copy"


@pytest.fixture(scope="module")
def renamed_copy(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("catalog") / "board_numbers_copy.duckdb"
    shutil.copyfile(demo_warehouse, copy)
    return copy


def relations(connection: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str, str]]:
    return connection.execute(
        """
        select schema_name, view_name, 'view' from duckdb_views()
        where database_name = ? and not internal
        union all
        select schema_name, table_name, 'table' from duckdb_tables()
        where database_name = ? and not internal
        order by 3, 1, 2
        """,
        [catalog, catalog],
    ).fetchall()


def unanswered(connection: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    failures = []
    for schema, name, _ in relations(connection, catalog):
        try:
            connection.execute(f'select * from "{catalog}"."{schema}"."{name}" limit 1').fetchall()
        except duckdb.Error as error:
            failures.append(f"{schema}.{name}: {error}")
    return failures


def test_every_view_and_table_answers_under_another_alias(renamed_copy: Path) -> None:
    with duckdb.connect() as connection:
        connection.execute(f"attach '{renamed_copy}' as {ALIAS} (read_only)")
        found = relations(connection, ALIAS)
        assert any(kind == "view" for *_, kind in found)
        assert any(kind == "table" for *_, kind in found)
        failures = unanswered(connection, ALIAS)
    assert not failures, "\n".join(failures)


def test_every_view_answers_when_the_copy_is_opened_by_its_own_name(renamed_copy: Path) -> None:
    with duckdb.connect(str(renamed_copy), read_only=True) as connection:
        catalog = connection.execute("select current_database()").fetchone()[0]
        assert catalog == renamed_copy.stem
        failures = unanswered(connection, catalog)
    assert not failures, "\n".join(failures)


def test_no_view_names_the_catalog_it_was_built_in(demo_warehouse: Path) -> None:
    with duckdb.connect(str(demo_warehouse), read_only=True) as connection:
        catalog = connection.execute("select current_database()").fetchone()[0]
        qualified = connection.execute(
            "select schema_name || '.' || view_name from duckdb_views() "
            "where not internal and database_name = ? and contains(lower(sql), lower(?))",
            [catalog, f'"{catalog}".'],
        ).fetchall()
    assert not qualified, qualified
