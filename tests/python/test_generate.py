"""Tests of the raw-export generator (small scale, generated once per session)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest

from growth_ledger.generate import SCALES, generate
from growth_ledger.generate.world import build_campaigns

SCALE = 0.2
NAME_RE = re.compile(r"^(?P<entity>[a-z_]+)_(?P<ts>\d{8}T\d{6})Z\.(?P<ext>csv|jsonl|parquet)$")

# source/entity -> (format, required columns) as in docs/landing_contract.md
CONTRACT: dict[str, tuple[str, list[str]]] = {
    "google_ads/ad_stats": (
        "csv",
        [
            "segments.date",
            "customer.id",
            "customer.currency_code",
            "customer.time_zone",
            "campaign.id",
            "campaign.name",
            "ad_group.id",
            "ad_group.name",
            "ad_group_ad.ad.id",
            "metrics.cost_micros",
            "metrics.impressions",
            "metrics.clicks",
            "metrics.conversions",
            "metrics.conversions_value",
        ],
    ),
    "meta_ads/ads_insights": (
        "jsonl",
        [
            "date_start",
            "account_id",
            "account_currency",
            "campaign_id",
            "campaign_name",
            "adset_id",
            "adset_name",
            "ad_id",
            "spend",
            "impressions",
            "clicks",
        ],
    ),
    "tiktok_ads/ad_report": (
        "csv",
        [
            "stat_time_day",
            "advertiser_id",
            "currency",
            "campaign_id",
            "campaign_name",
            "adgroup_id",
            "adgroup_name",
            "ad_id",
            "spend",
            "impressions",
            "clicks",
            "complete_payment",
            "total_complete_payment_rate",
        ],
    ),
    "linkedin_ads/ad_analytics": (
        "csv",
        [
            "date",
            "account_urn",
            "campaign_urn",
            "campaign_name",
            "creative_urn",
            "currency",
            "cost_in_local_currency",
            "cost_in_usd",
            "impressions",
            "clicks",
            "external_website_conversions",
            "conversion_value_in_local_currency",
        ],
    ),
    "search_console/search_analytics": (
        "csv",
        ["date", "query", "page", "country", "device", "clicks", "impressions", "ctr", "position"],
    ),
    "ga4/events": (
        "parquet",
        ["event_date", "event_timestamp", "event_name", "event_params", "user_pseudo_id"],
    ),
    "shop/orders": (
        "jsonl",
        [
            "id",
            "name",
            "created_at",
            "updated_at",
            "currency",
            "line_items",
            "total_price",
            "subtotal_price",
            "total_discounts",
            "total_tax",
            "financial_status",
        ],
    ),
    "catalog/products": ("csv", ["sku", "product_id", "title", "product_line", "list_price_eur"]),
    "catalog/product_costs": ("csv", ["sku", "valid_from", "unit_cost", "currency"]),
    "subscriptions/billing_events": (
        "csv",
        [
            "event_id",
            "event_type",
            "occurred_at",
            "subscription_id",
            "customer_id",
            "plan_id",
            "sku",
            "quantity",
            "interval_months",
            "amount",
            "currency",
        ],
    ),
    "email/campaigns": ("csv", ["campaign_id", "campaign_name", "sent_at", "channel"]),
    "email/events": ("csv", ["event_id", "event_type", "occurred_at", "campaign_id", "email"]),
    "email/profiles": (
        "csv",
        ["profile_id", "email", "consent_email", "consent_ads", "created_at"],
    ),
    "support/tickets": (
        "csv",
        ["ticket_id", "created_at", "status", "requester_email", "category", "priority"],
    ),
    "stores/sales": (
        "csv",
        [
            "date",
            "store_id",
            "store_name",
            "country_code",
            "currency",
            "transactions",
            "gross_sales",
            "discounts",
            "returns",
            "net_sales",
            "cogs",
        ],
    ),
    "fx/rates": ("csv", ["date", "currency", "rate"]),
    "finance/budgets": ("csv", ["month", "channel", "budget_eur"]),
    "finance/targets": ("csv", ["month", "kpi", "target_value"]),
}


@pytest.fixture(scope="session")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("landing")
    generate(p, SCALE, seed=7, show_progress=False)
    return p


@pytest.fixture(scope="session")
def manifest(out: Path) -> dict[str, Any]:
    return json.loads((out / "_truth" / "manifest.json").read_text())


def _files(out: Path, entity: str) -> list[Path]:
    return sorted((out / entity).iterdir(), key=lambda f: f.name)


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _latest_csv(out: Path, entity: str, key: list[str]) -> dict[tuple[str, ...], dict]:
    """Latest extract wins, as staging does (malformed rows simply overwritten or kept)."""
    rows: dict[tuple[str, ...], dict[str, str]] = {}
    for f in _files(out, entity):
        for r in _csv_rows(f):
            rows[tuple(r[k] for k in key)] = r
    return rows


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_scales_registry() -> None:
    assert SCALES["demo"] == 1.0
    assert 3 <= SCALES["small"] <= 10
    assert SCALES["large"] >= 50


def test_deterministic_bytes(out: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(again, SCALE, seed=7, show_progress=False)
    a, b = _digest(out), _digest(again)
    assert a.keys() == b.keys()
    differing = [k for k in a if a[k] != b[k]]
    assert differing == []


def test_seed_changes_data(out: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate(other, SCALE, seed=8, show_progress=False)
    a, b = _digest(out), _digest(other)
    ga4 = [k for k in a if k.startswith("ga4/")]
    assert ga4 and all(a[k] != b.get(k) for k in ga4[:5])


def test_contract_folders_and_required_columns(out: Path) -> None:
    for entity, (fmt, required) in CONTRACT.items():
        files = _files(out, entity)
        assert files, entity
        for f in files:
            assert f.suffix == f".{fmt}", f
            if fmt == "csv":
                with open(f, encoding="utf-8") as fh:
                    header = next(csv.reader(fh))
                missing = set(required) - set(header)
            elif fmt == "jsonl":
                with open(f, encoding="utf-8") as fh:
                    first = json.loads(fh.readline())
                missing = set(required) - set(first)
            else:
                missing = set(required) - set(pq.read_schema(f).names)
            assert not missing, (f, missing)


def test_file_names_parse(out: Path) -> None:
    n = 0
    for entity in CONTRACT:
        folder = entity.split("/")[1]
        for f in _files(out, entity):
            m = NAME_RE.match(f.name)
            assert m, f.name
            assert m["entity"] == folder
            dt.datetime.strptime(m["ts"], "%Y%m%dT%H%M%S")
            n += 1
    assert n > 500


def test_every_planted_defect_is_in_its_file(out: Path, manifest: dict[str, Any]) -> None:
    defects = manifest["defects"]
    assert len(defects) >= 30
    per_source = defaultdict(int)
    for d in defects:
        per_source[d["source"]] += 1
        path = out / d["source"] / d["entity"] / d["file"]
        lines = path.read_text(encoding="utf-8").split("\n")
        line = lines[d["line"] - 1]
        if d["kind"] == "invalid_json":
            with pytest.raises(json.JSONDecodeError):
                json.loads(line)
        elif d["kind"] == "duplicate":
            assert lines.count(line) >= 2, d
        elif path.suffix == ".jsonl":
            assert json.loads(line).get(d["column"]) == d["bad_value"], d
        else:
            header = next(csv.reader([lines[0]]))
            row = next(csv.reader([line]))
            value = row[header.index(d["column"])]
            assert value == ("" if d["bad_value"] is None else str(d["bad_value"])), d
    for source in ("google_ads", "meta_ads", "tiktok_ads", "shop", "search_console"):
        assert 3 <= per_source[source] <= 10, (source, per_source[source])


def test_restatements_appear_in_several_extracts(out: Path, manifest: dict[str, Any]) -> None:
    keys = manifest["restatements"]["google_ads/ad_stats"]
    assert len(keys) > 20
    seen: dict[str, list[dict[str, str]]] = defaultdict(list)
    for f in _files(out, "google_ads/ad_stats"):
        for r in _csv_rows(f):
            seen[f"{r['segments.date']}|{r['ad_group_ad.ad.id']}"].append(r)
    assert all(len(seen[k]) >= 2 for k in keys[:200])
    # conversions mature between pulls: some restated rows change their numbers
    changed = [k for k in keys if len({r["metrics.conversions"] for r in seen[k]}) > 1]
    assert changed
    assert len(manifest["restatements"]["shop/orders"]) > 10


def test_spend_drives_clicks_with_diminishing_returns(out: Path) -> None:
    rows = _latest_csv(out, "google_ads/ad_stats", ["segments.date", "ad_group_ad.ad.id"])
    per: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in rows.values():
        try:
            cost = int(r["metrics.cost_micros"]) / 1e6
            clicks = int(r["metrics.clicks"])
        except ValueError:
            continue
        acc = per[(r["campaign.name"], r["segments.date"])]
        acc[0] += cost
        acc[1] += max(clicks, 0)
    slopes = []
    for name in {k[0] for k in per}:
        pts = np.array([v for k, v in per.items() if k[0] == name and v[0] > 0 and v[1] > 0])
        if len(pts) < 100:
            continue
        slope = np.polyfit(np.log(pts[:, 0]), np.log(pts[:, 1]), 1)[0]
        slopes.append(slope)
    assert len(slopes) >= 4
    assert 0.3 < float(np.median(slopes)) < 0.97


def test_ga4_purchases_match_shop_orders(out: Path) -> None:
    names: dict[str, str] = {}
    for f in _files(out, "shop/orders"):
        for line in f.read_text(encoding="utf-8").splitlines():
            try:
                o = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(o.get("name"), str):
                names[o["name"]] = o.get("source_name")
    web = {n for n, s in names.items() if s == "web"}
    tx = set()
    for f in _files(out, "ga4/events"):
        t = pq.read_table(f, columns=["event_name", "ecommerce"]).to_pylist()
        tx |= {r["ecommerce"]["transaction_id"] for r in t if r["event_name"] == "purchase"}
    assert tx <= web
    assert 0.8 < len(tx) / len(web) < 0.95


def test_subscription_charges_create_shop_orders(out: Path) -> None:
    ids = {}
    for f in _files(out, "shop/orders"):
        for line in f.read_text(encoding="utf-8").splitlines():
            try:
                o = json.loads(line)
            except json.JSONDecodeError:
                continue
            ids[o.get("id")] = o.get("source_name")
    charges = [
        r
        for f in _files(out, "subscriptions/billing_events")
        for r in _csv_rows(f)
        if r["event_type"] == "charge_succeeded" and r["shop_order_id"]
    ]
    assert len(charges) > 50
    linked = [ids.get(int(r["shop_order_id"])) for r in charges]
    assert sum(s == "subscription_contract" for s in linked) >= 0.95 * len(charges)


def test_planted_signal(out: Path, manifest: dict[str, Any]) -> None:
    camps = manifest["attribution_truth"]["campaigns"]
    wasted = next(e for e in manifest["planted_events"] if e["kind"] == "wasted_campaign")
    w = next(c for c in camps if c["campaign_id"] == wasted["campaign_ids"][0])
    others = [
        c["true_conversions"] / c["clicks"]
        for c in camps
        if c["clicks"] > 300 and c["campaign_id"] != w["campaign_id"]
    ]
    assert w["clicks"] > 300
    assert w["true_conversions"] / w["clicks"] < 0.2 * float(np.median(others))
    # Meta tracking break: purchases vanish while clicks hold
    brk = next(e for e in manifest["planted_events"] if e["kind"] == "tracking_break")
    lo, hi = brk["start"], brk["end"]
    in_brk = [
        json.loads(ln)
        for f in _files(out, "meta_ads/ads_insights")
        for ln in f.read_text().splitlines()
        if f'"date_start":"{lo[:7]}' in ln
    ]
    inside = [o for o in in_brk if lo <= o["date_start"] <= hi]
    assert sum(int(o["clicks"]) for o in inside) > 0
    assert not any(
        a["action_type"].endswith("purchase") for o in inside for a in o.get("actions", [])
    )
    # churn driver raises churn
    churn = next(e for e in manifest["planted_events"] if e["kind"] == "churn_driver")
    assert churn["observed_churn_rate_with_driver"] > churn["observed_churn_rate_without_driver"]


def test_fx_business_days_only(out: Path) -> None:
    days = {r["date"] for f in _files(out, "fx/rates") for r in _csv_rows(f)}
    parsed = [dt.date.fromisoformat(d) for d in days if re.match(r"^\d{4}-\d{2}-\d{2}$", d)]
    assert len(parsed) > 250
    assert all(d.weekday() < 5 for d in parsed)


def test_campaigns_grow_with_scale() -> None:
    small, large = build_campaigns(1.0), build_campaigns(100.0)
    assert len(large) > 3 * len(small)
    assert sum(len(c.ads) for c in large) > 20 * sum(len(c.ads) for c in small)
    assert len({c.campaign_id for c in large}) == len(large)


def test_no_extract_overwrote_another(out: Path, manifest: dict[str, Any]) -> None:
    """Every file the generator wrote is still on disk (no two extracts share a name)."""
    on_disk = {e: len(_files(out, e)) for e in manifest["files_per_entity"]}
    assert on_disk == manifest["files_per_entity"]
    assert on_disk["ga4/events"] == manifest["date_range"]["days"]


def test_organic_sessions_follow_search_console_clicks(out: Path) -> None:
    sc = _latest_csv(
        out, "search_console/search_analytics", ["date", "query", "page", "country", "device"]
    )
    clicks = sum(
        int(r["clicks"])
        for r in sc.values()
        if r["clicks"].lstrip("-").isdigit() and int(r["clicks"]) > 0
    )
    organic = 0
    for f in _files(out, "ga4/events"):
        t = pq.read_table(f, columns=["event_name", "event_params"]).to_pylist()
        for r in t:
            if r["event_name"] != "session_start":
                continue
            p = {x["key"]: x["value"]["string_value"] for x in r["event_params"]}
            organic += p.get("medium") == "organic"
    assert 0.8 < organic / clicks < 1.0


def test_truth_channel_effects_are_consistent(manifest: dict[str, Any]) -> None:
    ch = manifest["attribution_truth"]["channels"]
    assert ch["paid_search_brand"]["p_trigger"] > ch["paid_social_meta"]["p_trigger"]
    total = sum(c["true_incremental_conversions"] for c in ch.values())
    last = sum(c["last_touch_conversions"] for c in ch.values())
    assert total == last  # every web order has one cause and one last touch
    # delayed purchases make last touch over-credit direct versus the truth
    assert ch["direct"]["last_touch_conversions"] > ch["direct"]["true_incremental_conversions"]
