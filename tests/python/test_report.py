"""The board pack: Evidence site built over a real warehouse, opened in headless Chromium.

Needs Node.js + npm and Chromium (scripts/install_system_deps.sh) and the Python package
playwright (it drives /usr/bin/chromium; no browser download). GROWTH_LEDGER_TEST_DB points
the test at an existing DuckDB file instead of the `demo_warehouse` fixture.
GROWTH_LEDGER_SCREENSHOTS names a folder for a full-page PNG of every page (default: next to
the built site in pytest's temporary folder).

Headline figures on each page are checked against the warehouse's own numbers, computed here
with Python duckdb over the marts the pages read.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest
import yaml

from growth_ledger.check import default_docs_dir
from growth_ledger.report import (
    CHROMIUM_FLAGS,
    PAGE_READY_JS,
    ReportResult,
    build_report,
    company_name,
    find_chromium,
    serve_site,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

MART = "marts.mart_kpi_monthly_totals"
# Evidence's error boxes: ErrorChart, BigValueError, ValueError, InlineError (border-negative/50),
# the Dropdown error chip and the error overlay (border-negative). Deltas use border-negative/20.
ERROR_SELECTOR = r".border-negative\/50, .border-negative"
ERROR_PAGE_TITLES = ("Application Error", "Page Not Found")
# Pages of the board pack, and the marts a page needs beyond mart_kpi_monthly: pages over marts
# other engineers build may be absent from an older warehouse, but never from the demo build.
EXPECTED_PAGES = {
    "/": (),
    "/channels": ("dim_channel", "dim_campaign", "fct_ad_performance_daily", "fct_budgets"),
    "/attribution": ("mart_attribution_channel_summary", "mart_platform_overclaim"),
    "/customers": ("fct_orders", "mart_customer_ltv", "dim_geography"),
    "/subscriptions": ("fct_subscription_mrr",),
    "/organic-search": ("fct_search_console_daily",),
    "/actions": (
        "fct_recommended_actions",
        "fct_kpi_anomalies",
        "mart_forecast_to_period_end",
        "fct_inefficient_campaigns",
    ),
    "/data-quality": ("mart_source_reconciliation",),
    "/kpi-dictionary": ("mart_kpi_dictionary",),
    "/board-pack": ("fct_recommended_actions", "mart_forecast_to_period_end"),
}
REPO = Path(__file__).resolve().parents[2]
PAGES_DIR = REPO / "reports" / "pages"
SOURCES_DIR = REPO / "reports" / "sources" / "warehouse"
EXPOSURES = REPO / "models" / "marts" / "_marts__exposures.yml"
# Section titles of the printed board pack, in their order.
BOARD_PACK_SECTIONS = (
    "1. Executive summary against targets",
    "2. Revenue and margin by market and channel",
    "3. Marketing efficiency",
    "4. Attribution and platform over-claim",
    "5. Customers and subscriptions",
    "6. Forecast to period end",
    "7. Recommended actions",
    "Appendix: data quality",
)
# A code a reader should never see: lower-case words joined by underscores (paid_search,
# spend_eur, meta_ads). Campaign names (FR_SEARCH_MOFU_...) are upper case and names.
SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
# What an engineer's export shows and a reader should not: money as "1070.0 EUR".
ENGINEERING_MONEY = re.compile(r"\d+\.\d+ EUR|\bEUR\b")


@pytest.fixture(scope="module")
def report_db(demo_warehouse: Path) -> Path:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        found = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'mart_kpi_monthly_totals'"
        ).fetchone()
    assert found and found[0] == 1, f"{MART} is not in {demo_warehouse}: the board pack reads it"
    return demo_warehouse


STATIC_DATA_DOCS = default_docs_dir()
DEMO_BOARD_PACK = STATIC_DATA_DOCS.parents[1] / "build" / "board_pack.pdf"


@pytest.fixture(scope="module")
def demo_board_pack_before() -> bytes | None:
    """The board pack `make demo` left in reports/build, if any, before the tests build theirs."""
    return DEMO_BOARD_PACK.read_bytes() if DEMO_BOARD_PACK.is_file() else None


@pytest.fixture(scope="module")
def built(
    report_db: Path, tmp_path_factory: pytest.TempPathFactory, demo_board_pack_before: bytes | None
) -> ReportResult:
    out_dir = tmp_path_factory.mktemp("board_pack") / "site"
    return build_report(report_db, out_dir, pdf=True, show_progress=False)


def test_building_elsewhere_leaves_the_demo_board_pack(
    built: ReportResult, demo_board_pack_before: bytes | None
) -> None:
    assert built.site_dir != DEMO_BOARD_PACK.parent
    if demo_board_pack_before is None:
        assert not DEMO_BOARD_PACK.exists(), "a build into a temporary folder wrote reports/build"
    else:
        assert DEMO_BOARD_PACK.read_bytes() == demo_board_pack_before


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


def format_num0(value: Decimal | int) -> str:
    """Evidence's `num0` format: thousands separators, no decimals."""
    return f"{int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)):,}"


