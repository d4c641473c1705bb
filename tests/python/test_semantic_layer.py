"""MetricFlow answers every KPI of the dictionary with the marts' numbers.

The marts generate their ratio columns from the metric YAML; MetricFlow
computes the same metrics from the facts. Every metric of mart_kpi_dictionary
is queried (one `mf query` per group of metrics with the same dimensions) and
compared, for every month, channel and market where the metric has those
dimensions, with the mart: money to the cent, ratios to 1e-6.
"""

import csv
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from growth_ledger.paths import PROJECT_DIR

BIN_DIR = Path(sys.executable).parent
MONTH = "metric_time__month"
CHANNEL_GRAIN = [MONTH, "channel", "market"]
# Metrics no monthly KPI mart carries, with the mart query that gives the same
# figure (customer value per acquisition month, channel and market; running
# totals at month end).
LTV_METRICS = {
    "gross_margin_90d": "sum(case when is_observed_90d then gross_margin_90d_eur end)",
    "customers_observed_90d": "sum(case when is_observed_90d then 1 else 0 end)",
    "gross_margin_180d": "sum(case when is_observed_180d then gross_margin_180d_eur end)",
    "customers_observed_180d": "sum(case when is_observed_180d then 1 else 0 end)",
    "gross_margin_365d": "sum(case when is_observed_365d then gross_margin_365d_eur end)",
    "customers_observed_365d": "sum(case when is_observed_365d then 1 else 0 end)",
}
LTV_RATIOS = {
    "ltv_90d": ("gross_margin_90d", "customers_observed_90d"),
    "ltv_180d": ("gross_margin_180d", "customers_observed_180d"),
    "ltv_365d": ("gross_margin_365d", "customers_observed_365d"),
}
LTV_GRAIN = [MONTH, "channel", "market"]
CAC_METRICS = ["ltv_to_cac", "cac_payback_months"]
# Attribution metrics: per attribution model (or platform), month and channel,
# against the attribution marts (models/semantic/attribution.yml).
ATTRIBUTION_GROUPS = [
    (
        "mart_attribution_channel_summary",
        "attribution__attribution_model",
        "attribution_model",
        {
            "attributed_conversions": "sum(attributed_conversions)",
            "attributed_revenue": "sum(attributed_revenue_eur)",
            "attributed_gross_margin": "sum(attributed_gross_margin_eur)",
            "attributed_contribution_margin": "sum(attributed_contribution_margin_eur)",
            "attribution_spend": "sum(spend_eur)",
            "attributed_roas": "sum(attributed_revenue_eur) / nullif(sum(spend_eur), 0)",
            "attributed_poas": (
                "sum(attributed_contribution_margin_eur) / nullif(sum(spend_eur), 0)"
            ),
        },
    ),
    (
        "mart_platform_overclaim",
        "platform_overclaim__platform",
        "platform",
        {
            "platform_claimed_conversions": "sum(claimed_conversions)",
            "platform_data_driven_conversions": "sum(data_driven_conversions)",
            "platform_overclaim_ratio": (
                "sum(claimed_conversions) / nullif(sum(data_driven_conversions), 0)"
            ),
        },
    ),
]
CUMULATIVE_METRICS = ["net_revenue_mtd", "marketing_spend_trailing_28d"]
CONVERSION_METRICS = ["visit_to_purchase_conversion"]


@dataclass(frozen=True)
class Metric:
    name: str
    metric_type: str
    unit: str
    formula: str
    mart_column: str | None

    @property
    def is_money(self) -> bool:
        """Sums of euros are checked to the cent; everything divided to 1e-6."""
        if self.unit != "EUR":
            return False
        return self.metric_type in {"simple", "cumulative"} or (
            self.metric_type == "derived" and "/" not in self.formula
        )


def mf_query(
    metrics: list[str], group_by: list[str], warehouse: Path, out_dir: Path
) -> list[dict[str, str]]:
    out = out_dir / f"{metrics[0]}_{len(metrics)}_{'_'.join(group_by)}.csv"
    subprocess.run(
        [
            str(BIN_DIR / "mf"),
            "query",
            "--metrics",
            ",".join(metrics),
            "--group-by",
            ",".join(group_by),
            "--csv",
            str(out),
        ],
        cwd=PROJECT_DIR,
        env=mf_environment(warehouse),
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    )
    with out.open() as handle:
        return list(csv.DictReader(handle))


