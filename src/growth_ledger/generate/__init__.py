"""Deterministic generator of realistic raw marketing and business exports.

`generate(out_dir, scale, seed)` writes every source of docs/landing_contract.md under
out_dir/<source>/<entity>/ and the ground truth to out_dir/_truth/manifest.json.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from . import ads as ads_mod
from . import finance, search_console, stores
from .mess import PLANS, Mess
from .scenario import DEMO, Scenario
from .truth import Truth
from .world import (
    ACCOUNTS,
    CHANNELS,
    CLAIM_FACTOR,
    CLAIM_WINDOW_DAYS,
    DAYS,
    END,
    MARKET_CURRENCY,
    MARKET_TAX,
    MONTHS,
    N_DAYS,
    START,
    TAX_INCLUSIVE,
    TAXONOMY,
    UNPAID_P,
    build_campaigns,
    build_catalog,
    month_index,
)
from .writers import PARQUET_LEVEL, csv_text, extract_name, write_text

__all__ = ["SCALES", "generate"]

SCALES: dict[str, float] = {"demo": 1.0, "small": 5.0, "large": 100.0}
FINAL_EXTRACT = dt.datetime(2026, 11, 1, 6, 0, 0)


@contextmanager
def _progress(show: bool) -> Iterator[Progress | None]:
    if not show:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    ) as p:
        yield p


def generate(
    out_dir: Path,
    scale: str | float = "demo",
    seed: int = 42,
    show_progress: bool = True,
    scenario: Scenario = DEMO,
) -> dict[str, Any]:
    """Write every source under out_dir/<source>/<entity>/ and the ground truth to
    out_dir/_truth/manifest.json; return the manifest.

    scenario: the planted events (growth_ledger.generate.scenario; default the demo's).
    """
    from .traffic import MIGRATED_CONTRACTS, UNPAID, Simulator

    factor = SCALES[scale] if isinstance(scale, str) else float(scale)
    PARQUET_LEVEL["level"] = 9 if factor <= 5 else 3
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for sub in out.iterdir():  # stale files would break "latest extract wins"
        if sub.is_dir():
            shutil.rmtree(sub)
    seeds = np.random.SeedSequence(seed).spawn(16)
    rngs = [np.random.default_rng(s) for s in seeds]
    truth = Truth()
    mess = Mess(rngs[15], truth)
    rise = scenario.cost_increase
    catalog = build_catalog(
        rngs[4], (rise.product_line, rise.start, rise.multiplier) if rise else None
    )
    campaigns = build_campaigns(factor, scenario.p_trigger)
    fx, published = finance.fx_series(rngs[5])
    metrics = ads_mod.simulate_delivery(campaigns, rngs[6], scenario)
    sc_rows, sc_clicks = search_console.simulate(factor, rngs[7])
    sim = Simulator(
        out, factor, rngs[:4], campaigns, catalog, metrics, sc_clicks, fx, mess, truth, scenario
    )

    with _progress(show_progress) as prog:
        t_days = prog.add_task("simulate days (ga4, shop, crm)", total=N_DAYS) if prog else None
        for d in range(N_DAYS):
            sim.run_day(d)
            day = DAYS[d]
            month_end = d == N_DAYS - 1 or DAYS[d + 1].month != day.month
            if (day.year, day.month) == ads_mod.LAST_MONTH:
                sim.orders.flush_daily(day)
            elif month_end:
                sim.orders.flush_month(day.year, day.month)
            if month_end:
                sim.subs.flush_month(day.year, day.month)
                sim.crm.flush_month(day.year, day.month)
                sim.prune(d)
            if prog is not None and t_days is not None:
                prog.advance(t_days)
        t_src = prog.add_task("write sources", total=8) if prog else None

        def step(_: str = "") -> None:
            if prog is not None and t_src is not None:
                prog.advance(t_src)

        sim.crm.flush_final(FINAL_EXTRACT)
        step()
        _write_catalog(out, catalog, truth)
        step()
        ads_mod.write_ads(out, campaigns, metrics, fx, rngs[8], mess, truth, step, scenario)
        search_console.write(out, sc_rows, rngs[9], mess, truth)
        step()
        store_rows = stores.simulate(factor, rngs[10], scenario)
        stores.write(out, store_rows, mess, truth)
        finance.write_fx(out, fx, published, mess, truth)
        step()
        spend_by_month = _spend_by_month(campaigns, metrics)
        budgets = finance.write_budgets(out, spend_by_month, rngs[11], truth)
        actuals = _actuals(sim, spend_by_month, store_rows, fx)
        targets = finance.write_targets(out, actuals, rngs[12], truth)

    camp_truth = ads_mod.campaign_truth(campaigns, metrics)
    nc = len(campaigns)
    for i, ct in enumerate(camp_truth):
        ct["sessions"] = int(sim.sessions_n[i])
        ct["true_conversions"] = int(sim.trig_n[i])
        ct["true_revenue_eur"] = round(float(sim.trig_rev[i]), 2)
        ct["last_touch_conversions"] = int(sim.last_touch_n[i])
        ct["true_revenue_by_month_eur"] = _by_month(sim.trig_rev_month[i])
        ct["true_cogs_by_month_eur"] = _by_month(sim.trig_cogs_month[i])
        ct["spend_by_month_eur"] = _by_month(_campaign_spend_by_month(campaigns[i], metrics))
    channel_truth: dict[str, dict[str, Any]] = {}
    for ch in CHANNELS:
        src = [i for i, c in enumerate(campaigns) if c.template.channel == ch]
        src += [nc + UNPAID.index(ch)] if ch in UNPAID else []
        sess = int(sim.sessions_n[src].sum())
        conv = int(sim.trig_n[src].sum())
        channel_truth[ch] = {
            "p_trigger": UNPAID_P.get(ch)
            if ch in UNPAID
            else round(
                float(np.average(sim.src_p[src], weights=np.maximum(sim.sessions_n[src], 1))), 5
            ),
            "sessions": sess,
            "true_incremental_conversions": conv,
            "true_incremental_revenue_eur": round(float(sim.trig_rev[src].sum()), 2),
            "last_touch_conversions": int(sim.last_touch_n[src].sum()),
            "true_conversions_per_1000_sessions": round(1000 * conv / max(sess, 1), 3),
        }
    ranking = sorted(channel_truth, key=lambda c: -channel_truth[c]["true_incremental_revenue_eur"])
    subs = sim.subs.stats
    churn_with = subs["churn_with_driver"] / max(subs["renewals_with_driver"], 1)
    churn_without = subs["churn_without_driver"] / max(subs["renewals_without_driver"], 1)

    truth.data = {
        "generator": "growth_ledger.generate",
        "scale": scale if isinstance(scale, str) else None,
        "scale_factor": factor,
        "seed": seed,
        "date_range": {"start": START.isoformat(), "end": END.isoformat(), "days": N_DAYS},
        "reporting_currency": "EUR",
        "ga4_property_time_zone": "Europe/Paris",
        "shop_time_zone": "Europe/Paris",
        "markets": {
            m: {
                "currency": MARKET_CURRENCY[m],
                "tax_rate": MARKET_TAX[m],
                "prices_include_tax": TAX_INCLUSIVE[m],
            }
            for m in MARKET_CURRENCY
        },
        "tax_note": "EU/GB shop prices are VAT-inclusive, US prices exclude sales tax "
        "(added as total_tax). Shipping is not taxed in this dataset.",
        "accounts": [
            {
                "platform": a.platform,
                "account_id": a.account_id,
                "name": a.name,
                "currency": a.currency,
                "time_zone": a.tz,
            }
            for a in ACCOUNTS.values()
        ],
        "taxonomy": {
            "pattern": "<MARKET>_<CHANNEL>_<FUNNEL>_<PRODUCTLINE>_<free text>",
            **TAXONOMY,
            "unmapped_campaigns": [
                c.name
                for c in campaigns
                if not c.template.name.startswith(tuple(TAXONOMY["market"]))
            ],
        },
        "extracts": {
            "monthly_backfill": "one file per calendar month, pulled 06:00Z on the 2nd of the "
            "next month (ad platforms, search console, shop orders, "
            "billing, email events, tickets, stores, fx)",
            "daily_pulls": "October 2026: ad platforms, search console and shop orders are "
            "pulled daily at 06:00Z for the previous 3 days",
            "maturity": {str(k): v for k, v in ads_mod.MATURITY.items()},
            "missing_daily_pulls": [
                {"source": p, "data_day": d.isoformat(), "covered_by_next_pull": True}
                for p, d in ads_mod.MISSING_PULL.items()
            ],
            "late_files": [
                {"source": p, "entity": "*", "month": f"{ym[0]}-{ym[1]:02d}", "delay_days": n}
                for p, (ym, n) in ads_mod.LATE_BACKFILL.items()
            ]
            + [
                {
                    "source": "ga4",
                    "entity": "events",
                    "data_day": _ga4_late()[0].isoformat(),
                    "delay_days": _ga4_late()[1],
                }
            ],
            "ga4_file_naming": "events_<extract ts>: the Paris-day export lands the next "
            "morning (06:00Z) and holds one event_date",
        },
        "catalog": {
            "skus": len(catalog),
            "cost_increase": {
                "product_line": rise.product_line,
                "valid_from": rise.start.isoformat(),
                "multiplier": rise.multiplier,
            }
            if rise
            else None,
        },
        "counts": {
            "campaigns": len(campaigns),
            "ads": sum(len(c.ads) for c in campaigns),
            "ga4_events": sim.ga4_events,
            "ga4_purchases": sim.ga4_purchases,
            "web_orders": sim.web_orders,
            "orders": int(sim.orders.stats["orders"]),
            "subscription_orders": int(sim.orders.stats["subscription_orders"]),
            "cancelled_orders": int(sim.orders.stats["cancelled"]),
            "refunded_orders": int(sim.orders.stats["refunded"]),
            "partially_refunded_orders": int(sim.orders.stats["partially_refunded"]),
            "customers": len(sim.cust.ids),
            "email_profiles": len(sim.crm.p_email),
            "email_campaigns": len(sim.crm.campaigns),
            "tickets": sim.crm.stats["tickets"],
            "subscriptions": subs["created"],
            "subscriptions_active_at_end": sum(1 for s in sim.subs.subs if s.status == "active"),
            "search_console_rows": len(sc_rows),
            "store_rows": len(store_rows),
        },
        "ga4_vs_shop": {
            "tracked_share_of_web_orders": 0.88,
            "consent_denied_visitor_share": 0.07,
            "baseline_revenue_noise_sd": 0.01,
        },
        "attribution_truth": {
            "rule": "each session of source s triggers a purchase with probability "
            "p_trigger(s) x promo_factor(day); journey conversion = "
            "1 - prod(1 - p). 55% of triggers buy in the same session, the rest "
            "return 1-14 days later via direct/organic/brand search/email. "
            "true_incremental_* credit each order to its triggering session.",
            "promo_factor": {"black_friday_week": 1.5, "december_1_20": 1.2, "other": 1.0},
            "channels": channel_truth,
            "channel_ranking_by_true_revenue": ranking,
            "campaigns": camp_truth,
        },
        "platform_claims": {
            "rule": "platform conversions = claim_factor x orders whose buyer clicked an ad "
            "of the platform within its window (credited to the last such ad, on the "
            "order day)",
            "claim_factor": CLAIM_FACTOR,
            "click_window_days": CLAIM_WINDOW_DAYS,
        },
        "scenario": scenario.describe(),
        "planted_events": [
            *_planted_events(scenario, campaigns, "before_churn"),
            *(
                [
                    {
                        "kind": "churn_driver",
                        "source": "subscriptions",
                        "driver": ">= 2 support tickets of category delivery or product_issue "
                        "in the 60 days before a renewal",
                        "hazard_multiplier": scenario.churn_multiplier,
                        "base_churn_per_renewal_per_interval_month": 0.045,
                        "issue_prone_subscriber_share": 0.2,
                        "observed_churn_rate_with_driver": round(churn_with, 4),
                        "observed_churn_rate_without_driver": round(churn_without, 4),
                        "renewals_with_driver": subs["renewals_with_driver"],
                        "renewals_without_driver": subs["renewals_without_driver"],
                    }
                ]
                if scenario.churn_multiplier != 1.0
                else []
            ),
            *_planted_events(scenario, campaigns, "after_churn"),
        ],
        "subscriptions": {
            **subs,
            "migrated_contracts_created_on_first_day": int(MIGRATED_CONTRACTS * factor),
        },
        "email_formatting_cases": sim.orders.odd_emails + sim.crm.odd,
        "defect_plan_entities": sorted(k for k, v in PLANS.items() if v),
        "budgets": {
            "channels": "ad platform (google_ads, meta_ads, tiktok_ads, linkedin_ads)",
            "values": budgets,
        },
        "targets": targets,
        "actuals_for_targets": {
            m: {k: round(v, 2) for k, v in a.items()} for m, a in actuals.items()
        },
    }
    return truth.write(out)


def _planted_events(scenario: Scenario, campaigns: list[Any], part: str) -> list[dict[str, Any]]:
    """The scenario's planted events in the manifest's order (churn driver in between)."""
    events: list[dict[str, Any]] = []
    brk, surge, drift, rise = (
        scenario.tracking_break,
        scenario.cpc_surge,
        scenario.ga4_drift,
        scenario.cost_increase,
    )

    def named(prefix: str) -> list[Any]:
        return [c for c in campaigns if c.name.startswith(prefix)]

    if part == "after_churn":
        if rise:
            events.append(
                {
                    "kind": "cost_increase",
                    "source": "catalog",
                    "product_line": rise.product_line,
                    "start": rise.start.isoformat(),
                    "multiplier": rise.multiplier,
                }
            )
        return events
    if brk:
        platform = {"meta_ads": "Meta", "google_ads": "Google", "tiktok_ads": "TikTok"}
        events.append(
            {
                "kind": "tracking_break",
                "source": brk.platform,
                "start": brk.start.isoformat(),
                "end": brk.end.isoformat(),
                "detail": f"purchase actions are 0 on every {platform.get(brk.platform, '')} "
                "ad while clicks hold",
            }
        )
    if surge:
        events.append(
            {
                "kind": "cpc_surge",
                "source": "google_ads",
                "campaign_names": [c.name for c in named(surge.campaign)],
                "campaign_ids": [c.campaign_id for c in named(surge.campaign)],
                "start": surge.start.isoformat(),
                "end": surge.end.isoformat(),
                "cpc_multiplier": surge.multiplier,
            }
        )
    if scenario.wasted_campaign:
        wasted = named(scenario.wasted_campaign)
        events.append(
            {
                "kind": "wasted_campaign",
                "source": wasted[0].platform,
                "campaign_names": [c.name for c in wasted],
                "campaign_ids": [c.campaign_id for c in wasted],
                "start": START.isoformat(),
                "end": END.isoformat(),
                "p_trigger": wasted[0].template.p_trigger,
            }
        )
    if drift:
        events.append(
            {
                "kind": "ga4_revenue_drift",
                "source": "ga4",
                "start": drift.start.isoformat(),
                "end": drift.end.isoformat(),
                "ga4_over_shop_revenue": drift.ga4_over_shop,
            }
        )
    return events


def _by_month(values: np.ndarray) -> dict[str, float]:
    return {month: round(float(v), 2) for month, v in zip(MONTHS, values, strict=True)}


def _campaign_spend_by_month(campaign: Any, m: ads_mod.AdMetrics) -> np.ndarray:
    ids = [a.idx for a in campaign.ads]
    spend = m.spend_eur[:, ids].sum(axis=1)
    month = np.array([month_index(d) for d in DAYS])
    return np.bincount(month, weights=spend, minlength=len(MONTHS))


def _ga4_late() -> tuple[dt.date, int]:
    from .traffic import GA4_LATE_FILE

    return GA4_LATE_FILE


def _write_catalog(out: Path, catalog: list[Any], truth: Truth) -> None:
    header = ["sku", "product_id", "title", "product_line", "list_price_eur", "launched_on"]
    rows = [
        [
            p.sku,
            p.product_id,
            p.title,
            p.product_line,
            f"{p.list_price_eur:.2f}",
            p.launched_on.isoformat(),
        ]
        for p in catalog
    ]
    fname = extract_name("products", FINAL_EXTRACT, "csv")
    write_text(out / "catalog" / "products" / fname, csv_text(header, rows))
    truth.file("catalog", "products", len(rows))
    header = ["sku", "valid_from", "unit_cost", "currency"]
    rows = [[p.sku, vf.isoformat(), f"{c:.2f}", "EUR"] for p in catalog for vf, c in p.costs]
    fname = extract_name("product_costs", FINAL_EXTRACT, "csv")
    write_text(out / "catalog" / "product_costs" / fname, csv_text(header, rows))
    truth.file("catalog", "product_costs", len(rows))


def _spend_by_month(campaigns: list[Any], m: ads_mod.AdMetrics) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    plat = np.array([campaigns[c].platform for c in m.ad_campaign])
    months = np.array([f"{d:%Y-%m}" for d in DAYS])
    for mo in sorted(set(months)):
        rows = months == mo
        out[mo] = {
            p: round(float(m.spend_eur[rows][:, plat == p].sum()), 2)
            for p in ("google_ads", "meta_ads", "tiktok_ads", "linkedin_ads")
        }
    return out


def _actuals(
    sim: Any,
    spend: dict[str, dict[str, float]],
    store_rows: list[list[Any]],
    fx: dict[str, np.ndarray],
) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    vat = {s[0]: s[4] for s in stores.STORES}
    for r in store_rows:
        d = (dt.date.fromisoformat(r[0]) - START).days
        m = sim.month.setdefault(r[0][:7], {})
        net = float(r[9]) / (1 + vat[r[1]]) / fx[r[4]][d]
        m["net_revenue"] = m.get("net_revenue", 0.0) + net
        m["cogs"] = m.get("cogs", 0.0) + float(r[10]) / fx[r[4]][d]
    for mo, a in sorted(sim.month.items()):
        sp = sum(spend.get(mo, {}).values())
        rev = a.get("net_revenue", 0.0)
        gm = rev - a.get("cogs", 0.0)
        out[mo] = {
            "net_revenue": rev,
            "gross_margin": gm,
            "contribution_margin": gm - sp - 0.03 * rev,
            "marketing_spend": sp,
            "new_customers": a.get("new_customers", 0.0),
            "orders": a.get("orders", 0.0),
            "mer": rev / sp if sp else 0.0,
            "cac": sp / a["new_customers"] if a.get("new_customers") else 0.0,
            "mrr": a.get("mrr", 0.0),
        }
    return out
