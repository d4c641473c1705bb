"""Personal data never reaches the marts, and the salt is a secret of the runner."""

import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

import duckdb
import pytest

from growth_ledger.build import BuildError, project_environment
from growth_ledger.paths import DEMO_LANDING, PROJECT_DIR

EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
# International phone numbers as the exports write them (+33676845920, +44 20 7946 0958).
PHONE = r"(^|[^0-9A-Za-z])\+[1-9][0-9 ().-]{6,}[0-9]"
DEMO_SALT = "growth-ledger-demo-salt"


def _raw_people(landing: Path) -> tuple[set[str], set[str], set[str], set[str]]:
    """First names, last names, full names and phone numbers in the raw shop orders."""
    firsts, lasts, phones, full_names = set(), set(), set(), set()
    for path in sorted((landing / "shop" / "orders").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                customer = json.loads(line).get("customer") or {}
            except (json.JSONDecodeError, AttributeError):
                continue
            firsts.add(str(customer.get("first_name") or "").strip())
            lasts.add(str(customer.get("last_name") or "").strip())
            phones.add(str(customer.get("phone") or "").strip())
            if customer.get("first_name") and customer.get("last_name"):
                full_names.add(f"{customer['first_name']} {customer['last_name']}".strip().lower())
    return (
        {n for n in firsts if len(n) >= 3},
        {n for n in lasts if len(n) >= 3},
        {p for p in phones if len(p) >= 8},
        full_names,
    )


def _mart_text_columns(connection) -> list[tuple[str, str]]:
    return connection.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts' and data_type = 'VARCHAR' order by 1, 2"
    ).fetchall()


def find_personal_data(db_path: Path, landing: Path) -> list[str]:
    firsts, lasts, phones, full_names = _raw_people(landing)
    full_name_pattern = "|".join(re.escape(name) for name in sorted(full_names))
    assert firsts and lasts and phones and full_names, (
        "the raw orders should hold names and phones to look for"
    )
    connection = duckdb.connect(str(db_path), read_only=True)
    findings = []
    try:
        connection.execute("create temp table first_names (name varchar)")
        connection.executemany("insert into first_names values (?)", [[n.lower()] for n in firsts])
        connection.execute("create temp table last_names (name varchar)")
        connection.executemany("insert into last_names values (?)", [[n.lower()] for n in lasts])
        connection.execute("create temp table phones (phone varchar)")
        connection.executemany("insert into phones values (?)", [[p] for p in phones])
        columns = _mart_text_columns(connection)
        assert columns, "no text columns in marts: nothing was scanned"
        for table, column in columns:
            value = "value"
            checks = {
                "e-mail": f"regexp_matches({value}, '{EMAIL}')",
                "phone": f"regexp_matches({value}, '{PHONE}') "
                f"or {value} in (select phone from phones)",
                "name": f"lower(trim({value})) in (select name from first_names) "
                f"or lower(trim({value})) in (select name from last_names)",
                "full name": f"regexp_matches(lower({value}), ?)",
            }
            for kind, condition in checks.items():
                parameters = [full_name_pattern] if kind == "full name" else []
                sample = connection.execute(
                    f'with values_ as (select distinct "{column}" as value '
                    f'from marts."{table}" where "{column}" is not null) '
                    f"select any_value(value) filter (where {condition}), "
                    f"count(*) filter (where {condition}) from values_",
                    parameters + parameters,
                ).fetchone()
                if sample[1]:
                    findings.append(
                        f"{table}.{column}: {sample[1]} {kind} value(s), e.g. {sample[0]!r}"
                    )
    finally:
        connection.close()
    return findings


def test_no_personal_data_in_marts(demo_warehouse: Path):
    assert find_personal_data(demo_warehouse, DEMO_LANDING) == []


def test_the_scan_finds_planted_personal_data(demo_warehouse: Path, tmp_path: Path):
    copy = tmp_path / "planted.duckdb"
    copy.write_bytes(demo_warehouse.read_bytes())
    firsts, lasts, phones, full_names = _raw_people(DEMO_LANDING)
    full_name = sorted(full_names)[0]
    first, last, phone = sorted(firsts)[0], sorted(lasts)[0], sorted(phones)[0]
    connection = duckdb.connect(str(copy))
    connection.execute(
        "create table marts.leak as select * from (values "
        "('jane.doe@example.com'), (?), (?), (?), (?)) as t(value)",
        [phone, last.upper(), f" {first} ", f"Dear {full_name.title()},"],
    )
    connection.close()
    findings = [f for f in find_personal_data(copy, DEMO_LANDING) if f.startswith("leak.value:")]
    for kind in ("e-mail", "phone", "name", "full name"):
        assert any(f" {kind} value(s)" in finding for finding in findings), (kind, findings)