def mf_environment(warehouse: Path) -> dict[str, str]:
    return {**os.environ, "GROWTH_LEDGER_DB": str(warehouse), "DBT_PROFILES_DIR": str(PROJECT_DIR)}


@pytest.fixture(scope="module")
def semantic_manifest(demo_warehouse: Path) -> Path:
    # MetricFlow reads target/semantic_manifest.json, whose relations name the
    # DuckDB catalog of the profile at parse time: parse against this file first.
    subprocess.run(
        [str(BIN_DIR / "dbt"), "parse"],
        cwd=PROJECT_DIR,
        env=mf_environment(demo_warehouse),
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return demo_warehouse


@pytest.fixture(scope="module")
def dictionary(demo_warehouse: Path) -> dict[str, Metric]:
    with duckdb.connect(str(demo_warehouse), read_only=True) as connection:
        rows = connection.sql(
            "select metric_name, metric_type, unit, formula, mart_column "
            "from marts.mart_kpi_dictionary"
        ).fetchall()
    return {row[0]: Metric(*row) for row in rows}


def mart_rows(warehouse: Path, sql: str) -> list[dict]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        relation = connection.sql(sql)
        names = relation.columns
        return [dict(zip(names, row, strict=True)) for row in relation.fetchall()]


def mart_columns(warehouse: Path, model: str) -> set[str]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return {
            row[0]
            for row in connection.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'marts' and table_name = ?",
                [model],
            ).fetchall()
        }


def number(value: object) -> float | None:
    if value is None or value == "":
        return None
    result = float(value)  # type: ignore[arg-type]
    return None if math.isnan(result) else result


def differences(
    metric: Metric,
    expected: dict[tuple, object],
    actual: dict[tuple, object],
    empty_cells: frozenset[tuple] = frozenset(),
) -> list[str]:
    """Cells where MetricFlow (actual) and the mart (expected) disagree.

    A cell MetricFlow does not return has no facts: the mart must show 0 for
    a sum and no value (null) or 0 for a ratio, unless the mart's row has no
    facts either (empty_cells: every summed measure 0), where a value that
    follows from zero inputs (growth of -100% on a month with no revenue) is
    the mart's spine speaking.
    """
    off = []
    for key in sorted(set(expected) | set(actual), key=str):
        mart_value = number(expected.get(key))
        mf_value = number(actual.get(key))
        if (key not in actual or mf_value is None) and (
            mart_value in (None, 0.0) or key in empty_cells
        ):
            continue
        if key not in expected and mf_value in (None, 0.0):
            continue
        if mart_value is None or mf_value is None:
            if (mart_value or 0.0) != (mf_value or 0.0):
                off.append(f"{metric.name} {key}: mart {mart_value} vs MetricFlow {mf_value}")
            continue
        tolerance = 0.005 if metric.is_money else max(1e-6 * abs(mart_value), 1e-9)
        if abs(mart_value - mf_value) > tolerance:
            off.append(f"{metric.name} {key}: mart {mart_value} vs MetricFlow {mf_value}")
    return off


def keyed(rows: list[dict], keys: list[str], column: str) -> dict[tuple, object]:
    """Rows by their key; month keys as YYYY-MM-DD (MetricFlow adds a time)."""
    return {
        tuple(str(row[key])[:10] if key == MONTH else str(row[key]) for key in keys): row[column]
        for row in rows
    }


