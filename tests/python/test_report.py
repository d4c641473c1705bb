"""The board pack: Evidence site built over a real warehouse, opened in headless Chromium.

Needs Node.js + npm and Chromium (scripts/install_system_deps.sh) and the Python package
playwright (it drives /usr/bin/chromium; no browser download). GROWTH_LEDGER_TEST_DB points
the test at an existing DuckDB file instead of the `demo_warehouse` fixture.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest

from growth_ledger.report import (
    CHROMIUM_FLAGS,
    PAGE_READY_JS,
    ReportResult,
    build_report,
    find_chromium,
    serve_site,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

MART = "marts.mart_kpi_monthly"
# Evidence's error boxes: ErrorChart, BigValueError, ValueError, InlineError (border-negative/50),
# the Dropdown error chip and the error overlay (border-negative). Deltas use border-negative/20.
ERROR_SELECTOR = r".border-negative\/50, .border-negative"
ERROR_PAGE_TITLES = ("Application Error", "Page Not Found")


@pytest.fixture(scope="module")
def report_db(demo_warehouse: Path) -> Path:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        found = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'mart_kpi_monthly'"
        ).fetchone()
    assert found and found[0] == 1, f"{MART} is not in {demo_warehouse}: the board pack reads it"
    return demo_warehouse


@pytest.fixture(scope="module")
def built(report_db: Path, tmp_path_factory: pytest.TempPathFactory) -> ReportResult:
    out_dir = tmp_path_factory.mktemp("board_pack") / "site"
    return build_report(report_db, out_dir, pdf=True, show_progress=False)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is needed for the browser test: pip install playwright==1.65.2")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=find_chromium(), args=list(CHROMIUM_FLAGS))
        yield instance
        instance.close()


def format_eur0(value: Decimal) -> str:
    """Evidence's `eur0` format: euro sign, thousands separators, no decimals."""
    rounded = int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    sign = "-" if rounded < 0 else ""
    return f"{sign}€{abs(rounded):,}"


def expected_headline(db_path: Path) -> tuple[str, str]:
    """Month name and net revenue (all channels) of the latest full month, from DuckDB."""
    current_month = dt.date.today().replace(day=1)
    with duckdb.connect(str(db_path), read_only=True) as con:
        row = con.execute(
            f"""
            select month_start_date, sum(net_revenue_eur)::decimal(38, 6)
            from {MART}
            where is_all_channels
                and month_start_date = (
                    select max(month_start_date) from {MART} where month_start_date < ?
                )
            group by month_start_date
            """,
            [current_month],
        ).fetchone()
    assert row is not None, f"no full month before {current_month} in {MART}"
    month, net_revenue = row
    return month.strftime("%B %Y"), format_eur0(Decimal(net_revenue))


def page_paths(site_dir: Path) -> list[str]:
    """Every page of the built site, from Evidence's page manifest."""
    manifest = json.loads((site_dir / "api" / "pagesManifest.json").read_text())
    paths: list[str] = []

    def walk(node: dict) -> None:
        if node.get("isPage"):
            paths.append(node["href"])
        for child in node.get("children", {}).values():
            walk(child)

    walk(manifest)
    return paths


def open_page(browser: Browser, url: str) -> tuple[Page, list[str]]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    response = page.goto(url, wait_until="networkidle", timeout=120_000)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    page.wait_for_function(PAGE_READY_JS, timeout=120_000)
    return page, errors


def test_format_eur0_matches_evidence() -> None:
    assert format_eur0(Decimal("486491.5")) == "€486,492"
    assert format_eur0(Decimal("-1234.4")) == "-€1,234"
    assert format_eur0(Decimal("999")) == "€999"


def test_build_writes_site_and_timings(built: ReportResult) -> None:
    assert (built.site_dir / "index.html").is_file()
    assert list((built.site_dir / "data" / "warehouse").glob("mart_kpi_monthly/*/*.parquet"))
    assert {"evidence sources", "evidence build", "pdf"} <= set(built.timings)
    assert all(seconds > 0 for seconds in built.timings.values())


def test_every_page_renders_without_errors(built: ReportResult, browser: Browser) -> None:
    paths = page_paths(built.site_dir)
    assert "/" in paths
    # Every prerendered HTML page is in the manifest, so none escapes the check below.
    for html in built.site_dir.rglob("index.html"):
        relative = html.parent.relative_to(built.site_dir).as_posix()
        href = "/" if relative == "." else f"/{relative}"
        assert href in {p.rstrip("/") or "/" for p in paths}, f"{href} not in pagesManifest"
    with serve_site(built.site_dir) as base_url:
        for path in paths:
            page, errors = open_page(browser, base_url + path)
            try:
                boxes = page.locator(ERROR_SELECTOR)
                assert boxes.count() == 0, f"{path}: Evidence error box: {boxes.first.inner_text()}"
                title = page.locator("h1").first.inner_text()
                assert title not in ERROR_PAGE_TITLES, f"{path}: {title}"
                assert errors == [], f"{path}: uncaught page errors {errors}"
            finally:
                page.close()


def test_headline_net_revenue_matches_warehouse(
    built: ReportResult,
    browser: Browser,
    report_db: Path,
) -> None:
    month_name, net_revenue = expected_headline(report_db)
    with serve_site(built.site_dir) as base_url:
        page, _ = open_page(browser, base_url + "/")
        try:
            tile = page.locator("[data-testid=kpi-net-revenue]")
            lines = [line.strip() for line in tile.inner_text().splitlines() if line.strip()]
            assert lines[:2] == ["Net revenue", net_revenue]
            assert page.get_by_role("heading", name=month_name).count() == 1
            charts = page.locator(".chart")
            assert charts.count() >= 2
            for i in range(charts.count()):
                assert charts.nth(i).locator("canvas, svg").count() > 0
        finally:
            page.close()


def test_pdf_is_a_real_pdf(built: ReportResult) -> None:
    assert built.pdf_path is not None
    assert built.pdf_path == built.site_dir / "board_pack.pdf"
    data = built.pdf_path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    # A page with two drawn charts weighs far more than an empty or error page (~10 kB).
    assert len(data) > 50_000, len(data)
