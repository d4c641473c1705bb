"""The day-by-day simulation: sessions, visitor journeys, purchases, subscriptions, tickets.

Generative rule (the attribution truth): every session of source s independently
*triggers* a purchase with probability p_s x promo(day). So a journey with touches
s1..sn converts with probability 1 - prod(1 - p_si). A trigger buys in the same session
(55%) or comes back some days later through direct/organic/brand search/e-mail to buy,
so the last click is often not the cause. Each order is credited to exactly one causal
source in the truth.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import numpy as np
import pyarrow as pa

from . import ga4
from .ads import AdMetrics
from .crm import Crm
from .mess import Mess
from .scenario import DEMO, Scenario
from .shop import Customers, OrderBook
from .subscriptions import (
    BASE_CHURN_PER_INTERVAL,
    FAIL_P,
    Subscriptions,
)
from .truth import Truth
from .world import (
    BLACK_FRIDAY,
    CH,
    CHANNELS,
    CLAIM_WINDOW_DAYS,
    COUNTRY_NAME,
    DAYS,
    DEVICE_MIX,
    DEVICES,
    MARKET_CURRENCY,
    MARKET_MIX,
    MARKET_TAX,
    MARKET_TZ,
    MARKETS,
    N_DAYS,
    N_MONTHS,
    PLATFORMS,
    PRODUCT_LINES,
    RETURNING_P,
    SHOP_HOST,
    TAX_INCLUSIVE,
    UNPAID_P,
    UNPAID_SESSIONS,
    Campaign,
    Product,
    conversion_factor,
    epoch_seconds,
    month_index,
    season_factor,
    utc_offset_hours,
    weekday_factor,
)
from .writers import daily_extract_ts, extract_name, write_parquet

UNPAID = ("organic_search", "direct", "email", "referral", "organic_social")
REPEAT_CHANNELS = np.array(
    [CH[c] for c in ("direct", "organic_search", "email", "paid_search_brand")]
)
CLICK_TO_SESSION = 0.85
MIGRATED_CONTRACTS = 150  # demo-scale contracts re-created on the first day
INITIAL_NEWSLETTER = 800  # demo-scale newsletter profiles collected before the period
IMMEDIATE_BUY = 0.55
GA4_TRACKED = 0.88  # share of web orders with a GA4 purchase (consent, ad-blockers)
CONSENT_DENIED = 0.07
GA4_LATE_FILE = (dt.date(2026, 3, 14), 5)  # this day's export landed 5 days late
HOURS = np.array(
    [
        1,
        0.6,
        0.4,
        0.3,
        0.3,
        0.5,
        1.2,
        2.2,
        3,
        3.4,
        3.6,
        3.8,
        4.2,
        4.0,
        3.6,
        3.4,
        3.5,
        3.8,
        4.4,
        5.2,
        5.6,
        5.0,
        3.6,
        2.0,
    ]
)
HOURS = HOURS / HOURS.sum()
_REFERRERS = np.array(
    [
        "https://www.vogue.fr/",
        "https://www.allure.com/",
        "https://www.elle.de/",
        "https://www.byrdie.com/",
    ],
    dtype=object,
)
_SOCIAL = np.array(
    ["https://www.instagram.com/", "https://www.tiktok.com/", "https://www.pinterest.com/"],
    dtype=object,
)
_LINE_W = np.array([0.42, 0.3, 0.17, 0.11])


@dataclass
class Visitors:
    """Growable struct-of-arrays; non-customers unseen for 45 days are pruned monthly."""

    cap: int = 1024
    n: int = 0
    arrays: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        spec: dict[str, Any] = {
            "pid": np.int64,
            "first_ts": np.int64,
            "market": np.int8,
            "device": np.int8,
            "cust": np.int64,
            "nsess": np.int32,
            "last_day": np.int32,
            "consent": bool,
            "due": np.int32,
            "due_src": np.int32,
        }
        self.arrays = {k: np.zeros(self.cap, dtype=t) for k, t in spec.items()}
        self.arrays["touch_ad"] = np.full((len(PLATFORMS), self.cap), -1, dtype=np.int32)
        self.arrays["touch_day"] = np.full((len(PLATFORMS), self.cap), -10_000, dtype=np.int32)

    def __getattr__(self, k: str) -> np.ndarray:
        a = self.__dict__.get("arrays", {})
        if k in a:
            return a[k][..., : self.n]
        raise AttributeError(k)

    def add(self, k: int) -> np.ndarray:
        while self.n + k > self.cap:
            self.cap *= 2
            for name, a in self.arrays.items():
                shape = (*a.shape[:-1], self.cap)
                fill = -1 if name == "touch_ad" else (-10_000 if name == "touch_day" else 0)
                b = np.full(shape, fill, dtype=a.dtype)
                b[..., : a.shape[-1]] = a
                self.arrays[name] = b
        idx = np.arange(self.n, self.n + k)
        self.n += k
        return idx

    def compact(self, keep: np.ndarray) -> np.ndarray:
        """Keep the given visitors; return old->new index map (-1 for dropped)."""
        remap = np.full(self.n, -1, dtype=np.int64)
        remap[keep] = np.arange(len(keep))
        for a in self.arrays.values():
            a[..., : len(keep)] = a[..., keep]
        self.n = len(keep)
        return remap


class Simulator:
    def __init__(
        self,
        out: Path,
        scale: float,
        rngs: list[np.random.Generator],
        campaigns: list[Campaign],
        catalog: list[Product],
        ads: AdMetrics,
        sc_clicks: np.ndarray,
        fx: dict[str, np.ndarray],
        mess: Mess,
        truth: Truth,
        scenario: Scenario = DEMO,
    ) -> None:
        self.out = out
        self.drift = scenario.ga4_drift
        self.churn_multiplier = scenario.churn_multiplier
        self.scale = scale
        self.rng = rngs[0]
        self.campaigns = campaigns
        self.catalog = catalog
        self.ads = ads
        self.sc_clicks = sc_clicks
        self.fx = fx
        self.truth = truth
        self.cust = Customers()
        self.orders = OrderBook(rngs[1], mess, truth, out)
        self.subs = Subscriptions(rngs[2], mess, truth, out, scale)
        self.crm = Crm(rngs[3], mess, truth, out, scale)
        self.vis = Visitors()
        nc = len(campaigns)
        self.nc = nc
        self.n_src = nc + len(UNPAID)
        # per source code lookups (campaigns first, then unpaid channels)
        self.src_p = np.array(
            [c.template.p_trigger for c in campaigns] + [UNPAID_P[u] for u in UNPAID]
        )
        self.src_channel = np.array(
            [CH[c.template.channel] for c in campaigns] + [CH[u] for u in UNPAID]
        )
        self.src_ret = np.array([RETURNING_P[CHANNELS[c]] for c in self.src_channel])
        for i, c in enumerate(campaigns):
            if "RETARGETING" in c.name:
                self.src_ret[i] = 0.9
        self.src_platform = np.array(
            [PLATFORMS.index(c.platform) for c in campaigns] + [-1] * len(UNPAID)
        )
        self.camp_market = np.array([MARKETS.index(c.template.market) for c in campaigns])
        self.brand_ads: dict[int, np.ndarray] = {}
        for mi, _ in enumerate(MARKETS):
            ids = [
                a.idx
                for c in campaigns
                if c.template.channel == "paid_search_brand"
                and MARKETS.index(c.template.market) == mi
                for a in c.ads
            ]
            self.brand_ads[mi] = np.array(ids, dtype=np.int64)
        self.ad_ids = [ad.ad_id for c in campaigns for ad in c.ads]
        self.schedule: dict[int, list[Any]] = {}
        self.offsets = {m: utc_offset_hours(MARKET_TZ[m]) for m in MARKETS}
        self.paris_off = utc_offset_hours("Europe/Paris")
        self.season = season_factor(DAYS) * weekday_factor(DAYS)
        self.convf = conversion_factor(DAYS)
        self.prices = {
            cur: np.array([p.price(m) for p in catalog])
            for m, cur in (("FR", "EUR"), ("GB", "GBP"), ("US", "USD"))
        }
        self.carry: pa.Table | None = None
        self.crm.initial_list(int(INITIAL_NEWSLETTER * scale))
        # truth accumulators
        self.trig_n = np.zeros(self.n_src, dtype=np.int64)
        self.trig_rev = np.zeros(self.n_src)
        # True triggered net revenue and its product cost per source and calendar month (EUR).
        self.trig_rev_month = np.zeros((self.n_src, N_MONTHS))
        self.trig_cogs_month = np.zeros((self.n_src, N_MONTHS))
        self.last_touch_n = np.zeros(self.n_src, dtype=np.int64)
        self.sessions_n = np.zeros(self.n_src, dtype=np.int64)
        self.ga4_events = 0
        self.ga4_purchases = 0
        self.web_orders = 0
        self.month: dict[str, dict[str, float]] = {}
        self.end_ts = epoch_seconds(DAYS[-1]) + 86_400 + 2 * 86_400

    # ------------------------------------------------------------------ helpers
    def _acc(self, day: dt.date, key: str, v: float) -> None:
        m = self.month.setdefault(f"{day:%Y-%m}", {})
        m[key] = m.get(key, 0.0) + v

    def _eur(self, amount: float, cur: str, d: int) -> float:
        return amount / self.fx[cur][d]

    def _pick_items(self, d: int, line: str) -> list[tuple[Product, int]]:
        rng = self.rng
        day = DAYS[d]
        avail = [p for p in self.catalog if p.launched_on <= day]
        n = int(min(4, 1 + rng.poisson(0.55)))
        out: list[tuple[Product, int]] = []
        for _ in range(n):
            pl = (
                line
                if line in PRODUCT_LINES and rng.random() < 0.6
                else PRODUCT_LINES[int(rng.choice(4, p=_LINE_W))]
            )
            cands = [p for p in avail if p.product_line == pl]
            p = cands[int(rng.integers(len(cands)))]
            if all(p is not q for q, _ in out):
                out.append((p, 2 if rng.random() < 0.12 else 1))
        return out

    def _discount(self, d: int, new: bool) -> tuple[str, float] | None:
        rng = self.rng
        day = DAYS[d]
        if -4 <= (day - BLACK_FRIDAY).days <= 3 and rng.random() < 0.6:
            return ("BLACKFRIDAY25", 0.25)
        if day.month == 12 and day.day <= 20 and rng.random() < 0.2:
            return ("NOEL15", 0.15)
        if new and rng.random() < 0.25:
            return ("WELCOME10", 0.10)
        if rng.random() < 0.06:
            return ("INFLUENCER20", 0.20)
        return None

    def _net_eur(self, order: dict[str, Any], market: str, d: int) -> float:
        sub = float(order["subtotal_price"])
        if TAX_INCLUSIVE[market]:
            sub = sub / (1 + MARKET_TAX[market])
        return self._eur(sub, order["currency"], d)

    # ------------------------------------------------------------------ day
    def run_day(self, d: int) -> None:
        rng = self.rng
        day = DAYS[d]
        vis = self.vis
        nc = self.nc
        if day.weekday() == 1:  # weekly newsletter first: most clicks land the same day
            self.crm.send(d)
        # 1. session slots: (source code, ad, market)
        clicks = self.ads.clicks[d]
        n_paid = rng.binomial(clicks, CLICK_TO_SESSION)
        ad_s = np.repeat(np.arange(len(clicks)), n_paid)
        src_s = self.ads.ad_campaign[ad_s]
        mk_s = self.camp_market[src_s]
        dev_s = rng.choice(3, size=len(ad_s), p=DEVICE_MIX)
        srcs, ads_, mks, devs = [src_s], [ad_s], [mk_s], [dev_s]
        org = rng.binomial(self.sc_clicks[d], 0.9)  # (market, device)
        mm, dd = np.nonzero(org)
        reps = org[mm, dd]
        srcs.append(np.full(reps.sum(), nc + 0))
        mks.append(np.repeat(mm, reps))
        devs.append(np.repeat(dd, reps))
        ads_.append(np.full(reps.sum(), -1))
        for ch, base in UNPAID_SESSIONS.items():
            n = rng.poisson(base * self.scale * self.season[d])
            srcs.append(np.full(n, nc + UNPAID.index(ch)))
            mks.append(rng.choice(4, size=n, p=MARKET_MIX))
            devs.append(rng.choice(3, size=n, p=DEVICE_MIX))
            ads_.append(np.full(n, -1))
        em = rng.binomial(self.crm.clicks[d], CLICK_TO_SESSION)
        srcs.append(np.full(em.sum(), nc + 2))
        mks.append(np.repeat(np.arange(4), em))
        devs.append(rng.choice(3, size=em.sum(), p=DEVICE_MIX))
        ads_.append(np.full(em.sum(), -1))
        src = np.concatenate(srcs).astype(np.int64)
        ad = np.concatenate(ads_).astype(np.int64)
        mk = np.concatenate(mks).astype(np.int64)
        dev = np.concatenate(devs).astype(np.int64)
        s_n = len(src)

        # 2. visitors: returning (same market, seen in the last 30 days) or new
        v = np.full(s_n, -1, dtype=np.int64)
        is_ret = rng.random(s_n) < self.src_ret[src]
        is_email = src == nc + 2
        # past customers come back (repeat orders) through e-mail, direct, organic, brand
        via_cust = is_email | (
            is_ret & np.isin(self.src_channel[src], REPEAT_CHANNELS) & (rng.random(s_n) < 0.35)
        )
        for mi in range(4):
            recent = np.flatnonzero((vis.market == mi) & (vis.last_day >= d - 30))
            custs = np.flatnonzero((vis.market == mi) & (vis.cust >= 0))
            for pool, sel in (
                (recent, is_ret & ~via_cust & (mk == mi)),
                (custs, via_cust & (mk == mi)),
            ):
                k = np.flatnonzero(sel)
                if len(pool) and len(k):
                    v[k] = pool[rng.integers(0, len(pool), len(k))]
        new = np.flatnonzero(v < 0)
        idx = vis.add(len(new))
        v[new] = idx
        a = vis.arrays
        a["pid"][idx] = rng.integers(100_000_000, 2_147_483_647, len(idx))
        a["market"][idx] = mk[new]
        a["device"][idx] = dev[new]
        a["cust"][idx] = -1
        a["consent"][idx] = rng.random(len(idx)) >= CONSENT_DENIED
        a["due"][idx] = -1
        a["first_ts"][idx] = epoch_seconds(day)  # refined below with the session time
        # returning visitors keep their device most of the time
        dev = np.where((is_ret | via_cust) & (rng.random(s_n) < 0.8), vis.device[v], dev)

        # 3. return-to-buy sessions of earlier triggers
        due = np.flatnonzero(vis.due == d)
        r_src = np.zeros(len(due), dtype=np.int64)
        r_ad = np.full(len(due), -1, dtype=np.int64)
        r_mk = vis.market[due].astype(np.int64)
        choice = rng.choice(4, size=len(due), p=[0.45, 0.25, 0.2, 0.1])
        for j, u in enumerate(due):
            c = int(choice[j])
            if c == 2 and len(self.brand_ads[r_mk[j]]):
                bad = self.brand_ads[r_mk[j]]
                aid = int(bad[rng.integers(len(bad))])
                r_ad[j] = aid
                r_src[j] = self.ads.ad_campaign[aid]
                # the brand click is real paid traffic: add it to the platform numbers
                cpc = self.ads.spend_eur[d, aid] / max(self.ads.clicks[d, aid], 1)
                self.ads.clicks[d, aid] += 1
                self.ads.impressions[d, aid] += 2
                self.ads.spend_eur[d, aid] = round(self.ads.spend_eur[d, aid] + cpc, 2)
            elif c == 3 and vis.cust[u] >= 0:
                r_src[j] = nc + 2
            else:
                r_src[j] = nc + (0 if c == 1 else 1)
        causal = np.full(s_n + len(due), -1, dtype=np.int64)
        causal[s_n:] = vis.due_src[due]
        src = np.concatenate([src, r_src])
        ad = np.concatenate([ad, r_ad])
        mk = np.concatenate([mk, r_mk])
        dev = np.concatenate([dev, vis.device[due].astype(np.int64)])
        v = np.concatenate([v, due])
        a["due"][due] = -1
        s_all = len(src)

        # 4. triggers on the ordinary sessions
        p = self.src_p[src[:s_n]] * self.convf[d]
        trig = (rng.random(s_n) < p) & (vis.due[v[:s_n]] < 0)
        ti = np.flatnonzero(trig)
        _, first = np.unique(v[ti], return_index=True)
        ti = ti[np.sort(first)]
        imm = rng.random(len(ti)) < IMMEDIATE_BUY
        causal[ti[imm]] = src[ti[imm]]
        later = ti[~imm]
        delay = 1 + np.minimum(rng.geometric(0.3, len(later)) - 1, 13)
        a["due"][v[later]] = np.minimum(d + delay, N_DAYS + 30)
        a["due_src"][v[later]] = src[later]
        buyer = causal >= 0

        # session times (local diurnal profile -> UTC)
        hour = rng.choice(24, size=s_all, p=HOURS)
        off = np.array([self.offsets[m][d] for m in MARKETS])[mk]
        t0 = (
            epoch_seconds(day)
            + hour * 3600
            + rng.integers(0, 3600, s_all)
            - (off * 3600).astype(np.int64)
        )
        a["first_ts"][v[np.isin(v, idx)]] = t0[np.isin(v, idx)]
        np.add.at(a["nsess"], v, 1)
        a["last_day"][v] = d
        # paid touches seen by the platforms (click-through windows)
        paid = np.flatnonzero(ad >= 0)
        plat = self.src_platform[src[paid]]
        a["touch_ad"][plat, v[paid]] = ad[paid]
        a["touch_day"][plat, v[paid]] = d
        np.add.at(self.sessions_n, src, 1)

        # 5. purchases -> orders
        purchases: dict[int, tuple[str, float, list[tuple[str, str, float, int]]]] = {}
        user_id = np.full(s_all, None, dtype=object)
        drift = (
            self.drift.ga4_over_shop
            if self.drift is not None and self.drift.start <= day <= self.drift.end
            else 1.0
        )
        landing = self._landing(src, ad, mk, d)
        for s in np.flatnonzero(buyer):
            u = int(v[s])
            market = MARKETS[int(mk[s])]
            ci = int(a["cust"][u])
            new_c = ci < 0
            if new_c:
                ci = self.cust.new(market, rng, u)
                a["cust"][u] = ci
                self._on_new_customer(ci, d, int(t0[s]))
            line = self.campaigns[src[s]].template.product_line if src[s] < nc else "ALL"
            items = self._pick_items(d, line)
            ls = landing[s].replace(SHOP_HOST, "") if landing[s] else "/"
            order = self.orders.create(
                ts=int(t0[s]) + 240 + int(rng.integers(0, 900)),
                cust=self.cust,
                ci=ci,
                market=market,
                items=items,
                discount=self._discount(d, new_c),
                landing_site=ls,
                source_name="web",
            )
            self.web_orders += 1
            total = float(order["total_price"])
            total_eur = self._eur(total, order["currency"], d)
            net_eur = self._net_eur(order, market, d)
            c = int(causal[s])
            self.trig_n[c] += 1
            self.trig_rev[c] += net_eur
            self.last_touch_n[src[s]] += 1
            cogs = self._book(day, order, net_eur, items, new_c)
            self.trig_rev_month[c, month_index(day)] += net_eur
            self.trig_cogs_month[c, month_index(day)] += cogs
            for pi, pname in enumerate(PLATFORMS):
                if a["touch_day"][pi, u] >= d - CLAIM_WINDOW_DAYS[pname]:
                    t_ad = a["touch_ad"][pi, u]
                    self.ads.credited[d, t_ad] += 1
                    self.ads.credited_value_eur[d, t_ad] += total_eur
            user_id[s] = str(self.cust.ids[ci])
            if rng.random() < GA4_TRACKED:
                rev = round(total * drift * rng.lognormal(0, 0.01), 2)
                its = [
                    (li["sku"], li["title"], float(li["price"]), int(li["quantity"]))
                    for li in order["line_items"]
                ]
                purchases[int(s)] = (order["name"], rev, its)
            self._order_tickets(order, ci, int(t0[s]))
        logged = (a["cust"][v] >= 0) & (rng.random(s_all) < 0.5) & (user_id == None)  # noqa: E711
        user_id[logged] = [str(self.cust.ids[int(a["cust"][u])]) for u in v[logged]]

        # 6. subscriptions, e-mail, sign-ups
        self._subscriptions(d)
        self.crm.signup(d, int(rng.poisson(3 * self.scale)))

        # 7. GA4 events
        self._ga4(d, src, ad, mk, dev, v, t0, buyer, purchases, user_id, landing)

    # ------------------------------------------------------------------ pieces
    def _landing(self, src: np.ndarray, ad: np.ndarray, mk: np.ndarray, d: int) -> np.ndarray:
        rng = self.rng
        nc = self.nc
        out = np.empty(len(src), dtype=object)
        paths = np.array(
            [
                "/",
                "/collections/skincare",
                "/collections/makeup",
                "/collections/body",
                "/collections/fragrance",
            ],
            dtype=object,
        )
        base = paths[rng.integers(0, 5, len(src))]
        self._gclid = np.full(len(src), None, dtype=object)
        for i in range(len(src)):
            s = int(src[i])
            if s < nc:
                c = self.campaigns[s]
                q = quote_plus(c.name)
                if c.platform == "google_ads":
                    g = f"Cj0KCQjw{rng.integers(0, 2**62):016x}"
                    self._gclid[i] = g
                    out[i] = (
                        f"{SHOP_HOST}{base[i]}?utm_source=google&utm_medium=cpc"
                        f"&utm_campaign={q}&utm_id={c.campaign_id}&gclid={g}"
                    )
                else:
                    srcname = {
                        "meta_ads": "facebook",
                        "tiktok_ads": "tiktok",
                        "linkedin_ads": "linkedin",
                    }[c.platform]
                    aid = c.ads[0].ad_id if ad[i] < 0 else self.ad_ids[int(ad[i])]
                    out[i] = (
                        f"{SHOP_HOST}{base[i]}?utm_source={srcname}&utm_medium=paid_social"
                        f"&utm_campaign={q}&utm_id={c.campaign_id}&utm_content={aid}"
                    )
            elif s == nc + 2:
                name = quote_plus(self.crm.campaign_for_click(d, int(mk[i])))
                out[i] = f"{SHOP_HOST}/?utm_source=klaviyo&utm_medium=email&utm_campaign={name}"
            else:
                out[i] = f"{SHOP_HOST}{base[i]}"
        return out

    def _ga4(
        self,
        d: int,
        src: np.ndarray,
        ad: np.ndarray,
        mk: np.ndarray,
        dev: np.ndarray,
        v: np.ndarray,
        t0: np.ndarray,
        buyer: np.ndarray,
        purchases: dict[int, tuple[str, float, list[tuple[str, str, float, int]]]],
        user_id: np.ndarray,
        landing: np.ndarray,
    ) -> None:
        rng = self.rng
        nc = self.nc
        a = self.vis.arrays
        s_all = len(src)
        pseudo = np.array(
            [f"{p}.{f}" for p, f in zip(a["pid"][v], a["first_ts"][v], strict=True)], dtype=object
        )
        pseudo[~a["consent"][v]] = None
        traffic = {f: np.full(s_all, None, dtype=object) for f in ga4.TRAFFIC_FIELDS}
        source = np.full(s_all, None, dtype=object)
        medium = np.full(s_all, None, dtype=object)
        referrer = np.full(s_all, None, dtype=object)
        for i in range(s_all):
            s = int(src[i])
            if s < nc:
                c = self.campaigns[s]
                sname = {
                    "google_ads": "google",
                    "meta_ads": "facebook",
                    "tiktok_ads": "tiktok",
                    "linkedin_ads": "linkedin",
                }[c.platform]
                med = "cpc" if c.platform == "google_ads" else "paid_social"
                traffic["manual_source"][i] = sname
                traffic["manual_medium"][i] = med
                traffic["manual_campaign_name"][i] = c.name
                traffic["manual_campaign_id"][i] = c.campaign_id
                if c.platform != "google_ads":
                    traffic["manual_content"][i] = landing[i].rsplit("utm_content=", 1)[-1]
                traffic["gclid"][i] = self._gclid[i]
                source[i], medium[i] = sname, med
            elif s == nc + 2:
                traffic["manual_source"][i] = "klaviyo"
                traffic["manual_medium"][i] = "email"
                name = landing[i].rsplit("utm_campaign=", 1)[-1].replace("+", " ")
                traffic["manual_campaign_name"][i] = name
                source[i], medium[i] = "klaviyo", "email"
            elif s == nc + 0:
                source[i], medium[i] = "google", "organic"
                referrer[i] = "https://www.google.com/"
            elif s == nc + 3:
                referrer[i] = _REFERRERS[int(rng.integers(len(_REFERRERS)))]
                source[i], medium[i] = referrer[i].split("/")[2], "referral"
            elif s == nc + 4:
                referrer[i] = _SOCIAL[int(rng.integers(len(_SOCIAL)))]
                source[i], medium[i] = referrer[i].split("/")[2], "referral"
        country = np.array([COUNTRY_NAME[m] for m in MARKETS], dtype=object)[mk]
        devices = np.array(DEVICES, dtype=object)[dev]
        currency = np.array([MARKET_CURRENCY[m] for m in MARKETS], dtype=object)[mk]
        batch = ga4.SessionBatch(
            t0=t0,
            pseudo=pseudo,
            user_id=user_id,
            sess_num=a["nsess"][v].astype(np.int64),
            country=country,
            device=devices,
            traffic=traffic,
            source=source,
            medium=medium,
            referrer=referrer,
            landing=landing,
            currency=currency,
            product=rng.integers(0, len(self.catalog), s_all),
            purchases=purchases,
            buyer=buyer,
        )
        ts_us, t0_ev, table = ga4.build_events(batch, self.catalog, self.prices, rng)
        # keep each session's events together (as the export does): compresses far better
        order = np.lexsort((ts_us, t0_ev))
        ts_us = ts_us[order]
        table = table.take(pa.array(order))
        off = int(self.paris_off[d] * 3600)
        ev_day = (ts_us // 1_000_000 + off) // 86_400
        today = (DAYS[d] - dt.date(1970, 1, 1)).days
        self.ga4_purchases += len(purchases)
        parts = [] if self.carry is None else [self.carry]
        parts.append(table.filter(pa.array(ev_day <= today)))
        nxt = table.filter(pa.array(ev_day > today))
        self.carry = nxt if d + 1 < N_DAYS else None  # events after the period are dropped
        t = pa.concat_tables(parts)
        t = t.set_column(
            0, "event_date", pa.array([f"{DAYS[d]:%Y%m%d}"] * t.num_rows, type=pa.string())
        )
        delay = GA4_LATE_FILE[1] if DAYS[d] == GA4_LATE_FILE[0] else 0
        fname = extract_name("events", daily_extract_ts(DAYS[d], delay), "parquet")
        write_parquet(self.out / "ga4" / "events" / fname, t)
        self.truth.file("ga4", "events", t.num_rows)
        self.ga4_events += t.num_rows

    def _book(
        self,
        day: dt.date,
        order: dict[str, Any],
        net_eur: float,
        items: list[tuple[Product, int]],
        new_c: bool,
    ) -> float:
        d = (day - DAYS[0]).days
        cogs = sum(self._eur(p.cost_on(day), "EUR", d) * q for p, q in items)
        self._acc(day, "net_revenue", net_eur)
        self._acc(day, "cogs", cogs)
        self._acc(day, "orders", 1)
        self._acc(day, "new_customers", 1 if new_c else 0)
        return cogs

    def _on_new_customer(self, ci: int, d: int, ts: int) -> None:
        c = self.cust
        if c.accepts_marketing[ci]:
            self.crm.add_profile(
                c.emails[ci],
                MARKETS.index(c.market[ci]),
                ts,
                "subscribed",
                c.first[ci],
                c.last[ci],
                c.phone[ci],
                c.ids[ci],
            )

    def _order_tickets(
        self, order: dict[str, Any], ci: int, ts: int, issue_prone: bool = False
    ) -> None:
        rng = self.crm.rng
        u = rng.random()
        p_issue = 0.4 if issue_prone else 0.045
        cat = None
        if u < p_issue:
            cat = "delivery" if rng.random() < 0.55 else "product_issue"
        elif u < p_issue + 0.012:
            cat = str(rng.choice(["billing", "other", "subscription"]))
        if cat is None:
            return
        t = ts + int(rng.integers(2, 9)) * 86_400 + int(rng.integers(0, 40_000))
        name = f"{self.cust.first[ci]} {self.cust.last[ci]}"
        self.crm.ticket(t, self.cust.emails[ci], name, cat, order["name"], ci, self.end_ts)

    def _subscriptions(self, d: int) -> None:
        subs = self.subs
        rng = subs.rng
        day = DAYS[d]
        c = self.cust
        n_new = rng.poisson(1.0 * self.scale * (1 + 0.5 * (day.month in (11, 12, 1))))
        if d == 0:
            n_new += int(MIGRATED_CONTRACTS * self.scale)  # moved over from the old platform
        for _ in range(n_new):
            market = MARKETS[int(rng.choice(4, p=MARKET_MIX))]
            if rng.random() < 0.5 and c.ids:
                ci = int(rng.integers(len(c.ids)))
                market = c.market[ci]
            else:
                ci = c.new(market, rng)
                self._on_new_customer(ci, d, epoch_seconds(day) + 36_000)
            ts = epoch_seconds(day) + int(rng.integers(6 * 3600, 22 * 3600))
            s = subs.create(d, ci, market, self.catalog, ts)
            subs.event(s, "subscription_created", ts, c.emails, c.ids)
            self.schedule.setdefault(d, []).append(s)
        for s in self.schedule.pop(d, []):
            if s.status == "paused" and s.resume_day == d:
                s.status = "active"
                s.next_day = d
                subs.event(s, "subscription_resumed", epoch_seconds(day) + 3600, c.emails, c.ids)
            if s.status != "active" or s.next_day != d:
                continue
            ts = epoch_seconds(day) + 5 * 3600 + int(rng.integers(0, 3600))
            if s.fails == 0:  # renewal decision, before charging
                driver = subs.driver_on(self.crm.ticket_days.get(s.ci, []), d)
                h = BASE_CHURN_PER_INTERVAL * s.interval * (self.churn_multiplier if driver else 1)
                subs.stats["renewals_with_driver" if driver else "renewals_without_driver"] += 1
                if s.charges > 0 and rng.random() < h:
                    s.status = "cancelled"
                    subs.stats["cancelled"] += 1
                    subs.stats["churn_with_driver" if driver else "churn_without_driver"] += 1
                    reason = (
                        "product_issue"
                        if driver and rng.random() < 0.6
                        else str(rng.choice(["too_much_product", "price", "other", "moving"]))
                    )
                    subs.event(s, "subscription_cancelled", ts, c.emails, c.ids, reason)
                    continue
                u = rng.random()
                if u < 0.03:
                    s.status = "paused"
                    s.resume_day = d + 30 * s.interval
                    self.schedule.setdefault(s.resume_day, []).append(s)
                    subs.event(s, "subscription_paused", ts, c.emails, c.ids)
                    continue
                if u < 0.06:
                    s.qty = s.qty + 1 if s.qty == 1 or rng.random() < 0.4 else s.qty - 1
                    if rng.random() < 0.3:
                        s.interval = 3 - s.interval
                    subs.event(s, "subscription_plan_changed", ts - 600, c.emails, c.ids)
            if rng.random() < FAIL_P * (1 + s.fails):
                s.fails += 1
                subs.stats["charges_failed"] += 1
                subs.event(s, "charge_failed", ts, c.emails, c.ids)
                if s.fails >= 3:
                    s.status = "cancelled"
                    subs.stats["cancelled"] += 1
                    subs.event(
                        s, "subscription_cancelled", ts + 60, c.emails, c.ids, "payment_failed"
                    )
                else:
                    s.next_day = d + 3
                    self.schedule.setdefault(s.next_day, []).append(s)
                continue
            s.fails = 0
            order = self.orders.create(
                ts=ts + 5,
                cust=c,
                ci=s.ci,
                market=s.market,
                items=[(s.product, s.qty)],
                discount=None,
                landing_site=None,
                source_name="subscription_contract",
                unit_factor=0.9,
            )
            subs.stats["charges_succeeded"] += 1
            subs.event(s, "charge_succeeded", ts, c.emails, c.ids, order_id=order["id"])
            self._book(day, order, self._net_eur(order, s.market, d), [(s.product, s.qty)], False)
            self._order_tickets(order, s.ci, ts, s.issue_prone)
            s.charges += 1
            s.next_day = d + 30 * s.interval
            self.schedule.setdefault(s.next_day, []).append(s)
        if day.day == 1 or d == N_DAYS - 1:
            mrr = sum(
                float(subs.amount(s)) / self.fx[MARKET_CURRENCY[s.market]][d] / s.interval
                for s in subs.subs
                if s.status in ("active",)
            )
            self.month.setdefault(f"{day:%Y-%m}", {})["mrr"] = mrr

    def prune(self, d: int) -> None:
        """Forget anonymous visitors unseen for 45 days (bounded memory at large scale)."""
        vis = self.vis
        keep = np.flatnonzero((vis.cust >= 0) | (vis.last_day >= d - 45) | (vis.due >= d))
        remap = vis.compact(keep)
        for i, u in enumerate(self.cust.visitor):
            if u >= 0:
                self.cust.visitor[i] = int(remap[u]) if u < len(remap) else -1