@pytest.fixture(scope="module")
def comparisons(
    semantic_manifest: Path, dictionary: dict[str, Metric], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[str]]:
    """Per metric, the list of disagreeing cells (empty when all agree)."""
    warehouse = semantic_manifest
    out_dir = tmp_path_factory.mktemp("mf")
    results: dict[str, list[str]] = {}

    # 1. Every metric of the per-channel-and-market mart, per month, channel and market.
    detail = mart_columns(warehouse, "mart_kpi_monthly")
    channel_metrics = sorted(
        name for name, metric in dictionary.items() if metric.mart_column in detail
    )
    mf_rows = mf_query(channel_metrics, CHANNEL_GRAIN, warehouse, out_dir)
    mart = mart_rows(
        warehouse,
        "select cast(month_start_date as varchar) as metric_time__month, * "
        "from marts.mart_kpi_monthly",
    )
    additive = [
        metric.mart_column
        for metric in dictionary.values()
        if metric.mart_column in detail and metric.metric_type == "simple"
    ]
    empty_cells = frozenset(
        key
        for key, row in zip(keyed(mart, CHANNEL_GRAIN, MONTH), mart, strict=True)
        if all(not row[column] for column in additive)
    )
    # Growth needs the month's revenue: MetricFlow has no row where it is 0.
    revenue_free_cells = frozenset(
        key
        for key, row in zip(keyed(mart, CHANNEL_GRAIN, MONTH), mart, strict=True)
        if not row["net_revenue_eur"]
    )
    for name in channel_metrics:
        metric = dictionary[name]
        results[f"{name} by month, channel and market"] = differences(
            metric,
            keyed(mart, CHANNEL_GRAIN, metric.mart_column),
            keyed(mf_rows, CHANNEL_GRAIN, name),
            revenue_free_cells if name == "net_revenue_growth_mom" else empty_cells,
        )

    # 2. Every metric of the totals mart, per month.
    totals_columns = mart_columns(warehouse, "mart_kpi_monthly_totals")
    total_metrics = sorted(
        name for name, metric in dictionary.items() if metric.mart_column in totals_columns
    )
    mf_rows = mf_query(total_metrics, [MONTH], warehouse, out_dir)
    totals = mart_rows(
        warehouse,
        "select cast(month_start_date as varchar) as metric_time__month, * "
        "from marts.mart_kpi_monthly_totals",
    )
    for name in total_metrics:
        metric = dictionary[name]
        results[f"{name} by month"] = differences(
            metric, keyed(totals, [MONTH], metric.mart_column), keyed(mf_rows, [MONTH], name)
        )

    # 3. Customer value by acquisition month, first-order channel and market (mart_customer_ltv).
    ltv_names = [*LTV_METRICS, *LTV_RATIOS]
    mf_rows = mf_query(ltv_names, LTV_GRAIN, warehouse, out_dir)
    sums = ", ".join(f"{sql} as {name}" for name, sql in LTV_METRICS.items())
    ratios = ", ".join(
        f"cast({numerator} as double) / nullif({denominator}, 0) as {name}"
        for name, (numerator, denominator) in LTV_RATIOS.items()
    )
    ltv = mart_rows(
        warehouse,
        f"select *, {ratios} from (select "
        "cast(acquisition_cohort_month as varchar) as metric_time__month, "
        f"first_order_channel as channel, market, {sums} "
        "from marts.mart_customer_ltv group by 1, 2, 3)",
    )
    for name in ltv_names:
        results[f"{name} by month, channel and market"] = differences(
            dictionary[name], keyed(ltv, LTV_GRAIN, name), keyed(mf_rows, LTV_GRAIN, name)
        )

    # 4. LTV against CAC per month: customer value of the month's cohort / the month's blended CAC.
    mf_rows = mf_query(CAC_METRICS, [MONTH], warehouse, out_dir)
    cac = mart_rows(
        warehouse,
        f"""
        with cohorts as (
            select
                cast(acquisition_cohort_month as varchar) as metric_time__month,
                {LTV_METRICS["gross_margin_180d"]}
                    / nullif({LTV_METRICS["customers_observed_180d"]}, 0) as ltv_180d
            from marts.mart_customer_ltv
            group by 1
        )
        select
            totals.metric_time__month,
            cohorts.ltv_180d / nullif(totals.cac_eur, 0) as ltv_to_cac,
            totals.cac_eur / nullif(cohorts.ltv_180d / 6, 0) as cac_payback_months
        from (
            select cast(month_start_date as varchar) as metric_time__month, cac_eur
            from marts.mart_kpi_monthly_totals
        ) as totals
        left join cohorts on totals.metric_time__month = cohorts.metric_time__month
        """,
    )
    for name in CAC_METRICS:
        results[f"{name} by month"] = differences(
            dictionary[name], keyed(cac, [MONTH], name), keyed(mf_rows, [MONTH], name)
        )

    # 5. Running totals: MetricFlow gives a cumulative metric at month grain as its
    #    value on the month's first day: that day's web net revenue (month to
    #    date) and the spend of the 28 days up to that day. A trailing window
    #    reaches past the data's last day, so the months are those of every
    #    day from the first spend to 27 days after the last.
    mf_rows = mf_query(CUMULATIVE_METRICS, [MONTH], warehouse, out_dir)
    cumulative = mart_rows(
        warehouse,
        """
        with spend as (
            select date_day, marketing_spend_eur
            from marts.mart_kpi_daily_totals
        ),

        web as (
            select order_date, sum(net_revenue_eur) as web_net_revenue_eur
            from marts.fct_orders
            group by 1
        ),

        months as (
            select distinct date_trunc('month', day) as month_start_date
            from (
                select unnest(generate_series(
                    min(date_day), max(date_day) + interval 27 day, interval 1 day
                )) as day
                from spend
            )
        )

        select
            cast(cast(months.month_start_date as date) as varchar) as metric_time__month,
            (
                select web.web_net_revenue_eur from web
                where web.order_date = months.month_start_date
            ) as net_revenue_mtd,
            (
                select sum(spend.marketing_spend_eur) from spend
                where spend.date_day
                    between months.month_start_date - interval 27 day and months.month_start_date
            ) as marketing_spend_trailing_28d
        from months
        """,
    )
    for name in CUMULATIVE_METRICS:
        results[f"{name} by month"] = differences(
            dictionary[name], keyed(cumulative, [MONTH], name), keyed(mf_rows, [MONTH], name)
        )

    # 6. Visit to purchase: per month of a visit, the identified customers with
    #    a visit, and those whose order (not cancelled) on the visit's day or
    #    within 6 days after has it as their latest visit before the order.
    mf_rows = mf_query(CONVERSION_METRICS, [MONTH], warehouse, out_dir)
    conversion = mart_rows(
        warehouse,
        """
        with visits as (
            select distinct customer_id, session_date
            from marts.fct_sessions
            where customer_id is not null
        ),

        purchases as (
            select distinct customer_id, order_date
            from marts.fct_orders
            where customer_id is not null and not is_cancelled
        ),

        latest_visits as (
            select purchases.customer_id, max(visits.session_date) as session_date
            from purchases
            inner join visits
                on
                    purchases.customer_id = visits.customer_id
                    and visits.session_date
                        between purchases.order_date - 6 and purchases.order_date
            group by purchases.customer_id, purchases.order_date
        ),

        converted as (
            select date_trunc('month', session_date) as month_start_date,
                count(distinct customer_id) as customers
            from latest_visits
            group by 1
        ),

        visited as (
            select date_trunc('month', session_date) as month_start_date,
                count(distinct customer_id) as customers
            from visits
            group by 1
        )

        select
            cast(cast(visited.month_start_date as date) as varchar) as metric_time__month,
            cast(coalesce(converted.customers, 0) as double) / visited.customers
                as visit_to_purchase_conversion
        from visited
        left join converted on visited.month_start_date = converted.month_start_date
        """,
    )
    for name in CONVERSION_METRICS:
        results[f"{name} by month"] = differences(
            dictionary[name], keyed(conversion, [MONTH], name), keyed(mf_rows, [MONTH], name)
        )

    # 7. Attribution, per model or platform, month and channel.
    for model, dimension, column, metrics in ATTRIBUTION_GROUPS:
        grain = [MONTH, "channel", dimension]
        mf_rows = mf_query(list(metrics), grain, warehouse, out_dir)
        expressions = ", ".join(f"cast({sql} as double) as {name}" for name, sql in metrics.items())
        mart = mart_rows(
            warehouse,
            f"select cast(month_start_date as varchar) as {MONTH}, channel, "
            f"{column} as {dimension}, {expressions} from marts.{model} group by 1, 2, 3",
        )
        for name in metrics:
            results[f"{name} by month, channel and {column}"] = differences(
                dictionary[name], keyed(mart, grain, name), keyed(mf_rows, grain, name)
            )

    return results


