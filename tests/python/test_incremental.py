"""Incremental builds equal a full refresh: the demo data built in two steps
(every extract but the last days', then the rest) gives, row for row, the
same public marts and incremental facts as one full build."""

import datetime as dt
import json
import math
import shutil
from pathlib import Path

import duckdb
import pytest

from growth_ledger.build import TESTS_EXTRACTED_SINCE, daily_tests_since, run_dbt
from growth_ledger.environment import temporary_environment
from growth_ledger.paths import DEMO_LANDING, PROJECT_DIR

# Extracts pulled from this time on arrive in the second step: the last three
# daily pulls of GA4, the ad platforms, Search Console and the shop, plus
# October's monthly files (FX rates among them, which restate a whole month of
# EUR amounts).
SECOND_STEP_FROM = "20261030T000000Z"
INCREMENTAL_MODELS = [
    ("staging", "base_ga4__events"),
    ("intermediate", "int_sessions_from_events"),
    ("staging", "base_google_ads__ad_stats"),
    ("staging", "base_meta_ads__ads_insights"),
    ("staging", "base_shop__orders"),
    ("staging", "base_email__events"),
    ("marts", "fct_sessions"),
    ("intermediate", "int_order_lines_with_margin"),
    ("intermediate", "int_orders_with_margin"),
]
# The demo's daily GA4 files each export one new day, so the second step gets a day
# restated on top: GA4 exports 2026-10-27 again, late, with some events gone (purchases
# among them, so orders change channel) and others moved to another traffic source.
RESTATED_GA4_DAY = "20261027"
RESTATED_GA4_FILE = "events_20261101T120000Z.parquet"
# And one restatement that lands late under an older extract time (a re-run of a failed
# export, or nights without a build): 2026-09-20 (a month whose FX rates do not change)
# exported again at 2026-10-20 12:00, more than restatement_lookback_days before the
# newest extract the first step loaded (so no window of recent extract times holds it),
# with the same revenue but other traffic sources and fewer page views.
LATE_RESTATED_GA4_DAY = "20260920"
LATE_RESTATED_GA4_FILE = "events_20261020T120000Z.parquet"
# And a late shop export: a May order (GBP) again with a new refund of one unit (no date
# window of the last days holds that order), and two changed copies of a March order.
LATE_SHOP_FILE = "orders_20261101T120000Z.jsonl"
CHANGED_UPDATED_AT = ("2026-11-01T10:00:00+01:00", "2026-11-01T10:05:00+01:00")
# Models, not tests: the test suite runs elsewhere; here only the data matters.
BUILD = ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]


def _extract_stamp(path: Path) -> str:
    return path.stem.rsplit("_", 1)[-1]


def _is_late(path: Path) -> bool:
    """Pulled in the second step; an entity whose only extract is late keeps it (snapshots)."""
    if path.parent.name == "_truth" or _extract_stamp(path) < SECOND_STEP_FROM:
        return False
    return any(_extract_stamp(other) < SECOND_STEP_FROM for other in path.parent.iterdir())


def _copy_landing(target: Path, *, first_step: bool) -> None:
    for path in DEMO_LANDING.rglob("*"):
        if not path.is_file():
            continue
        relative = path.relative_to(DEMO_LANDING)
        if first_step and _is_late(path):
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        if not destination.exists():
            shutil.copy2(path, destination)


def _write_restated_ga4_day(
    landing: Path, day: str, file_name: str, *, same_revenue: bool = False
) -> None:
    """The day's table exported again: every 7th session's events dropped, purchases of
    every 5th session dropped, and every 3rd remaining session re-attributed to a referral.
    same_revenue: only the page views of every 7th session dropped, so no session's
    revenue changes (nothing but the extract files tells the day was restated)."""
    events = landing / "ga4" / "events"
    source = sorted(events.glob("events_*.parquet"))
    session = (
        "hash(coalesce(user_pseudo_id, '') || '.' || coalesce((list_filter(event_params, "
        "lambda p: p.key = 'ga_session_id')[1]).value.int_value, 0))"
    )
    kept = (
        f"not (event_name = 'page_view' and {session} % 7 = 0)"
        if same_revenue
        else f"{session} % 7 != 0 and not (event_name = 'purchase' and {session} % 5 = 0)"
    )
    connection = duckdb.connect()
    try:
        connection.execute(
            f"""
            copy (
                select * replace (
                    case when {session} % 3 = 0
                        then {{'manual_source': 'restated.example', 'manual_medium': 'referral',
                              'manual_campaign_name': null, 'manual_campaign_id': null,
                              'manual_content': null, 'gclid': null}}::
                              struct(manual_source varchar, manual_medium varchar,
                                     manual_campaign_name varchar, manual_campaign_id varchar,
                                     manual_content varchar, gclid varchar)
                        else collected_traffic_source
                    end as collected_traffic_source
                )
                from read_parquet({[str(path) for path in source]!r}, union_by_name = true)
                where event_date = '{day}' and {kept}
            ) to '{events / file_name}' (format parquet)
            """
        )
    finally:
        connection.close()