def test_demo_hashes_use_the_demo_salt_only_for_the_demo_folder(demo_warehouse: Path):
    connection = duckdb.connect(str(demo_warehouse), read_only=True)
    try:
        email, stored = connection.execute(
            "select p.email, s.email_hash from staging.base_email__profiles as p "
            "join staging.stg_email__profiles as s using (profile_id) "
            "where p.email is not null limit 1"
        ).fetchone()
    finally:
        connection.close()
    expected = hashlib.sha256((DEMO_SALT + email.strip().lower()).encode()).hexdigest()
    assert stored == expected


def _compile_hash(landing: Path, salt: str | None, tmp_path: Path) -> str:
    """Compile hash_pii('jane@example.com') with dbt and run it: the hash a build would store."""
    from dbt.cli.main import dbtRunner

    saved = os.environ.get("GROWTH_LEDGER_PII_SALT")
    if salt is None:
        os.environ.pop("GROWTH_LEDGER_PII_SALT", None)
    else:
        os.environ["GROWTH_LEDGER_PII_SALT"] = salt
    cwd = Path.cwd()
    try:
        with project_environment(landing, tmp_path / "compile.duckdb"):
            os.chdir(PROJECT_DIR)
            result = dbtRunner().invoke(
                [
                    "compile",
                    "--inline",
                    "select {{ hash_pii(\"' Jane@Example.com '\") }} as value_hash",
                    "--project-dir",
                    str(PROJECT_DIR),
                    "--profiles-dir",
                    str(PROJECT_DIR),
                ]
            )
    finally:
        os.chdir(cwd)
        if saved is None:
            os.environ.pop("GROWTH_LEDGER_PII_SALT", None)
        else:
            os.environ["GROWTH_LEDGER_PII_SALT"] = saved
    if not result.success:
        raise BuildError(str(result.exception))
    sql = result.result.results[0].node.compiled_code
    return duckdb.connect().execute(sql).fetchone()[0]


def test_salt_changes_hashes_and_is_required_outside_the_demo(tmp_path: Path):
    own_landing = tmp_path / "my_exports"
    own_landing.mkdir()
    first = _compile_hash(own_landing, "salt-one", tmp_path)
    second = _compile_hash(own_landing, "salt-two", tmp_path)
    assert first != second
    assert first == hashlib.sha256(b"salt-one" + b"jane@example.com").hexdigest()
    with pytest.raises(BuildError, match="GROWTH_LEDGER_PII_SALT"):
        _compile_hash(own_landing, None, tmp_path)
    demo = _compile_hash(DEMO_LANDING, None, tmp_path)
    assert demo == hashlib.sha256((DEMO_SALT + "jane@example.com").encode()).hexdigest()


def test_no_salt_is_committed():
    """Neither profiles.yml nor dbt_project.yml sets a salt; the demo salt is confined to
    the demo-folder branch of macros/privacy.sql."""
    for name in ("profiles.yml", "dbt_project.yml"):
        text = (PROJECT_DIR / name).read_text(encoding="utf-8")
        assert "PII_SALT" not in text.upper(), name
        assert not re.search(r"^\s*pii_salt\s*:", text, flags=re.MULTILINE), name
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [path for path in tracked if Path(path).name.startswith(".env")]
    with_demo_salt = [
        path
        for path in tracked
        if path.endswith((".sql", ".yml", ".yaml", ".py", ".toml", ".cfg", ".ini"))
        and DEMO_SALT in (PROJECT_DIR / path).read_text(encoding="utf-8", errors="replace")
        and not path.startswith("tests/")
    ]
    assert with_demo_salt == ["macros/privacy.sql"]
    macro = (PROJECT_DIR / "macros" / "privacy.sql").read_text(encoding="utf-8")
    branch = macro[macro.index("if normalised_path.rstrip('/') == 'data/demo'") :]
    assert branch.index(DEMO_SALT) < branch.index("elif")
