"""An independent read of the raw landing files, in plain pandas.

It applies the landing contract's rules (latest extract wins, rows that do not
parse are left out, money to EUR at the day's ECB rate carried forward) without
any of the project's SQL, so the warehouse can be checked against it.
"""

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

EXTRACT_PATTERN = re.compile(r"_(\d{8}T\d{6})Z\.[a-z]+$")


def extracted_at(path: Path) -> datetime:
    match = EXTRACT_PATTERN.search(path.name)
    assert match, f"{path.name} has no extract timestamp"
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%S")


def read_csv_folder(folder: Path) -> pd.DataFrame:
    frames = []
    for path in sorted(folder.glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["_extracted_at"] = extracted_at(path)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def read_jsonl_folder(folder: Path) -> list[tuple[datetime, dict]]:
    rows = []
    for path in sorted(folder.glob("*.jsonl")):
        stamp = extracted_at(path)
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                rows.append((stamp, json.loads(line)))
            except json.JSONDecodeError:
                continue
    return rows


def to_number(value: object) -> float | None:
    try:
        number = float(str(value))
    except ValueError:
        return None
    return number if number >= 0 and number == number else None


def to_date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def fx_rates_daily(landing: Path) -> dict[tuple[date, str], float]:
    """(day, currency) -> units per EUR, carrying a rate forward up to 7 days."""
    raw = read_csv_folder(landing / "fx" / "rates")
    published: dict[tuple[date, str], tuple[datetime, float]] = {}
    for row in raw.itertuples():
        day, rate = to_date(row.date), to_number(row.rate)
        currency = str(row.currency).strip().upper()
        if day is None or not rate or len(currency) != 3:
            continue
        key = (day, currency)
        if key not in published or row._extracted_at >= published[key][0]:
            published[key] = (row._extracted_at, rate)
    rates: dict[tuple[date, str], float] = {}
    currencies = {currency for _, currency in published}
    first = min(day for day, _ in published)
    last = max(day for day, _ in published) + timedelta(days=7)
    for currency in currencies:
        current: tuple[date, float] | None = None
        day = first
        while day <= last:
            if (day, currency) in published:
                current = (day, published[(day, currency)][1])
            if current and (day - current[0]).days <= 7:
                rates[(day, currency)] = current[1]
            day += timedelta(days=1)
    day = first
    while day <= last:
        rates[(day, "EUR")] = 1.0
        day += timedelta(days=1)
    return rates
