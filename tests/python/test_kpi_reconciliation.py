"""The monthly KPI marts' money equals an independent read of the raw files, to the cent.

mart_kpi_monthly (month x channel x market), mart_kpi_monthly_channels (month x
channel) and mart_kpi_monthly_totals (month) are each checked.

The expected figures come from raw_reference (plain pandas / pyarrow over data/demo and
the configuration seeds), never from the project's SQL:

- marketing spend: ad rows (latest extract per ad and day) in EUR at the day's ECB rate,
  per channel of the campaign (override seed, naming convention
  <MARKET>_<CHANNEL>_<FUNNEL>_..., or the platform's default channel);
- web net revenue: tax-exclusive net sales + shipping - refunds (all that was paid back,
  shipping included, excluding tax, at the order day's rate) of every shop order (web and
  subscription renewals), 0 if cancelled;
  COGS from the product cost valid on the order date; per last-click channel: the GA4
  session of the purchase, else the landing_site tags, else the 'direct' rule;
- store net revenue: POS net sales without the country's VAT, COGS from the POS, under
  retail_store;
- ROAS = web net revenue / spend (null without spend), MER = web and store net revenue /
  spend (totals only), both from the period's sums.
"""

import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from raw_reference import ad_spend_by_channel_month, orders_with_margin, store_sales_daily

CENT = 0.005
ROAS_RELATIVE = 1e-6
KEYS = ["month_start_date", "channel"]
MONEY = ["marketing_spend_eur", "net_revenue_eur", "gross_margin_eur"]


@pytest.fixture(scope="module")
def raw_orders(demo_landing: Path) -> pd.DataFrame:
    return orders_with_margin(demo_landing)


@pytest.fixture(scope="module")
def expected_monthly(demo_landing: Path, raw_orders: pd.DataFrame) -> pd.DataFrame:
    """Per month and channel (plus the all_channels rows): spend, net revenue, gross margin
    and ROAS from the raw files."""
    spend = ad_spend_by_channel_month(demo_landing).rename(
        columns={"spend_eur": "marketing_spend_eur"}
    )
    web = raw_orders.groupby(KEYS, as_index=False)[["net_revenue_eur", "gross_margin_eur"]].sum()
    stores = (
        store_sales_daily(demo_landing)
        .groupby("month_start_date", as_index=False)[["net_revenue_eur", "gross_margin_eur"]]
        .sum()
    )
    stores["channel"] = "retail_store"
    web["web_net_revenue_eur"] = web["net_revenue_eur"]
    revenue = pd.concat([web, stores]).fillna(0.0).groupby(KEYS, as_index=False).sum()
    per_channel = spend.merge(revenue, on=KEYS, how="outer").fillna(0.0)
    all_channels = per_channel.groupby("month_start_date", as_index=False)[
        [*MONEY, "web_net_revenue_eur"]
    ].sum()
    all_channels["channel"] = "all_channels"
    expected = pd.concat([per_channel, all_channels], ignore_index=True)
    expected["roas"] = [
        revenue / spend if spend else math.nan
        for revenue, spend in zip(
            expected["web_net_revenue_eur"], expected["marketing_spend_eur"], strict=True
        )
    ]
    expected["mer"] = [
        revenue / spend if spend and channel == "all_channels" else math.nan
        for revenue, spend, channel in zip(
            expected["net_revenue_eur"],
            expected["marketing_spend_eur"],
            expected["channel"],
            strict=True,
        )
    ]
    return expected


MONEY_SQL = (
    "cast(marketing_spend_eur as double) as marketing_spend_eur, "
    "cast(net_revenue_eur as double) as net_revenue_eur, "
    "cast(gross_margin_eur as double) as gross_margin_eur"
)