def _latest_orders(landing: Path) -> dict[int, dict]:
    """Each order's document as its latest export holds it."""
    latest: dict[int, dict] = {}
    for path in sorted((landing / "shop" / "orders").glob("orders_*.jsonl")):
        for line in path.read_text().splitlines():
            try:
                order = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(order, dict) and order.get("id"):
                latest[order["id"]] = order
    return latest


def _refund_of_an_old_order(latest: dict[int, dict]) -> dict:
    """The first May GBP order with no refund, exported again with a refund of one unit
    of its first line (prices include tax: the unit price is charged)."""
    order = min(
        (
            order
            for order in latest.values()
            if str(order.get("created_at", "")).startswith("2026-05")
            and order.get("currency") == "GBP"
            and order.get("taxes_included") is True
            and order.get("cancelled_at") is None
            and not order.get("refunds")
            and order["line_items"][0].get("total_discount") in {"0.00", "0", 0}
        ),
        key=lambda order: order["created_at"],
    )
    line = order["line_items"][0]
    refunded_at = "2026-11-01T09:00:00+01:00"
    return {
        **order,
        "updated_at": refunded_at,
        "financial_status": "partially_refunded",
        "refunds": [
            {
                "created_at": refunded_at,
                "id": 889999999001,
                "refund_line_items": [
                    {"line_item_id": line["id"], "quantity": 1, "subtotal": line["price"]}
                ],
                "transactions": [{"amount": line["price"], "kind": "refund"}],
            }
        ],
    }


def _changed_copies_of_a_first_order(latest: dict[int, dict]) -> list[dict]:
    """Two copies, updated five minutes apart, of a March order that was its customer's
    first of several (a changelog export: the file's last line wins)."""
    orders_of: dict[int, list[dict]] = {}
    for order in latest.values():
        if order.get("customer") and order.get("cancelled_at") is None:
            orders_of.setdefault(order["customer"]["id"], []).append(order)
    first = min(
        (
            min(orders, key=lambda order: order["created_at"])
            for orders in orders_of.values()
            if len(orders) >= 2
        ),
        key=lambda order: (not str(order["created_at"]).startswith("2026-03"), order["id"]),
    )
    return [{**first, "updated_at": stamp} for stamp in CHANGED_UPDATED_AT]


def _write_late_shop_export(landing: Path) -> None:
    latest = _latest_orders(landing)
    documents = [_refund_of_an_old_order(latest), *_changed_copies_of_a_first_order(latest)]
    (landing / "shop" / "orders" / LATE_SHOP_FILE).write_text(
        "".join(json.dumps(document) + "\n" for document in documents)
    )


def _tables(connection: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str]]:
    rows = connection.execute(
        "select schema_name, table_name from duckdb_tables() "
        "where database_name = ? and schema_name = 'marts' order by all",
        [catalog],
    ).fetchall()
    return [(schema, name) for schema, name in rows]


def _rounded_columns(connection: duckdb.DuckDBPyConnection, relation: str, digits: int) -> str:
    """Every column, doubles rounded (sums over rows in another order differ in the last bits)."""
    columns = connection.execute(f"describe {relation}").fetchall()
    return ", ".join(
        f'round("{name}", {digits}) as "{name}"' if kind in {"DOUBLE", "FLOAT"} else f'"{name}"'
        for name, kind, *_ in columns
    )


def _same(left: object, right: object) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-6) or left == right
    return left == right or (left != left and right != right)  # NaN == NaN here


def _rows_differing(connection: duckdb.DuckDBPyConnection, left: str, right: str) -> int:
    """Rows of two relations that differ beyond float noise: exact set difference first,
    then, where that finds any, a row-by-row comparison in one order with a tolerance."""
    exact = _rounded_columns(connection, right, 6)
    (differing,) = connection.execute(
        f"select count(*) from ((select {exact} from {left} except all select {exact} from {right})"
        f" union all (select {exact} from {right} except all select {exact} from {left}))"
    ).fetchone()
    if not differing:
        return 0
    columns = connection.execute(f"describe {right}").fetchall()
    order = ", ".join(
        f'round("{name}", 3)' if kind in {"DOUBLE", "FLOAT"} else f'"{name}"'
        for name, kind, *_ in columns
    )
    rows = [
        connection.execute(f"select * from {rel} order by {order} nulls first").fetchall()
        for rel in (left, right)
    ]
    if len(rows[0]) != len(rows[1]):
        return abs(len(rows[0]) - len(rows[1])) or 1
    return sum(1 for a, b in zip(*rows, strict=True) if not all(map(_same, a, b)))


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("incremental")
    landing = root / "landing"
    incremental_db = root / "incremental.duckdb"
    full_db = root / "full.duckdb"
    _copy_landing(landing, first_step=True)
    run_dbt(BUILD, landing, incremental_db)
    _copy_landing(landing, first_step=False)
    _write_restated_ga4_day(landing, RESTATED_GA4_DAY, RESTATED_GA4_FILE)
    _write_restated_ga4_day(
        landing, LATE_RESTATED_GA4_DAY, LATE_RESTATED_GA4_FILE, same_revenue=True
    )
    _write_late_shop_export(landing)
    run_dbt(BUILD, landing, incremental_db)
    run_dbt([*BUILD, "--full-refresh"], landing, full_db)
    return incremental_db, full_db


