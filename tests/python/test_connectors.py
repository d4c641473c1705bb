"""Connector schemas (real Fivetran and Airbyte fixtures) mapped onto the landing contract.

The fixtures are other projects' integration-test data, read from
../shared/realformats/fixtures; every expected figure is recomputed here with
pandas from those files, independently of the adapters' SQL.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from growth_ledger import contract
from growth_ledger.build import build
from growth_ledger.connectors import ConnectorError, import_connector
from growth_ledger.connectors.shapes import AIRBYTE_STREAMS, KNOWN_TABLES
from growth_ledger.landing import check_landing
from growth_ledger.paths import PROJECT_DIR

OWN = PROJECT_DIR / "tests" / "fixtures" / "connectors"
SHARED = PROJECT_DIR.parent / "shared" / "realformats" / "fixtures"
# Our own fixtures always; the real ones (not committed) wherever ../shared exists, as in CI.
ROOTS = [OWN, *([SHARED] if SHARED.exists() else [])]


@pytest.fixture(params=ROOTS, ids=lambda root: "own" if root == OWN else "shared")
def root(request: pytest.FixtureRequest) -> Path:
    return request.param


def fixture(root: Path, folder: str, name: str) -> pd.DataFrame:
    return pd.read_csv(root / folder / name, dtype=str, keep_default_na=False)


def written(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    return pd.read_json(path, lines=True, dtype=False)


def as_number(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.replace({"": None, "-": None})).fillna(0)


def test_fivetran_google_ads_sums_device_and_network_rows_per_day_and_ad(
    root: Path, tmp_path: Path
) -> None:
    [imported] = import_connector(
        "fivetran",
        "google_ads",
        root / "fivetran_google_ads",
        tmp_path,
        table_pattern="{table}_data",
    )
    stats = fixture(root, "fivetran_google_ads", "ad_stats_data.csv")
    stats["ad_group_id"] = stats["ad_group"].str.extract(r"adGroups/(\d+)")[0]
    expected = (
        stats.assign(
            cost=as_number(stats["cost_micros"]), impressions=as_number(stats["impressions"])
        )
        .groupby(["date", "customer_id", "campaign_id", "ad_group_id", "ad_id"])[
            ["cost", "impressions"]
        ]
        .sum()
        .reset_index()
    )
    out = written(imported.path)
    assert list(out.columns) == [
        c.name for c in contract.load().entity("google_ads", "ad_stats").columns
    ]
    assert len(out) == len(expected) == imported.rows
    assert imported.source_rows == len(stats)
    merged = expected.merge(
        out,
        left_on=["date", "customer_id", "campaign_id", "ad_group_id", "ad_id"],
        right_on=[
            "segments.date",
            "customer.id",
            "campaign.id",
            "ad_group.id",
            "ad_group_ad.ad.id",
        ],
        validate="one_to_one",
    )
    assert len(merged) == len(expected)
    assert (as_number(merged["metrics.cost_micros"]) == merged["cost"]).all()
    assert (as_number(merged["metrics.impressions"]) == merged["impressions"]).all()
    # The account's currency comes from account_history, valid on the day.
    accounts = fixture(root, "fivetran_google_ads", "account_history_data.csv")
    assert set(out["customer.currency_code"]) == set(accounts["currency_code"])
    assert any("conversions" in note for note in imported.notes)


def test_fivetran_google_ads_with_conversions_reads_them(root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "connector"
    folder.mkdir()
    shutil.copy(
        root / "fivetran_ad_reporting" / "google_ads_ad_stats_data.csv", folder / "ad_stats.csv"
    )
    for table in ("account_history", "campaign_history", "ad_group_history"):
        shutil.copy(root / "fivetran_google_ads" / f"{table}_data.csv", folder / f"{table}.csv")
    [imported] = import_connector("fivetran", "google_ads", folder, tmp_path / "landing")
    stats = fixture(root, "fivetran_ad_reporting", "google_ads_ad_stats_data.csv")
    out = written(imported.path)
    assert as_number(out["metrics.conversions_value"]).sum() == pytest.approx(
        as_number(stats["conversions_value"]).sum(), abs=1e-9
    )
    assert not any("conversions" in note for note in imported.notes)


def test_fivetran_facebook_ads_needs_a_currency_and_nests_the_long_action_tables(
    root: Path, tmp_path: Path
) -> None:
    folder = root / "fivetran_facebook_ads"
    with pytest.raises(ConnectorError, match="currency=USD"):
        import_connector(
            "fivetran", "facebook_ads", folder, tmp_path, table_pattern="facebook_ads_{table}_data"
        )
    [imported] = import_connector(
        "fivetran",
        "facebook_ads",
        folder,
        tmp_path,
        table_pattern="facebook_ads_{table}_data",
        options={"currency": "USD"},
    )
    ads = fixture(root, "fivetran_facebook_ads", "facebook_ads_basic_ad_data.csv")
    out = written(imported.path)
    assert imported.path.suffix == ".jsonl"
    assert len(out) == ads.groupby(["date", "ad_id"]).ngroups
    spend = (
        out.assign(spend=as_number(out["spend"])).groupby(["date_start", "ad_id"])["spend"].sum()
    )
    expected = ads.assign(spend=as_number(ads["spend"])).groupby(["date", "ad_id"])["spend"].sum()
    assert spend.round(6).to_dict() == expected.round(6).to_dict()
    # clicks are the link clicks Fivetran keeps.
    assert as_number(out["clicks"]).sum() == as_number(ads["inline_link_clicks"]).sum()
    actions = fixture(root, "fivetran_facebook_ads", "facebook_ads_basic_ad_actions_data.csv")
    nested = [
        (row.ad_id, row.date_start, item["action_type"], float(item["value"]))
        for row in out.itertuples()
        for item in row.actions
    ]
    matched = actions[
        actions.set_index(["ad_id", "date"]).index.isin(
            out.set_index(["ad_id", "date_start"]).index
        )
    ]
    assert sum(value for *_, value in nested) == pytest.approx(as_number(matched["value"]).sum())


def test_fivetran_tiktok_ads_hours_become_days_and_dashes_are_null(
    root: Path, tmp_path: Path
) -> None:
    [imported] = import_connector(
        "fivetran",
        "tiktok_ads",
        root / "fivetran_tiktok_ads",
        tmp_path,
        table_pattern="tiktok_{table}_data",
    )
    hourly = fixture(root, "fivetran_tiktok_ads", "tiktok_ad_report_hourly_data.csv")
    hourly["day"] = hourly["STAT_TIME_HOUR"].str[:10] + " 00:00:00"
    expected = (
        hourly.assign(spend=as_number(hourly["SPEND"])).groupby(["day", "AD_ID"])["spend"].sum()
    )
    out = written(imported.path)
    got = (
        out.assign(spend=as_number(out["spend"])).groupby(["stat_time_day", "ad_id"])["spend"].sum()
    )
    assert got.round(6).to_dict() == expected.round(6).to_dict()
    advertisers = fixture(root, "fivetran_tiktok_ads", "tiktok_advertiser_data.csv")
    # The fixture's 'CAN' is passed through for staging to refuse as invalid_code, not guessed.
    assert set(out["currency"]) - {""} <= set(advertisers["CURRENCY"])
    unknown = (out["currency"] == "").sum()
    assert unknown > 0 and any(f"{unknown} row(s) have no currency" in n for n in imported.notes)


def test_fivetran_linkedin_builds_urns_and_reports_what_history_lacks(
    root: Path, tmp_path: Path
) -> None:
    [imported] = import_connector(
        "fivetran",
        "linkedin_ads",
        root / "fivetran_linkedin",
        tmp_path,
        table_pattern="linkedin_{table}_data",
    )
    stats = fixture(root, "fivetran_linkedin", "linkedin_ad_analytics_by_creative_data.csv")
    out = written(imported.path)
    assert out["creative_urn"].str.match(r"^urn:li:sponsoredCreative:\d+$").all()
    assert as_number(out["cost_in_local_currency"]).sum() == pytest.approx(
        as_number(stats["cost_in_local_currency"]).sum()
    )
    assert as_number(out["impressions"]).sum() == as_number(stats["impressions"]).sum()
    no_account = (out["account_urn"] == "").sum()
    if no_account:
        assert any(f"{no_account} row(s) have no account_urn" in n for n in imported.notes)


def test_airbyte_messages_keep_only_the_ads_insights_stream(root: Path, tmp_path: Path) -> None:
    [imported] = import_connector(
        "airbyte",
        "facebook_marketing",
        root / "airbyte_facebook_marketing",
        tmp_path,
        table_pattern="expected_records_{table}",
    )
    records = [
        json.loads(line)
        for line in (root / "airbyte_facebook_marketing" / "expected_records_ads_insights.jsonl")
        .read_text()
        .splitlines()
        if line.strip()
    ]
    latest: dict[tuple[str, str], dict] = {}
    for record in sorted(records, key=lambda r: r["emitted_at"]):
        if record["stream"] == "ads_insights":
            latest[(record["data"]["ad_id"], record["data"]["date_start"])] = record["data"]
    insights = list(latest.values())
    out = written(imported.path)
    assert len(out) == len(insights)
    assert as_number(out["spend"]).sum() == pytest.approx(sum(r["spend"] for r in insights))


def test_a_duckdb_destination_schema_reads_like_a_folder(root: Path, tmp_path: Path) -> None:
    """Fivetran's DuckDB / MotherDuck destination: one schema per connector."""
    database = tmp_path / "fivetran.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema google_ads")
        for table in ("ad_stats", "account_history", "campaign_history", "ad_group_history"):
            path = root / "fivetran_google_ads" / f"{table}_data.csv"
            connection.execute(
                f"create table google_ads.{table} as select * from read_csv('{path}')"
            )
    [from_db] = import_connector(
        "fivetran", "google_ads", database, tmp_path / "a", schema="google_ads"
    )
    [from_files] = import_connector(
        "fivetran",
        "google_ads",
        root / "fivetran_google_ads",
        tmp_path / "b",
        table_pattern="{table}_data",
    )
    sort = ["segments.date", "ad_group_ad.ad.id"]
    pd.testing.assert_frame_equal(
        written(from_db.path).sort_values(sort).reset_index(drop=True),
        written(from_files.path).sort_values(sort).reset_index(drop=True),
    )


