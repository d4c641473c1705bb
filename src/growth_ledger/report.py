"""Build the board pack: the Evidence site in ``reports/`` over a DuckDB warehouse, and its PDF.

Node.js and npm run Evidence (``evidence sources`` then ``evidence build``); headless Chromium
prints the board-pack page (``/board-pack``: cover, one section per A4 page, a footer with the
company name and page numbers) to ``board_pack.pdf``. Everything runs offline.

Environment variables read here:

- ``GROWTH_LEDGER_REPORTS_DIR``: the Evidence project (default: ``reports/`` of the project folder,
  see growth_ledger.paths).
- ``GROWTH_LEDGER_CHROMIUM``: the Chromium binary (default: ``chromium`` on the PATH).
- ``GROWTH_LEDGER_STEP_TIMEOUT``: seconds after which a hung Node step is stopped (default 2400:
  a ten-page `evidence build` took 20 minutes on a loaded 2-core machine).
- ``GROWTH_LEDGER_COMPANY_NAME``: the company name on the site and the cover (default: from the
  warehouse's ``brand_search_terms`` seed, the term described as the company name).

Evidence reads the warehouse path from ``EVIDENCE_SOURCE__warehouse__filename``, which this
module sets for its subprocesses (relative to the source folder, as the connector expects).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import hashlib
import html
import http.server
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from rich.console import Console

from growth_ledger.paths import project_dir
from growth_ledger.progress import StepProgress

SOURCE_NAME = "warehouse"
SOURCE_FILENAME_ENV = f"EVIDENCE_SOURCE__{SOURCE_NAME}__filename"
PDF_NAME = "board_pack.pdf"
# The Evidence page printed as the board pack (reports/pages/board-pack.md).
BOARD_PACK_PATH = "/board-pack"
COMPANY_ENV = "GROWTH_LEDGER_COMPANY_NAME"
# Vite hands VITE_* variables of the build's environment to the pages (+layout.svelte, cover).
COMPANY_VITE_ENV = "VITE_GROWTH_LEDGER_COMPANY_NAME"
BRAND_TERMS_TABLE = "reference.brand_search_terms"
MIN_NODE_MAJOR = 18
# How Node reports a truncated cache file in reports/.evidence/meta.
TRUNCATED_CACHE_SIGNS = ("Unexpected end of JSON input", "in JSON at position")
# `evidence build` prerenders every page query and only logs the ones that fail.
QUERY_ERROR_SIGN = "Error in Query!"
INSTALL_STAMP = ".growth-ledger-install.sha256"

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)

# True once the page has no loading skeleton and every chart holds a drawn canvas or svg.
PAGE_READY_JS = """() => {
    if (document.getElementById('__evidence_project_splash')) return false;
    if (document.querySelector('.animate-pulse')) return false;
    const charts = [...document.querySelectorAll('.chart')];
    return charts.every((c) => c.querySelector('canvas, svg'));
}"""


class ReportError(RuntimeError):
    """A board-pack step failed; the message names the step, its last output and the fix."""


@dataclass(frozen=True)
class ReportResult:
    site_dir: Path
    pdf_path: Path | None
    timings: dict[str, float] = field(default_factory=dict)


def display_name(term: str) -> str:
    """A brand term as a name: words capitalised, vowel-less short words as initials (gl -> GL)."""
    words = []
    for word in term.split():
        if word.islower() and len(word) <= 3 and not set(word) & set("aeiouy"):
            words.append(word.upper())
        elif word.islower():
            words.append(word[:1].upper() + word[1:])
        else:
            words.append(word)  # the data's own capitals (McKinsey, iPhone) stay as they are
    return " ".join(words)


def company_name(db_path: Path) -> str:
    """The company the board pack is for: GROWTH_LEDGER_COMPANY_NAME, else the warehouse's data.

    The brand-terms seed lists the names a search for the brand uses; the term described as
    the company name wins, else the first multi-word term, else the first term. "" when the
    warehouse holds no terms (the site then says "Board pack").
    """
    configured = os.environ.get(COMPANY_ENV, "").strip()
    if configured:
        return configured
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            rows = con.execute(
                f"select brand_term, coalesce(description, '') from {BRAND_TERMS_TABLE}"
            ).fetchall()
    except duckdb.Error:
        return ""
    terms = [(str(term).strip(), str(description)) for term, description in rows if term]
    if not terms:
        return ""
    described = [t for t, d in terms if re.search(r"company\s+name", d, re.IGNORECASE)]
    multi_word = [t for t, _ in terms if " " in t]
    return display_name((described or multi_word or [terms[0][0]])[0])


def default_reports_dir() -> Path:
    env = os.environ.get("GROWTH_LEDGER_REPORTS_DIR")
    if env:
        return Path(env).resolve()
    return project_dir() / "reports"


# --------------------------------------------------------------------------- tools


def check_node() -> str:
    """Return the Node.js version, or raise naming what to install."""
    node, npm = shutil.which("node"), shutil.which("npm")
    hint = (
        f"Install Node.js (>= {MIN_NODE_MAJOR}) and npm: `bash scripts/install_system_deps.sh` "
        "or `apt-get install nodejs npm`."
    )
    if node is None or npm is None:
        missing = " and ".join(n for n, p in (("node", node), ("npm", npm)) if p is None)
        raise ReportError(f"Board pack needs Node.js: {missing} not found on PATH. {hint}")
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    match = re.match(r"v(\d+)", version)
    if not match or int(match.group(1)) < MIN_NODE_MAJOR:
        raise ReportError(
            f"Board pack needs Node.js >= {MIN_NODE_MAJOR}, found {version!r}. {hint}"
        )
    return version


def find_chromium() -> str:
    """Return the Chromium binary, or raise naming what to install."""
    env = os.environ.get("GROWTH_LEDGER_CHROMIUM")
    candidates = [env] if env else ["chromium", "chromium-browser", "google-chrome"]
    for name in candidates:
        path = shutil.which(name)
        if path:
            return path
    raise ReportError(
        "The PDF needs headless Chromium, not found on PATH "
        f"(looked for {', '.join(candidates)}). Install it with "
        "`bash scripts/install_system_deps.sh` (Debian package `chromium`), "
        "set GROWTH_LEDGER_CHROMIUM, or build with pdf=False."
    )


# --------------------------------------------------------------------------- subprocess


@dataclass
class _StepOutput:
    returncode: int
    lines: deque[str]
    timed_out: bool


def _run(
    cmd: list[str],
    cwd: Path,
    env: dict[str, str],
    log_path: Path,
    timeout: float,
    on_line: Callable[[str], None] | None = None,
    append: bool = False,
) -> _StepOutput:
    """Run cmd in its own process group, teeing output to log_path and keeping the tail."""
    tail: deque[str] = deque(maxlen=40)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("a" if append else "w", encoding="utf-8") as log:
        log.write(f"$ {' '.join(cmd)}  (cwd={cwd})\n")
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        assert proc.stdout is not None

        def pump() -> None:
            for raw in proc.stdout:  # type: ignore[union-attr]
                log.write(raw)
                line = _ANSI.sub("", raw).rstrip()
                if line and not line.startswith("npm warn"):
                    tail.append(line)
                    if on_line:
                        on_line(line)

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        reader.join(timeout=10)
    return _StepOutput(proc.returncode, tail, timed_out)


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _node_env(db_path: Path, reports_dir: Path) -> dict[str, str]:
    source_dir = reports_dir / "sources" / SOURCE_NAME
    env = dict(os.environ)
    env.update(
        {
            COMPANY_VITE_ENV: company_name(db_path),
            # The DuckDB connector joins this with the source folder, so it must be relative.
            SOURCE_FILENAME_ENV: os.path.relpath(db_path.resolve(), source_dir.resolve()),
            "SEND_ANONYMOUS_USAGE_STATS": "no",
            "NO_COLOR": "1",
            "FORCE_COLOR": "0",
            "npm_config_fund": "false",
            "npm_config_audit": "false",
            "npm_config_update_notifier": "false",
        }
    )
    return env


def _install_fingerprint(reports_dir: Path) -> str:
    digest = hashlib.sha256()
    files = [reports_dir / "package.json", reports_dir / "package-lock.json"]
    files += sorted((reports_dir / "patches").glob("*.patch"))
    for path in files:
        if path.exists():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def needs_install(reports_dir: Path) -> bool:
    """True when node_modules is missing or package-lock.json/patches changed since `npm ci`."""
    stamp = reports_dir / "node_modules" / INSTALL_STAMP
    if not (reports_dir / "node_modules" / ".bin" / "evidence").exists() or not stamp.exists():
        return True
    return stamp.read_text().strip() != _install_fingerprint(reports_dir)


# --------------------------------------------------------------------------- serving


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - class attribute of the standard handler
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".parquet": "application/octet-stream",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_site(site_dir: Path) -> Iterator[str]:
    """Serve a built site on 127.0.0.1 (free port) in a thread; yield its base URL."""
    if not (site_dir / "index.html").exists():
        raise ReportError(f"No built site in {site_dir} (index.html missing).")
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- PDF


# Evidence swaps every live chart for a print-sized copy (650 px wide) on this event: the
# event its own "Print PDF" menu sends. A headless printToPDF sends no beforeprint event.
EXPORT_BEFOREPRINT_JS = "() => window.dispatchEvent(new Event('export-beforeprint'))"
PDF_MARGIN = {"top": "14mm", "right": "12mm", "bottom": "18mm", "left": "12mm"}


def _footer_template(footer_text: str) -> str:
    """Chromium's footer template: footer text left, "Page n of N" right, on every page."""
    text = html.escape(footer_text)
    return (
        '<div style="width: 100%; font-size: 8px; color: #6b7280; padding: 0 12mm; '
        'display: flex; justify-content: space-between; font-family: sans-serif;">'
        f"<span>{text}</span>"
        '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span>'
        "</div>"
    )