@pytest.fixture(scope="module")
def monkeypatch_module():
    # The landing folder is a copy, not data/demo: personal data needs a salt.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GROWTH_LEDGER_PII_SALT", "test-incremental")
        yield patch


def test_incremental_run_loaded_every_ga4_file(warehouses: tuple[Path, Path]) -> None:
    incremental_db, _ = warehouses
    connection = duckdb.connect(str(incremental_db), read_only=True)
    try:
        (files,) = connection.execute(
            "select count(distinct source_file) from staging.base_ga4__events"
        ).fetchone()
    finally:
        connection.close()
    assert files == len(list((DEMO_LANDING / "ga4" / "events").glob("*.parquet"))) + 2


def _differences(incremental_db: Path, full_db: Path) -> dict[str, int]:
    """Rows differing per public mart and incremental model."""
    connection = duckdb.connect()
    connection.execute(f"attach '{incremental_db}' as incremental (read_only)")
    connection.execute(f"attach '{full_db}' as full_refresh (read_only)")
    try:
        relations = sorted(set(_tables(connection, "full_refresh")) | set(INCREMENTAL_MODELS))
        assert len(relations) > 20
        differences = {}
        for schema, name in relations:
            differing = _rows_differing(
                connection, f"incremental.{schema}.{name}", f"full_refresh.{schema}.{name}"
            )
            if differing:
                differences[f"{schema}.{name}"] = differing
        return differences
    finally:
        connection.close()


def test_incremental_equals_full_refresh(warehouses: tuple[Path, Path]) -> None:
    differences = _differences(*warehouses)
    assert differences == {}, f"rows differing from the full refresh: {differences}"


def test_daily_run_tests_the_rows_of_the_extracts_it_loaded(warehouses: tuple[Path, Path]) -> None:
    """growth-ledger build scopes the GA4 event tests of an incremental run to the extracts
    from the newest loaded one minus the lookback on; without the variable, every row."""
    incremental_db, _ = warehouses
    since = daily_tests_since(incremental_db)
    assert since == "2026-10-29 12:00:00"  # the restated day's file, 20261101T120000Z, - 3 days
    for value, expected in ((since, f"extracted_at >= cast('{since}' as timestamp)"), ("", None)):
        with temporary_environment({TESTS_EXTRACTED_SINCE: value}):
            result = run_dbt(
                ["test", "-s", "stg_ga4__events,test_type:data"],
                incremental_db.parent / "landing",
                incremental_db,
            )
        assert result.failures == []
        compiled = PROJECT_DIR / "target" / "compiled"
        sql = next(compiled.rglob("unique_stg_ga4__events_event_id.sql")).read_text()
        if expected:
            assert expected in sql
        else:
            assert "extracted_at >=" not in sql


def test_the_last_line_of_an_order_changelog_wins_in_both(warehouses: tuple[Path, Path]) -> None:
    """Two copies of an order in one late changelog file: the last line is staged and the
    other quarantined, in the incremental run as in the full refresh; since the staged
    order changed, both rebuild it (the equality test compares the rest)."""
    for db in warehouses:
        connection = duckdb.connect(str(db), read_only=True)
        try:
            rows = connection.execute(
                "select source_line_number, updated_at, quarantine_reason"
                " from staging.base_shop__orders where source_file = ?"
                " and order_id in (select order_id from staging.base_shop__orders"
                "  where source_file = ? group by 1 having count(*) = 2)"
                " order by source_line_number",
                [LATE_SHOP_FILE, LATE_SHOP_FILE],
            ).fetchall()
        finally:
            connection.close()
        assert [(line, reason) for line, _, reason in rows] == [
            (2, "duplicate row in the same extract"),
            (3, None),
        ], db.name
        assert rows[1][1] > rows[0][1]


def test_a_run_without_new_files_rebuilds_no_session(warehouses: tuple[Path, Path]) -> None:
    """Nothing new landed: the sessions models select no day, and everything still equals
    the full refresh (the incremental warehouse is built once more, last in this module)."""
    incremental_db, full_db = warehouses
    connection = duckdb.connect(str(incremental_db), read_only=True)
    try:
        (last_day,) = connection.execute(
            "select max(session_date) from intermediate.int_sessions_from_events"
        ).fetchone()
    finally:
        connection.close()
    run_dbt(BUILD, incremental_db.parent / "landing", incremental_db)
    model = "growth_ledger/models/intermediate/marketing/int_sessions_from_events.sql"
    sql = (PROJECT_DIR / "target" / "compiled" / model).read_text()
    day_after = last_day + dt.timedelta(days=1)
    assert f"having min(event_date) >= cast('{day_after}' as date)" in sql
    differences = _differences(incremental_db, full_db)
    assert differences == {}, f"rows differing from the full refresh: {differences}"
