"""Shop customers and Shopify-like orders, with refunds/cancellations re-exported later."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from .mess import Mess, odd_email
from .truth import Truth
from .world import MARKET_CURRENCY, MARKET_TAX, TAX_INCLUSIVE, Product
from .writers import daily_extract_ts, extract_name, money, month_extract_ts, write_text

PARIS = ZoneInfo("Europe/Paris")
_FIRST = {
    "FR": ["Camille", "Léa", "Manon", "Chloé", "Inès", "Julie", "Sarah", "Lucas", "Hugo", "Emma"],
    "DE": ["Anna", "Lena", "Marie", "Sophie", "Laura", "Jonas", "Lukas", "Mia", "Hannah", "Lea"],
    "GB": ["Olivia", "Amelia", "Isla", "Ava", "Emily", "Grace", "Jack", "Harry", "Sophie", "Ella"],
    "US": ["Emma", "Olivia", "Ava", "Mia", "Madison", "Abigail", "Ethan", "Noah", "Chloe", "Zoe"],
}
_LAST = {
    "FR": ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"],
    "DE": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker"],
    "GB": ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies"],
    "US": ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis"],
}
_DOMAINS = [
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "hotmail.com",
    "icloud.com",
    "gmx.de",
    "orange.fr",
    "example.com",
]
_PHONE = {"FR": "+336", "DE": "+4915", "GB": "+447", "US": "+1415"}
SHIPPING = {"EUR": (49.0, 4.90), "GBP": (45.0, 3.95), "USD": (50.0, 5.95)}
CUSTOMER_ID0 = 7_200_000_000_000
ORDER_ID0 = 5_900_000_000_000
LINE_ID0 = 14_800_000_000_000
FIRST_ORDER_NUMBER = 1001


@dataclass
class Customers:
    ids: list[int] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    first: list[str] = field(default_factory=list)
    last: list[str] = field(default_factory=list)
    phone: list[str | None] = field(default_factory=list)
    market: list[str] = field(default_factory=list)
    accepts_marketing: list[bool] = field(default_factory=list)
    n_orders: list[int] = field(default_factory=list)
    visitor: list[int] = field(default_factory=list)

    def new(self, market: str, rng: np.random.Generator, visitor: int = -1) -> int:
        i = len(self.ids)
        f = _FIRST[market][int(rng.integers(len(_FIRST[market])))]
        la = _LAST[market][int(rng.integers(len(_LAST[market])))]
        dom = _DOMAINS[int(rng.integers(len(_DOMAINS)))]
        local = f"{f}.{la}".lower().translate(str.maketrans("éèüöä", "eeuoa"))
        self.ids.append(CUSTOMER_ID0 + i * 37 + 11)
        self.emails.append(f"{local}{i}@{dom}")
        self.first.append(f)
        self.last.append(la)
        self.phone.append(
            f"{_PHONE[market]}{int(rng.integers(10**7, 10**8))}" if rng.random() < 0.7 else None
        )
        self.market.append(market)
        self.accepts_marketing.append(bool(rng.random() < 0.6))
        self.n_orders.append(0)
        self.visitor.append(visitor)
        return i


def iso_paris(ts: float) -> str:
    return dt.datetime.fromtimestamp(int(ts), PARIS).isoformat()


def paris_day(ts: float) -> dt.date:
    return dt.datetime.fromtimestamp(int(ts), PARIS).date()


@dataclass
class OrderRec:
    base: dict[str, Any]
    created_ts: int
    cancel_ts: int | None
    refund_ts: int | None
    refund: dict[str, Any] | None
    status_after_refund: str
    days: list[dt.date]  # Paris dates of every change (creation, cancellation, refund)

    def state(self, until_ts: int) -> dict[str, Any]:
        o = dict(self.base)
        upd = self.created_ts
        if self.cancel_ts is not None and self.cancel_ts <= until_ts:
            o["cancelled_at"] = iso_paris(self.cancel_ts)
            o["financial_status"] = "voided"
            o["cancel_reason"] = "customer"
            upd = self.cancel_ts
        if self.refund_ts is not None and self.refund is not None and self.refund_ts <= until_ts:
            o["refunds"] = [self.refund]
            o["financial_status"] = self.status_after_refund
            upd = self.refund_ts
        o["updated_at"] = iso_paris(upd)
        return o


class OrderBook:
    """Builds orders and writes them to the extract in which each change is visible."""

    def __init__(self, rng: np.random.Generator, mess: Mess, truth: Truth, out: Path) -> None:
        self.rng = rng
        self.mess = mess
        self.truth = truth
        self.out = out
        self.n = 0
        self.n_lines = 0
        self.n_refunds = 0
        self.pending: list[OrderRec] = []
        self.odd_emails: list[dict[str, Any]] = []
        self.stats: dict[str, float] = {
            "orders": 0,
            "cancelled": 0,
            "refunded": 0,
            "partially_refunded": 0,
            "subscription_orders": 0,
        }

    def create(
        self,
        *,
        ts: int,
        cust: Customers,
        ci: int,
        market: str,
        items: list[tuple[Product, int]],
        discount: tuple[str, float] | None,
        landing_site: str | None,
        source_name: str,
        unit_factor: float = 1.0,
    ) -> dict[str, Any]:
        rng = self.rng
        self.n += 1
        cur = MARKET_CURRENCY[market]
        rate = MARKET_TAX[market]
        incl = TAX_INCLUSIVE[market]
        oid = ORDER_ID0 + self.n * 97
        lines = []
        gross = 0.0
        for p, q in items:
            gross += round(p.price(market) * unit_factor, 2) * q
        disc_total = round(gross * discount[1], 2) if discount else 0.0
        tax_total = 0.0
        for p, q in items:
            self.n_lines += 1
            unit = round(p.price(market) * unit_factor, 2)
            ld = round(disc_total * unit * q / gross, 2) if gross else 0.0
            net = unit * q - ld
            tax = round(net * rate / (1 + rate), 2) if incl else round(net * rate, 2)
            tax_total += tax
            lines.append(
                {
                    "id": LINE_ID0 + self.n_lines * 13,
                    "sku": p.sku,
                    "product_id": p.product_id,
                    "title": p.title,
                    "quantity": q,
                    "price": money(unit),
                    "total_discount": money(ld),
                    "tax_lines": [{"rate": rate, "price": money(tax)}],
                }
            )
        subtotal = round(gross - disc_total, 2)
        thr, fee = SHIPPING[cur]
        ship = 0.0 if subtotal >= thr or source_name != "web" else fee
        total = round(subtotal + ship + (0.0 if incl else tax_total), 2)
        email = cust.emails[ci]
        if self.rng.random() < 0.002 and len(self.odd_emails) < 8:
            email = odd_email(email, rng)
            self.odd_emails.append(
                {
                    "source": "shop",
                    "entity": "orders",
                    "order_id": oid,
                    "value": email,
                    "normalised": cust.emails[ci],
                }
            )
        first_order = cust.n_orders[ci] == 0
        cust.n_orders[ci] += 1
        base: dict[str, Any] = {
            "id": oid,
            "name": f"#{FIRST_ORDER_NUMBER + self.n - 1}",
            "email": email,
            "created_at": iso_paris(ts),
            "currency": cur,
            "financial_status": "paid",
            "source_name": source_name,
            "landing_site": landing_site,
            "cancelled_at": None,
            "customer": {
                "id": cust.ids[ci],
                "email": email,
                "first_name": cust.first[ci],
                "last_name": cust.last[ci],
                "phone": cust.phone[ci],
                "accepts_marketing": cust.accepts_marketing[ci],
            },
            "shipping_address": {"country_code": market},
            "shipping_lines": [{"price": money(ship)}],
            "discount_codes": [{"code": discount[0], "amount": money(disc_total)}]
            if discount
            else [],
            "line_items": lines,
            "subtotal_price": money(subtotal),
            "total_discounts": money(disc_total),
            "total_tax": money(tax_total),
            "total_price": money(total),
            "taxes_included": incl,
            "refunds": [],
        }
        cancel_ts = refund_ts = None
        refund = None
        status_after = "refunded"
        u = rng.random()
        if source_name == "web" and u < 0.015:
            cancel_ts = ts + int(rng.integers(600, 6 * 3600))
            self.stats["cancelled"] += 1
        elif u < 0.065:
            partial = (len(lines) > 1 and rng.random() < 0.6) or rng.random() < 0.15
            refund_ts = (
                ts
                + int(rng.choice([rng.integers(2, 12), rng.integers(14, 50)]) * 86_400)
                + int(rng.integers(0, 86_400))
            )
            self.n_refunds += 1
            rl = lines[:1] if partial else lines
            amount = 0.0
            rli = []
            for li in rl:
                sub = float(li["price"]) * li["quantity"] - float(li["total_discount"])
                if not incl:
                    sub += float(li["tax_lines"][0]["price"])
                amount += sub
                rli.append(
                    {"line_item_id": li["id"], "quantity": li["quantity"], "subtotal": money(sub)}
                )
            if not partial:
                amount += ship
            status_after = "partially_refunded" if partial else "refunded"
            self.stats[status_after] += 1
            refund = {
                "id": 880_000_000_000 + self.n_refunds * 31,
                "created_at": iso_paris(refund_ts),
                "refund_line_items": rli,
                "transactions": [{"amount": money(amount), "kind": "refund"}],
            }
        days = [paris_day(ts)]
        for t in (cancel_ts, refund_ts):
            if t is not None:
                days.append(paris_day(t))
        self.pending.append(OrderRec(base, ts, cancel_ts, refund_ts, refund, status_after, days))
        self.stats["orders"] += 1
        if source_name != "web":
            self.stats["subscription_orders"] += 1
        base["_first_order"] = first_order  # internal, stripped on write
        return base

    def _write(self, ts: dt.datetime, recs: list[OrderRec], until_ts: int, daily: bool) -> None:
        fname = extract_name("orders", ts, "jsonl")
        objs = []
        for r in sorted(recs, key=lambda r: r.base["id"]):
            o = r.state(until_ts)
            o.pop("_first_order", None)
            objs.append(o)
            self.truth.seen("shop", "orders", str(o["id"]))
        del daily
        lines = self.mess.jsonl(
            "shop", "orders", fname, objs, lambda o: {"id": o.get("id"), "name": o.get("name")}
        )
        write_text(self.out / "shop" / "orders" / fname, "".join(ln + "\n" for ln in lines))
        self.truth.file("shop", "orders", len(lines))

    def flush_month(self, y: int, m: int) -> None:
        end = dt.datetime(y + (m == 12), m % 12 + 1, 1, tzinfo=PARIS)
        until = int(end.timestamp()) - 1
        recs = [r for r in self.pending if any((d.year, d.month) == (y, m) for d in r.days)]
        self._write(month_extract_ts(y, m), recs, until, False)
        self.pending = [r for r in self.pending if max(r.days) > end.date() - dt.timedelta(1)]

    def flush_daily(self, day: dt.date) -> None:
        end = dt.datetime(day.year, day.month, day.day, tzinfo=PARIS) + dt.timedelta(days=1)
        lo = max(day - dt.timedelta(days=2), day.replace(day=1))
        recs = [r for r in self.pending if any(lo <= d <= day for d in r.days)]
        self._write(daily_extract_ts(day), recs, int(end.timestamp()) - 1, True)
