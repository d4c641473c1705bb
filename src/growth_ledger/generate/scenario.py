"""Planted events of a generated world: which, when, where and how large.

`DEMO` is the demo's fixed events (the world.py constants), so `generate()` without a
scenario writes exactly what it always wrote. `draw(seed, variant)` draws the events for
the evaluation harness (growth-ledger evaluate) from their own random stream, apart from
the world's: variant "random" draws every event's date, size and channel; "quiet" plants
none (no tracking break, CPC surge, GA4 drift, product cost rise, wasted campaign or churn
driver; the data defects of mess.py, late files and restatements stay).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .subscriptions import CHURN_MULTIPLIER
from .world import (
    COST_INCREASE,
    CPC_SURGE,
    CPC_SURGE_CAMPAIGN,
    GA4_REVENUE_DRIFT,
    META_TRACKING_BREAK,
    PRODUCT_LINES,
    TEMPLATES,
    WASTED_CAMPAIGN,
)

VARIANTS = ("random", "quiet")
# The wasted campaign's true per-session trigger probability (near zero effect), and the
# ordinary prospecting probability the demo's wasted template gets when another one is wasted.
WASTED_P_TRIGGER = 0.0004
ORDINARY_PROSPECTING_P_TRIGGER = 0.012
# Platforms a random tracking break may hit: LinkedIn reports ~0.1 conversions a day, so
# a run of zeros there is no evidence of anything and no detector could be asked to see it.
BREAKABLE_PLATFORMS = ("meta_ads", "google_ads", "tiktok_ads")
_PLATFORM_OF_ACCOUNT = {"google": "google_ads", "meta": "meta_ads", "tiktok": "tiktok_ads"}


@dataclass(frozen=True)
class TrackingBreak:
    platform: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class CpcSurge:
    campaign: str  # template name (replicates share its prefix)
    start: dt.date
    end: dt.date
    multiplier: float


@dataclass(frozen=True)
class RevenueDrift:
    start: dt.date
    end: dt.date
    ga4_over_shop: float


@dataclass(frozen=True)
class CostIncrease:
    product_line: str
    start: dt.date
    multiplier: float


@dataclass(frozen=True)
class Scenario:
    name: str
    tracking_break: TrackingBreak | None
    cpc_surge: CpcSurge | None
    ga4_drift: RevenueDrift | None
    cost_increase: CostIncrease | None
    wasted_campaign: str | None
    # Hazard multiplier of a renewal with >= 2 issue tickets in 60 days (1.0: no driver).
    churn_multiplier: float = CHURN_MULTIPLIER

    def p_trigger(self, template_name: str, default: float) -> float:
        """The template's true trigger probability in this scenario."""
        if template_name == self.wasted_campaign:
            return WASTED_P_TRIGGER
        if template_name == WASTED_CAMPAIGN:
            return ORDINARY_PROSPECTING_P_TRIGGER
        return default

    def describe(self) -> dict[str, object]:
        def dates(event: object) -> dict[str, object]:
            return {
                key: value.isoformat() if isinstance(value, dt.date) else value
                for key, value in vars(event).items()
            }

        return {
            "name": self.name,
            "tracking_break": dates(self.tracking_break) if self.tracking_break else None,
            "cpc_surge": dates(self.cpc_surge) if self.cpc_surge else None,
            "ga4_drift": dates(self.ga4_drift) if self.ga4_drift else None,
            "cost_increase": dates(self.cost_increase) if self.cost_increase else None,
            "wasted_campaign": self.wasted_campaign,
            "churn_multiplier": self.churn_multiplier,
        }


DEMO = Scenario(
    name="demo",
    tracking_break=TrackingBreak("meta_ads", *META_TRACKING_BREAK),
    cpc_surge=CpcSurge(CPC_SURGE_CAMPAIGN, *CPC_SURGE),
    ga4_drift=RevenueDrift(*GA4_REVENUE_DRIFT),
    cost_increase=CostIncrease(*COST_INCREASE),
    wasted_campaign=WASTED_CAMPAIGN,
)
QUIET = Scenario("quiet", None, None, None, None, None, churn_multiplier=1.0)

# Campaigns a random event may hit: named by the convention and live the whole period.
_WHOLE_PERIOD = [t for t in TEMPLATES if t.name.count("_") >= 4 and t.start == TEMPLATES[0].start]
SURGE_CANDIDATES = tuple(t.name for t in _WHOLE_PERIOD if t.account.startswith("google"))
WASTE_CANDIDATES = tuple(
    t.name
    for t in _WHOLE_PERIOD
    if "_PROSPECTING_" in t.name and _PLATFORM_OF_ACCOUNT.get(t.account.split("_")[0])
)


def _day(rng: np.random.Generator, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def draw(seed: int, variant: str) -> Scenario:
    """The planted events of (seed, variant); a stream of its own, so the world is unchanged."""
    if variant == "quiet":
        return QUIET
    if variant == "demo":
        return DEMO
    if variant != "random":
        raise ValueError(f"unknown scenario variant {variant!r}: one of {', '.join(VARIANTS)}")
    rng = np.random.default_rng([seed, 15])
    d = dt.date
    # Each window leaves the detectors >= 8 weeks of history and ends before the last day.
    break_start = _day(rng, d(2026, 1, 5), d(2026, 10, 15))
    surge_start = _day(rng, d(2025, 12, 1), d(2026, 10, 1))
    drift_start = _day(rng, d(2026, 1, 5), d(2026, 10, 1))
    return Scenario(
        name="random",
        tracking_break=TrackingBreak(
            str(rng.choice(BREAKABLE_PLATFORMS)),
            break_start,
            break_start + dt.timedelta(days=int(rng.integers(3, 9)) - 1),
        ),
        cpc_surge=CpcSurge(
            str(rng.choice(SURGE_CANDIDATES)),
            surge_start,
            surge_start + dt.timedelta(days=int(rng.integers(7, 22)) - 1),
            round(float(rng.uniform(1.3, 1.8)), 2),
        ),
        ga4_drift=RevenueDrift(
            drift_start,
            drift_start + dt.timedelta(days=int(rng.integers(10, 26)) - 1),
            round(float(rng.uniform(0.88, 0.95)), 3),
        ),
        cost_increase=CostIncrease(
            str(rng.choice(PRODUCT_LINES)),
            _day(rng, d(2026, 1, 1), d(2026, 9, 1)),
            round(float(rng.uniform(1.08, 1.2)), 3),
        ),
        wasted_campaign=str(rng.choice(WASTE_CANDIDATES)),
        churn_multiplier=round(float(rng.uniform(2.0, 4.0)), 2),
    )
