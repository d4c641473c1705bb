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
        frame["file_extracted_at"] = extracted_at(path)
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
        if key not in published or row.file_extracted_at >= published[key][0]:
            published[key] = (row.file_extracted_at, rate)
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


def _valid_ids(*values: object) -> bool:
    return all(str(value).strip() not in {"", "nan", "None"} for value in values)


def _latest_per_key(rows: list[dict], key_fields: tuple[str, ...]) -> list[dict]:
    """Latest extract wins among the valid rows of a key."""
    latest: dict[tuple, dict] = {}
    for row in rows:
        key = tuple(row[field] for field in key_fields)
        if key not in latest or row["extracted_at"] > latest[key]["extracted_at"]:
            latest[key] = row
    return list(latest.values())


def ad_spend_by_platform_day(landing: Path) -> pd.DataFrame:
    """Spend per platform and day in account currency and EUR, from the raw files."""
    rates = fx_rates_daily(landing)
    rows: list[dict] = []

    def accept(platform: str, stamp: datetime, day: date | None, currency: str,
               spend: float | None, ids: tuple, numbers: tuple) -> None:
        currency = currency.strip().upper()
        if day is None or spend is None or not _valid_ids(*ids) or day > stamp.date():
            return
        if any(number is None for number in numbers) or (day, currency) not in rates:
            return
        rows.append({
            "platform": platform, "ad_date": day, "key": ids, "extracted_at": stamp,
            "spend": spend, "spend_eur": spend / rates[(day, currency)],
        })

    google = read_csv_folder(landing / "google_ads" / "ad_stats")
    for row in google.to_dict("records"):
        micros = to_number(row["metrics.cost_micros"])
        accept(
            "google_ads", row["file_extracted_at"], to_date(row["segments.date"]),
            row["customer.currency_code"], None if micros is None else micros / 1_000_000,
            (row["customer.id"], row["campaign.id"], row["ad_group.id"], row["ad_group_ad.ad.id"]),
            (to_number(row["metrics.impressions"]), to_number(row["metrics.clicks"]),
             to_number(row["metrics.conversions"]), to_number(row["metrics.conversions_value"])),
        )
    for stamp, record in read_jsonl_folder(landing / "meta_ads" / "ads_insights"):
        accept(
            "meta_ads", stamp, to_date(record.get("date_start")),
            str(record.get("account_currency") or ""), to_number(record.get("spend")),
            (record.get("account_id"), record.get("campaign_id"), record.get("adset_id"),
             record.get("ad_id")),
            (to_number(record.get("impressions")), to_number(record.get("clicks"))),
        )
    tiktok = read_csv_folder(landing / "tiktok_ads" / "ad_report")
    for row in tiktok.to_dict("records"):
        accept(
            "tiktok_ads", row["file_extracted_at"], to_date(row["stat_time_day"]), row["currency"],
            to_number(row["spend"]), (row["advertiser_id"], row["ad_id"]),
            (to_number(row["impressions"]), to_number(row["clicks"]),
             to_number(row["complete_payment"]), to_number(row["total_complete_payment_rate"])),
        )
    linkedin = read_csv_folder(landing / "linkedin_ads" / "ad_analytics")
    for row in linkedin.to_dict("records"):
        accept(
            "linkedin_ads", row["file_extracted_at"], to_date(row["date"]), row["currency"],
            to_number(row["cost_in_local_currency"]),
            (row["account_urn"].rsplit(":", 1)[-1], row["campaign_urn"].rsplit(":", 1)[-1],
             row["creative_urn"].rsplit(":", 1)[-1]),
            (to_number(row["impressions"]), to_number(row["clicks"]),
             to_number(row["external_website_conversions"]),
             to_number(row["conversion_value_in_local_currency"])),
        )
    latest = [
        row
        for platform in {row["platform"] for row in rows}
        for row in _latest_per_key(
            [r for r in rows if r["platform"] == platform], ("ad_date", "key")
        )
    ]
    frame = pd.DataFrame(latest)
    return frame.groupby(["platform", "ad_date"], as_index=False)[["spend", "spend_eur"]].sum()


def orders_latest(landing: Path) -> pd.DataFrame:
    """One row per order (latest valid extract): order day in Paris time, total in EUR."""
    rates = fx_rates_daily(landing)
    rows: list[dict] = []
    for stamp, record in read_jsonl_folder(landing / "shop" / "orders"):
        order_id = record.get("id")
        try:
            created = pd.Timestamp(record.get("created_at"))
        except (TypeError, ValueError):
            continue
        if order_id in (None, "") or pd.isna(created) or created.tzinfo is None:
            continue
        created_utc = created.tz_convert("UTC").tz_localize(None)
        order_day = created.tz_convert("Europe/Paris").date()
        currency = str(record.get("currency") or "").upper()
        total = to_number(record.get("total_price"))
        subtotal = to_number(record.get("subtotal_price"))
        items = record.get("line_items")
        if (
            total is None or subtotal is None or created_utc > pd.Timestamp(stamp)
            or not isinstance(items, list) or not items
            or any(to_number(item.get("price")) is None or not str(item.get("id") or "")
                   for item in items)
            or (order_day, currency) not in rates
        ):
            continue
        rows.append({
            "order_id": str(order_id), "extracted_at": stamp, "order_date": order_day,
            "currency": currency, "total_price": total,
            "total_price_eur": total / rates[(order_day, currency)],
        })
    return pd.DataFrame(_latest_per_key(rows, ("order_id",)))
