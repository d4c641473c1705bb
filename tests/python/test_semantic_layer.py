"""The MetricFlow semantic layer answers from the DuckDB file and agrees with the KPI marts."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from growth_ledger.paths import PROJECT_DIR

METRICS = ["net_revenue", "gross_margin", "marketing_spend", "mer", "new_customers", "mrr"]


@pytest.fixture(scope="module")
def metricflow_by_month(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("mf") / "monthly.csv"
    environment = {
        **os.environ,
        "GROWTH_LEDGER_DB": str(demo_warehouse),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
    }
    # MetricFlow reads target/semantic_manifest.json, whose relations name the
    # DuckDB catalog of the profile at parse time: parse against this file first.
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [str(bin_dir / "dbt"), "parse"],
        cwd=PROJECT_DIR,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    subprocess.run(
        [
            str(bin_dir / "mf"),
            "query",
            "--metrics",
            ",".join(METRICS),
            "--group-by",
            "metric_time__month",
            "--csv",
            str(out),
        ],
        cwd=PROJECT_DIR,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    with out.open() as handle:
        return {row["metric_time__month"][:10]: row for row in csv.DictReader(handle)}


def test_metricflow_matches_the_monthly_kpi_mart(
    metricflow_by_month: dict, demo_warehouse: Path
) -> None:
    with duckdb.connect(str(demo_warehouse), read_only=True) as connection:
        mart = connection.sql(
            "select cast(month_start_date as varchar) as month, net_revenue_eur, gross_margin_eur, "
            "marketing_spend_eur, mer, new_customers, mrr_eur "
            "from marts.mart_kpi_monthly where is_all_channels order by 1"
        ).fetchall()
    assert len(mart) >= 12
    for month, net_revenue, gross_margin, spend, mer, new_customers, mrr in mart:
        row = metricflow_by_month[month]
        assert float(row["net_revenue"]) == pytest.approx(float(net_revenue), abs=0.01), month
        assert float(row["gross_margin"]) == pytest.approx(float(gross_margin), abs=0.01), month
        assert float(row["marketing_spend"]) == pytest.approx(float(spend), abs=0.01), month
        assert float(row["mer"]) == pytest.approx(float(mer), rel=1e-6), month
        assert float(row["new_customers"]) == pytest.approx(float(new_customers)), month
        assert float(row["mrr"]) == pytest.approx(float(mrr), abs=0.01), month


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
