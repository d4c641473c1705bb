"""GA4 BigQuery-export events built from the simulated sessions, vectorised per day."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from .world import SHOP_HOST, Product

EVENT_NAMES = np.array(
    [
        "session_start",
        "page_view",
        "view_item",
        "add_to_cart",
        "begin_checkout",
        "purchase",
        "user_engagement",
    ],
    dtype=object,
)
SS, PV, VI, ATC, BC, PUR, UE = range(7)

VALUE_T = pa.struct(
    [
        ("string_value", pa.string()),
        ("int_value", pa.int64()),
        ("float_value", pa.float64()),
        ("double_value", pa.float64()),
    ]
)
PARAM_T = pa.struct([("key", pa.string()), ("value", VALUE_T)])
ITEM_T = pa.struct(
    [
        ("item_id", pa.string()),
        ("item_name", pa.string()),
        ("price", pa.float64()),
        ("quantity", pa.int64()),
    ]
)
TRAFFIC_FIELDS = (
    "manual_source",
    "manual_medium",
    "manual_campaign_name",
    "manual_campaign_id",
    "manual_content",
    "gclid",
)
SCHEMA = pa.schema(
    [
        ("event_date", pa.string()),
        ("event_timestamp", pa.int64()),
        ("event_name", pa.string()),
        ("event_params", pa.list_(PARAM_T)),
        ("user_pseudo_id", pa.string()),
        ("user_id", pa.string()),
        ("device", pa.struct([("category", pa.string())])),
        ("geo", pa.struct([("country", pa.string())])),
        ("collected_traffic_source", pa.struct([(f, pa.string()) for f in TRAFFIC_FIELDS])),
        (
            "ecommerce",
            pa.struct([("transaction_id", pa.string()), ("purchase_revenue", pa.float64())]),
        ),
        ("items", pa.list_(ITEM_T)),
    ]
)


@dataclass
class SessionBatch:
    t0: np.ndarray  # session start, UTC epoch seconds
    pseudo: np.ndarray  # object: user_pseudo_id or None (consent denied)
    user_id: np.ndarray  # object: shop customer id or None
    sess_num: np.ndarray
    country: np.ndarray  # object: country name
    device: np.ndarray  # object: category
    traffic: dict[str, np.ndarray]  # TRAFFIC_FIELDS -> object arrays (None when absent)
    source: np.ndarray  # object: source param (None for direct)
    medium: np.ndarray
    referrer: np.ndarray  # object or None
    landing: np.ndarray  # object: page_location of the landing page (with the query string)
    currency: np.ndarray  # object: session currency
    product: np.ndarray  # int: product index browsed
    # session index -> (transaction_id, revenue as GA4 reports it, items)
    purchases: dict[int, tuple[str, float, list[tuple[str, str, float, int]]]]
    buyer: np.ndarray  # bool: the session ends in a shop order (tracked or not)


def _obj(values: Any) -> pa.Array:
    return pa.array(values, type=pa.string())


def build_events(
    b: SessionBatch,
    products: list[Product],
    prices: dict[str, np.ndarray],
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, pa.Table]:
    """Return (event UTC micros, session start, table); the caller splits by event_date."""
    s = len(b.t0)
    pur = np.zeros(s, dtype=bool)
    if b.purchases:
        pur[np.fromiter(b.purchases.keys(), dtype=np.int64)] = True
    n_pv = 1 + rng.poisson(0.5, s) + 3 * b.buyer
    atc = b.buyer | (rng.random(s) < 0.07)
    vi = atc | (rng.random(s) < 0.45)
    bc = b.buyer | (atc & (rng.random(s) < 0.4))
    engaged = (n_pv > 1) | (rng.random(s) < 0.3) | b.buyer
    counts = np.stack([np.ones(s, dtype=np.int64), n_pv, vi, atc, bc, pur, engaged], axis=1)
    counts = counts.astype(np.int64)
    n_ev = counts.sum(axis=1)
    e = int(n_ev.sum())
    sess = np.repeat(np.arange(s), n_ev)
    kinds = _kinds(counts)
    start = np.concatenate([[0], np.cumsum(n_ev)[:-1]])
    pos = np.arange(e) - start[sess]
    gaps = np.where(pos <= 1, 0.0, rng.exponential(35.0, e))
    cs = np.cumsum(gaps)
    offs = cs - cs[start][sess]
    ts_us = (
        b.t0[sess] * 1_000_000
        + (offs * 1e6).astype(np.int64)
        + rng.integers(0, 1000, e) * (pos > 0)
    )
    first_pv = (kinds == PV) & (pos == 1)
    entry = (kinds == SS) | first_pv

    # ---- event_params, built flat then grouped by event
    keys: list[np.ndarray] = []
    ev: list[np.ndarray] = []
    sv: list[np.ndarray] = []
    iv: list[np.ndarray] = []
    dv: list[np.ndarray] = []

    def add(
        idx: np.ndarray, key: str, s_val: Any = None, i_val: Any = None, d_val: Any = None
    ) -> None:
        n = len(idx)
        if n == 0:
            return
        ev.append(idx)
        keys.append(np.full(n, key, dtype=object))
        sv.append(s_val if isinstance(s_val, np.ndarray) else np.full(n, s_val, dtype=object))
        iv.append(np.asarray(i_val, dtype=np.float64) if i_val is not None else np.full(n, np.nan))
        dv.append(np.asarray(d_val, dtype=np.float64) if d_val is not None else np.full(n, np.nan))

    all_e = np.arange(e)
    add(all_e, "ga_session_id", i_val=b.t0[sess])
    add(all_e, "ga_session_number", i_val=b.sess_num[sess])
    slug = np.array([f"{SHOP_HOST}/products/{p.sku.lower()}" for p in products], dtype=object)
    page = np.where(entry, b.landing[sess], slug[b.product[sess]])
    page = np.where(np.isin(kinds, [ATC, BC]), f"{SHOP_HOST}/cart", page)
    page = np.where(kinds == PUR, f"{SHOP_HOST}/checkouts/thank_you", page)
    add(all_e, "page_location", s_val=page.astype(object))
    eng = np.flatnonzero(engaged[sess] & (kinds != SS))
    add(eng, "session_engaged", s_val="1")
    ue = np.flatnonzero(kinds == UE)
    add(ue, "engagement_time_msec", i_val=rng.integers(2_000, 240_000, len(ue)))
    for name, arr in (
        ("source", b.source),
        ("medium", b.medium),
        ("campaign", b.traffic["manual_campaign_name"]),
        ("gclid", b.traffic["gclid"]),
    ):
        idx = np.flatnonzero(entry & np.not_equal(arr[sess], None))
        add(idx, name, s_val=arr[sess[idx]])
    idx = np.flatnonzero(first_pv & np.not_equal(b.referrer[sess], None))
    add(idx, "page_referrer", s_val=b.referrer[sess[idx]])

    # ---- ecommerce values and items
    ecom = np.flatnonzero(np.isin(kinds, [VI, ATC, BC, PUR]))
    item_lists: list[list[dict[str, Any]] | None] = [None] * e
    values = np.zeros(len(ecom))
    cur = b.currency[sess[ecom]]
    tx_ids = np.full(e, None, dtype=object)
    revenue = np.full(e, np.nan)
    for j, k in enumerate(ecom):
        si = sess[k]
        if kinds[k] in (BC, PUR) and si in b.purchases:
            tid, rev, its = b.purchases[si]
            item_lists[k] = [
                {"item_id": a, "item_name": n, "price": p, "quantity": q} for a, n, p, q in its
            ]
            values[j] = rev if kinds[k] == PUR else sum(p * q for _, _, p, q in its)
            if kinds[k] == PUR:
                tx_ids[k] = tid
                revenue[k] = rev
        else:
            p = products[int(b.product[si])]
            price = float(prices[cur[j]][int(b.product[si])])
            item_lists[k] = [
                {"item_id": p.sku, "item_name": p.title, "price": price, "quantity": 1}
            ]
            values[j] = price
    add(ecom, "currency", s_val=cur.astype(object))
    add(ecom, "value", d_val=np.round(values, 2))
    pidx = np.flatnonzero(kinds == PUR)
    add(pidx, "transaction_id", s_val=tx_ids[pidx])

    ev_all = np.concatenate(ev)
    order = np.argsort(ev_all, kind="stable")
    key_a = np.concatenate(keys)[order]
    sv_a = np.concatenate(sv)[order]
    iv_a = np.concatenate(iv)[order]
    dv_a = np.concatenate(dv)[order]
    offsets = np.concatenate([[0], np.cumsum(np.bincount(ev_all, minlength=e))]).astype(np.int32)
    value = pa.StructArray.from_arrays(
        [
            _obj(sv_a),
            pa.array(np.nan_to_num(iv_a).astype(np.int64), mask=np.isnan(iv_a)),
            pa.nulls(len(iv_a), pa.float64()),
            pa.array(dv_a, mask=np.isnan(dv_a)),
        ],
        fields=list(VALUE_T),
    )
    params = pa.ListArray.from_arrays(
        pa.array(offsets), pa.StructArray.from_arrays([_obj(key_a), value], fields=list(PARAM_T))
    )

    traffic_mask = ~(entry & np.not_equal(b.traffic["manual_source"][sess], None))
    traffic = pa.StructArray.from_arrays(
        [_obj(b.traffic[f][sess]) for f in TRAFFIC_FIELDS],
        fields=list(SCHEMA.field("collected_traffic_source").type),
        mask=pa.array(traffic_mask),
    )
    ecommerce = pa.StructArray.from_arrays(
        [_obj(tx_ids), pa.array(revenue, mask=np.isnan(revenue))],
        fields=list(SCHEMA.field("ecommerce").type),
        mask=pa.array(kinds != PUR),
    )
    items = pa.array(item_lists, type=pa.list_(ITEM_T))
    user_id = b.user_id[sess]
    table = pa.Table.from_arrays(
        [
            pa.nulls(e, pa.string()),  # event_date is filled by the caller
            pa.array(ts_us, type=pa.int64()),
            _obj(EVENT_NAMES[kinds]),
            params,
            _obj(b.pseudo[sess]),
            _obj(user_id),
            pa.StructArray.from_arrays([_obj(b.device[sess])], names=["category"]),
            pa.StructArray.from_arrays([_obj(b.country[sess])], names=["country"]),
            traffic,
            ecommerce,
            items,
        ],
        schema=SCHEMA,
    )
    return ts_us, b.t0[sess], table


def _kinds(counts: np.ndarray) -> np.ndarray:
    """Event kinds in session order: repeat each kind code by its count, row by row."""
    flat = counts.ravel()
    codes = np.tile(np.arange(counts.shape[1]), counts.shape[0])
    return np.repeat(codes, flat)