def test_every_dictionary_metric_is_compared(
    comparisons: dict[str, list[str]], dictionary: dict[str, Metric]
) -> None:
    compared = {key.split(" by ")[0] for key in comparisons}
    assert len(dictionary) >= 40
    assert set(dictionary) == compared, set(dictionary) ^ compared


def test_metricflow_matches_the_marts_for_every_metric(comparisons: dict[str, list[str]]) -> None:
    off = [line for lines in comparisons.values() for line in lines]
    counts = {key: len(lines) for key, lines in comparisons.items() if lines}
    assert not off, f"{len(off)} cells differ {counts}, first:\n" + "\n".join(off[:20])


def test_ratios_are_generated_only_from_the_metric_yaml(
    dictionary: dict[str, Metric], demo_warehouse: Path
) -> None:
    """Every ratio or derived column of the KPI marts is a metric's mart_column."""
    generated = {
        metric.mart_column
        for metric in dictionary.values()
        if metric.mart_column and metric.metric_type in {"ratio", "derived"}
    }
    for model in ("mart_kpi_monthly", "mart_kpi_monthly_channels", "mart_kpi_monthly_totals"):
        columns = mart_columns(demo_warehouse, model)
        ratio_like = {
            column
            for column in columns
            if column in {"roas", "poas", "mer", "ctr", "conversion_rate", "breakeven_roas"}
            or column.endswith(("_pct", "_rate"))
        } - {"net_revenue_variance_pct"}
        assert ratio_like <= generated, (model, ratio_like - generated)


