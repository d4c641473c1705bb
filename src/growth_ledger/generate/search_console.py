"""Search Console rows; organic-search sessions are derived from these clicks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np

from .ads import LAST_MONTH
from .mess import Mess
from .truth import Truth
from .world import DAYS, DEVICES, ISO3, MARKETS, N_DAYS, SHOP_HOST, season_factor, weekday_factor
from .writers import csv_text, daily_extract_ts, extract_name, month_extract_ts, write_text

# (query, brand?, demo daily impressions in the market, average position, landing path)
_BRAND = [
    ("growth ledger", 60, 1.1, "/"),
    ("growth ledger cosmetics", 18, 1.2, "/"),
    ("growth ledger serum", 8, 1.4, "/products/hydra-serum"),
]
_NONBRAND = {
    "fr": [
        ("sérum hydratant", 90, 8.0, "/collections/skincare"),
        ("crème de jour bio", 60, 11.0, "/collections/skincare"),
        ("mascara waterproof", 70, 14.0, "/collections/makeup"),
        ("gel douche naturel", 40, 9.0, "/collections/body"),
        ("parfum femme boisé", 35, 18.0, "/collections/fragrance"),
        ("rouge à lèvres mat", 45, 12.0, "/collections/makeup"),
    ],
    "de": [
        ("feuchtigkeitsserum", 70, 9.0, "/collections/skincare"),
        ("tagescreme naturkosmetik", 50, 12.0, "/collections/skincare"),
        ("wimperntusche wasserfest", 45, 15.0, "/collections/makeup"),
        ("duschgel natürlich", 30, 10.0, "/collections/body"),
    ],
    "en": [
        ("hydrating serum", 90, 10.0, "/collections/skincare"),
        ("day cream spf", 50, 13.0, "/collections/skincare"),
        ("waterproof mascara", 60, 16.0, "/collections/makeup"),
        ("body lotion shea", 30, 9.0, "/collections/body"),
        ("woody perfume for women", 30, 19.0, "/collections/fragrance"),
    ],
}
_LANG = {"FR": "fr", "DE": "de", "GB": "en", "US": "en"}
_MARKET_W = np.array([0.9, 0.6, 0.45, 0.4])
_DEVICE_W = np.array([0.62, 0.34, 0.04])
HEADER = ["date", "query", "page", "country", "device", "clicks", "impressions", "ctr", "position"]


def _ctr(pos: float, brand: bool) -> float:
    return 0.42 / pos**0.3 if brand else 0.22 / pos


def simulate(scale: float, rng: np.random.Generator) -> tuple[list[list[Any]], np.ndarray]:
    """Return SC rows (with day index first) and clicks per (day, market, device)."""
    demand = season_factor(DAYS) * weekday_factor(DAYS)
    clicks_mdd = np.zeros((N_DAYS, len(MARKETS), len(DEVICES)), dtype=np.int64)
    rows: list[list[Any]] = []
    for mi, mk in enumerate(MARKETS):
        queries = [(q, True, i, p, pg) for q, i, p, pg in _BRAND]
        queries += [(q, False, i, p, pg) for q, i, p, pg in _NONBRAND[_LANG[mk]]]
        for qv, brand, imp, pos, page in queries:
            for di, dev in enumerate(DEVICES):
                lam = imp * _MARKET_W[mi] * _DEVICE_W[di] * demand * scale
                im = rng.poisson(lam)
                p = np.clip(pos * rng.lognormal(0, 0.08, N_DAYS), 1.0, 60)
                ctr = np.array([_ctr(x, brand) for x in p])
                cl = rng.binomial(im, np.minimum(ctr, 0.9))
                clicks_mdd[:, mi, di] += cl
                for d in np.flatnonzero(im > 0):
                    rows.append(
                        [
                            int(d),
                            qv,
                            SHOP_HOST + page,
                            ISO3[mk],
                            dev.upper(),
                            int(cl[d]),
                            int(im[d]),
                            round(cl[d] / im[d], 4),
                            round(float(p[d]), 2),
                        ]
                    )
            # anonymised long-tail queries: empty query, spread over pages
        for di, dev in enumerate(DEVICES):
            lam = 120 * _MARKET_W[mi] * _DEVICE_W[di] * demand * scale
            im = rng.poisson(lam)
            p = np.clip(14 * rng.lognormal(0, 0.1, N_DAYS), 1, 60)
            cl = rng.binomial(im, 0.02)
            clicks_mdd[:, mi, di] += cl
            for d in np.flatnonzero(im > 0):
                rows.append(
                    [
                        int(d),
                        "",
                        SHOP_HOST + "/blogs/journal",
                        ISO3[mk],
                        dev.upper(),
                        int(cl[d]),
                        int(im[d]),
                        round(cl[d] / im[d], 4),
                        round(float(p[d]), 2),
                    ]
                )
    rows.sort(key=lambda r: (r[0], r[3], r[4], r[1], r[2]))
    return rows, clicks_mdd


def write(
    out: Path, rows: list[list[Any]], rng: np.random.Generator, mess: Mess, truth: Truth
) -> None:
    by_day: dict[int, list[list[Any]]] = {}
    for r in rows:
        by_day.setdefault(r[0], []).append(r)

    def fmt(d: int, age: int | None) -> list[list[Any]]:
        res = []
        for r in by_day.get(d, []):
            cl, im = r[5], r[6]
            if age == 1:  # fresh data is incomplete; it fills in over the next days
                cl, im = int(cl * 0.95), int(im * 0.95)
            ctr = round(cl / im, 4) if im else 0.0
            res.append([DAYS[d].isoformat(), r[1], r[2], r[3], r[4], cl, im, ctr, r[8]])
        return res

    files: list[tuple[dt.datetime, list[list[Any]], bool]] = []
    months = sorted({(d.year, d.month) for d in DAYS})
    for y, m in months:
        ids = [i for i, d in enumerate(DAYS) if (d.year, d.month) == (y, m)]
        if (y, m) != LAST_MONTH:
            files.append((month_extract_ts(y, m), [x for d in ids for x in fmt(d, None)], False))
            continue
        for d in ids:
            window = [x for x in range(d - 2, d + 1) if x >= ids[0]]
            # Search Console data lags: the pull on D+1 carries days D-2..D
            files.append(
                (daily_extract_ts(DAYS[d]), [x for w in window for x in fmt(w, d - w + 1)], True)
            )
    for ts, frows, daily in files:
        fname = extract_name("search_analytics", ts, "csv")
        if daily:
            for r in frows:
                truth.seen("search_console", "search_analytics", "|".join(map(str, r[:5])))
        frows = mess.csv(
            "search_console",
            "search_analytics",
            fname,
            HEADER,
            frows,
            ["date", "query", "page", "country", "device"],
        )
        write_text(out / "search_console" / "search_analytics" / fname, csv_text(HEADER, frows))
        truth.file("search_console", "search_analytics", len(frows))
