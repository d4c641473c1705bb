"""The command line as a user runs it: the real `growth-ledger` in a subprocess, on copies.

Every run happens in a temporary copy of the project (its tracked files), so no test reads
or writes this checkout's warehouse/ or reports/build/. The CLI is the installed script
(or `python -m growth_ledger.cli`), whose package lives outside the copy: that is the case of
an installed `growth-ledger` run inside another clone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

import growth_ledger
from growth_ledger.check import freshness_as_of

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).with_name("growth-ledger")
CLI = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "growth_ledger.cli"]
# Settings the tests choose themselves; the rest of the environment (PATH, threads) is kept.
SCRUBBED = {
    "GROWTH_LEDGER_PROJECT_DIR",
    "GROWTH_LEDGER_DB",
    "GROWTH_LEDGER_LANDING",
    "GROWTH_LEDGER_PII_SALT",
    "GROWTH_LEDGER_REPORTS_DIR",
    "GROWTH_LEDGER_TARGET",
    "COLUMNS",
}
FRESHNESS_ROW = re.compile(
    r"^(?P<source>[a-z0-9_]+\.[a-z0-9_]+)\s+(?P<status>pass|warn|error)\s+"
    r"(?P<latest>\d{4}-\d{2}-\d{2} \d{2}:\d{2})\s+(?P<age>[\d,]+\.\d)$"
)
EXTRACT_STAMP = re.compile(r"_(\d{8}T\d{6})Z")


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 1800
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    environment.update(env or {})
    return subprocess.run(
        [*CLI, *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def copy_project(target: Path) -> Path:
    """The project's tracked files (models, seeds, data/demo, ...), without any build output."""
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    for name in filter(None, files):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    assert (target / "dbt_project.yml").is_file()
    return target