def footer_text(company: str, today: dt.date | None = None) -> str:
    """The footer of every page: whose board pack, printed when."""
    printed = (today or dt.date.today()).strftime("%d %B %Y")
    who = f"{company} board pack" if company else "Board pack"
    return f"{who} · printed {printed} · confidential"


def print_pdf(
    url: str, pdf_path: Path, *, timeout_s: float = 180, footer: str = "Board pack"
) -> Path:
    """Print url to pdf_path (A4) with headless Chromium, after the page's data and charts loaded.

    Uses Playwright (driving the system Chromium, no browser download) when it is installed:
    every page then carries ``footer`` and "Page n of N". Without Playwright, Chromium's own
    --print-to-pdf with its default header and footer (title, date, URL, page numbers).
    """
    chromium = find_chromium()
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    pdf_path.unlink(missing_ok=True)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _print_pdf_cli(chromium, url, pdf_path, timeout_s)
    else:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=list(CHROMIUM_FLAGS))
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(url, wait_until="networkidle", timeout=timeout_s * 1000)
                page.wait_for_function(PAGE_READY_JS, timeout=timeout_s * 1000)
                page.wait_for_timeout(1500)  # chart animations settle
                page.evaluate(EXPORT_BEFOREPRINT_JS)
                page.emulate_media(media="print")
                page.wait_for_timeout(2500)  # print copies of the charts render
                page.pdf(
                    path=str(pdf_path),
                    format="A4",
                    print_background=True,
                    margin=PDF_MARGIN,
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=_footer_template(footer),
                )
            finally:
                browser.close()
    if not pdf_path.exists() or pdf_path.stat().st_size < 1000:
        raise ReportError(f"Chromium wrote no usable PDF at {pdf_path} for {url}.")
    return pdf_path


