"""Replenishment subscriptions: a webhook log with charges, pauses, plan changes and churn.

Planted churn driver: a subscriber with >= 2 delivery/product_issue tickets in the 60 days
before a renewal churns with CHURN_MULTIPLIER x the base hazard.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .mess import Mess
from .truth import Truth
from .world import DAYS, MARKET_CURRENCY, Product
from .writers import csv_text, extract_name, month_extract_ts, write_text

BASE_CHURN_PER_INTERVAL = 0.045
CHURN_MULTIPLIER = 3.0
DRIVER_TICKETS = 2
DRIVER_WINDOW_DAYS = 60
FAIL_P = 0.05
HEADER = [
    "event_id",
    "event_type",
    "occurred_at",
    "subscription_id",
    "customer_id",
    "customer_email",
    "plan_id",
    "sku",
    "quantity",
    "interval_months",
    "amount",
    "currency",
    "cancellation_reason",
    "shop_order_id",
]
DISCOUNT = 0.9  # subscribers pay 90% of the shelf price


@dataclass
class Sub:
    sid: str
    ci: int  # customer index
    market: str
    product: Product
    qty: int
    interval: int
    next_day: int  # day index of the next charge attempt
    status: str = "active"
    fails: int = 0
    resume_day: int = -1
    issue_prone: bool = False
    charges: int = 0


class Subscriptions:
    def __init__(
        self, rng: np.random.Generator, mess: Mess, truth: Truth, out: Path, scale: float
    ) -> None:
        self.rng = rng
        self.mess = mess
        self.truth = truth
        self.out = out
        self.scale = scale
        self.subs: list[Sub] = []
        self.rows: list[list[Any]] = []
        self.n_events = 0
        self.stats = {
            "created": 0,
            "cancelled": 0,
            "cancelled_with_driver": 0,
            "renewals_with_driver": 0,
            "renewals_without_driver": 0,
            "churn_with_driver": 0,
            "churn_without_driver": 0,
            "charges_succeeded": 0,
            "charges_failed": 0,
        }

    def amount(self, s: Sub) -> str:
        return f"{s.product.price(s.market) * DISCOUNT * s.qty:.2f}"

    def event(
        self,
        s: Sub,
        kind: str,
        ts: int,
        emails: list[str],
        ids: list[int],
        reason: str | None = None,
        order_id: int | None = None,
    ) -> None:
        self.n_events += 1
        occurred = dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.rows.append(
            [
                f"evt_{self.n_events:08d}",
                kind,
                occurred,
                s.sid,
                ids[s.ci],
                emails[s.ci],
                f"{s.product.sku}-M{s.interval}",
                s.product.sku,
                s.qty,
                s.interval,
                self.amount(s),
                MARKET_CURRENCY[s.market],
                reason,
                order_id,
            ]
        )

    def create(self, d: int, ci: int, market: str, catalog: list[Product], ts: int) -> Sub:
        rng = self.rng
        subscribable = [p for p in catalog if p.subscribable and p.launched_on <= DAYS[d]]
        p = subscribable[int(rng.integers(len(subscribable)))]
        s = Sub(
            f"sub_{len(self.subs) + 1:07d}",
            ci,
            market,
            p,
            int(1 + (rng.random() < 0.2)),
            1 if rng.random() < 0.65 else 2,
            d,
            issue_prone=bool(rng.random() < 0.2),
        )
        self.subs.append(s)
        self.stats["created"] += 1
        return s

    def driver_on(self, ticket_days: list[int], d: int) -> bool:
        return sum(1 for t in ticket_days if d - DRIVER_WINDOW_DAYS <= t <= d) >= DRIVER_TICKETS

    def flush_month(self, y: int, m: int) -> None:
        fname = extract_name("billing_events", month_extract_ts(y, m), "csv")
        rows = self.mess.csv(
            "subscriptions", "billing_events", fname, HEADER, self.rows, ["event_id"]
        )
        write_text(self.out / "subscriptions" / "billing_events" / fname, csv_text(HEADER, rows))
        self.truth.file("subscriptions", "billing_events", len(rows))
        self.rows = []
