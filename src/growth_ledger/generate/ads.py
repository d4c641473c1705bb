"""Ad platforms: daily spend, impressions and clicks per ad, platform-claimed conversions,
and the extract files (monthly backfills plus restating daily pulls in the last month)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .mess import Mess
from .scenario import DEMO, Scenario
from .truth import Truth
from .world import (
    CLAIM_FACTOR,
    DAYS,
    N_DAYS,
    Campaign,
    day_index,
    season_factor,
    weekday_factor,
)
from .writers import (
    csv_text,
    daily_extract_ts,
    extract_name,
    month_extract_ts,
    write_text,
)

LAST_MONTH = (2026, 10)
MATURITY = {1: 0.7, 2: 0.9, 3: 1.0}  # share of final conversions visible N days after the day
MISSING_PULL = {"meta_ads": dt.date(2026, 10, 14)}  # the pull for this data day never landed
LATE_BACKFILL = {"google_ads": ((2026, 3), 5)}  # month backfill pulled 5 days late


@dataclass
class AdMetrics:
    spend_eur: np.ndarray  # (days, ads) float
    clicks: np.ndarray  # (days, ads) int
    impressions: np.ndarray
    credited: np.ndarray  # orders the platform touched (click within window), by order day
    credited_value_eur: np.ndarray
    ad_campaign: np.ndarray  # ad -> campaign idx


def simulate_delivery(
    campaigns: list[Campaign], rng: np.random.Generator, scenario: Scenario = DEMO
) -> AdMetrics:
    n_ads = sum(len(c.ads) for c in campaigns)
    spend = np.zeros((N_DAYS, n_ads))
    clicks = np.zeros((N_DAYS, n_ads), dtype=np.int64)
    imps = np.zeros((N_DAYS, n_ads), dtype=np.int64)
    ad_campaign = np.zeros(n_ads, dtype=np.int64)
    wk = weekday_factor(DAYS)
    season = season_factor(DAYS) ** 0.8
    month_idx = np.array([(d.year - 2025) * 12 + d.month - 10 for d in DAYS])
    for c in campaigns:
        t = c.template
        active = np.array([t.start <= d <= t.end for d in DAYS])
        steps = rng.lognormal(0, 0.18, 13)[month_idx]  # monthly budget decisions
        s = c.budget_eur * wk * season * steps * rng.lognormal(0, 0.08, N_DAYS) * active
        k = (c.budget_eur / c.cpc_eur) / c.budget_eur**t.elasticity
        cl = k * s**t.elasticity * rng.lognormal(0, 0.1, N_DAYS)
        surge_event = scenario.cpc_surge
        if surge_event is not None and c.name.startswith(surge_event.campaign):
            surge = np.array([surge_event.start <= d <= surge_event.end for d in DAYS])
            cl = np.where(surge, cl / surge_event.multiplier, cl)
        ids = np.array([a.idx for a in c.ads])
        ad_campaign[ids] = c.idx
        w = rng.dirichlet(np.full(len(ids), 2.0))
        wd = w[None, :] * rng.lognormal(0, 0.25, (N_DAYS, len(ids)))
        wd /= wd.sum(axis=1, keepdims=True)
        spend[:, ids] = np.round(s[:, None] * wd, 2)
        clicks[:, ids] = rng.poisson(cl[:, None] * wd)
        ctr = t.ctr * rng.lognormal(0, 0.15, (N_DAYS, len(ids)))
        imps[:, ids] = np.where(
            spend[:, ids] > 0, np.round(clicks[:, ids] / ctr) + rng.poisson(3, ctr.shape), 0
        )
    z = np.zeros((N_DAYS, n_ads))
    return AdMetrics(spend, clicks, imps, z.copy(), z.copy(), ad_campaign)


def reported_conversions(
    campaigns: list[Campaign], m: AdMetrics, rng: np.random.Generator, scenario: Scenario = DEMO
) -> tuple[np.ndarray, np.ndarray]:
    """Final platform-claimed conversions and value (EUR): over-claim x the touched orders."""
    conv = np.zeros_like(m.credited)
    val = np.zeros_like(m.credited)
    plat = np.array([campaigns[c].platform for c in m.ad_campaign])
    for p, f in CLAIM_FACTOR.items():
        cols = plat == p
        cr = m.credited[:, cols]
        with np.errstate(invalid="ignore", divide="ignore"):
            aov = np.where(cr > 0, m.credited_value_eur[:, cols] / np.maximum(cr, 1), 0)
        if p == "google_ads":  # data-driven attribution gives fractional conversions
            c = np.round(cr * f * rng.lognormal(0, 0.08, cr.shape), 2)
        else:  # view-through and cross-device claims add whole conversions
            c = cr + rng.poisson(cr * (f - 1))
        brk_event = scenario.tracking_break
        if brk_event is not None and p == brk_event.platform:
            brk = np.array([brk_event.start <= d <= brk_event.end for d in DAYS])
            c[brk] = 0
        conv[:, cols] = c
        val[:, cols] = np.round(c * aov * rng.lognormal(0, 0.05, cr.shape), 2)
    return conv, val


@dataclass
class _Row:
    d: int
    ad: int
    spend_local: float
    imps: int
    clicks: int
    conv: float
    value_local: float


def _fmt_google(c: Campaign, ad: Any, day: dt.date, r: _Row) -> list[Any]:
    return [
        day.isoformat(),
        c.account.account_id,
        c.account.name,
        c.account.currency,
        c.account.tz,
        c.campaign_id,
        c.name,
        c.template.channel_type,
        "ENABLED",
        ad.adgroup_id,
        ad.adgroup_name,
        ad.ad_id,
        round(r.spend_local * 1_000_000),
        r.imps,
        r.clicks,
        f"{r.conv:.2f}",
        f"{r.value_local:.2f}",
    ]


GOOGLE_HEADER = [
    "segments.date",
    "customer.id",
    "customer.descriptive_name",
    "customer.currency_code",
    "customer.time_zone",
    "campaign.id",
    "campaign.name",
    "campaign.advertising_channel_type",
    "campaign.status",
    "ad_group.id",
    "ad_group.name",
    "ad_group_ad.ad.id",
    "metrics.cost_micros",
    "metrics.impressions",
    "metrics.clicks",
    "metrics.conversions",
    "metrics.conversions_value",
]
TIKTOK_HEADER = [
    "stat_time_day",
    "advertiser_id",
    "currency",
    "campaign_id",
    "campaign_name",
    "adgroup_id",
    "adgroup_name",
    "ad_id",
    "ad_name",
    "spend",
    "impressions",
    "clicks",
    "complete_payment",
    "total_complete_payment_rate",
]
LINKEDIN_HEADER = [
    "date",
    "account_urn",
    "campaign_group_urn",
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
]


def _fmt_tiktok(c: Campaign, ad: Any, day: dt.date, r: _Row) -> list[Any]:
    return [
        f"{day.isoformat()} 00:00:00",
        c.account.account_id,
        c.account.currency,
        c.campaign_id,
        c.name,
        ad.adgroup_id,
        ad.adgroup_name,
        ad.ad_id,
        ad.ad_name,
        f"{r.spend_local:.2f}",
        r.imps,
        r.clicks,
        int(r.conv),
        f"{r.value_local:.2f}",
    ]


def _fmt_meta(c: Campaign, ad: Any, day: dt.date, r: _Row) -> dict[str, Any]:
    o: dict[str, Any] = {
        "date_start": day.isoformat(),
        "date_stop": day.isoformat(),
        "account_id": c.account.account_id,
        "account_name": c.account.name,
        "account_currency": c.account.currency,
        "campaign_id": c.campaign_id,
        "campaign_name": c.name,
        "adset_id": ad.adgroup_id,
        "adset_name": ad.adgroup_name,
        "ad_id": ad.ad_id,
        "ad_name": ad.ad_name,
        "spend": f"{r.spend_local:.2f}",
        "impressions": str(r.imps),
        "clicks": str(r.clicks),
    }
    actions = [
        {"action_type": "link_click", "value": str(r.clicks)},
        {"action_type": "landing_page_view", "value": str(int(r.clicks * 0.8))},
    ]
    if r.conv > 0:
        actions.append(
            {"action_type": "offsite_conversion.fb_pixel_purchase", "value": str(int(r.conv))}
        )
        o["action_values"] = [
            {"action_type": "offsite_conversion.fb_pixel_purchase", "value": f"{r.value_local:.2f}"}
        ]
    o["actions"] = actions
    return o


def write_ads(
    out: Path,
    campaigns: list[Campaign],
    m: AdMetrics,
    fx: dict[str, np.ndarray],
    rng: np.random.Generator,
    mess: Mess,
    truth: Truth,
    progress: Callable[[str], None],
    scenario: Scenario = DEMO,
) -> None:
    conv, val_eur = reported_conversions(campaigns, m, rng, scenario)
    ads = [a for c in campaigns for a in c.ads]
    for platform, entity in (
        ("google_ads", "ad_stats"),
        ("meta_ads", "ads_insights"),
        ("tiktok_ads", "ad_report"),
        ("linkedin_ads", "ad_analytics"),
    ):
        cols = np.array(
            [i for i, a in enumerate(ads) if campaigns[a.campaign_idx].platform == platform]
        )
        if len(cols) == 0:
            continue

        def rows_for(
            day_ids: list[int],
            age_of: dict[int, int] | None,
            cols: np.ndarray = cols,
            platform: str = platform,
        ) -> list[_Row]:
            out_rows = []
            for d in day_ids:
                live = cols[m.impressions[d, cols] > 0]
                for a in live:
                    cur = campaigns[m.ad_campaign[a]].account.currency
                    rate = fx[cur][d]
                    sp, cv, vv = m.spend_eur[d, a], conv[d, a], val_eur[d, a]
                    if age_of is not None:
                        f = MATURITY[age_of[d]]
                        if platform == "google_ads":
                            cv = round(cv * f, 2)
                        else:
                            cv = float(rng.binomial(int(cv), f)) if f < 1 else cv
                        vv = vv * (cv / conv[d, a]) if conv[d, a] > 0 else 0.0
                        if age_of[d] == 1 and rng.random() < 0.04:
                            sp = sp * 1.05  # invalid-click credit applied in a later pull
                    out_rows.append(
                        _Row(
                            d,
                            int(a),
                            round(sp * rate, 2),
                            int(m.impressions[d, a]),
                            int(m.clicks[d, a]),
                            float(cv),
                            float(vv * rate),
                        )
                    )
            return out_rows

        files: list[tuple[dt.datetime, list[_Row], bool]] = []
        months = sorted({(d.year, d.month) for d in DAYS})
        for y, mo in months:
            day_ids = [i for i, d in enumerate(DAYS) if (d.year, d.month) == (y, mo)]
            if (y, mo) != LAST_MONTH:
                late = LATE_BACKFILL.get(platform)
                delay = late[1] if late and late[0] == (y, mo) else 0
                files.append((month_extract_ts(y, mo, delay), rows_for(day_ids, None), False))
                continue
            for d in day_ids:
                if MISSING_PULL.get(platform) == DAYS[d]:
                    continue
                window = [x for x in range(d - 2, d + 1) if x >= day_ids[0]]
                age = {x: d - x + 1 for x in window}
                files.append((daily_extract_ts(DAYS[d]), rows_for(window, age), True))
        for ts, rows, daily in files:
            ext = "jsonl" if platform == "meta_ads" else "csv"
            fname = extract_name(entity, ts, ext)
            path = out / platform / entity / fname
            if daily:
                for r in rows:
                    truth.seen(platform, entity, f"{DAYS[r.d].isoformat()}|{ads[r.ad].ad_id}")
            if platform == "meta_ads":
                objs = [
                    _fmt_meta(campaigns[m.ad_campaign[r.ad]], ads[r.ad], DAYS[r.d], r) for r in rows
                ]
                lines = mess.jsonl(
                    platform,
                    entity,
                    fname,
                    objs,
                    lambda o: {"date_start": o.get("date_start"), "ad_id": o.get("ad_id")},
                )
                write_text(path, "".join(ln + "\n" for ln in lines))
                truth.file(platform, entity, len(lines))
            else:
                if platform == "google_ads":
                    header, f, key = (
                        GOOGLE_HEADER,
                        _fmt_google,
                        ["segments.date", "ad_group_ad.ad.id"],
                    )
                elif platform == "tiktok_ads":
                    header, f, key = TIKTOK_HEADER, _fmt_tiktok, ["stat_time_day", "ad_id"]
                else:
                    header, f, key = LINKEDIN_HEADER, _fmt_linkedin(fx), ["date", "creative_urn"]
                table = [f(campaigns[m.ad_campaign[r.ad]], ads[r.ad], DAYS[r.d], r) for r in rows]
                table = mess.csv(platform, entity, fname, header, table, key)
                write_text(path, csv_text(header, table))
                truth.file(platform, entity, len(table))
        progress(platform)


def _fmt_linkedin(fx: dict[str, np.ndarray]) -> Callable[..., list[Any]]:
    def f(c: Campaign, ad: Any, day: dt.date, r: _Row) -> list[Any]:
        usd = r.spend_local / fx[c.account.currency][day_index(day)] * fx["USD"][day_index(day)]
        return [
            day.isoformat(),
            f"urn:li:sponsoredAccount:{c.account.account_id}",
            f"urn:li:sponsoredCampaignGroup:{int(c.campaign_id) // 1000}",
            f"urn:li:sponsoredCampaign:{c.campaign_id}",
            c.name,
            f"urn:li:sponsoredCreative:{ad.ad_id}",
            c.account.currency,
            f"{r.spend_local:.2f}",
            f"{usd:.2f}",
            r.imps,
            r.clicks,
            int(r.conv),
            f"{r.value_local:.2f}",
        ]

    return f


def campaign_truth(campaigns: list[Campaign], m: AdMetrics) -> list[dict[str, Any]]:
    out = []
    for c in campaigns:
        ids = [a.idx for a in c.ads]
        out.append(
            {
                "campaign_id": c.campaign_id,
                "campaign_name": c.name,
                "platform": c.platform,
                "account_id": c.account.account_id,
                "channel": c.template.channel,
                "market": c.template.market,
                "product_line": c.template.product_line,
                "p_trigger": c.template.p_trigger,
                "elasticity": c.template.elasticity,
                "follows_naming_convention": c.template.name.count("_") >= 4,
                "active_from": c.template.start.isoformat(),
                "active_to": c.template.end.isoformat(),
                "spend_eur": round(float(m.spend_eur[:, ids].sum()), 2),
                "clicks": int(m.clicks[:, ids].sum()),
                "impressions": int(m.impressions[:, ids].sum()),
                "platform_touched_orders": int(m.credited[:, ids].sum()),
                "ad_ids": [a.ad_id for a in c.ads],
            }
        )
    return out
