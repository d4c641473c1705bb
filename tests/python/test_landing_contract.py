"""contract/landing.yml is the one declaration of the landing: what is generated
from it is committed as generated, and what reads it agrees with it."""

import importlib

import pytest

from growth_ledger.check import load_expectations
from growth_ledger.contract import drifted_files, generated_files, load, parse
from growth_ledger.landing import CONTRACTS
from growth_ledger.paths import PROJECT_DIR


def test_generated_files_are_committed_as_generated():
    assert drifted_files() == [], "run: python -m growth_ledger.contract --write"


def test_every_base_model_has_a_declared_entity():
    base_models = {path.stem for path in (PROJECT_DIR / "models" / "staging").rglob("base_*.sql")}
    declared = {f"base_{entity.slug}" for entity in load().entities}
    assert base_models == declared


def test_preflight_and_suites_read_the_contract():
    load_expectations()
    suites = importlib.import_module("growth_ledger_expectations.landing_suites")
    ENTITIES = suites.ENTITIES
    entities = load().entities
    assert entities == CONTRACTS
    assert {spec.slug for spec in ENTITIES} == {entity.slug for entity in entities}
    for spec in ENTITIES:
        assert spec.keys == spec.contract.natural_key


def test_doc_lists_every_reason_code_and_column():
    doc = generated_files()["docs/landing_contract.md"]
    contract = load()
    for code in contract.reason_codes:
        assert f"| `{code}` |" in doc
    for entity in contract.entities:
        for column in entity.columns:
            assert f"`{column.name}`" in doc, (entity.folder, column.name)


def test_undeclared_reason_code_is_refused():
    text = (PROJECT_DIR / "contract" / "landing.yml").read_text(encoding="utf-8")
    broken = text.replace("code: not_a_date,", "code: not_a_datum,", 1)
    with pytest.raises(ValueError, match="not_a_datum"):
        parse(broken)