def _print_pdf_cli(chromium: str, url: str, pdf_path: Path, timeout_s: float) -> None:
    with tempfile.TemporaryDirectory(prefix="gl-chromium-") as profile:
        cmd = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=30000",
            f"--print-to-pdf={pdf_path}",
            url,
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-15:])
        raise ReportError(f"Step 'pdf' failed (Chromium exit {proc.returncode}):\n{tail}")


# --------------------------------------------------------------------------- build


_HINTS = {
    "npm ci": (
        "Check that the npm registry is reachable and that reports/package-lock.json matches "
        "reports/package.json (run `npm install` in reports/ and commit the lock file)."
    ),
    "evidence sources": (
        "Check that the warehouse file exists and holds the marts (run the dbt build first), "
        "that no other process holds a write lock on it, and that every "
        "reports/sources/warehouse/*.sql selects existing columns."
    ),
    "evidence build": (
        "A page query or component failed: run `npm run dev` in reports/ with "
        f"{SOURCE_FILENAME_ENV} set to see the error on the page."
    ),
}


def _fail(step: str, out: _StepOutput, log_path: Path, timeout: float) -> ReportError:
    tail = "\n".join(f"    {line}" for line in list(out.lines)[-15:])
    what = (
        f"hung and was stopped after {timeout:.0f} s"
        if out.timed_out
        else f"failed (exit code {out.returncode})"
    )
    hint = _HINTS.get(step, "")
    if out.timed_out:
        hint += (
            " A hang at 'Processing...' offline means duckdb-wasm wants to download an "
            "extension: keep the @duckdb/duckdb-wasm override at 1.28.0 in reports/package.json."
        )
    return ReportError(
        f"Board pack step '{step}' {what}.\nLast lines of output:\n{tail}\n"
        f"Fix: {hint}\nFull log: {log_path}"
    )


