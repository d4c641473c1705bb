"""The shared business model: calendar, markets, catalog, ad accounts and campaigns.

Everything here is a pure function of (scale, seed) so that every source module sees
the same world.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

import numpy as np

START = dt.date(2025, 10, 1)
END = dt.date(2026, 10, 31)
DAYS: list[dt.date] = [START + dt.timedelta(days=i) for i in range((END - START).days + 1)]
N_DAYS = len(DAYS)
MONTHS: list[str] = sorted({f"{d:%Y-%m}" for d in DAYS})
N_MONTHS = len(MONTHS)
PROPERTY_TZ = "Europe/Paris"

MARKETS = ("FR", "DE", "GB", "US")
MARKET_MIX = np.array([0.40, 0.27, 0.18, 0.15])
MARKET_CURRENCY = {"FR": "EUR", "DE": "EUR", "GB": "GBP", "US": "USD"}
MARKET_TZ = {
    "FR": "Europe/Paris",
    "DE": "Europe/Berlin",
    "GB": "Europe/London",
    "US": "America/New_York",
}
# EU/GB shop prices include VAT, US prices exclude sales tax (added at checkout).
MARKET_TAX = {"FR": 0.20, "DE": 0.19, "GB": 0.20, "US": 0.0725}
TAX_INCLUSIVE = {"FR": True, "DE": True, "GB": True, "US": False}
ISO3 = {"FR": "fra", "DE": "deu", "GB": "gbr", "US": "usa"}
COUNTRY_NAME = {"FR": "France", "DE": "Germany", "GB": "United Kingdom", "US": "United States"}
DEVICES = ("mobile", "desktop", "tablet")
DEVICE_MIX = np.array([0.66, 0.30, 0.04])
PRODUCT_LINES = ("SKINCARE", "MAKEUP", "BODY", "FRAGRANCE")
SHOP_HOST = "https://www.growthledger-cosmetics.com"

# Closed naming vocabulary: <MARKET>_<CHANNEL>_<FUNNEL>_<PRODUCTLINE>_<free text>
TAXONOMY = {
    "market": list(MARKETS),
    "channel": ["SEARCH", "SHOPPING", "PMAX", "PROSPECTING", "RETARGETING"],
    "funnel": ["TOFU", "MOFU", "BOFU"],
    "product_line": [*PRODUCT_LINES, "ALL"],
}

# Channels used for the attribution truth. Paid ones aggregate campaigns.
CHANNELS = (
    "paid_search_brand",
    "paid_search_generic",
    "paid_shopping",
    "paid_social_meta",
    "paid_social_tiktok",
    "paid_social_linkedin",
    "organic_search",
    "direct",
    "email",
    "referral",
    "organic_social",
)
CH = {c: i for i, c in enumerate(CHANNELS)}
# Per-session purchase-trigger probability of the unpaid channels (paid: per campaign).
UNPAID_P = {
    "organic_search": 0.040,
    "direct": 0.055,
    "email": 0.045,
    "referral": 0.030,
    "organic_social": 0.010,
}
# Probability that a session of the channel belongs to an already seen visitor.
RETURNING_P = {
    "paid_search_brand": 0.45,
    "paid_search_generic": 0.15,
    "paid_shopping": 0.2,
    "paid_social_meta": 0.12,
    "paid_social_tiktok": 0.08,
    "paid_social_linkedin": 0.1,
    "organic_search": 0.3,
    "direct": 0.65,
    "email": 0.9,
    "referral": 0.2,
    "organic_social": 0.2,
}
# Demo-scale sessions/day of unpaid channels (email comes from email clicks).
UNPAID_SESSIONS = {"direct": 46.0, "referral": 12.0, "organic_social": 14.0}


@dataclass(frozen=True)
class Account:
    key: str
    platform: str
    account_id: str
    name: str
    currency: str
    tz: str


ACCOUNTS: dict[str, Account] = {
    a.key: a
    for a in (
        Account("google_eur", "google_ads", "4815162342", "GL Cosmetics EU", "EUR", "Europe/Paris"),
        Account(
            "google_gbp", "google_ads", "5550123456", "GL Cosmetics UK", "GBP", "Europe/London"
        ),
        Account(
            "google_usd", "google_ads", "7031234567", "GL Cosmetics US", "USD", "America/New_York"
        ),
        Account(
            "meta_eur", "meta_ads", "102938475610293", "GL Cosmetics EU", "EUR", "Europe/Paris"
        ),
        Account(
            "meta_usd", "meta_ads", "564738291056473", "GL Cosmetics US", "USD", "America/New_York"
        ),
        Account(
            "tiktok_eur",
            "tiktok_ads",
            "7212345678901234567",
            "GL Cosmetics EU",
            "EUR",
            "Europe/Paris",
        ),
        Account(
            "linkedin_eur",
            "linkedin_ads",
            "508123456",
            "GL Cosmetics Corporate",
            "EUR",
            "Europe/Paris",
        ),
    )
}
PLATFORMS = ("google_ads", "meta_ads", "tiktok_ads", "linkedin_ads")


@dataclass(frozen=True)
class CampaignTemplate:
    name: str
    account: str
    channel_type: str  # Google advertising_channel_type or the social objective
    channel: str  # truth channel
    market: str
    product_line: str
    budget_eur: float  # demo-scale average daily budget
    cpc_eur: float  # demo-scale CPC at the average budget
    ctr: float
    elasticity: float  # clicks = k * spend ** elasticity
    p_trigger: float  # true per-session purchase-trigger probability
    start: dt.date = START
    end: dt.date = END


D = dt.date
TEMPLATES: tuple[CampaignTemplate, ...] = (
    CampaignTemplate(
        "FR_SEARCH_BOFU_ALL_Brand",
        "google_eur",
        "SEARCH",
        "paid_search_brand",
        "FR",
        "ALL",
        18,
        0.50,
        0.12,
        0.85,
        0.085,
    ),
    CampaignTemplate(
        "DE_SEARCH_BOFU_ALL_Brand",
        "google_eur",
        "SEARCH",
        "paid_search_brand",
        "DE",
        "ALL",
        10,
        0.55,
        0.11,
        0.85,
        0.085,
    ),
    CampaignTemplate(
        "GB_SEARCH_BOFU_ALL_Brand",
        "google_gbp",
        "SEARCH",
        "paid_search_brand",
        "GB",
        "ALL",
        8,
        0.60,
        0.10,
        0.85,
        0.08,
    ),
    CampaignTemplate(
        "FR_SEARCH_MOFU_SKINCARE_Generic",
        "google_eur",
        "SEARCH",
        "paid_search_generic",
        "FR",
        "SKINCARE",
        25,
        1.40,
        0.05,
        0.8,
        0.03,
    ),
    CampaignTemplate(
        "US_SEARCH_MOFU_SKINCARE_Generic",
        "google_usd",
        "SEARCH",
        "paid_search_generic",
        "US",
        "SKINCARE",
        20,
        1.80,
        0.045,
        0.8,
        0.028,
    ),
    CampaignTemplate(
        "FR_SHOPPING_BOFU_ALL_Catalog",
        "google_eur",
        "SHOPPING",
        "paid_shopping",
        "FR",
        "ALL",
        22,
        0.80,
        0.012,
        0.8,
        0.035,
    ),
    CampaignTemplate(
        "GB_SHOPPING_BOFU_ALL_Catalog",
        "google_gbp",
        "SHOPPING",
        "paid_shopping",
        "GB",
        "ALL",
        12,
        0.80,
        0.012,
        0.8,
        0.033,
    ),
    CampaignTemplate(
        "DE_PMAX_MOFU_MAKEUP_Feed",
        "google_eur",
        "PERFORMANCE_MAX",
        "paid_shopping",
        "DE",
        "MAKEUP",
        18,
        0.80,
        0.008,
        0.75,
        0.026,
    ),
    CampaignTemplate(
        "US_PMAX_TOFU_ALL_Feed",
        "google_usd",
        "PERFORMANCE_MAX",
        "paid_shopping",
        "US",
        "ALL",
        15,
        0.85,
        0.008,
        0.75,
        0.022,
    ),
    CampaignTemplate(
        "FR_PROSPECTING_TOFU_MAKEUP_UGC",
        "meta_eur",
        "OUTCOME_SALES",
        "paid_social_meta",
        "FR",
        "MAKEUP",
        25,
        1.00,
        0.011,
        0.72,
        0.014,
    ),
    CampaignTemplate(
        "DE_PROSPECTING_TOFU_SKINCARE_Video",
        "meta_eur",
        "OUTCOME_SALES",
        "paid_social_meta",
        "DE",
        "SKINCARE",
        18,
        1.00,
        0.010,
        0.72,
        0.013,
    ),
    CampaignTemplate(
        "FR_RETARGETING_BOFU_ALL_DPA",
        "meta_eur",
        "OUTCOME_SALES",
        "paid_social_meta",
        "FR",
        "ALL",
        12,
        1.00,
        0.014,
        0.7,
        0.03,
    ),
    # The planted wasteful campaign: real spend and clicks, near-zero true effect.
    CampaignTemplate(
        "GB_PROSPECTING_TOFU_FRAGRANCE_Creators",
        "meta_eur",
        "OUTCOME_SALES",
        "paid_social_meta",
        "GB",
        "FRAGRANCE",
        15,
        0.70,
        0.013,
        0.75,
        0.0004,
    ),
    CampaignTemplate(
        "US_PROSPECTING_TOFU_SKINCARE_UGC",
        "meta_usd",
        "OUTCOME_SALES",
        "paid_social_meta",
        "US",
        "SKINCARE",
        18,
        1.10,
        0.010,
        0.72,
        0.012,
    ),
    CampaignTemplate(
        "FR_PROSPECTING_TOFU_MAKEUP_Spark",
        "tiktok_eur",
        "CONVERSIONS",
        "paid_social_tiktok",
        "FR",
        "MAKEUP",
        15,
        0.60,
        0.007,
        0.75,
        0.008,
    ),
    CampaignTemplate(
        "DE_PROSPECTING_TOFU_BODY_Spark",
        "tiktok_eur",
        "CONVERSIONS",
        "paid_social_tiktok",
        "DE",
        "BODY",
        8,
        0.60,
        0.007,
        0.75,
        0.007,
    ),
    CampaignTemplate(
        "FR_PROSPECTING_TOFU_ALL_CorporateGifting",
        "linkedin_eur",
        "WEBSITE_CONVERSION",
        "paid_social_linkedin",
        "FR",
        "ALL",
        6,
        4.0,
        0.005,
        0.8,
        0.006,
    ),
    # Campaigns that break the naming convention (unmapped downstream).
    CampaignTemplate(
        "Black Friday test 2025",
        "meta_eur",
        "OUTCOME_SALES",
        "paid_social_meta",
        "FR",
        "ALL",
        40,
        0.90,
        0.012,
        0.75,
        0.02,
        D(2025, 11, 14),
        D(2025, 12, 1),
    ),
    CampaignTemplate(
        "search_test_de_new",
        "google_eur",
        "SEARCH",
        "paid_search_generic",
        "DE",
        "ALL",
        8,
        1.30,
        0.04,
        0.8,
        0.02,
        D(2026, 3, 1),
        D(2026, 5, 31),
    ),
    CampaignTemplate(
        "Brand Awareness - Spring Drop",
        "tiktok_eur",
        "REACH",
        "paid_social_tiktok",
        "FR",
        "ALL",
        12,
        0.50,
        0.006,
        0.75,
        0.005,
        D(2026, 3, 15),
        D(2026, 4, 30),
    ),
)
WASTED_CAMPAIGN = "GB_PROSPECTING_TOFU_FRAGRANCE_Creators"
CPC_SURGE_CAMPAIGN = "FR_SEARCH_MOFU_SKINCARE_Generic"
CPC_SURGE = (D(2026, 2, 9), D(2026, 2, 22), 1.6)  # first day, last day, CPC multiplier
META_TRACKING_BREAK = (D(2026, 6, 10), D(2026, 6, 14))
GA4_REVENUE_DRIFT = (D(2026, 8, 3), D(2026, 8, 23), 0.93)  # GA4 reports 7% less revenue
BLACK_FRIDAY = D(2025, 11, 28)
# Platform over-claim: reported conversions = factor x orders the platform touched.
CLAIM_FACTOR = {"google_ads": 1.2, "meta_ads": 1.7, "tiktok_ads": 1.4, "linkedin_ads": 1.3}
CLAIM_WINDOW_DAYS = {"google_ads": 30, "meta_ads": 7, "tiktok_ads": 7, "linkedin_ads": 30}


@dataclass
class Ad:
    idx: int
    ad_id: str
    ad_name: str
    adgroup_id: str
    adgroup_name: str
    campaign_idx: int


@dataclass
class Campaign:
    idx: int
    campaign_id: str
    name: str
    template: CampaignTemplate
    account: Account
    budget_eur: float
    cpc_eur: float
    ads: list[Ad] = field(default_factory=list)

    @property
    def platform(self) -> str:
        return self.account.platform


@dataclass
class Product:
    sku: str
    product_id: int
    title: str
    product_line: str
    list_price_eur: float
    launched_on: dt.date
    costs: list[tuple[dt.date, float]]  # (valid_from, unit cost EUR)
    subscribable: bool

    def price(self, market: str) -> float:
        """Local shelf price: EU/GB tax-inclusive, US tax-exclusive."""
        if market == "GB":
            return round(np.floor(self.list_price_eur * 0.88) + 0.99 - 1, 2)
        if market == "US":
            return round(np.floor(self.list_price_eur * 1.0) + 0.99 - 1, 2)
        return self.list_price_eur

    def cost_on(self, day: dt.date) -> float:
        cost = self.costs[0][1]
        for valid_from, c in self.costs:
            if valid_from <= day:
                cost = c
        return cost


_WORDS = {
    "SKINCARE": (
        ["Hydra", "Pure", "Velvet", "Dew", "Calm", "Bright", "Repair"],
        [
            "Serum 30ml",
            "Day Cream 50ml",
            "Cleanser 150ml",
            "Eye Gel 15ml",
            "Toner 200ml",
            "Night Mask 75ml",
        ],
    ),
    "MAKEUP": (
        ["Soft", "Bold", "Nude", "Glow", "Matte", "Silk"],
        ["Lipstick", "Mascara", "Foundation 30ml", "Blush", "Brow Pencil", "Concealer"],
    ),
    "BODY": (
        ["Shea", "Citrus", "Oat", "Sea Salt"],
        ["Body Lotion 250ml", "Shower Gel 300ml", "Hand Cream 75ml", "Body Scrub 200ml"],
    ),
    "FRAGRANCE": (
        ["Nuit", "Jardin", "Ambre", "Fleur", "Bois", "Vetiver"],
        ["Eau de Parfum 50ml", "Eau de Toilette 100ml"],
    ),
}
_LINE_COUNTS = {"SKINCARE": 14, "MAKEUP": 12, "BODY": 8, "FRAGRANCE": 6}
_PRICE_RANGE = {"SKINCARE": (24, 65), "MAKEUP": (14, 39), "BODY": (12, 29), "FRAGRANCE": (45, 95)}
COST_INCREASE = ("MAKEUP", D(2026, 4, 1), 1.12)  # product line, date, multiplier


def build_catalog(
    rng: np.random.Generator,
    rise: tuple[str, dt.date, float] | None = COST_INCREASE,
) -> list[Product]:
    """The catalog; rise = (product line, first day, multiplier) of the planted cost rise."""
    products: list[Product] = []
    n = 0
    for line in PRODUCT_LINES:
        adjs, nouns = _WORDS[line]
        lo, hi = _PRICE_RANGE[line]
        for j in range(_LINE_COUNTS[line]):
            n += 1
            title = f"{adjs[j % len(adjs)]} {nouns[(j * 5 + j // len(adjs)) % len(nouns)]}"
            price = float(np.floor(rng.uniform(lo, hi))) + 0.9
            cost = round(price / 1.2 * rng.uniform(0.22, 0.34), 2)
            costs = [(START - dt.timedelta(days=365), cost)]
            if rise is not None and line == rise[0]:
                costs.append((rise[1], round(cost * rise[2], 2)))
            if j % 4 == 3:  # some SKUs get a small supplier change mid-year
                costs.append((D(2026, 7, 1), round(costs[-1][1] * 1.04, 2)))
            launched = START - dt.timedelta(days=int(rng.integers(200, 900)))
            if j == _LINE_COUNTS[line] - 1:  # the newest SKU of each line launches mid-period
                launched = D(2026, 3, 2) + dt.timedelta(days=7 * PRODUCT_LINES.index(line))
            products.append(
                Product(
                    sku=f"{line[:2]}-{n:03d}",
                    product_id=8_100_000_000_000 + n * 1_013,
                    title=title,
                    product_line=line,
                    list_price_eur=round(price, 2),
                    launched_on=launched,
                    costs=costs,
                    subscribable=line in ("SKINCARE", "BODY") and j % 2 == 0,
                )
            )
    return products


def build_campaigns(
    scale: float, p_trigger: Callable[[str, float], float] | None = None
) -> list[Campaign]:
    """Campaign count grows with sqrt(scale), ad groups and ads per campaign with log(scale).

    p_trigger(template name, default) overrides a template's true trigger probability
    (the scenario's wasted campaign, growth_ledger.generate.scenario).
    """
    reps = max(1, round(scale**0.5))
    n_groups = 2 + max(0, round(np.log10(max(scale, 1.0)) * 2))
    n_ads = 2 + max(0, round(np.log10(max(scale, 1.0)) * 2))
    campaigns: list[Campaign] = []
    ad_idx = 0
    for r in range(reps):
        for t in TEMPLATES:
            if r > 0 and not t.name.startswith(MARKETS):
                continue  # keep the planted unmapped campaigns unique
            if p_trigger is not None and p_trigger(t.name, t.p_trigger) != t.p_trigger:
                t = replace(t, p_trigger=p_trigger(t.name, t.p_trigger))
            name = t.name if r == 0 else f"{t.name}{r + 1}"
            acct = ACCOUNTS[t.account]
            ci = len(campaigns)
            cid = _platform_id(acct.platform, 1000 + ci, "c")
            # Total spend is linear in scale; the replicates of a template share it.
            budget = t.budget_eur * scale / reps
            # CPC rises slowly with budget (auction depth), keeping clicks ~ spend^b.
            cpc = t.cpc_eur * (budget / t.budget_eur) ** (1 - t.elasticity)
            camp = Campaign(ci, cid, name, t, acct, budget, cpc)
            for g in range(n_groups):
                gid = _platform_id(acct.platform, 100_000 + ci * 50 + g, "g")
                gname = f"{t.product_line.title()} - {_GROUP_WORDS[g % 8]} {g + 1}"
                for a in range(n_ads):
                    aid = _platform_id(acct.platform, 10_000_000 + ad_idx, "a")
                    camp.ads.append(Ad(ad_idx, aid, f"{gname} / Creative {a + 1}", gid, gname, ci))
                    ad_idx += 1
            campaigns.append(camp)
    return campaigns


_GROUP_WORDS = ("Core", "Hero", "Lookalike", "Broad", "Exact", "Phrase", "Interest", "Remarketing")


def _platform_id(platform: str, n: int, kind: str) -> str:
    base = {
        "google_ads": {"c": 20_000_000_000, "g": 150_000_000_000, "a": 680_000_000_000},
        "meta_ads": {
            "c": 120_210_000_000_000_000,
            "g": 120_220_000_000_000_000,
            "a": 120_230_000_000_000_000,
        },
        "tiktok_ads": {
            "c": 1_780_000_000_000_000_000,
            "g": 1_781_000_000_000_000_000,
            "a": 1_782_000_000_000_000_000,
        },
        "linkedin_ads": {"c": 300_000_000, "g": 700_000_000, "a": 900_000_000},
    }[platform][kind]
    return str(base + n * 7)


def month_index(day: dt.date) -> int:
    """Index of the day's calendar month in MONTHS (days after END count in the last)."""
    return min((day.year - START.year) * 12 + day.month - START.month, N_MONTHS - 1)


def day_index(day: dt.date) -> int:
    return (day - START).days


def weekday_factor(days: list[dt.date]) -> np.ndarray:
    w = np.array([1.05, 1.05, 1.0, 1.0, 0.95, 0.9, 0.97])
    return w[[d.weekday() for d in days]]


def season_factor(days: list[dt.date]) -> np.ndarray:
    """Demand seasonality: Q4 peak around Black Friday and before Christmas, soft summer."""
    out = np.ones(len(days))
    for i, d in enumerate(days):
        f = {1: 0.85, 2: 0.9, 6: 0.93, 7: 0.9, 8: 0.88, 10: 1.0 if d.year == 2025 else 1.06}.get(
            d.month, 1.0
        )
        if d.month == 11:
            f = 1.1
        if d.month == 12:
            f = 1.3 if d.day <= 20 else 0.9
        dist = (d - BLACK_FRIDAY).days
        if -4 <= dist <= 3:  # Black Friday to Cyber Monday
            f = 2.0 - 0.15 * abs(dist)
        out[i] = f
    return out


def conversion_factor(days: list[dt.date]) -> np.ndarray:
    """Promotional periods lift the per-session purchase probability of every channel."""
    out = np.ones(len(days))
    for i, d in enumerate(days):
        dist = (d - BLACK_FRIDAY).days
        if -4 <= dist <= 3:
            out[i] = 1.5
        elif d.month == 12 and d.day <= 20:
            out[i] = 1.2
    return out


def utc_offset_hours(tz: str) -> np.ndarray:
    """UTC offset of a zone at local noon for every simulated day."""
    z = ZoneInfo(tz)
    return np.array(
        [
            dt.datetime(d.year, d.month, d.day, 12, tzinfo=z).utcoffset().total_seconds() / 3600
            for d in DAYS
        ]
    )


def epoch_seconds(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days * 86_400
