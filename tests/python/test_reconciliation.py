"""Money in the warehouse equals an independent read of the raw files, to the cent."""

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from raw_reference import (
    ad_spend_by_platform_day,
    fx_rates_daily,
    orders_latest,
    orders_with_margin,
)

CENT = 0.005

STAGED_SPEND = """
    select 'google_ads' as platform, ad_date, spend, spend_eur from staging.stg_google_ads__ad_stats
    union all
    select 'meta_ads', ad_date, spend, spend_eur from staging.stg_meta_ads__ads_insights
    union all
    select 'tiktok_ads', ad_date, spend, spend_eur from staging.stg_tiktok_ads__ad_report
    union all
    select 'linkedin_ads', ad_date, spend, spend_eur from staging.stg_linkedin_ads__ad_analytics
"""


@pytest.fixture(scope="module")
def raw_spend(demo_landing: Path) -> pd.DataFrame:
    return ad_spend_by_platform_day(demo_landing)


@pytest.fixture(scope="module")
def raw_orders(demo_landing: Path) -> pd.DataFrame:
    return orders_latest(demo_landing)


def compare(expected: pd.DataFrame, actual: pd.DataFrame, keys: list[str], value: str) -> None:
    merged = expected.merge(actual, on=keys, how="outer", suffixes=("_raw", "_warehouse"))
    missing = merged[merged[f"{value}_raw"].isna() | merged[f"{value}_warehouse"].isna()]
    assert missing.empty, f"keys only on one side:\n{missing.head(10)}"
    merged["difference"] = (merged[f"{value}_raw"] - merged[f"{value}_warehouse"]).abs()
    off = merged[merged["difference"] >= CENT]
    assert off.empty, f"{len(off)} {value} values differ by a cent or more:\n{off.head(10)}"


def test_spend_per_platform_per_day_in_staging(
    warehouse: duckdb.DuckDBPyConnection, raw_spend: pd.DataFrame
) -> None:
    staged = warehouse.sql(
        f"select platform, ad_date, sum(spend) as spend, sum(spend_eur) as spend_eur "
        f"from ({STAGED_SPEND}) group by all"
    ).df()
    staged["ad_date"] = pd.to_datetime(staged["ad_date"]).dt.date
    assert set(raw_spend["platform"]) == {"google_ads", "meta_ads", "tiktok_ads", "linkedin_ads"}
    compare(raw_spend, staged, ["platform", "ad_date"], "spend")
    compare(raw_spend, staged, ["platform", "ad_date"], "spend_eur")


def test_spend_per_platform_per_day_in_mart(
    warehouse: duckdb.DuckDBPyConnection, raw_spend: pd.DataFrame
) -> None:
    mart = warehouse.sql(
        "select platform, ad_date, sum(spend_eur) as spend_eur "
        "from marts.fct_ad_performance_daily group by all"
    ).df()
    mart["ad_date"] = pd.to_datetime(mart["ad_date"]).dt.date
    compare(raw_spend.drop(columns="spend"), mart, ["platform", "ad_date"], "spend_eur")


def test_order_totals_per_day(
    warehouse: duckdb.DuckDBPyConnection, raw_orders: pd.DataFrame
) -> None:
    staged = warehouse.sql(
        "select order_date, sum(total_price_eur) as total_price_eur, count(*) as orders "
        "from staging.stg_shop__orders group by all"
    ).df()
    staged["order_date"] = pd.to_datetime(staged["order_date"]).dt.date
    expected = raw_orders.groupby("order_date", as_index=False).agg(
        total_price_eur=("total_price_eur", "sum"), orders=("order_id", "count")
    )
    compare(expected, staged, ["order_date"], "total_price_eur")
    compare(expected, staged, ["order_date"], "orders")


@pytest.fixture(scope="module")
def raw_orders_with_margin(demo_landing: Path) -> pd.DataFrame:
    return orders_with_margin(demo_landing)


