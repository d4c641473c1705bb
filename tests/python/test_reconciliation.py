"""Money in the warehouse equals an independent read of the raw files, to the cent."""

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from raw_reference import ad_spend_by_platform_day, orders_latest

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
