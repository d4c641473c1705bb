"""Planted defects: malformed rows, exact duplicates and odd e-mail formatting.

Defects are applied per file according to a fixed plan (file ordinal within its entity),
so they are deterministic and every one is recorded in the truth manifest.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

from .truth import Truth

# (kind, column, bad value); "duplicate" and "invalid_json" insert lines instead.
Plan = list[tuple[str, str, Any]]
PLANS: dict[str, dict[int, Plan]] = {
    "google_ads/ad_stats": {
        2: [
            ("non_numeric", "metrics.cost_micros", "n/a"),
            ("negative_value", "metrics.clicks", -3),
        ],
        5: [
            ("impossible_date", "segments.date", "2026-13-01"),
            ("duplicate", "", None),
            ("duplicate", "", None),
        ],
        9: [
            ("unknown_currency", "customer.currency_code", "EURO"),
            ("missing_id", "ad_group_ad.ad.id", ""),
        ],
    },
    "meta_ads/ads_insights": {
        1: [("non_numeric", "spend", "12,34"), ("invalid_json", "", None)],
        6: [("missing_id", "ad_id", None), ("duplicate", "", None), ("duplicate", "", None)],
        10: [("negative_value", "spend", "-5.10"), ("unknown_currency", "account_currency", "XXX")],
    },
    "tiktok_ads/ad_report": {
        3: [
            ("negative_value", "spend", -12.5),
            ("impossible_date", "stat_time_day", "2026-02-30 00:00:00"),
        ],
        7: [("duplicate", "", None), ("duplicate", "", None), ("non_numeric", "clicks", "n/a")],
    },
    "linkedin_ads/ad_analytics": {
        4: [
            ("non_numeric", "cost_in_local_currency", "12,34"),
            ("missing_id", "creative_urn", ""),
            ("duplicate", "", None),
        ],
        8: [("unknown_currency", "currency", "usd$"), ("duplicate", "", None)],
    },
    "search_console/search_analytics": {
        2: [
            ("negative_value", "clicks", -1),
            ("impossible_date", "date", "2025-11-31"),
            ("duplicate", "", None),
        ],
        8: [
            ("non_numeric", "impressions", "n/a"),
            ("duplicate", "", None),
            ("duplicate", "", None),
        ],
    },
    "shop/orders": {
        1: [("invalid_json", "", None), ("unknown_currency", "currency", "EUX")],
        4: [("missing_id", "id", None), ("duplicate", "", None), ("duplicate", "", None)],
        7: [
            ("non_numeric", "total_price", "12,34"),
            ("invalid_json", "", None),
            ("impossible_date", "created_at", "2026-13-01T10:00:00+01:00"),
        ],
    },
    "subscriptions/billing_events": {
        3: [("non_numeric", "amount", "n/a"), ("duplicate", "", None), ("duplicate", "", None)],
        6: [
            ("missing_id", "subscription_id", ""),
            ("unknown_currency", "currency", "EURO"),
            ("impossible_date", "occurred_at", "2026-13-01T08:00:00Z"),
        ],
    },
    "email/events": {
        2: [("missing_id", "event_id", ""), ("duplicate", "", None), ("duplicate", "", None)],
        7: [("impossible_date", "occurred_at", "2026-02-30T09:00:00Z")],
    },
    "support/tickets": {
        4: [("missing_id", "ticket_id", ""), ("duplicate", "", None)],
        9: [("impossible_date", "created_at", "2026-13-01T10:00:00Z")],
    },
    "stores/sales": {
        5: [
            ("non_numeric", "net_sales", "1.234,50"),
            ("negative_value", "transactions", -4),
            ("duplicate", "", None),
        ],
        11: [("unknown_currency", "currency", "GPB"), ("missing_id", "store_id", "")],
    },
    "fx/rates": {6: [("non_numeric", "rate", "n/a"), ("duplicate", "", None)]},
    "ga4/events": {},
}


class Mess:
    def __init__(self, rng: np.random.Generator, truth: Truth) -> None:
        self.rng = rng
        self.truth = truth
        self.ordinal: Counter[str] = Counter()

    def _plan(self, source: str, entity: str) -> Plan:
        k = f"{source}/{entity}"
        self.ordinal[k] += 1
        return PLANS.get(k, {}).get(self.ordinal[k], [])

    def _pick(self, n: int, used: set[int]) -> int | None:
        free = [i for i in range(min(n, 5000)) if i not in used]
        if not free:
            return None
        i = free[int(self.rng.integers(len(free)))]
        used.add(i)
        return i

    def csv(
        self,
        source: str,
        entity: str,
        fname: str,
        header: list[str],
        rows: list[list[Any]],
        key_cols: list[str],
    ) -> list[list[Any]]:
        plan = self._plan(source, entity)
        if not plan or not rows:
            return rows
        col = {c: i for i, c in enumerate(header)}
        used: set[int] = set()
        marks: list[tuple[int, dict[str, Any]]] = []  # (id of row object, defect record)
        inserts: list[tuple[int, list[Any]]] = []
        for kind, column, bad in plan:
            i = self._pick(len(rows), used)
            if i is None:
                continue
            row = rows[i]
            key = {c: row[col[c]] for c in key_cols}
            rec: dict[str, Any] = {
                "source": source,
                "entity": entity,
                "file": fname,
                "kind": kind,
                "key": key,
            }
            if kind == "duplicate":
                dup = list(row)
                inserts.append((i, dup))
                marks.append((id(dup), rec))
                continue
            rec["column"] = column
            rec["original_value"] = row[col[column]]
            rec["bad_value"] = bad
            rows[i] = row = list(row)
            row[col[column]] = bad
            marks.append((id(row), rec))
        out: list[list[Any]] = []
        extra = {i: r for i, r in inserts}
        for i, r in enumerate(rows):
            out.append(r)
            if i in extra:
                out.append(extra[i])
        pos = {id(r): n + 2 for n, r in enumerate(out)}  # +1 header, +1 one-based
        for rid, rec in marks:
            rec["line"] = pos[rid]
            self.truth.defect(**rec)
        return out

    def jsonl(
        self,
        source: str,
        entity: str,
        fname: str,
        objs: list[dict[str, Any]],
        key_fn: Callable[[dict[str, Any]], Any],
    ) -> list[str]:
        plan = self._plan(source, entity)
        lines = [
            json.dumps(o, sort_keys=True, separators=(",", ":"), ensure_ascii=False) for o in objs
        ]
        if not plan or not objs:
            return lines
        used: set[int] = set()
        marks: list[tuple[int, dict[str, Any]]] = []
        inserts: dict[int, str] = {}
        holders = [[ln] for ln in lines]  # identity holders so positions survive inserts
        for kind, column, bad in plan:
            i = self._pick(len(objs), used)
            if i is None:
                continue
            rec: dict[str, Any] = {
                "source": source,
                "entity": entity,
                "file": fname,
                "kind": kind,
                "key": key_fn(objs[i]),
            }
            if kind in ("duplicate", "invalid_json"):
                text = lines[i] if kind == "duplicate" else lines[i][: len(lines[i]) // 2]
                inserts[i] = text
                marks.append((i, rec))
                continue
            o = dict(objs[i])
            rec["column"] = column
            rec["original_value"] = o.get(column)
            rec["bad_value"] = bad
            o[column] = bad
            holders[i][0] = json.dumps(o, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            marks.append((-1 - i, rec))
        out: list[str] = []
        pos_main: dict[int, int] = {}
        pos_ins: dict[int, int] = {}
        for i, h in enumerate(holders):
            out.append(h[0])
            pos_main[i] = len(out)
            if i in inserts:
                out.append(inserts[i])
                pos_ins[i] = len(out)
        for m, rec in marks:
            rec["line"] = pos_ins[m] if m >= 0 else pos_main[-1 - m]
            self.truth.defect(**rec)
        return out


_ODD_FORMS = (
    lambda e: f" {e.title()} ",
    lambda e: e.upper(),
    lambda e: f"{e}  ",
    lambda e: e[0].upper() + e[1:].replace("@", "@").replace(".com", ".COM"),
)


def odd_email(email: str, rng: np.random.Generator) -> str:
    """Same mailbox, different casing/whitespace (staging must normalise, not drop)."""
    return _ODD_FORMS[int(rng.integers(len(_ODD_FORMS)))](email)