@pytest.fixture(params=["mart_kpi_monthly_channels", "mart_kpi_monthly"])
def mart_monthly(
    warehouse: duckdb.DuckDBPyConnection, request: pytest.FixtureRequest
) -> pd.DataFrame:
    """Per month and channel (the channel mart, or the market mart summed over markets;
    ROAS of the latter is recomputed from the sums, as a BI tool would), and the totals
    model as the all_channels rows."""
    if request.param == "mart_kpi_monthly":
        channels = warehouse.sql(
            "select month_start_date, channel, "
            "sum(cast(marketing_spend_eur as double)) as marketing_spend_eur, "
            "sum(cast(net_revenue_eur as double)) as net_revenue_eur, "
            "sum(cast(gross_margin_eur as double)) as gross_margin_eur, "
            "sum(web_net_revenue_eur) / nullif(sum(marketing_spend_eur), 0) as roas, "
            "cast(null as double) as mer "
            "from marts.mart_kpi_monthly group by 1, 2"
        ).df()
    else:
        channels = warehouse.sql(
            f"select month_start_date, channel, {MONEY_SQL}, roas, cast(null as double) as mer "
            "from marts.mart_kpi_monthly_channels"
        ).df()
    totals = warehouse.sql(
        f"select month_start_date, 'all_channels' as channel, {MONEY_SQL}, roas, mer "
        "from marts.mart_kpi_monthly_totals"
    ).df()
    mart = pd.concat([channels, totals], ignore_index=True)
    mart["month_start_date"] = pd.to_datetime(mart["month_start_date"]).dt.date
    return mart


def merged(expected: pd.DataFrame, mart: pd.DataFrame, all_channels: bool) -> pd.DataFrame:
    """Expected and mart rows side by side. Every expected row must be in the mart; a mart
    row with no raw activity (a channel with nothing that month) must hold zeros."""
    expected = expected[(expected["channel"] == "all_channels") == all_channels]
    mart = mart[(mart["channel"] == "all_channels") == all_channels]
    rows = expected.merge(
        mart, on=KEYS, how="outer", suffixes=("_raw", "_warehouse"), indicator=True
    )
    only_raw = rows[rows["_merge"] == "left_only"]
    assert only_raw.empty, (
        f"months/channels with raw activity missing from the mart:\n{only_raw[KEYS].to_string()}"
    )
    for column in MONEY:
        rows[f"{column}_raw"] = rows[f"{column}_raw"].fillna(0.0)
    return rows


def assert_cents(rows: pd.DataFrame, column: str) -> None:
    rows = rows.assign(
        difference=(rows[f"{column}_raw"] - rows[f"{column}_warehouse"].fillna(math.inf)).abs()
    )
    off = rows[rows["difference"] >= CENT]
    assert off.empty, (
        f"{len(off)} mart_kpi_monthly {column} values differ from the raw files by a cent or "
        f"more:\n{off[[*KEYS, f'{column}_raw', f'{column}_warehouse', 'difference']].to_string()}"
    )


def assert_ratio(rows: pd.DataFrame, column: str = "roas") -> None:
    bad = []
    for row in rows.itertuples():
        raw, mart = getattr(row, f"{column}_raw"), getattr(row, f"{column}_warehouse")
        if raw is None or (isinstance(raw, float) and math.isnan(raw)):
            if not pd.isna(mart):
                bad.append((row.month_start_date, row.channel, raw, mart))
        elif pd.isna(mart) or abs(raw - mart) > ROAS_RELATIVE * abs(raw):
            bad.append((row.month_start_date, row.channel, raw, mart))
    assert not bad, f"{column} differs (month, channel, raw, mart):\n" + "\n".join(map(str, bad))


def test_the_reference_covers_every_month_and_paid_channel(
    expected_monthly: pd.DataFrame, mart_monthly: pd.DataFrame
) -> None:
    """Guard against a vacuous comparison: 13 months, spend in the paid channels, revenue
    in both web and store channels."""
    assert expected_monthly["month_start_date"].nunique() == 13
    assert set(mart_monthly["month_start_date"]) == set(expected_monthly["month_start_date"])
    spend = expected_monthly[expected_monthly["marketing_spend_eur"] > 0]
    assert set(spend["channel"]) >= {"paid_search", "paid_shopping", "paid_social"}
    revenue = expected_monthly[expected_monthly["net_revenue_eur"] > 0]
    assert set(revenue["channel"]) >= {"direct", "paid_search", "organic_search", "retail_store"}


def test_marketing_spend_per_month_and_channel(
    expected_monthly: pd.DataFrame, mart_monthly: pd.DataFrame
) -> None:
    assert_cents(merged(expected_monthly, mart_monthly, all_channels=False), "marketing_spend_eur")


