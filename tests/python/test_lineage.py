"""Lineage runs one way: staging -> intermediate -> core marts -> KPI, attribution and
intelligence (their intermediate models and marts) -> reports. Base models, which hold
raw values and quarantined rows, are read only inside staging."""

import json
from pathlib import Path

from growth_ledger.build import run_dbt
from growth_ledger.paths import DEMO_LANDING

CORE_INTERMEDIATE = {"commerce", "customers", "marketing", "subscriptions"}
ANALYSIS = {"attribution", "kpi", "intelligence"}


def _layer(path: str) -> int:
    """0 staging, 1 core intermediate, 2 core marts, 3 KPI / attribution / intelligence."""
    _models, top, folder, *_rest = path.split("/")
    if top == "staging":
        return 0
    if folder in ANALYSIS:
        return 3
    return 1 if top == "intermediate" else 2


def test_lineage_runs_one_way(tmp_path: Path) -> None:
    target = tmp_path / "target"
    run_dbt(["parse", "--target-path", str(target)], DEMO_LANDING, tmp_path / "parse.duckdb")
    nodes = json.loads((target / "manifest.json").read_text())["nodes"]
    models = {key: node for key, node in nodes.items() if node["resource_type"] == "model"}
    assert len(models) > 100, "the manifest has too few models: nothing was checked"
    backwards = []
    for model in models.values():
        layer = _layer(model["original_file_path"])
        for key in sorted(set(model["depends_on"]["nodes"]) & models.keys()):
            upstream = models[key]
            is_base = upstream["name"].startswith("base_")
            if _layer(upstream["original_file_path"]) > layer or (is_base and layer > 0):
                backwards.append(f"{model['name']} reads {upstream['name']}")
    assert backwards == []
    # Base models only parse, validate and deduplicate: FX conversion comes after
    # (macros/fx.sql), so a late rate re-decides no base row.
    fx_rates = "model.growth_ledger.stg_fx__rates_daily"
    converting = [
        model["name"]
        for model in models.values()
        if model["name"].startswith("base_") and fx_rates in model["depends_on"]["nodes"]
    ]
    assert converting == []
    assert fx_rates in models["model.growth_ledger.stg_quarantine__rows"]["depends_on"]["nodes"]