def latest_full_month() -> dt.date:
    """Pages read months before the current calendar month (the current one is partial)."""
    return dt.date.today().replace(day=1)


def query_one(db_path: Path, sql: str, params: list | None = None) -> tuple:
    with duckdb.connect(str(db_path), read_only=True) as con:
        row = con.execute(sql, params or []).fetchone()
    assert row is not None, sql
    return row


def tile_lines(page: Page, testid: str) -> list[str]:
    """Title and value (then comparison) of a BigValue wrapped in a data-testid div."""
    tile = page.locator(f"[data-testid={testid}]")
    assert tile.count() == 1, f"no tile {testid}"
    return [line.strip() for line in tile.inner_text().splitlines() if line.strip()]


def table_rows(table: Locator) -> int:
    """Body rows of an Evidence DataTable: <tr> children of the <table>, after its <thead>."""
    return table.locator(":scope > tr").count()


def expected_headline(db_path: Path) -> tuple[str, str]:
    """Month name and net revenue (all channels) of the latest full month, from DuckDB."""
    current_month = dt.date.today().replace(day=1)
    with duckdb.connect(str(db_path), read_only=True) as con:
        row = con.execute(
            f"""
            select month_start_date, sum(net_revenue_eur)::decimal(38, 6)
            from {MART}
            where month_start_date = (
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


def screenshot_dir(built: ReportResult) -> Path:
    folder = Path(os.environ.get("GROWTH_LEDGER_SCREENSHOTS") or built.site_dir.parent / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def present_marts(db_path: Path) -> set[str]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    return {name for (name,) in rows}


def test_site_has_every_board_pack_page(built: ReportResult, report_db: Path) -> None:
    marts = present_marts(report_db)
    expected = {page for page, needs in EXPECTED_PAGES.items() if set(needs) <= marts}
    paths = {p.rstrip("/") or "/" for p in page_paths(built.site_dir)}
    assert expected <= paths, f"pages missing: {sorted(expected - paths)}"
    if not os.environ.get("GROWTH_LEDGER_TEST_DB"):
        # The demo build holds every mart, so every page is there.
        assert set(EXPECTED_PAGES) <= paths, f"pages missing: {sorted(set(EXPECTED_PAGES) - paths)}"


def test_every_page_renders_without_errors(built: ReportResult, browser: Browser) -> None:
    paths = page_paths(built.site_dir)
    assert "/" in paths
    shots = screenshot_dir(built)
    # Every prerendered HTML page is in the manifest, so none escapes the check below.
    # Great Expectations' Data Docs (copied from reports/static/) are static HTML of their
    # own, not Evidence pages; they are opened separately below.
    data_docs = built.site_dir / "data-docs"
    for html in built.site_dir.rglob("index.html"):
        if html.is_relative_to(data_docs):
            continue
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
                page.wait_for_timeout(1000)  # chart animations settle before the screenshot
                name = path.strip("/").replace("/", "_") or "index"
                page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
            finally:
                page.close()
        if (STATIC_DATA_DOCS / "index.html").is_file():
            # make demo wrote Data Docs before the tests: the site a user gets carries them.
            assert (data_docs / "index.html").is_file(), "Data Docs were not copied into the site"
            # GX's Data Docs load jQuery from a CDN, so offline their script errors are expected;
            # the page itself must open and list the suites.
            page = browser.new_page()
            try:
                response = page.goto(base_url + "/data-docs/index.html", timeout=120_000)
                assert response is not None and response.ok, "Data Docs index did not open"
                assert "landing__" in page.content(), "Data Docs index lists no suite"
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
            assert charts.count() >= 4
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


def test_executive_tiles_match_warehouse(
    built: ReportResult, browser: Browser, report_db: Path
) -> None:
    """Gross margin, contribution after marketing and spend tiles of the latest full month."""
    gross_margin, contribution, spend = query_one(
        report_db,
        f"""
        select gross_margin_eur, contribution_after_marketing_eur, marketing_spend_eur
        from {MART}
        where month_start_date = (
                select max(month_start_date) from {MART} where month_start_date < ?
            )
        """,
        [latest_full_month()],
    )
    with serve_site(built.site_dir) as base_url:
        page, _ = open_page(browser, base_url + "/")
        try:
            assert tile_lines(page, "kpi-gross-margin")[:2] == [
                "Gross margin",
                format_eur0(gross_margin),
            ]
            assert tile_lines(page, "kpi-contribution")[:2] == [
                "Contribution after marketing",
                format_eur0(contribution),
            ]
            assert tile_lines(page, "kpi-marketing-spend")[:2] == [
                "Marketing spend",
                format_eur0(spend),
            ]
            for testid in ("kpi-mer", "kpi-cac", "kpi-ltv-cac", "kpi-payback"):
                value = tile_lines(page, testid)[1]
                assert value not in {"-", "NaN", "null", "undefined"}, (testid, value)
        finally:
            page.close()


def test_channels_total_spend_matches_warehouse(
    built: ReportResult, browser: Browser, report_db: Path
) -> None:
    """Default period on the channel page: every full month in the mart."""
    (spend,) = query_one(
        report_db,
        f"select sum(marketing_spend_eur) from {MART} where month_start_date < ?",
        [latest_full_month()],
    )
    (ad_spend,) = query_one(
        report_db,
        "select sum(spend_eur)::decimal(38, 6) from marts.fct_ad_performance_daily "
        "where ad_date < ?",
        [latest_full_month()],
    )
    # The mart's spend is the ad facts' spend: the channel page may show either.
    assert abs(Decimal(spend) - Decimal(ad_spend)) < 1
    with serve_site(built.site_dir) as base_url:
        page, _ = open_page(browser, base_url + "/channels")
        try:
            assert tile_lines(page, "total-spend")[:2] == ["Marketing spend", format_eur0(spend)]
            assert page.locator(".chart").count() >= 5
        finally:
            page.close()


def test_subscriptions_latest_mrr_matches_warehouse(
    built: ReportResult, browser: Browser, report_db: Path
) -> None:
    month, mrr = query_one(
        report_db,
        """
        select month_start_date, sum(mrr_eur)
        from marts.fct_subscription_mrr
        where month_start_date = (
            select max(month_start_date) from marts.fct_subscription_mrr where month_start_date < ?
        )
        group by month_start_date
        """,
        [latest_full_month()],
    )
    with serve_site(built.site_dir) as base_url:
        page, _ = open_page(browser, base_url + "/subscriptions")
        try:
            assert tile_lines(page, "kpi-mrr")[:2] == ["MRR", format_eur0(mrr)]
            heading = f"MRR at the end of {month.strftime('%B %Y')}"
            assert page.get_by_role("heading", name=heading).count() == 1
        finally:
            page.close()


def test_data_quality_rows_match_warehouse(
    built: ReportResult, browser: Browser, report_db: Path
) -> None:
    entities, raw_rows = query_one(
        report_db, "select count(*), sum(raw_rows) from marts.mart_source_reconciliation"
    )
    with serve_site(built.site_dir) as base_url:
        page, _ = open_page(browser, base_url + "/data-quality")
        try:
            assert tile_lines(page, "dq-entities")[:2] == ["Sources x entities", str(entities)]
            assert tile_lines(page, "dq-raw-rows")[:2] == ["Raw rows landed", format_num0(raw_rows)]
            assert table_rows(page.locator("table").first) == entities
            link = page.locator("[data-testid=gx-data-docs]")
            assert link.get_attribute("href") == "/data-docs/index.html"
        finally:
            page.close()


def test_kpi_dictionary_lists_every_metric(
    built: ReportResult, browser: Browser, report_db: Path
) -> None:
    (metrics,) = query_one(report_db, "select count(*) from marts.mart_kpi_dictionary")
    with serve_site(built.site_dir) as base_url:
        page, _ = open_page(browser, base_url + "/kpi-dictionary")
        try:
            assert tile_lines(page, "metric-count")[:2] == ["Metrics", str(metrics)]
            # The table renders its rows as the page scrolls: the first ones are there.
            assert table_rows(page.locator("table").first) > 0
        finally:
            page.close()


def test_actions_page_lists_every_action(
    built: ReportResult, browser: Browser, report_db: Path
) -> None:
    if "fct_recommended_actions" not in present_marts(report_db):
        pytest.fail("marts.fct_recommended_actions missing: the actions page reads it")
    (actions,) = query_one(report_db, "select count(*) from marts.fct_recommended_actions")
    with serve_site(built.site_dir) as base_url:
        page, _ = open_page(browser, base_url + "/actions")
        try:
            assert table_rows(page.locator("table").first) == actions
        finally:
            page.close()


# --------------------------------------------------------------------------- the printed pack


def pdf_pages(pdf_path: Path) -> list[str]:
    """Text of every page of a PDF (poppler's pdftotext; pages end with a form feed)."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.fail("pdftotext not found: bash scripts/install_system_deps.sh (poppler-utils)")
    out = subprocess.run(
        [pdftotext, "-layout", "-enc", "UTF-8", str(pdf_path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return pages


def pdf_page_count(pdf_path: Path) -> int:
    """Page count from the PDF's own page tree (pdfinfo), independent of the text split."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        pytest.fail("pdfinfo not found: bash scripts/install_system_deps.sh (poppler-utils)")
    info = subprocess.run(
        [pdfinfo, str(pdf_path)], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    assert match, info
    return int(match.group(1))


@pytest.fixture(scope="module")
def board_pack_pages(built: ReportResult) -> list[str]:
    assert built.pdf_path is not None
    return pdf_pages(built.pdf_path)


def squash(text: str) -> str:
    """Text with runs of whitespace as one space (pdftotext lays columns out with spaces)."""
    return " ".join(text.split())


def test_board_pack_has_at_least_eight_numbered_pages(
    built: ReportResult, board_pack_pages: list[str]
) -> None:
    assert built.pdf_path is not None
    count = pdf_page_count(built.pdf_path)
    assert count >= 8, f"the board pack has {count} pages"
    assert len(board_pack_pages) == count
    for number, text in enumerate(board_pack_pages, start=1):
        assert f"Page {number} of {count}" in squash(text), f"page {number}: no page number"


def test_board_pack_cover_and_footer_name_the_company(
    board_pack_pages: list[str], report_db: Path
) -> None:
    company = company_name(report_db)
    assert company, "the warehouse names no company (reference.brand_search_terms)"
    # Independent of the driver: the name is one of the brand terms of the seed, as a name.
    with duckdb.connect(str(report_db), read_only=True) as con:
        terms = {
            t.lower()
            for (t,) in con.execute(
                "select brand_term from reference.brand_search_terms"
            ).fetchall()
        }
    assert company.lower() in terms
    cover = squash(board_pack_pages[0])
    assert company in cover
    month_name, _ = expected_headline(report_db)
    assert f"Period: {month_name}" in cover
    assert "Data freshness" in cover and "As of" in cover
    for number, text in enumerate(board_pack_pages, start=1):
        assert f"{company} board pack" in squash(text), f"page {number}: no footer"


def test_board_pack_has_every_section_in_order(board_pack_pages: list[str]) -> None:
    text = squash(" ".join(board_pack_pages[1:]))  # after the cover (which lists them)
    positions = []
    for title in BOARD_PACK_SECTIONS:
        assert title in text, f"section missing from the PDF: {title}"
        positions.append(text.index(title))
    assert positions == sorted(positions), "sections out of order"
    # One section per page at least: each starts a page of its own.
    starts = [squash(page) for page in board_pack_pages]
    for title in BOARD_PACK_SECTIONS:
        assert any(page.startswith(title) for page in starts), f"{title} does not start a page"


def test_board_pack_reads_as_words_not_codes(board_pack_pages: list[str]) -> None:
    for number, text in enumerate(board_pack_pages, start=1):
        codes = sorted(set(SNAKE_CASE.findall(text)))
        assert codes == [], f"page {number}: codes instead of labels: {codes}"
        money = ENGINEERING_MONEY.findall(text)
        assert money == [], f"page {number}: money as {money}"
        assert "\u2026" not in text and "..." not in text, f"page {number}: clipped text"


def test_board_pack_headline_matches_warehouse(
    board_pack_pages: list[str], report_db: Path
) -> None:
    """Net revenue and its difference to target of the period, as the summary page prints them."""
    net_revenue, target = query_one(
        report_db,
        f"""
        select net_revenue_eur, net_revenue_target_eur
        from {MART}
        where month_start_date = (
            select max(month_start_date) from {MART} where month_start_date < ?
        )
        """,
        [latest_full_month()],
    )
    summary = next(squash(p) for p in board_pack_pages if p.strip().startswith("1. Executive"))
    difference = Decimal(net_revenue) - Decimal(target)
    signed = ("+" if difference >= 0 else "") + format_eur0(difference)
    assert format_eur0(Decimal(net_revenue)) in summary
    assert signed in summary, f"{signed} not on the summary page"


def test_board_pack_lists_every_action_with_owner(
    board_pack_pages: list[str], report_db: Path
) -> None:
    with duckdb.connect(str(report_db), read_only=True) as con:
        actions = con.execute(
            "select priority, owner, expected_impact_eur, expected_impact_low_eur, "
            "expected_impact_high_eur from marts.fct_recommended_actions"
        ).fetchall()
    text = squash(" ".join(board_pack_pages))
    start = text.index("7. Recommended actions")
    section = text[start : text.index("Appendix: data quality", start)]

    def signed(value: float) -> str:
        return ("+" if value >= 0 else "") + format_eur0(Decimal(str(value)))

    for priority, owner, impact, low, high in actions:
        assert f"{int(priority)}. " in section, f"action {priority} missing"
        assert f"Owner: {owner or 'to assign'}" in section
        if impact is not None:
            effect = f"Expected effect: {signed(impact)}"
            if low is not None and high is not None:
                effect += (
                    f" contribution margin per 30 days (range {signed(low)} to {signed(high)})"
                )
            assert effect in section, f"action {priority}: {effect}"


def test_board_pack_actions_say_what_why_effect_and_owner(
    board_pack_pages: list[str], report_db: Path
) -> None:
    """Each action as the warehouse wrote it for readers: what to do, then why; every action
    that moves money prints its point and its range in euros (+€1,070), never only a point."""
    with duckdb.connect(str(report_db), read_only=True) as con:
        actions = con.execute(
            "select priority, action_text, rationale, moves_money, expected_impact_eur, "
            "expected_impact_low_eur, expected_impact_high_eur "
            "from marts.fct_recommended_actions order by priority"
        ).fetchall()
    assert actions, "no recommended action in the warehouse: nothing to check"
    text = squash(" ".join(board_pack_pages))
    start = text.index("7. Recommended actions")
    section = text[start : text.index("Appendix: data quality", start)]
    # One block per action, from "<priority>. <action text>" to the next action's.
    starts = [section.index(f"{int(p)}. {squash(what)}") for p, what, *_ in actions]
    assert starts == sorted(starts), "actions out of priority order"
    blocks = [section[a:b] for a, b in zip(starts, [*starts[1:], len(section)], strict=True)]
    money = re.compile(r"[+-]€\d{1,3}(?:,\d{3})*")
    for block, (priority, _, why, moves_money, *_) in zip(blocks, actions, strict=True):
        assert f"Why: {squash(why)}" in block, f"action {priority}: no reason given"
        effect = re.search(
            rf"Expected effect: ({money.pattern}) contribution margin per 30 days "
            rf"\(range ({money.pattern}) to ({money.pattern})\)",
            block,
        )
        if moves_money:
            assert effect, f"action {priority} moves money but prints no point and range"
        else:
            assert "Expected effect" not in block, f"action {priority} claims money it has not"


# The overlap check run in the browser (ECharts layout of each chart at the print width).
CHART_OVERLAPS_JS = (Path(__file__).with_name("chart_overlaps.js")).read_text()
# Evidence draws each chart's print copy 650 px wide (EChartsCopyTarget, portrait A4).
PRINT_CHART_WIDTH = 650
CHART_TAGS = re.compile(r"^<(?:BarChart|LineChart|AreaChart|Chart)\b", re.MULTILINE)


def test_board_pack_charts_have_nothing_overlapping(built: ReportResult, browser: Browser) -> None:
    """No chart of the printed pack has its legend over its title or plot, or a label on a
    bar it does not belong to (the wrapped legend of page 3, the reference label of page 5)."""
    expected_charts = len(CHART_TAGS.findall((PAGES_DIR / "board-pack.md").read_text()))
    with serve_site(built.site_dir) as base_url:
        page, errors = open_page(browser, base_url + "/board-pack")
        try:
            page.wait_for_timeout(1500)  # first-draw animations end
            result = page.evaluate(CHART_OVERLAPS_JS, PRINT_CHART_WIDTH)
        finally:
            page.close()
    assert errors == []
    charts = result["charts"]
    # The check saw every chart, and what it compares: titles, legends, bars and data labels.
    assert len(charts) == expected_charts, [c["name"] for c in charts]
    assert all(chart["title"] > 0 for chart in charts)
    assert any(chart["legend"] > 0 for chart in charts)
    assert any(chart["data label"] > 0 and chart["bar"] > 0 for chart in charts)
    assert result["overlaps"] == []


# --------------------------------------------------------------------------- exposures


def page_tables(page: Path) -> set[str]:
    """Warehouse tables a page's queries read (``warehouse.<source>`` in its SQL blocks)."""
    return set(re.findall(r"\bwarehouse\.(\w+)", page.read_text()))


def source_marts(source: str) -> set[str]:
    """The marts a source query of reports/sources/warehouse/ selects from."""
    sql = (SOURCES_DIR / f"{source}.sql").read_text()
    return set(re.findall(r"\bfrom\s+marts\.(\w+)", sql))


def test_every_page_has_an_exposure_naming_what_it_reads() -> None:
    exposures = yaml.safe_load(EXPOSURES.read_text())["exposures"]
    by_url = {e["url"]: e for e in exposures}
    for page in sorted(PAGES_DIR.glob("*.md")):
        url = "/" if page.stem == "index" else f"/{page.stem}"
        assert url in by_url, f"no exposure with url {url} for {page.name}"
        exposure = by_url[url]
        assert exposure["type"] == "dashboard"
        refs = {re.fullmatch(r"ref\('(\w+)'\)", d).group(1) for d in exposure["depends_on"]}
        reads = set().union(*(source_marts(t) for t in page_tables(page)))
        assert reads, f"{page.name} reads no mart"
        assert reads <= refs, f"{exposure['name']} misses {sorted(reads - refs)}"
        # Nothing listed that the page does not read (the PDF's cover also reads the seed).
        assert refs - reads <= {"brand_search_terms"}, f"{exposure['name']}: {refs - reads}"