def test_roas_is_web_revenue_and_mer_is_blended(demo_warehouse: Path) -> None:
    rows = mart_rows(
        demo_warehouse,
        "select roas, mer, web_net_revenue_eur, store_net_revenue_eur, marketing_spend_eur "
        "from marts.mart_kpi_monthly_totals where marketing_spend_eur > 0",
    )
    assert rows
    assert any(row["store_net_revenue_eur"] > 0 for row in rows)
    for row in rows:
        spend = float(row["marketing_spend_eur"])
        assert row["roas"] == pytest.approx(float(row["web_net_revenue_eur"]) / spend, rel=1e-6)
        blended = float(row["web_net_revenue_eur"] + row["store_net_revenue_eur"]) / spend
        assert row["mer"] == pytest.approx(blended, rel=1e-6)


def test_net_revenue_by_market_in_metricflow(
    semantic_manifest: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """`mf query --metrics net_revenue --group-by market` answers, and every
    market the shop sold to has revenue."""
    rows = mf_query(
        ["net_revenue"], ["market"], semantic_manifest, tmp_path_factory.mktemp("mf_market")
    )
    by_market = {row["market"]: float(row["net_revenue"]) for row in rows}
    mart = mart_rows(
        semantic_manifest,
        "select market, sum(net_revenue_eur) as net_revenue from marts.mart_kpi_monthly group by 1",
    )
    with duckdb.connect(str(semantic_manifest), read_only=True) as connection:
        markets = {
            row[0]
            for row in connection.sql("select distinct market from marts.fct_orders").fetchall()
        }
    assert markets <= {market for market, value in by_market.items() if value > 0}
    for row in mart:
        assert by_market.get(row["market"], 0.0) == pytest.approx(
            float(row["net_revenue"]), abs=0.01
        )


def test_kpi_dictionary_lists_every_metric(demo_warehouse: Path) -> None:
    with duckdb.connect(str(demo_warehouse), read_only=True) as connection:
        dictionary = dict(
            connection.sql("select metric_name, formula from marts.mart_kpi_dictionary").fetchall()
        )
    required = {
        "net_revenue",
        "gross_margin",
        "gross_margin_pct",
        "contribution_after_marketing",
        "marketing_spend",
        "roas",
        "poas",
        "breakeven_roas",
        "mer",
        "new_customers",
        "blended_cac",
        "paid_cac",
        "aov",
        "web_orders",
        "conversion_rate",
        "ctr",
        "cpc",
        "cpm",
        "cpa",
        "ltv_90d",
        "ltv_180d",
        "ltv_365d",
        "ltv_to_cac",
        "cac_payback_months",
        "mrr",
        "net_revenue_retention",
        "subscriber_churn_rate",
        "organic_clicks",
        "average_position",
        "net_revenue_growth_mom",
        "net_revenue_vs_target",
    }
    assert required <= set(dictionary), required - set(dictionary)
    assert all(formula for formula in dictionary.values())
