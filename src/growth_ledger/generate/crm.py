"""CRM sources: e-mail (profiles, weekly campaigns, events) and support tickets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np

from .mess import Mess, odd_email
from .truth import Truth
from .world import DAYS, MARKETS, N_DAYS, epoch_seconds
from .writers import csv_text, extract_name, month_extract_ts, write_text

SEGMENT_SHARE = 0.3  # each weekly send targets a rotating 30% of the subscribed list
OPEN_P, CLICK_GIVEN_OPEN, UNSUB_P, BOUNCE_P = 0.32, 0.17, 0.004, 0.005
_THEMES = [
    "New Serum Drop",
    "Skin Routine Tips",
    "Weekend Offer",
    "Bestsellers",
    "Makeup Edit",
    "Body Care Ritual",
    "Fragrance Notes",
    "Members Early Access",
]
PROFILE_HEADER = [
    "profile_id",
    "email",
    "consent_email",
    "consent_ads",
    "created_at",
    "first_name",
    "last_name",
    "phone",
    "external_id",
]
EVENT_HEADER = ["event_id", "event_type", "occurred_at", "campaign_id", "email", "url"]
CAMPAIGN_HEADER = ["campaign_id", "campaign_name", "sent_at", "channel", "subject"]
TICKET_HEADER = [
    "ticket_id",
    "created_at",
    "status",
    "requester_email",
    "requester_name",
    "category",
    "priority",
    "solved_at",
    "order_name",
    "satisfaction",
]


def utc_iso(ts: int) -> str:
    return dt.datetime.fromtimestamp(int(ts), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Crm:
    def __init__(
        self, rng: np.random.Generator, mess: Mess, truth: Truth, out: Path, scale: float
    ) -> None:
        self.rng = rng
        self.mess = mess
        self.truth = truth
        self.out = out
        self.scale = scale
        # profiles as parallel lists; market index kept for e-mail click -> session routing
        self.p_email: list[str] = []
        self.p_first: list[str | None] = []
        self.p_last: list[str | None] = []
        self.p_phone: list[str | None] = []
        self.p_ext: list[int | None] = []
        self.p_created: list[int] = []
        self.p_market: list[int] = []
        self.p_consent: list[str] = []
        self.p_ads: list[bool] = []
        self.campaigns: list[list[Any]] = []
        self.events: list[list[Any]] = []
        self.n_events = 0
        self.clicks = np.zeros((N_DAYS + 4, len(MARKETS)), dtype=np.int64)
        self.click_campaign: dict[tuple[int, int], str] = {}
        self.tickets: list[list[Any]] = []
        self.ticket_days: dict[int, list[int]] = {}  # customer index -> driver-ticket days
        self.n_tickets = 0
        self.odd: list[dict[str, Any]] = []
        self.stats = {"tickets": 0, "sends": 0}

    # ---- profiles
    def add_profile(
        self,
        email: str,
        market: int,
        ts: int,
        consent: str,
        first: str | None,
        last: str | None,
        phone: str | None,
        ext: int | None,
    ) -> None:
        self.p_email.append(email)
        self.p_first.append(first)
        self.p_last.append(last)
        self.p_phone.append(phone)
        self.p_ext.append(ext)
        self.p_created.append(ts)
        self.p_market.append(market)
        self.p_consent.append(consent)
        self.p_ads.append(bool(self.rng.random() < 0.7))

    def signup(self, d: int, n: int) -> None:
        """Newsletter sign-ups from people who have not bought (yet)."""
        rng = self.rng
        for _ in range(n):
            k = len(self.p_email)
            m = int(rng.choice(4, p=[0.4, 0.27, 0.18, 0.15]))
            ts = epoch_seconds(DAYS[d]) + int(rng.integers(0, 86_400))
            self.add_profile(
                f"newsletter{k}@{['gmail.com', 'gmx.de', 'outlook.com'][k % 3]}",
                m,
                ts,
                "subscribed",
                None,
                None,
                None,
                None,
            )

    def initial_list(self, n: int) -> None:
        """Sign-ups collected before the period (created up to two years earlier)."""
        start = epoch_seconds(DAYS[0])
        for _ in range(n):
            k = len(self.p_email)
            m = int(self.rng.choice(4, p=[0.4, 0.27, 0.18, 0.15]))
            ts = start - int(self.rng.integers(86_400, 730 * 86_400))
            self.add_profile(
                f"newsletter{k}@{['gmail.com', 'gmx.de', 'outlook.com'][k % 3]}",
                m,
                ts,
                "subscribed",
                None,
                None,
                None,
                None,
            )

    # ---- weekly campaign
    def send(self, d: int) -> None:
        rng = self.rng
        day = DAYS[d]
        cid = f"01K{len(self.campaigns) + 1:05d}EM"
        theme = _THEMES[len(self.campaigns) % len(_THEMES)]
        name = f"{day.isoformat()} Newsletter - {theme}"
        sent = epoch_seconds(day) + 7 * 3600
        self.campaigns.append([cid, name, utc_iso(sent), "email", f"{theme} ✨"])
        cons = np.array(self.p_consent, dtype=object)
        subscribed = np.flatnonzero(cons == "subscribed")
        rcpt = subscribed[rng.random(len(subscribed)) < SEGMENT_SHARE]
        n = len(rcpt)
        bounced = rng.random(n) < BOUNCE_P
        opened = ~bounced & (rng.random(n) < OPEN_P)
        clicked = opened & (rng.random(n) < CLICK_GIVEN_OPEN)
        unsub = opened & (rng.random(n) < UNSUB_P / OPEN_P)
        t_recv = sent + rng.integers(0, 600, n)
        t_open = t_recv + rng.exponential(5 * 3600, n).astype(np.int64)
        t_click = t_open + rng.integers(5, 300, n)
        t_unsub = t_open + rng.integers(10, 600, n)
        url = (
            f"https://www.growthledger-cosmetics.com/?utm_source=klaviyo&utm_medium=email"
            f"&utm_campaign={name.replace(' ', '+')}"
        )
        for j, p in enumerate(rcpt):
            email = self.p_email[p]
            if bounced[j]:
                self._ev("bounced", t_recv[j], cid, email, None)
                self.p_consent[p] = "unsubscribed"
                continue
            self._ev("received", t_recv[j], cid, email, None)
            if opened[j]:
                self._ev("opened", t_open[j], cid, email, None)
            if clicked[j]:
                self._ev("clicked", t_click[j], cid, email, url)
                cd = min(int((t_click[j] - epoch_seconds(DAYS[0])) // 86_400), N_DAYS + 3)
                self.clicks[cd, self.p_market[p]] += 1
                self.click_campaign[(cd, self.p_market[p])] = name
            if unsub[j]:
                self._ev("unsubscribed", t_unsub[j], cid, email, None)
                self.p_consent[p] = "unsubscribed"
        self.stats["sends"] += n

    def _ev(self, kind: str, ts: int, cid: str, email: str, url: str | None) -> None:
        self.n_events += 1
        if self.rng.random() < 0.0004 and len(self.odd) < 12:
            odd = odd_email(email, self.rng)
            self.odd.append(
                {
                    "source": "email",
                    "entity": "events",
                    "event_id": f"ev{self.n_events:09d}",
                    "value": odd,
                    "normalised": email,
                }
            )
            email = odd
        self.events.append([f"ev{self.n_events:09d}", kind, utc_iso(ts), cid, email, url])

    def campaign_for_click(self, d: int, m: int) -> str:
        for back in range(0, 8):
            name = self.click_campaign.get((d - back, m))
            if name:
                return name
        return "newsletter"

    # ---- support
    def ticket(
        self,
        ts: int,
        email: str,
        name: str,
        category: str,
        order_name: str | None,
        ci: int | None,
        end_ts: int,
    ) -> None:
        rng = self.rng
        self.n_tickets += 1
        tid = 40_000 + self.n_tickets
        solved = ts + int(rng.exponential(2.5 * 86_400)) + 3600
        if solved > end_ts:
            status, solved_s, sat = ("open" if rng.random() < 0.5 else "pending"), None, None
        else:
            status = "closed" if solved < end_ts - 4 * 86_400 else "solved"
            solved_s = utc_iso(solved)
            sat = str(rng.choice(["good", "good", "good", "bad", ""]))
        if rng.random() < 0.004 and len(self.odd) < 24:
            odd = odd_email(email, rng)
            self.odd.append(
                {
                    "source": "support",
                    "entity": "tickets",
                    "ticket_id": tid,
                    "value": odd,
                    "normalised": email,
                }
            )
            email = odd
        prio = str(
            rng.choice(["low", "normal", "normal", "high", "urgent"], p=[0.2, 0.3, 0.3, 0.15, 0.05])
        )
        self.tickets.append(
            [tid, utc_iso(ts), status, email, name, category, prio, solved_s, order_name, sat]
        )
        self.stats["tickets"] += 1
        if ci is not None and category in ("delivery", "product_issue"):
            day = int((ts - epoch_seconds(DAYS[0])) // 86_400)
            self.ticket_days.setdefault(ci, []).append(day)

    # ---- files
    def flush_month(self, y: int, m: int) -> None:
        ts = month_extract_ts(y, m)
        fname = extract_name("events", ts, "csv")
        rows = self.mess.csv("email", "events", fname, EVENT_HEADER, self.events, ["event_id"])
        write_text(self.out / "email" / "events" / fname, csv_text(EVENT_HEADER, rows))
        self.truth.file("email", "events", len(rows))
        self.events = []
        # tickets are exported by creation month, in the state at the end of the period
        mine = [t for t in self.tickets if t[1][:7] == f"{y:04d}-{m:02d}"]
        self.tickets = [t for t in self.tickets if t[1][:7] != f"{y:04d}-{m:02d}"]
        fname = extract_name("tickets", ts, "csv")
        mine.sort(key=lambda t: t[0])
        rows = self.mess.csv("support", "tickets", fname, TICKET_HEADER, mine, ["ticket_id"])
        write_text(self.out / "support" / "tickets" / fname, csv_text(TICKET_HEADER, rows))
        self.truth.file("support", "tickets", len(rows))

    def flush_final(self, ts: dt.datetime) -> None:
        fname = extract_name("campaigns", ts, "csv")
        write_text(
            self.out / "email" / "campaigns" / fname, csv_text(CAMPAIGN_HEADER, self.campaigns)
        )
        self.truth.file("email", "campaigns", len(self.campaigns))
        fname = extract_name("profiles", ts, "csv")
        rows = [
            [
                f"01P{i + 1:08d}",
                self.p_email[i],
                self.p_consent[i],
                self.p_ads[i],
                utc_iso(self.p_created[i]),
                self.p_first[i],
                self.p_last[i],
                self.p_phone[i],
                self.p_ext[i],
            ]
            for i in range(len(self.p_email))
        ]
        write_text(self.out / "email" / "profiles" / fname, csv_text(PROFILE_HEADER, rows))
        self.truth.file("email", "profiles", len(rows))
