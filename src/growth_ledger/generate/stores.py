"""Physical stores: one POS summary row per store and opening day, in local currency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .mess import Mess
from .scenario import DEMO, Scenario
from .truth import Truth
from .world import DAYS, season_factor
from .writers import csv_text, extract_name, month_extract_ts, write_text

STORES = [  # id, name, country, currency, VAT, avg basket (local, incl. VAT), tx/day
    ("ST-PAR-01", "Paris Marais", "FR", "EUR", 0.20, 44.0, 14),
    ("ST-BER-01", "Berlin Mitte", "DE", "EUR", 0.19, 40.0, 10),
    ("ST-LON-01", "London Covent Garden", "GB", "GBP", 0.20, 38.0, 12),
]
HEADER = [
    "date",
    "store_id",
    "store_name",
    "country_code",
    "currency",
    "transactions",
    "gross_sales",
    "discounts",
    "returns",
    "net_sales",
    "cogs",
]


def simulate(scale: float, rng: np.random.Generator, scenario: Scenario = DEMO) -> list[list[Any]]:
    season = season_factor(DAYS)
    rows = []
    for sid, name, cc, cur, vat, basket, tx in STORES:
        for i, d in enumerate(DAYS):
            if d.weekday() == 6 and cc != "GB":
                continue  # Paris and Berlin stores close on Sundays
            wk = 1.35 if d.weekday() == 5 else 1.0
            n = int(rng.poisson(tx * scale**0.7 * season[i] * wk))
            gross = round(n * basket * rng.lognormal(0, 0.06), 2)
            disc = round(gross * rng.uniform(0.03, 0.08), 2)
            ret = round(gross * rng.uniform(0.0, 0.04), 2)
            net = round(gross - disc - ret, 2)
            rise = scenario.cost_increase
            cost_ratio = 0.27 * (1.03 if rise is not None and d >= rise.start else 1.0)
            cogs = round(net / (1 + vat) * cost_ratio, 2)
            rows.append(
                [
                    d.isoformat(),
                    sid,
                    name,
                    cc,
                    cur,
                    n,
                    f"{gross:.2f}",
                    f"{disc:.2f}",
                    f"{ret:.2f}",
                    f"{net:.2f}",
                    f"{cogs:.2f}",
                ]
            )
    rows.sort(key=lambda r: (r[0], r[1]))
    return rows


def write(out: Path, rows: list[list[Any]], mess: Mess, truth: Truth) -> None:
    months = sorted({(d.year, d.month) for d in DAYS})
    for y, m in months:
        mine = [r for r in rows if r[0][:7] == f"{y:04d}-{m:02d}"]
        fname = extract_name("sales", month_extract_ts(y, m), "csv")
        mine = mess.csv("stores", "sales", fname, HEADER, mine, ["date", "store_id"])
        write_text(out / "stores" / "sales" / fname, csv_text(HEADER, mine))
        truth.file("stores", "sales", len(mine))