def test_marketing_spend_all_channels(
    expected_monthly: pd.DataFrame, mart_monthly: pd.DataFrame
) -> None:
    assert_cents(merged(expected_monthly, mart_monthly, all_channels=True), "marketing_spend_eur")


def test_net_revenue_and_gross_margin_all_channels(
    expected_monthly: pd.DataFrame, mart_monthly: pd.DataFrame
) -> None:
    rows = merged(expected_monthly, mart_monthly, all_channels=True)
    assert_cents(rows, "net_revenue_eur")
    assert_cents(rows, "gross_margin_eur")


def test_net_revenue_and_gross_margin_per_month_and_channel(
    expected_monthly: pd.DataFrame, mart_monthly: pd.DataFrame
) -> None:
    rows = merged(expected_monthly, mart_monthly, all_channels=False)
    assert_cents(rows, "net_revenue_eur")
    assert_cents(rows, "gross_margin_eur")


def test_roas_per_month_and_channel_and_all_channels(
    expected_monthly: pd.DataFrame, mart_monthly: pd.DataFrame
) -> None:
    assert_ratio(merged(expected_monthly, mart_monthly, all_channels=False))
    assert_ratio(merged(expected_monthly, mart_monthly, all_channels=True))


def test_mer_is_blended_revenue_per_spend_on_the_totals(
    expected_monthly: pd.DataFrame, mart_monthly: pd.DataFrame
) -> None:
    assert_ratio(merged(expected_monthly, mart_monthly, all_channels=True), "mer")


def test_no_kpi_model_mixes_a_totals_row_into_its_rows(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    """A BI user's sum() over mart_kpi_monthly or mart_kpi_monthly_channels equals the
    totals: no all-channels row, no is_all_channels column."""
    for model in ("mart_kpi_monthly", "mart_kpi_monthly_channels"):
        columns = {
            row[0]
            for row in warehouse.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'marts' and table_name = ?",
                [model],
            ).fetchall()
        }
        assert "is_all_channels" not in columns
        channels = {
            row[0]
            for row in warehouse.sql(f"select distinct channel from marts.{model}").fetchall()
        }
        known = {
            row[0] for row in warehouse.sql("select channel from marts.dim_channel").fetchall()
        }
        assert channels <= known, channels - known
    summed, total = warehouse.sql(
        "select (select sum(net_revenue_eur) from marts.mart_kpi_monthly), "
        "(select sum(net_revenue_eur) from marts.mart_kpi_monthly_totals)"
    ).fetchone()
    assert float(total) > 0
    assert float(summed) == pytest.approx(float(total), abs=0.01)


def test_orders_money_and_channel_per_order(
    warehouse: duckdb.DuckDBPyConnection, raw_orders: pd.DataFrame
) -> None:
    """The same figures order by order in fct_orders, so a monthly gap points at orders."""
    mart = warehouse.sql(
        "select cast(order_id as varchar) as order_id, channel, "
        "cast(net_revenue_eur as double) as net_revenue_eur, "
        "cast(gross_margin_eur as double) as gross_margin_eur "
        "from marts.fct_orders"
    ).df()
    rows = raw_orders.merge(
        mart, on="order_id", how="outer", suffixes=("_raw", "_warehouse"), indicator=True
    )
    one_side = rows[rows["_merge"] != "both"]
    assert one_side.empty, (
        f"orders on one side only:\n{one_side[['order_id', '_merge']].to_string()}"
    )
    wrong_channel = rows[rows["channel_raw"] != rows["channel_warehouse"]]
    assert wrong_channel.empty, (
        f"{len(wrong_channel)} orders in another channel:\n"
        + wrong_channel[["order_id", "order_name", "channel_raw", "channel_warehouse"]].to_string()
    )
    for column in ("net_revenue_eur", "gross_margin_eur"):
        off = rows[(rows[f"{column}_raw"] - rows[f"{column}_warehouse"]).abs() >= CENT]
        assert off.empty, (
            f"{len(off)} orders' {column} differ by a cent or more:\n"
            f"{off[['order_id', 'order_name', f'{column}_raw', f'{column}_warehouse']].to_string()}"
        )