def test_refunds_per_order_cover_shipping_and_foreign_currencies(
    warehouse: duckdb.DuckDBPyConnection,
    raw_orders_with_margin: pd.DataFrame,
    demo_landing: Path,
) -> None:
    """Every order's refunds and net revenue (EUR) equal the raw files' to the cent: what
    was paid back (shipping and order adjustments too), at the order day's rate; a fully
    refunded order nets to 0. The data must hold the cases that tell the rules apart."""
    raw = raw_orders_with_margin
    mart = warehouse.sql(
        "select order_id, cast(net_revenue_eur as double) as net_revenue_eur, "
        "cast(refunds_eur as double) as refunds_eur, "
        "cast(order_level_refunds_eur as double) as order_level_refunds_eur "
        "from marts.fct_orders"
    ).df()
    for value in ("refunds_eur", "order_level_refunds_eur", "net_revenue_eur"):
        compare(raw[["order_id", value]], mart[["order_id", value]], ["order_id"], value)

    # Shipping refunds: paid back beyond the lines, in EUR and in foreign currencies.
    beyond_lines = raw[raw["order_level_refunds_eur"] >= CENT]
    assert {"EUR", "GBP", "USD"} <= set(beyond_lines["currency"]), "no refunded shipping"

    refunded = raw[~raw["is_cancelled"] & (raw["refunded_amount"] > 0)]
    full = refunded[(refunded["refunded_amount"] - refunded["total_price"]).abs() < CENT]
    assert len(full) > 0 and {"GBP", "USD"} <= set(full["currency"])
    warehouse_full = mart[mart["order_id"].isin(full["order_id"])]
    assert len(warehouse_full) == len(full)
    left = warehouse_full[warehouse_full["net_revenue_eur"].abs() >= CENT]
    assert left.empty, f"{len(left)} fully refunded orders keep net revenue:\n{left.head(10)}"

    # The refund day's rate would leave cents on some fully refunded foreign orders, so
    # the comparison above tells the two FX rules apart.
    rates = fx_rates_daily(demo_landing)
    foreign = full[full["currency"] != "EUR"]
    cents_at_refund_rate = [
        abs(
            row.refunds_eur
            - row.refunds_eur
            * rates[(row.order_date, row.currency)]
            / rates[(row.last_refund_date, row.currency)]
        )
        for row in foreign.itertuples()
    ]
    assert max(cents_at_refund_rate) >= CENT


def test_every_raw_row_is_staged_or_quarantined(
    warehouse: duckdb.DuckDBPyConnection, demo_landing: Path
) -> None:
    manifest = json.loads((demo_landing / "_truth" / "manifest.json").read_text())
    reconciliation = (
        warehouse.sql(
            "select source_name || '/' || entity as entity, raw_rows, staged_rows, "
            "quarantined_rows "
            "from marts.mart_source_reconciliation"
        )
        .df()
        .set_index("entity")
    )
    for entity, raw_rows in manifest["rows_per_entity"].items():
        row = reconciliation.loc[entity]
        assert row.raw_rows == raw_rows, f"{entity}: read {row.raw_rows} of {raw_rows} raw rows"
        assert row.staged_rows + row.quarantined_rows == raw_rows, entity


def test_planted_defects_are_quarantined(
    warehouse: duckdb.DuckDBPyConnection, demo_landing: Path
) -> None:
    manifest = json.loads((demo_landing / "_truth" / "manifest.json").read_text())
    quarantined = warehouse.sql(
        "select source_name, entity, source_file, quarantine_reason, raw_values "
        "from staging.stg_quarantine__rows "
        "where quarantine_reason != 'superseded by a later extract'"
    ).df()
    assert len(manifest["defects"]) > 0
    for defect in manifest["defects"]:
        in_file = quarantined[
            (quarantined.source_name == defect["source"])
            & (quarantined.entity == defect["entity"])
            & (quarantined.source_file == defect["file"])
        ]
        if defect["kind"] == "invalid_json":
            hits = in_file[in_file.quarantine_reason == "line is not valid JSON"]
        else:
            # The defect's own column holds the bad value, not the key's original one.
            expected = [
                str(value)
                for field, value in defect["key"].items()
                if field != defect.get("column")
            ]
            if defect.get("bad_value") not in (None, ""):
                expected.append(str(defect["bad_value"]))
            hits = in_file[
                in_file.raw_values.apply(lambda raw, values=expected: all(v in raw for v in values))
            ]
        if defect["kind"] == "duplicate":
            hits = hits[hits.quarantine_reason == "duplicate row in the same extract"]
        assert len(hits) >= 1, f"planted defect not quarantined: {defect}"
