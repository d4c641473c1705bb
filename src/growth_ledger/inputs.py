"""Early checks of the command line's inputs: a short error before any long step starts.

Each check raises `InputError` with a message of one to three lines that names the input
as the user gave it (the path they typed, not a resolved or temporary one) and the fix.
"""

from __future__ import annotations

import os
from pathlib import Path

from growth_ledger.paths import is_demo_landing

SALT_ENV = "GROWTH_LEDGER_PII_SALT"
DUCKDB_MAGIC = b"DUCK"  # bytes 8-12 of every DuckDB database file


class InputError(ValueError):
    """An input of the command line cannot work; the message says why and what to do."""


def check_landing_folder(landing: Path, option: str = "--landing") -> None:
    if landing.is_file():
        raise InputError(
            f"{option} {landing} is a file, not a folder: pass the folder that holds one "
            "subfolder per source (google_ads/, shop/, ...; see docs/landing_contract.md)."
        )
    if not landing.is_dir():
        raise InputError(
            f"{option} {landing} does not exist: pass the folder of raw exports "
            "(see docs/landing_contract.md)."
        )


def check_salt(landing: Path) -> None:
    """Personal data is hashed with a secret salt: only the embedded demo data has its own."""
    if os.environ.get(SALT_ENV, "").strip() or is_demo_landing(landing):
        return
    raise InputError(
        f"{SALT_ENV} is not set, and {landing} is not the embedded demo data: set it to a "
        "long secret value (the same on every run, so hashes stay comparable), e.g.\n"
        f"  export {SALT_ENV}='...'   (keep it out of the repository)"
    )


def check_database(db: Path, option: str = "--db", *, must_exist: bool = True) -> None:
    """The warehouse file exists (when must_exist) and is a DuckDB database DuckDB can open."""
    if db.is_dir():
        raise InputError(f"{option} {db} is a folder: pass the DuckDB file (*.duckdb).")
    if not db.exists():
        if must_exist:
            raise InputError(f"{db} does not exist: run `growth-ledger build` first.")
        return
    fix = f"Fix: move {db} aside (or delete it), then run `growth-ledger build --db {db}`."
    with db.open("rb") as handle:
        header = handle.read(12)
    if header[8:12] != DUCKDB_MAGIC:
        raise InputError(f"{db} is not a DuckDB database (empty or damaged file).\n{fix}")
    import duckdb

    try:
        duckdb.connect(str(db), read_only=True).close()
    except duckdb.Error as error:
        reason = str(error).splitlines()[0]
        if "lock" in reason.lower():
            return  # a build is writing it: readable once that build has published
        # DuckDB names the resolved path; the user knows the file by the name they gave.
        reason = reason.replace(str(db.resolve()), str(db))
        raise InputError(f"{db} cannot be opened by DuckDB: {reason[:160]}\n{fix}") from error
