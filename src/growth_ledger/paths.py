"""Where the project's files are: the project folder the user works in, not the install location.

The project folder is, in this order:

1. ``GROWTH_LEDGER_PROJECT_DIR``, when set (it must hold the project's ``dbt_project.yml``);
2. the nearest folder, from the current directory upwards, holding a ``dbt_project.yml``
   whose ``name`` is ``growth_ledger``.

Otherwise `ProjectNotFound` says where to run or what to set. An installed ``growth-ledger``
run inside another clone therefore builds that clone, never the one it was installed from.

Every default derives from it: the demo landing ``data/demo``, the warehouse
``warehouse/growth_ledger.duckdb`` (``GROWTH_LEDGER_DB`` overrides it), the Evidence project
``reports/`` and the Great Expectations suites ``expectations/``.

``PROJECT_DIR``, ``DEMO_LANDING`` and ``DEFAULT_DB`` are still importable: each is resolved
when first read, from the current directory at that moment.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

PROJECT_ENV = "GROWTH_LEDGER_PROJECT_DIR"
DB_ENV = "GROWTH_LEDGER_DB"
LANDING_ENV = "GROWTH_LEDGER_LANDING"
PROJECT_NAME = "growth_ledger"
DEMO_RELATIVE = Path("data") / "demo"
DB_RELATIVE = Path("warehouse") / "growth_ledger.duckdb"


class ProjectNotFound(RuntimeError):
    """No Growth Ledger project folder at or above the current directory."""


def is_project(folder: Path) -> bool:
    """True when folder holds the dbt_project.yml of this project."""
    config = folder / "dbt_project.yml"
    if not config.is_file():
        return False
    try:
        return (yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get(
            "name"
        ) == PROJECT_NAME
    except (yaml.YAMLError, OSError, AttributeError):
        return False


def project_dir(start: Path | None = None) -> Path:
    """The project folder (see the module docstring), absolute."""
    configured = os.environ.get(PROJECT_ENV, "").strip()
    if configured:
        folder = Path(configured).expanduser().resolve()
        if not is_project(folder):
            raise ProjectNotFound(
                f"{PROJECT_ENV}={configured} is not a Growth Ledger project folder "
                f"(no dbt_project.yml named {PROJECT_NAME} there)."
            )
        return folder
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_project(folder):
            return folder
    raise ProjectNotFound(
        f"{here} is not inside a Growth Ledger project (no dbt_project.yml named "
        f"{PROJECT_NAME} here or above). Run growth-ledger inside your clone of the project, "
        f"or set {PROJECT_ENV} to it."
    )


def demo_landing() -> Path:
    """The embedded demo data of the project."""
    return project_dir() / DEMO_RELATIVE


def default_landing() -> Path:
    """GROWTH_LEDGER_LANDING (relative to the current directory), else the demo data."""
    configured = os.environ.get(LANDING_ENV, "").strip()
    return Path(configured) if configured else demo_landing()


def default_db() -> Path:
    """GROWTH_LEDGER_DB (relative to the current directory), else the project's warehouse."""
    configured = os.environ.get(DB_ENV, "").strip()
    return Path(configured) if configured else project_dir() / DB_RELATIVE


def is_demo_landing(landing: Path) -> bool:
    """True for the project's embedded demo data (the only landing with a built-in salt)."""
    return landing.resolve() == demo_landing().resolve()


def __getattr__(name: str) -> Path:
    # Module constants of earlier versions, resolved from the current directory when read.
    lazy = {
        "PROJECT_DIR": project_dir,
        "DEMO_LANDING": demo_landing,
        "DEFAULT_DB": lambda: project_dir() / DB_RELATIVE,
    }
    if name in lazy:
        return lazy[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