def assert_short_error(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    """Exit code 1, one to three lines on stderr, no traceback; returns the message."""
    message = result.stderr.strip()
    assert result.returncode == 1, (result.returncode, result.stdout[-2000:], message[-2000:])
    assert "Traceback" not in message + result.stdout
    assert 1 <= len(message.splitlines()) <= 3, message
    assert message.startswith("error: "), message
    for needle in needles:
        assert needle in message, (needle, message)
    return message


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with no warehouse: commands that need one must say so."""
    return copy_project(tmp_path_factory.mktemp("clone_a"))


@pytest.fixture(scope="module")
def built_project(tmp_path_factory: pytest.TempPathFactory, demo_warehouse: Path) -> Path:
    """A second copy, holding a demo warehouse in its own warehouse/ folder."""
    clone = copy_project(tmp_path_factory.mktemp("clone_b"))
    shutil.copy2(demo_warehouse, clone / "warehouse" / "growth_ledger.duckdb")
    return clone


# --------------------------------------------------------------------------- project folder


def test_the_package_is_not_inside_the_copies(project: Path, built_project: Path) -> None:
    package = Path(growth_ledger.__file__).resolve()
    for clone in (project, built_project):
        assert clone.resolve() not in package.parents


def test_defaults_come_from_the_folder_the_command_runs_in(project: Path) -> None:
    # From a subfolder of the copy: the copy's warehouse, not the install's.
    result = run_cli("check", cwd=project / "models" / "marts")
    expected = project.resolve() / "warehouse" / "growth_ledger.duckdb"
    assert_short_error(result, f"{expected} does not exist", "growth-ledger build")


def test_the_project_dir_setting_is_used_from_anywhere(project: Path, tmp_path: Path) -> None:
    result = run_cli("check", cwd=tmp_path, env={"GROWTH_LEDGER_PROJECT_DIR": str(project)})
    assert_short_error(result, str(project.resolve() / "warehouse" / "growth_ledger.duckdb"))


def test_outside_a_project_it_says_where_to_run(tmp_path: Path) -> None:
    # A dbt project of another name is not this project.
    (tmp_path / "dbt_project.yml").write_text("name: another_project\n", encoding="utf-8")
    for command in (["build"], ["check"], ["report"], ["audience"]):
        result = run_cli(*command, cwd=tmp_path)
        assert_short_error(
            result, "not inside a Growth Ledger project", "GROWTH_LEDGER_PROJECT_DIR"
        )
    wrong = run_cli("check", cwd=tmp_path, env={"GROWTH_LEDGER_PROJECT_DIR": str(tmp_path)})
    assert_short_error(wrong, "GROWTH_LEDGER_PROJECT_DIR", "is not a Growth Ledger project")


def test_build_uses_the_dbt_project_and_warehouse_folder_of_the_copy(project: Path) -> None:
    """A model broken only in the copy fails the build there: dbt ran on the copy's models.

    The model refers to a model that does not exist, so dbt stops while parsing, in seconds.
    """
    clone = project.parent / "clone_broken"
    shutil.copytree(project, clone)
    shutil.rmtree(clone / "warehouse")
    (clone / "models" / "marts" / "only_in_this_clone.sql").write_text(
        "select * from {{ ref('no_such_model_anywhere') }}\n", encoding="utf-8"
    )
    result = run_cli("build", cwd=clone)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "only_in_this_clone" in result.stdout + result.stderr
    assert "no_such_model_anywhere" in result.stdout + result.stderr
    # The default warehouse folder is the copy's; nothing was published there.
    assert (clone / "warehouse").is_dir()
    assert not (clone / "warehouse" / "growth_ledger.duckdb").exists()


# --------------------------------------------------------------------------- check


def _freshness_rows(stdout: str) -> dict[str, dict[str, str]]:
    rows = {}
    for line in stdout.splitlines():
        match = FRESHNESS_ROW.match(line.strip())
        if match:
            rows[match["source"]] = match.groupdict()
    return rows


def _freshness_sources() -> dict[str, dict]:
    """Every source table with a freshness rule, and the rule, from the source YAML files."""
    rules = {}
    for path in (REPO / "models" / "staging").rglob("_*__sources.yml"):
        for source in yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]:
            freshness = (source.get("config") or {}).get("freshness")
            if freshness:
                for table in source["tables"]:
                    rules[f"{source['name']}.{table['name']}"] = freshness
    return rules


def _hours(rule: dict) -> float:
    return rule["count"] * {"minute": 1 / 60, "hour": 1, "day": 24}[rule["period"]]


def test_check_judges_the_demo_at_its_own_end_date_at_80_columns(built_project: Path) -> None:
    manifest = json.loads((built_project / "data/demo/_truth/manifest.json").read_text())
    end = datetime.strptime(manifest["date_range"]["end"], "%Y-%m-%d").replace(tzinfo=UTC)
    result = run_cli("check", "--layer", "marts", cwd=built_project, env={"COLUMNS": "80"})
    assert result.returncode == 0, (result.stdout[-3000:], result.stderr[-3000:])
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    too_wide = [line for line in lines if len(line) > 80]
    assert too_wide == []
    assert any(line.startswith("PASS: ") for line in lines), lines[-5:]
    assert f"as at {end + timedelta(days=2):%Y-%m-%d} 00:00 UTC" in result.stdout
    rows = _freshness_rows(result.stdout)
    # Each source on one readable row, every one fresh as at the end of the demo.
    assert set(rows) == set(_freshness_sources())
    assert {row["status"] for row in rows.values()} == {"pass"}
    # The suites table: every suite name whole on its line (not cut or folded).
    assert "mart_source_reconciliation" in result.stdout
    # Data Docs went to the copy's board pack folder.
    assert (built_project / "reports/static/data-docs/index.html").is_file()


def test_a_source_that_stopped_early_makes_check_warn(built_project: Path, tmp_path: Path) -> None:
    """Judged at the demo's end date, a source whose extracts stop two weeks early is stale."""
    landing = tmp_path / "landing"
    shutil.copytree(built_project / "data" / "demo", landing)
    stopped = landing / "tiktok_ads"
    cut = "20261015T000000"
    for path in list(stopped.rglob("*")):
        match = EXTRACT_STAMP.search(path.name)
        if path.is_file() and match and match[1] >= cut:
            path.unlink()
    remaining = max(
        EXTRACT_STAMP.search(path.name)[1] for path in stopped.rglob("*") if path.is_file()
    )
    latest = datetime.strptime(remaining, "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    as_of = freshness_as_of(landing)
    assert as_of is not None
    rule = _freshness_sources()["tiktok_ads.ad_report"]
    age = (as_of - latest).total_seconds() / 3600
    expected = (
        "error"
        if age > _hours(rule["error_after"])
        else "warn"
        if age > _hours(rule["warn_after"])
        else "pass"
    )
    assert expected != "pass"

    result = run_cli(
        "check",
        "--layer",
        "marts",
        "--landing",
        str(landing),
        "--docs",
        str(tmp_path / "docs"),
        cwd=built_project,
        env={"COLUMNS": "80", "GROWTH_LEDGER_PII_SALT": "cli-test-salt"},
    )
    assert result.returncode == 2, (result.stdout[-3000:], result.stderr[-3000:])
    rows = _freshness_rows(result.stdout)
    assert rows["tiktok_ads.ad_report"]["status"] == expected
    assert abs(float(rows["tiktok_ads.ad_report"]["age"].replace(",", "")) - age) <= 0.05
    others = {name: row["status"] for name, row in rows.items() if not name.startswith("tiktok")}
    assert set(others.values()) == {"pass"}
    assert any(line.startswith("WARN: ") for line in result.stdout.splitlines())


def test_real_data_is_judged_at_now() -> None:
    # Without a generator's manifest there is no end date of its own.
    assert freshness_as_of(REPO / "models") is None


def test_no_freshness_prints_no_freshness_table_and_progress_moves(built_project: Path) -> None:
    started = time.perf_counter()
    result = run_cli(
        "check",
        "--no-freshness",
        "--layer",
        "marts",
        cwd=built_project,
        env={"GROWTH_LEDGER_PROGRESS_SECONDS": "1"},
    )
    seconds = time.perf_counter() - started
    assert result.returncode == 0, (result.stdout[-3000:], result.stderr[-3000:])
    assert "freshness" not in result.stdout.lower().replace("freshness not checked", "")
    assert "dbt source freshness" not in result.stderr
    # Not a terminal: a start line, a line per second with the elapsed time, a done line.
    step = [line for line in result.stderr.splitlines() if line.startswith("Great Expectations")]
    assert step[0].endswith(": started")
    done = re.search(r": done in (\d+)s$", step[-1])
    assert done
    beats = [int(m[1]) for line in step if (m := re.search(r": (\d+)s(, \d+ lines|$)", line))]
    if int(done[1]) >= 3:  # a step that long must have said so while it ran
        assert len(beats) >= 2 and beats == sorted(beats) and beats[-1] > beats[0]
    # Short in a log: about one line per second, not one per output line.
    assert len(step) <= seconds + 3


# --------------------------------------------------------------------------- errors


def test_missing_salt_is_reported_before_dbt_starts(project: Path, tmp_path: Path) -> None:
    landing = tmp_path / "exports"
    shutil.copytree(project / "data" / "demo" / "shop", landing / "shop")
    started = time.perf_counter()
    result = run_cli("build", "--landing", str(landing), cwd=project)
    seconds = time.perf_counter() - started
    assert_short_error(result, "GROWTH_LEDGER_PII_SALT", str(landing))
    assert "dbt" not in result.stdout.lower()
    assert seconds < 30, seconds
    assert not (project / "warehouse" / "growth_ledger.duckdb").exists()


@pytest.mark.parametrize("command", ["check", "report", "audience", "build"])
def test_a_damaged_database_is_named_as_given_with_the_fix(
    project: Path, demo_warehouse: Path, command: str
) -> None:
    folder = project / "scratch"
    folder.mkdir(exist_ok=True)
    with (folder / "junk.duckdb").open("wb") as handle:
        handle.write(b"this is not a database\n" * 100)
    # A real warehouse cut short: its header is right, its blocks are missing.
    with demo_warehouse.open("rb") as source, (folder / "cut.duckdb").open("wb") as handle:
        handle.write(source.read(1 << 20))
    for name in ("scratch/junk.duckdb", "scratch/cut.duckdb"):
        result = run_cli(command, "--db", name, cwd=project)
        message = assert_short_error(result, f"error: {name} ", "Fix:", f"--db {name}")
        assert str(project) not in message  # named as the user named it, not resolved
        assert ".building" not in message


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_landing_path_that_is_a_file_says_so(project: Path, command: str) -> None:
    result = run_cli(command, "--landing", "README.md", cwd=project)
    assert_short_error(result, "--landing README.md is a file, not a folder")
    missing = run_cli(command, "--landing", "no/such/folder", cwd=project)
    assert_short_error(missing, "--landing no/such/folder does not exist")


# --------------------------------------------------------------------------- help


def _help(command: str, cwd: Path) -> str:
    result = run_cli(command, "--help", cwd=cwd, env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    return result.stdout


def _option_help(text: str, option: str) -> str:
    """The help of one option: its line and the indented lines that continue it."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(option + " "))
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if line.strip().startswith("-") or not line.strip():
            break
        block.append(line)
    return " ".join(part.strip() for part in block)


def test_flag_help_matches_behaviour(project: Path) -> None:
    build_help = _help("build", project)
    assert _option_help(build_help, "--full-refresh").split()[:2] == ["--full-refresh", "Rebuild"]
    refused = run_cli("build", "--full-refresh=true", cwd=project)
    assert refused.returncode == 2
    assert "does not take a value" in refused.stderr
    assert "to build" in _option_help(build_help, "--db")
    for command in ("check", "report", "audience"):
        db_help = _option_help(_help(command, project), "--db")
        assert "to build" not in db_help
        assert "read" in db_help
    check_help = _help("check", project)
    assert "--freshness / --no-freshness" in check_help
    assert "<bool>" not in build_help + check_help


def test_progress_on_a_terminal_shows_the_elapsed_time_moving() -> None:
    import io

    from rich.console import Console

    from growth_ledger.progress import StepProgress

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    with StepProgress(console) as progress:
        task = progress.add_task("evidence build")
        progress.line(task, "first line of output")
        time.sleep(2.5)
        progress.update(task, completed=1)
    drawn = screen.getvalue()
    # The live line is redrawn while the step is silent: its clock reaches 0:00:02.
    assert "0:00:00" in drawn and "0:00:02" in drawn
    assert "first line of output" in drawn
    assert ": started" not in drawn  # the plain log lines are for logs only


def test_the_check_tables_fit_80_columns_with_every_suite_name_whole() -> None:
    """Every real suite and source name, with large counts, printed at 80 columns."""
    import io

    from rich.console import Console

    from growth_ledger.check import (
        PASSED,
        CheckSummary,
        FreshnessOutcome,
        SuiteOutcome,
        load_expectations,
        print_summary,
    )

    suites = load_expectations().all_suites()
    summary = CheckSummary(
        suites=[
            SuiteOutcome(s.name, s.layer, s.target, PASSED, 40, 0, 123_456_789) for s in suites
        ],
        freshness=[
            FreshnessOutcome(name, "warn", "2026-11-01 06:30", 12_345.6)
            for name in _freshness_sources()
        ],
    )
    screen = io.StringIO()
    print_summary(summary, Console(file=screen, width=80))
    lines = screen.getvalue().splitlines()
    assert [line for line in lines if len(line) > 80] == []
    for spec in suites:
        label = spec.name.removeprefix(f"{spec.layer}__")
        assert any(f"{label} " in line and "123.5M" in line for line in lines), label
    for name in _freshness_sources():
        assert any(line.strip().startswith(f"{name} ") for line in lines), name
    assert lines[-1].startswith("WARN: ") or any(line.startswith("WARN: ") for line in lines)