def test_values_that_do_not_parse_stop_the_import_naming_the_table(
    root: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "connector"
    shutil.copytree(root / "fivetran_tiktok_ads", folder)
    hourly = folder / "tiktok_ad_report_hourly_data.csv"
    frame = pd.read_csv(hourly, dtype=str, keep_default_na=False)
    frame.loc[0, "CLICKS"] = "1.5"
    frame.to_csv(hourly, index=False)
    with pytest.raises(ConnectorError, match=r"ad_report_hourly.*clicks is not a whole number"):
        import_connector(
            "fivetran",
            "tiktok_ads",
            folder,
            tmp_path / "landing",
            table_pattern="tiktok_{table}_data",
        )
    frame.loc[0, "CLICKS"] = "0"
    frame.loc[0, "SPEND"] = "12,50"
    frame.to_csv(hourly, index=False)
    with pytest.raises(ConnectorError, match="ad_report_hourly"):
        import_connector(
            "fivetran",
            "tiktok_ads",
            folder,
            tmp_path / "landing",
            table_pattern="tiktok_{table}_data",
        )
    assert not list((tmp_path / "landing").rglob("*.csv"))


def test_missing_tables_and_unknown_sources_are_named(root: Path, tmp_path: Path) -> None:
    with pytest.raises(ConnectorError, match=r"missing connector table.*account_history"):
        import_connector("fivetran", "google_ads", root / "fivetran_tiktok_ads", tmp_path)
    with pytest.raises(ConnectorError, match="no adapter for fivetran pinterest_ads"):
        import_connector("fivetran", "pinterest_ads", root, tmp_path)


def test_fivetran_shopify_rest_tables_nest_into_order_objects(root: Path, tmp_path: Path) -> None:
    [imported] = import_connector(
        "fivetran",
        "shopify",
        root / "fivetran_shopify",
        tmp_path,
        table_pattern="shopify_{table}_data",
    )
    orders = fixture(root, "fivetran_shopify", "shopify_order_data.csv")
    lines = fixture(root, "fivetran_shopify", "shopify_order_line_data.csv")
    out = written(imported.path).set_index("id")
    assert sorted(out.index) == sorted(orders["id"])
    for order in orders.itertuples():
        got = out.loc[order.id]
        assert float(got["total_price"]) == pytest.approx(float(order.total_price))
        # Fivetran writes UTC without an offset; the contract wants it explicit.
        assert got["created_at"].endswith("+00:00")
        assert got["created_at"][:19].replace("T", " ") == order.created_at[:19]
        expected_lines = lines[lines["order_id"] == order.id]
        items = got["line_items"] if isinstance(got["line_items"], list) else []
        assert sorted(item["id"] for item in items) == sorted(expected_lines["id"])
        assert sum(float(i["price"]) * i["quantity"] for i in items) == pytest.approx(
            (as_number(expected_lines["price"]) * as_number(expected_lines["quantity"])).sum()
        )
    # Orders whose lines are not in the export are named, for staging to quarantine.
    no_lines = out["line_items"].isna().sum()
    line_notes = [note for note in imported.notes if "have no line_items" in note]
    assert all(note.startswith(f"{no_lines} row(s)") for note in line_notes)
    assert bool(line_notes) == bool(no_lines)


def test_fivetran_shopify_graphql_variant_reads_shop_amounts(root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "connector"
    folder.mkdir()
    for table in ("gql_order", "gql_order_line"):
        shutil.copy(
            root / "fivetran_shopify" / f"shopify_{table}_data.csv", folder / f"{table}.csv"
        )
    [imported] = import_connector("fivetran", "shopify", folder, tmp_path / "landing")
    orders = fixture(root, "fivetran_shopify", "shopify_gql_order_data.csv")
    out = written(imported.path)
    assert as_number(out["total_price"]).sum() == pytest.approx(
        as_number(orders["total_price_set_shop_amount"]).sum()
    )
    assert set(out["currency"]) == set(orders["currency_code"])


def test_airbyte_shopify_orders_keep_the_rest_object_and_its_offsets(
    root: Path, tmp_path: Path
) -> None:
    [imported] = import_connector(
        "airbyte",
        "shopify",
        root / "airbyte_shopify",
        tmp_path,
        table_pattern="expected_records_{table}",
    )
    record = json.loads(
        (root / "airbyte_shopify" / "expected_records_orders.jsonl").read_text().splitlines()[0]
    )["data"]
    [order] = [json.loads(line) for line in imported.path.read_text().splitlines()]
    assert order["created_at"] == record["created_at"]  # offset kept, not re-zoned
    assert float(order["total_price"]) == record["total_price"]
    assert len(order["line_items"]) == len(record["line_items"])
    assert order["shipping_address"] == record.get("shipping_address")


def _latest_airbyte_records(path: Path, key: list[str]) -> pd.DataFrame:
    """Airbyte messages of a stream, each record's latest emission, recomputed in pandas."""
    messages = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    frame = pd.DataFrame([{**m["data"], "_emitted_at": m["emitted_at"]} for m in messages])
    frame = frame.sort_values("_emitted_at").drop_duplicates(key, keep="last")
    return frame.reset_index(drop=True)


def test_airbyte_google_ads_sums_ad_network_rows_and_keeps_the_latest_emission(
    tmp_path: Path,
) -> None:
    folder = OWN / "airbyte_google_ads"
    [imported] = import_connector(
        "airbyte", "google_ads", folder, tmp_path, table_pattern="expected_records_{table}"
    )
    ad_key = ["segments.date", "customer.id", "campaign.id", "ad_group.id", "ad_group_ad.ad.id"]
    records = _latest_airbyte_records(
        folder / "expected_records_ad_group_ad_legacy.jsonl", [*ad_key, "segments.ad_network_type"]
    )
    metrics = ["metrics.cost_micros", "metrics.impressions", "metrics.clicks"]
    metrics += ["metrics.conversions", "metrics.conversions_value"]
    expected = records.astype({k: str for k in ad_key}).groupby(ad_key)[metrics].sum()
    out = written(imported.path)
    actual = out.set_index(ad_key)[metrics].apply(pd.to_numeric)
    assert len(out) == len(expected) < len(records)
    pd.testing.assert_frame_equal(
        actual.sort_index(), expected.sort_index(), check_dtype=False, check_names=False
    )
    assert set(out["customer.currency_code"]) == {"EUR"}
    assert set(contract.load().entity("google_ads", "ad_stats").required) <= set(out.columns)


def test_airbyte_search_console_imports_one_site_and_search_type(tmp_path: Path) -> None:
    folder = OWN / "airbyte_google_search_console"
    with pytest.raises(ConnectorError, match=r"2 sites.*--option site_url="):
        import_connector(
            "airbyte",
            "google_search_console",
            folder,
            tmp_path,
            table_pattern="expected_records_{table}",
        )
    site = "sc-domain:growthledger-cosmetics.com"
    [imported] = import_connector(
        "airbyte",
        "google_search_console",
        folder,
        tmp_path,
        table_pattern="expected_records_{table}",
        options={"site_url": site},
    )
    key = ["site_url", "search_type", "date", "query", "page", "country", "device"]
    records = _latest_airbyte_records(
        folder / "expected_records_search_analytics_all_fields.jsonl", key
    )
    chosen = records[(records.site_url == site) & (records.search_type == "web")]
    out = written(imported.path)
    assert len(out) == len(chosen)
    assert as_number(out["clicks"]).sum() == chosen["clicks"].sum()
    assert as_number(out["impressions"]).sum() == chosen["impressions"].sum()
    assert set(out["device"]) <= {"DESKTOP", "MOBILE", "TABLET"}
    assert any("not imported" in note for note in imported.notes)


def test_history_rows_apply_from_the_day_they_are_valid(tmp_path: Path) -> None:
    """Campaign 8001 is renamed on 2026-03-02: that day has the new name, the day before the old."""
    [imported] = import_connector(
        "fivetran",
        "google_ads",
        OWN / "fivetran_google_ads",
        tmp_path,
        table_pattern="{table}_data",
    )
    out = written(imported.path)
    names = out[out["campaign.id"] == "8001"].set_index("segments.date")["campaign.name"]
    assert names.to_dict() == {
        "2026-03-01": "FR_SEARCH_BOFU_SKINCARE_brand",
        "2026-03-02": "FR_SEARCH_BOFU_SKINCARE_brand_v2",
    }
    # Three device / network rows of 2026-03-01 are one row of the day.
    day = out[(out["campaign.id"] == "8001") & (out["segments.date"] == "2026-03-01")]
    assert day["metrics.cost_micros"].tolist() == ["3680000"]


def test_refunds_carry_their_lines_and_transactions(tmp_path: Path) -> None:
    [imported] = import_connector(
        "fivetran",
        "shopify",
        OWN / "fivetran_shopify",
        tmp_path,
        table_pattern="shopify_{table}_data",
    )
    orders = {
        order["id"]: order for order in map(json.loads, imported.path.read_text().splitlines())
    }
    [refund] = orders["91002"]["refunds"]
    assert refund["created_at"] == "2026-03-04T09:59:00+00:00"
    assert [(i["line_item_id"], float(i["subtotal"])) for i in refund["refund_line_items"]] == [
        ("81002", 30.0)
    ]
    # The refund paid back lines and shipping: the transaction holds the whole amount.
    assert [(t["kind"], float(t["amount"])) for t in refund["transactions"]] == [("refund", 34.5)]
    assert orders["91003"]["shipping_address"] is None  # no address: null, not a failed import
    assert orders["91001"]["shipping_lines"] == [{"price": "4.900000"}]


def test_dlt_facebook_ads_rebuilds_child_tables_and_needs_the_account(tmp_path: Path) -> None:
    folder = OWN / "dlt_facebook_ads"
    with pytest.raises(ConnectorError, match=r"account_id=.*currency="):
        import_connector("dlt", "facebook_ads", folder, tmp_path)
    [imported] = import_connector(
        "dlt", "facebook_ads", folder, tmp_path, options={"account_id": "act_55", "currency": "EUR"}
    )
    insights = pd.read_csv(folder / "facebook_insights.csv", dtype=str)
    actions = pd.read_csv(folder / "facebook_insights__actions.csv", dtype=str)
    out = written(imported.path)
    assert as_number(out["spend"]).sum() == pytest.approx(as_number(insights["spend"]).sum())
    assert set(out["account_currency"]) == {"EUR"}
    nested = sum(float(item["value"]) for items in out["actions"] for item in items)
    assert nested == pytest.approx(as_number(actions["value"]).sum())


def test_dlt_shopify_child_tables_nest_back_into_orders(tmp_path: Path) -> None:
    folder = OWN / "dlt_shopify"
    database = tmp_path / "shopify_pipeline.duckdb"  # dlt's default destination
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema shopify_data")
        for path in folder.glob("*.csv"):
            connection.execute(
                f"create table shopify_data.{path.stem} as select * from read_csv('{path}')"
            )
    [imported] = import_connector("dlt", "shopify", database, tmp_path, schema="shopify_data")
    orders = {o["id"]: o for o in map(json.loads, imported.path.read_text().splitlines())}
    assert sorted(orders) == ["94001", "94002"]
    first = orders["94001"]
    assert [line["id"] for line in first["line_items"]] == ["84001", "84002"]
    assert [t["price"] for line in first["line_items"] for t in line["tax_lines"]] == [
        "5.000000",
        "4.170000",
    ]
    [refund] = first["refunds"]
    assert refund["refund_line_items"] == [
        {"line_item_id": "84002", "quantity": "1", "subtotal": "25.000000"}
    ]
    assert refund["transactions"][0]["kind"] == "refund"
    assert orders["94002"]["shipping_address"] is None


def test_two_accounts_imported_at_once_keep_both_files(tmp_path: Path) -> None:
    moment = datetime(2026, 3, 3, 6, 0, tzinfo=UTC)
    paths = [
        import_connector(
            "fivetran",
            "google_ads",
            OWN / "fivetran_google_ads",
            tmp_path,
            table_pattern="{table}_data",
            extracted_at=moment,
        )[0].path
        for _ in range(2)
    ]
    assert [path.name for path in paths] == [
        "ad_stats_20260303T060000Z.csv",
        "ad_stats_20260303T060001Z.csv",
    ]


def test_the_import_command_writes_files_and_says_what_is_missing(tmp_path: Path) -> None:
    command = [
        sys.executable, "-m", "growth_ledger.cli", "import", "dlt", "facebook_ads",
        "--from", str(OWN / "dlt_facebook_ads"), "--landing", str(tmp_path),
    ]  # fmt: skip
    refused = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_DIR)
    assert refused.returncode == 1
    assert "--option account_id=..." in refused.stderr and "Traceback" not in refused.stderr
    command += ["--option", "account_id=act_55", "--option", "currency=EUR"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_DIR)
    assert done.returncode == 0, done.stderr
    [path] = tmp_path.rglob("ads_insights_*.jsonl")
    assert f"wrote {path}: 3 rows from 3 connector rows" in done.stderr


FX_RATES = {"USD": 1.1, "GBP": 0.85, "CAD": 1.45}  # test rates, units per EUR
AD_SOURCES = {
    # platform: (connector source, table pattern, options, contract entity, spend column, scale)
    "google_ads": ("google_ads", "{table}_data", {}, ("google_ads", "ad_stats"),
                   "metrics.cost_micros", 1e-6),
    "meta_ads": ("facebook_ads", "facebook_ads_{table}_data", {"currency": "USD"},
                 ("meta_ads", "ads_insights"), "spend", 1.0),
    "tiktok_ads": ("tiktok_ads", "tiktok_{table}_data", {}, ("tiktok_ads", "ad_report"),
                   "spend", 1.0),
    "linkedin_ads": ("linkedin_ads", "linkedin_{table}_data", {},
                     ("linkedin_ads", "ad_analytics"), "cost_in_local_currency", 1.0),
}  # fmt: skip
FOLDERS = {
    "google_ads": "fivetran_google_ads",
    "facebook_ads": "fivetran_facebook_ads",
    "tiktok_ads": "fivetran_tiktok_ads",
    "linkedin_ads": "fivetran_linkedin",
}


def _complete(frame: pd.DataFrame, entity: contract.Entity, currency: str) -> pd.DataFrame:
    """Rows staging can load: key, every required id and the currency present, with a rate."""
    ids = [c.name for c in entity.columns if c.required and c.name.endswith(("id", "urn"))]
    required = list(dict.fromkeys([*entity.natural_key, *ids, currency]))
    values = frame[required].astype(str).apply(lambda column: column.str.strip())
    filled = (values != "").all(axis=1) & (values != "None").all(axis=1)
    known = frame[currency].isin(["EUR", *FX_RATES])
    return frame[filled & known]


ID_DIGITS = r"(?<![\d.])(\d{6,})(?![\d.])"  # an id, alone or inside a resource name


def _other_account(tables: Path, folder: Path) -> Path:
    """The connector's tables as another account's: every id (and ids inside resource
    names such as customers/N/adGroups/M) gets a leading 9, the metrics stay."""
    other = folder / f"other_{tables.name}"
    other.mkdir()
    for path in tables.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in frame.columns:
            values = frame[column]
            if column == "id" or column.endswith("_id") or values.str.contains("customers/").any():
                frame[column] = values.str.replace(ID_DIGITS, r"9\1", regex=True)
        frame.to_csv(other / path.name, index=False)
    return other


@pytest.fixture(params=ROOTS, ids=lambda root: "own" if root == OWN else "shared", scope="module")
def connector_warehouse(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Fivetran ad platforms, Shopify and GA4, imported, with FX for their dates, built by dbt."""
    root = request.param
    folder = tmp_path_factory.mktemp("connector_landing")
    landing = folder / "landing"
    imported = {}
    for platform, (source, pattern, options, *_rest) in AD_SOURCES.items():
        [imported[platform]] = import_connector(
            "fivetran", source, root / FOLDERS[source], landing,
            table_pattern=pattern, options=options,
        )  # fmt: skip
    # A second Google Ads account, landed by another connection beside the first.
    [imported["google_ads_second"]] = import_connector(
        "fivetran", "google_ads", _other_account(root / "fivetran_google_ads", folder), landing,
        table_pattern="{table}_data", source_relation="second_account",
    )  # fmt: skip
    [imported["shop"]] = import_connector(
        "fivetran", "shopify", root / "fivetran_shopify", landing,
        table_pattern="shopify_{table}_data",
    )  # fmt: skip
    imported["ga4"] = import_connector(
        "fivetran", "ga4_export", root / "fivetran_ga4_export", landing,
        table_pattern="{table}_data",
    )  # fmt: skip
    days = pd.date_range("2019-01-01", "2026-06-30", freq="D").strftime("%Y-%m-%d")
    rates = folder / "landing" / "fx" / "rates"
    rates.mkdir(parents=True)
    pd.DataFrame(
        [(day, currency, rate) for day in days for currency, rate in FX_RATES.items()],
        columns=["date", "currency", "rate"],
    ).to_csv(rates / "rates_20260701T060000Z.csv", index=False)
    saved = os.environ.get("GROWTH_LEDGER_PII_SALT")
    os.environ["GROWTH_LEDGER_PII_SALT"] = "connector-test-salt"
    try:
        db_path = folder / "warehouse.duckdb"
        build(landing, db_path)
    finally:
        if saved is None:
            os.environ.pop("GROWTH_LEDGER_PII_SALT", None)
        else:
            os.environ["GROWTH_LEDGER_PII_SALT"] = saved
    connection = duckdb.connect(str(db_path), read_only=True)
    yield imported, connection
    connection.close()


def test_imported_ad_spend_builds_and_reaches_the_mart_to_the_cent(connector_warehouse) -> None:
    imported, connection = connector_warehouse
    for platform, (_, _, _, (source, entity_name), spend, scale) in AD_SOURCES.items():
        entity = contract.load().entity(source, entity_name)
        frame = written(imported[platform].path)
        currency = next(c.name for c in entity.columns if "currency" in c.name)
        loadable = _complete(frame, entity, currency)
        expected = (as_number(loadable[spend]) * scale).sum()
        staged = connection.execute(
            "select coalesce(sum(spend), 0), coalesce(sum(impressions), 0) "
            "from marts.fct_ad_performance_daily where platform = ? and source_relation = ?",
            [platform, f"{source}/{entity_name}"],
        ).fetchone()
        assert float(staged[0]) == pytest.approx(float(expected), abs=0.005), platform
        impressions = next(c.name for c in entity.columns if "impressions" in c.name)
        assert staged[1] == as_number(loadable[impressions]).sum(), platform


def test_every_imported_row_is_staged_or_quarantined(connector_warehouse) -> None:
    imported, connection = connector_warehouse
    rows = dict(
        connection.execute(
            "select source_name || '/' || entity, raw_rows from marts.mart_source_reconciliation "
            "where not is_reconciled or raw_rows > 0"
        ).fetchall()
    )
    not_reconciled = connection.execute(
        "select source_name, entity from marts.mart_source_reconciliation where not is_reconciled"
    ).fetchall()
    assert not_reconciled == []
    for platform, (*_, (source, entity_name), _spend, _scale) in AD_SOURCES.items():
        second = imported["google_ads_second"].rows if platform == "google_ads" else 0
        assert rows.get(f"{source}/{entity_name}", 0) == imported[platform].rows + second
    assert rows["shop/orders"] == imported["shop"].rows


def test_two_connections_of_one_platform_keep_their_source_relation(connector_warehouse) -> None:
    """Two Google Ads accounts, one imported into the entity folder, one into a sub-folder
    (--source-relation): each connection's spend reaches the mart under its own name."""
    imported, connection = connector_warehouse
    second = imported["google_ads_second"].path
    assert second.parent.name == "second_account"
    entity = contract.load().entity("google_ads", "ad_stats")
    expected = {}
    for name, path in [("google_ads/ad_stats", imported["google_ads"].path),
                       ("google_ads/ad_stats/second_account", second)]:  # fmt: skip
        loadable = _complete(written(path), entity, "customer.currency_code")
        expected[name] = (as_number(loadable["metrics.cost_micros"]) / 1e6).sum()
    staged = dict(
        connection.execute(
            "select source_relation, sum(spend) from marts.fct_ad_performance_daily "
            "where platform = 'google_ads' group by all"
        ).fetchall()
    )
    assert staged.keys() == expected.keys()
    for name, spend in expected.items():
        assert float(staged[name]) == pytest.approx(float(spend), abs=0.005), name
    accounts = connection.execute(
        "select count(distinct account_id) from marts.fct_ad_performance_daily "
        "where source_relation = 'google_ads/ad_stats/second_account' and account_id like '9%'"
    ).fetchone()[0]
    assert accounts >= 1


def test_source_relation_names_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ConnectorError, match=re.escape("--source-relation '../eu'")):
        import_connector(
            "fivetran", "google_ads", OWN / "fivetran_google_ads", tmp_path,
            table_pattern="{table}_data", source_relation="../eu",
        )  # fmt: skip
    assert not any(tmp_path.iterdir())


def test_imported_orders_reach_fct_orders(connector_warehouse) -> None:
    imported, connection = connector_warehouse
    orders = [json.loads(line) for line in imported["shop"].path.read_text().splitlines()]
    with_lines = [order for order in orders if order["line_items"]]
    loadable = [o for o in with_lines if o["currency"] in ("EUR", *FX_RATES)]
    count, total = connection.execute(
        "select count(*), coalesce(sum(total_price), 0) from marts.fct_orders"
    ).fetchone()
    assert count == len(loadable)
    assert float(total) == pytest.approx(sum(float(o["total_price"]) for o in loadable), abs=0.005)


def test_imported_ga4_events_are_staged_or_replaced_by_the_daily_table(
    connector_warehouse, request: pytest.FixtureRequest
) -> None:
    """Fivetran's flattened GA4 event table: every row staged, or quarantined when the
    daily table exports its day too; purchase revenue (USD) and sessions as in the file."""
    imported, connection = connector_warehouse
    root = request.node.callspec.params["connector_warehouse"]
    events = fixture(root, "fivetran_ga4_export", "event_data.csv")
    intraday = events["is_intraday"].str.lower() == "true"
    daily_days = set(events.loc[~intraday, "date"])
    replaced = intraday & events["date"].isin(daily_days)
    kept = events[~replaced]
    assert sum(file.rows for file in imported["ga4"]) == len(events)
    staged, revenue = connection.execute(
        "select count(*), coalesce(sum(purchase_revenue), 0) from staging.stg_ga4__events"
    ).fetchone()
    assert staged == len(kept)
    assert float(revenue) == pytest.approx(
        as_number(kept["ecommerce_purchase_revenue_in_usd"]).sum(), abs=0.005
    )
    quarantined = connection.execute(
        "select reason_code, count(*) from staging.stg_quarantine__rows "
        "where source_name = 'ga4' group by all"
    ).fetchall()
    assert quarantined == (
        [("superseded_by_daily_export", int(replaced.sum()))] if replaced.any() else []
    )
    sessions = connection.execute(
        "select count(*) from marts.fct_sessions where not is_consent_gap"
    ).fetchone()[0]
    expected = kept[kept["user_pseudo_id"] != ""][["user_pseudo_id", "param_ga_session_id"]]
    assert sessions == len(expected.drop_duplicates())


CONTRACT_ENTITY = {  # where a user would drop the connector's table by mistake
    "google_ads": "google_ads/ad_stats",
    "facebook_ads": "meta_ads/ads_insights",
    "facebook_marketing": "meta_ads/ads_insights",
    "tiktok_ads": "tiktok_ads/ad_report",
    "linkedin_ads": "linkedin_ads/ad_analytics",
    "shopify": "shop/orders",
    "ga4_export": "ga4/events",
    "google_search_console": "search_console/search_analytics",
}
RECOGNISED = [
    *[(t.connector, t.source, t.table) for t in KNOWN_TABLES],
    *[("airbyte", source, stream) for stream, (source, _folder) in AIRBYTE_STREAMS.items()],
]


def _connector_table_file(root: Path, connector: str, table: str) -> Path | None:
    """The fixture file of a connector table: `[<prefix>_]<table>_data`, Airbyte's
    `expected_records_<stream>` or dlt's `<table>`; the shortest name (order, not gql_order)."""
    names = {f"{table}_data", f"expected_records_{table}", table}
    matches = [
        path
        for path in root.glob(f"{connector}_*/*")
        if path.stem in names or path.stem.endswith(f"_{table}_data")
    ]
    return min(matches, key=lambda path: (len(path.stem), str(path)), default=None)


@pytest.mark.parametrize(("connector", "source", "table"), RECOGNISED)
def test_preflight_names_a_connector_table_copied_into_the_landing(
    connector: str, source: str, table: str, tmp_path: Path
) -> None:
    """A connector's own table put where a contract extract belongs: the pre-flight says
    which table it is and the import command, in one error, for our fixture and the real one."""
    files = [f for root in ROOTS if (f := _connector_table_file(root, connector, table))]
    assert files and files[0].is_relative_to(OWN), f"no own fixture of {connector} {table}"
    for index, original in enumerate(files):
        landing = tmp_path / str(index)
        folder = landing / CONTRACT_ENTITY[source]
        folder.mkdir(parents=True)
        name = f"{folder.name}_20260301T060000Z{original.suffix}"
        shutil.copyfile(original, folder / name)
        relative = f"{CONTRACT_ENTITY[source]}/{name}"
        problems = [p for p in check_landing(landing) if p.path == relative]
        assert [p.severity for p in problems] == ["error"], (original, problems)
        assert f"{connector.capitalize()} {source} `{table}`" in problems[0].problem, original
        assert f"growth-ledger import {connector} {source} " in problems[0].fix