def _check_page_queries(build_log: Path) -> None:
    """Fail the build when a page query failed: Evidence logs it but still builds the page."""
    lines = build_log.read_text(encoding="utf-8", errors="replace").splitlines()
    failed = sorted({_ANSI.sub("", line).strip() for line in lines if QUERY_ERROR_SIGN in line})
    if failed:
        listed = "\n".join(f"    {line}" for line in failed[:15])
        raise ReportError(
            f"Board pack step 'evidence build' failed: {len(failed)} page query error(s):\n"
            f"{listed}\nFix: correct the named SQL block in reports/pages/ (the query name comes "
            f"first), or the mart it reads.\nFull log: {build_log}"
        )


def _prepare_out_dir(out_dir: Path, build_dir: Path) -> None:
    """Check that out_dir may be replaced: missing, empty, or a site built here before."""
    if out_dir == build_dir or not out_dir.exists():
        return
    if any(out_dir.iterdir()) and not (out_dir / "_app").is_dir():
        raise ReportError(
            f"{out_dir} holds files that are not a built board pack; "
            "choose an empty or new folder for the site."
        )


def build_report(
    db_path: Path,
    out_dir: Path,
    *,
    pdf: bool = True,
    show_progress: bool = True,
    reports_dir: Path | None = None,
) -> ReportResult:
    """Build the Evidence site over db_path into out_dir and print out_dir/board_pack.pdf.

    out_dir receives the static site (it may be reports/build itself). Step logs go to
    reports/.evidence/logs/. Raises ReportError naming the failed step, its last output
    lines and the fix.
    """
    reports_dir = (reports_dir or default_reports_dir()).resolve()
    db_path, out_dir = Path(db_path).resolve(), Path(out_dir).resolve()
    build_dir = reports_dir / "build"
    if not db_path.is_file():
        raise ReportError(f"Warehouse file not found: {db_path}. Build the warehouse first.")
    if not (reports_dir / "package.json").exists():
        raise ReportError(f"No Evidence project at {reports_dir} (package.json missing).")
    _prepare_out_dir(out_dir, build_dir)
    if pdf:
        find_chromium()  # fail before the long build, not after it
    check_node()

    timeout = float(os.environ.get("GROWTH_LEDGER_STEP_TIMEOUT", "2400"))
    env = _node_env(db_path, reports_dir)
    logs = reports_dir / ".evidence" / "logs"
    evidence = str(reports_dir / "node_modules" / ".bin" / "evidence")
    timings: dict[str, float] = {}
    # Moves on a terminal and in a log (a silent 4-minute `evidence build` looked hung).
    progress = StepProgress(Console(stderr=True), disable=not show_progress)

    def step(name: str, cmd: list[str], retry_truncated_cache: bool = False) -> None:
        task = progress.add_task(name, total=1, last="")
        log_path = logs / f"{name.replace(' ', '-')}.log"

        def on_line(line: str) -> None:
            progress.update(task, last=line[:70])

        started = time.perf_counter()
        out = _run(cmd, reports_dir, env, log_path, timeout, on_line)
        if (
            out.returncode != 0
            and retry_truncated_cache
            and any(sign in line for line in out.lines for sign in TRUNCATED_CACHE_SIGNS)
        ):
            # An interrupted `evidence sources` leaves a truncated cache: clear it, run again.
            shutil.rmtree(reports_dir / ".evidence" / "meta", ignore_errors=True)
            progress.update(task, description=f"{name} (retry after clearing .evidence/meta)")
            out = _run(cmd, reports_dir, env, log_path, timeout, on_line, append=True)
        timings[name] = round(time.perf_counter() - started, 2)
        if out.returncode != 0:
            progress.update(task, description=f"[red]{name} failed")
            raise _fail(name, out, log_path, timeout)
        progress.update(task, completed=1, description=f"[green]{name}", last="done")

    logs.mkdir(parents=True, exist_ok=True)
    with progress, (logs / "build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build at a time per Evidence project
        if needs_install(reports_dir):
            step("npm ci", ["npm", "ci", "--no-audit", "--no-fund"])
            stamp = reports_dir / "node_modules" / INSTALL_STAMP
            stamp.write_text(_install_fingerprint(reports_dir))
        step("evidence sources", [evidence, "sources", "--strict"], retry_truncated_cache=True)
        # Evidence always builds into reports/build. A site asked for elsewhere must not cost the
        # user the board pack already there: it is set aside during the build and put back.
        kept = reports_dir / ".evidence" / "build-kept"
        shutil.rmtree(kept, ignore_errors=True)
        if out_dir != build_dir and build_dir.exists():
            build_dir.rename(kept)
        try:
            shutil.rmtree(build_dir, ignore_errors=True)
            step("evidence build", [evidence, "build:strict"], retry_truncated_cache=True)
            _check_page_queries(logs / "evidence-build.log")
            if out_dir != build_dir:
                shutil.rmtree(out_dir, ignore_errors=True)
                shutil.move(build_dir, out_dir)
        finally:
            if kept.exists():
                shutil.rmtree(build_dir, ignore_errors=True)
                kept.rename(build_dir)

        pdf_path: Path | None = None
        if pdf:
            task = progress.add_task("pdf", total=1, last="")
            started = time.perf_counter()
            try:
                with serve_site(out_dir) as base_url:
                    pdf_path = print_pdf(
                        f"{base_url}{BOARD_PACK_PATH}",
                        out_dir / PDF_NAME,
                        footer=footer_text(env[COMPANY_VITE_ENV]),
                    )
            except Exception as error:
                progress.update(task, description="[red]pdf failed")
                raise ReportError(
                    f"Board pack step 'pdf' failed: {error}\nFix: check that Chromium starts "
                    "headless (`chromium --headless --no-sandbox --version`) and that the site "
                    "renders: serve it with growth_ledger.report.serve_site and open it."
                ) from error
            timings["pdf"] = round(time.perf_counter() - started, 2)
            progress.update(task, completed=1, description="[green]pdf", last=str(pdf_path))

    return ReportResult(site_dir=out_dir, pdf_path=pdf_path, timings=timings)
