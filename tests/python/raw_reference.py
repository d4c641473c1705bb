"""An independent read of the raw landing files, in plain pandas.

It applies the landing contract's rules (latest extract wins, rows that do not
parse are left out, money to EUR at the day's ECB rate carried forward) without
any of the project's SQL, so the warehouse can be checked against it.
"""

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

EXTRACT_PATTERN = re.compile(r"_(\d{8}T\d{6})Z\.[a-z]+$")


def extracted_at(path: Path) -> datetime:
    match = EXTRACT_PATTERN.search(path.name)
    assert match, f"{path.name} has no extract timestamp"
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%S")


def read_csv_folder(folder: Path) -> pd.DataFrame:
    frames = []
    for path in sorted(folder.glob("*.csv")):
        # The declared dialect: a UTF-8 BOM is not part of the header; a line with too many
        # fields is not a row (staging quarantines it as a malformed line).
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", on_bad_lines="skip"
        )
        frame["file_extracted_at"] = extracted_at(path)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def read_jsonl_folder(folder: Path) -> list[tuple[datetime, dict]]:
    rows = []
    for path in sorted(folder.glob("*.jsonl")):
        stamp = extracted_at(path)
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            if not line.strip():
                continue
            try:
                rows.append((stamp, json.loads(line)))
            except json.JSONDecodeError:
                continue
    return rows


# The contract's number rule: '.' decimal point, no thousands separator, no NaN or inf.
DECIMAL_TEXT = re.compile(r"[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?")
INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")
SCIENTIFIC_ID = re.compile(r"[0-9]+([.,][0-9]+)?[eE][+]?[0-9]+")


def to_number(value: object) -> float | None:
    text = str(value).strip()
    if not DECIMAL_TEXT.fullmatch(text):
        return None
    number = float(text)
    return number if number >= 0 else None


def to_integer(value: object) -> float | None:
    """A non-negative integer written with digits only ('12.5' and '1e3' are not)."""
    text = str(value).strip()
    return to_number(text) if INTEGER_TEXT.fullmatch(text) else None


def to_date(value: object) -> date | None:
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}( 00:00:00)?", text):
        return None
    try:
        return date.fromisoformat(text[:10])
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


def _aware(moment: pd.Timestamp) -> pd.Timestamp:
    """The contract: a timestamp without an offset is UTC."""
    return moment.tz_localize("UTC") if moment.tzinfo is None else moment


def paris_day(text: object) -> date:
    """The day of an ISO 8601 timestamp in the reporting time zone."""
    return _aware(pd.Timestamp(text)).tz_convert("Europe/Paris").date()


def _valid_ids(*values: object) -> bool:
    return all(
        str(value).strip() not in {"", "nan", "None"}
        and not SCIENTIFIC_ID.fullmatch(str(value).strip())
        for value in values
    )


def _latest_per_key(rows: list[dict], key_fields: tuple[str, ...]) -> list[dict]:
    """Latest extract wins among the valid rows of a key. The winner's FX rate (`rate`,
    None without one) is checked after: a winner without one is quarantined, not replaced
    by an older extract, so it is left out. The rows come back without `rate`."""
    latest: dict[tuple, dict] = {}
    for row in rows:
        key = tuple(row[field] for field in key_fields)
        if key not in latest or row["extracted_at"] > latest[key]["extracted_at"]:
            latest[key] = row
    return [
        {field: value for field, value in row.items() if field != "rate"}
        for row in latest.values()
        if row["rate"] is not None
    ]


def ad_rows_latest(landing: Path) -> pd.DataFrame:
    """One row per platform, ad and day (latest valid extract), with its campaign
    id and name and the spend in account currency and in EUR."""
    rates = fx_rates_daily(landing)
    rows: list[dict] = []

    def accept(
        platform: str,
        stamp: datetime,
        day: date | None,
        currency: str,
        spend: float | None,
        ids: tuple,
        numbers: tuple,
        campaign: tuple[object, object] = (None, None),
    ) -> None:
        currency = currency.strip().upper()
        if day is None or spend is None or not _valid_ids(*ids) or day > stamp.date():
            return
        if any(number is None for number in numbers):
            return
        rate = rates.get((day, currency))
        rows.append(
            {
                "platform": platform,
                "ad_date": day,
                "key": ids,
                "extracted_at": stamp,
                "campaign_id": str(campaign[0]),
                "campaign_name": str(campaign[1] or ""),
                "spend": spend,
                "rate": rate,
                "spend_eur": None if rate is None else spend / rate,
            }
        )

    google = read_csv_folder(landing / "google_ads" / "ad_stats")
    for row in google.to_dict("records"):
        micros = to_integer(row["metrics.cost_micros"])
        accept(
            "google_ads",
            row["file_extracted_at"],
            to_date(row["segments.date"]),
            row["customer.currency_code"],
            None if micros is None else micros / 1_000_000,
            (row["customer.id"], row["campaign.id"], row["ad_group.id"], row["ad_group_ad.ad.id"]),
            (
                to_integer(row["metrics.impressions"]),
                to_integer(row["metrics.clicks"]),
                to_number(row["metrics.conversions"]),
                to_number(row["metrics.conversions_value"]),
            ),
            (row["campaign.id"], row["campaign.name"]),
        )
    for stamp, record in read_jsonl_folder(landing / "meta_ads" / "ads_insights"):
        accept(
            "meta_ads",
            stamp,
            to_date(record.get("date_start")),
            str(record.get("account_currency") or ""),
            to_number(record.get("spend")),
            (
                record.get("account_id"),
                record.get("campaign_id"),
                record.get("adset_id"),
                record.get("ad_id"),
            ),
            (to_integer(record.get("impressions")), to_integer(record.get("clicks"))),
            (record.get("campaign_id"), record.get("campaign_name")),
        )
    tiktok = read_csv_folder(landing / "tiktok_ads" / "ad_report")
    for row in tiktok.to_dict("records"):
        accept(
            "tiktok_ads",
            row["file_extracted_at"],
            to_date(row["stat_time_day"]),
            row["currency"],
            to_number(row["spend"]),
            (row["advertiser_id"], row["ad_id"]),
            (
                to_integer(row["impressions"]),
                to_integer(row["clicks"]),
                to_number(row["complete_payment"]),
                to_number(row["total_complete_payment_rate"]),
            ),
            (row["campaign_id"], row["campaign_name"]),
        )
    linkedin = read_csv_folder(landing / "linkedin_ads" / "ad_analytics")
    for row in linkedin.to_dict("records"):
        accept(
            "linkedin_ads",
            row["file_extracted_at"],
            to_date(row["date"]),
            row["currency"],
            to_number(row["cost_in_local_currency"]),
            (
                row["account_urn"].rsplit(":", 1)[-1],
                row["campaign_urn"].rsplit(":", 1)[-1],
                row["creative_urn"].rsplit(":", 1)[-1],
            ),
            (
                to_integer(row["impressions"]),
                to_integer(row["clicks"]),
                to_number(row["external_website_conversions"]),
                to_number(row["conversion_value_in_local_currency"]),
            ),
            (row["campaign_urn"].rsplit(":", 1)[-1], row["campaign_name"]),
        )
    latest = [
        row
        for platform in {row["platform"] for row in rows}
        for row in _latest_per_key(
            [r for r in rows if r["platform"] == platform], ("ad_date", "key")
        )
    ]
    return pd.DataFrame(latest)


def ad_spend_by_platform_day(landing: Path) -> pd.DataFrame:
    """Spend per platform and day in account currency and EUR, from the raw files."""
    frame = ad_rows_latest(landing)
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
        if order_id in (None, "") or pd.isna(created):
            continue
        created = _aware(created)
        created_utc = created.tz_convert("UTC").tz_localize(None)
        order_day = paris_day(created)
        currency = str(record.get("currency") or "").upper()
        total = to_number(record.get("total_price"))
        subtotal = to_number(record.get("subtotal_price"))
        items = record.get("line_items")
        if (
            total is None
            or subtotal is None
            or created_utc > pd.Timestamp(stamp)
            or not isinstance(items, list)
            or not items
            or any(
                to_number(item.get("price")) is None or not str(item.get("id") or "")
                for item in items
            )
        ):
            continue
        rate = rates.get((order_day, currency))
        rows.append(
            {
                "order_id": str(order_id),
                "extracted_at": stamp,
                "order_date": order_day,
                "currency": currency,
                "total_price": total,
                "rate": rate,
                "total_price_eur": None if rate is None else total / rate,
            }
        )
    return pd.DataFrame(_latest_per_key(rows, ("order_id",)))


# --- Marketing channels, from the editable seeds (configuration, not SQL) ---------------------

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _seed(name: str) -> pd.DataFrame:
    return pd.read_csv(SEEDS / f"{name}.csv", dtype=str, keep_default_na=False)


class ChannelRules:
    """seed channel_grouping_rules: the first rule by priority whose (case-insensitive
    where the pattern says so) regular expressions match source, medium and campaign
    (an empty pattern matches anything) and, if it requires one, a Google click id."""

    def __init__(self) -> None:
        rules = _seed("channel_grouping_rules")
        rules["priority"] = rules["priority"].astype(int)
        self.rules = [
            (
                [
                    re.compile(p) if p else None
                    for p in (rule.source_pattern, rule.medium_pattern, rule.campaign_pattern)
                ],
                rule.requires_gclid.strip().lower() == "true",
                rule.channel,
            )
            for rule in rules.sort_values("priority").itertuples()
        ]
        self._cache: dict[tuple, str] = {}

    def classify(self, source: object, medium: object, campaign: object, has_gclid: bool) -> str:
        values = tuple("" if v is None or v != v else str(v) for v in (source, medium, campaign))
        key = (*values, bool(has_gclid))
        if key not in self._cache:
            self._cache[key] = "unmapped"
            for patterns, requires_gclid, channel in self.rules:
                if requires_gclid and not has_gclid:
                    continue
                if all(p is None or p.search(v) for p, v in zip(patterns, values, strict=True)):
                    self._cache[key] = channel
                    break
        return self._cache[key]


CAMPAIGN_NAME = re.compile(
    r"^([a-z]{2})_([a-z]+)_(tofu|mofu|bofu)_([a-z]+)_(.*)$", re.IGNORECASE | re.DOTALL
)


def campaign_channels(ads: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(platform, campaign_id) -> channel: an override cell, else the naming convention
    <MARKET>_<CHANNEL>_<FUNNEL>_<PRODUCTLINE>_<text> with a channel code listed for the
    platform (a free-text pattern row first), else the platform's default channel.
    The name is the campaign's name on its latest reported day."""
    codes = _seed("campaign_channel_codes")
    overrides = _seed("campaign_taxonomy_overrides")
    defaults = _seed("ad_platforms").set_index("platform")["default_channel"].to_dict()
    override = {
        (row.platform, row.campaign_id): row.channel
        for row in overrides.itertuples()
        if row.channel.strip()
    }
    latest = ads.sort_values("ad_date").groupby(["platform", "campaign_id"]).tail(1)
    channels: dict[tuple[str, str], str] = {}
    for row in latest.itertuples():
        channel = defaults[row.platform]
        match = CAMPAIGN_NAME.match(row.campaign_name.strip())
        if match:
            candidates = codes[
                (codes.platform == row.platform)
                & (codes.channel_code.str.upper() == match.group(2).upper())
            ]
            with_pattern = [
                c
                for c in candidates.itertuples()
                if c.free_text_pattern and re.search(c.free_text_pattern, match.group(5))
            ]
            without = [c for c in candidates.itertuples() if not c.free_text_pattern]
            if with_pattern or without:
                channel = (with_pattern or without)[0].channel
        channels[(row.platform, row.campaign_id)] = override.get(
            (row.platform, row.campaign_id), channel
        )
    return channels


def ad_spend_by_channel_month(landing: Path) -> pd.DataFrame:
    """Ad spend in EUR per month (first day) and channel of the campaign."""
    ads = ad_rows_latest(landing)
    channels = campaign_channels(ads)
    keys = zip(ads["platform"], ads["campaign_id"], strict=True)
    ads["channel"] = [channels[key] for key in keys]
    ads["month_start_date"] = ads["ad_date"].map(lambda d: d.replace(day=1))
    return ads.groupby(["month_start_date", "channel"], as_index=False)["spend_eur"].sum()


# --- GA4: the channel of the session that carried each purchase ------------------------------


def _ga4_purchase_session_events(landing: Path) -> pd.DataFrame:
    """The events of the GA4 sessions that hold a purchase, from the latest export of each
    event_date. A session is user_pseudo_id + '.' + ga_session_id (none without consent).
    Traffic fields come from collected_traffic_source, else the event's source / medium /
    campaign / gclid params (source and medium lowercased); the transaction id from
    ecommerce, else the transaction_id param. Arrow until the few sessions are picked."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    columns = [
        "event_date",
        "event_timestamp",
        "event_name",
        "event_params",
        "user_pseudo_id",
        "collected_traffic_source",
        "ecommerce",
    ]
    latest: dict[str, tuple[datetime, object]] = {}
    for path in sorted((landing / "ga4" / "events").glob("*.parquet")):
        stamp = extracted_at(path)
        table = pq.read_table(path, columns=columns)
        for day in pc.unique(table["event_date"]).to_pylist():
            if day not in latest or stamp >= latest[day][0]:
                latest[day] = (stamp, table.filter(pc.equal(table["event_date"], day)))
    table = pa.concat_tables([table for _, table in latest.values()]).combine_chunks()

    def params(table: pa.Table, key: str, kind: str) -> pa.Array:
        """The value of one event param per event (null when absent; first if repeated)."""
        lists = table["event_params"].combine_chunks()
        flat = pc.list_flatten(lists)
        parents = pc.list_parent_indices(lists)
        hits = pc.equal(flat.field("key"), key)
        rows = pc.filter(parents, hits).to_numpy()
        values = pc.filter(flat.field("value").field(kind), hits)
        rows, first = np.unique(rows, return_index=True)
        position = np.full(table.num_rows, -1, dtype=np.int64)
        position[rows] = first
        return pc.take(values, pa.array(position, mask=position < 0))

    session_id = pc.cast(params(table, "ga_session_id", "int_value"), pa.string())
    session_key = pc.binary_join_element_wise(table["user_pseudo_id"], session_id, ".")
    transaction_id = pc.coalesce(
        table["ecommerce"].combine_chunks().field("transaction_id"),
        params(table, "transaction_id", "string_value"),
    )
    is_purchase = pc.and_(pc.equal(table["event_name"], "purchase"), pc.is_valid(transaction_id))
    purchase_sessions = pc.unique(pc.drop_null(pc.filter(session_key, is_purchase)))
    keep = pc.fill_null(pc.is_in(session_key, value_set=purchase_sessions), False)
    table = (
        table.append_column("session_key", session_key)
        .append_column("transaction_id", transaction_id)
        .filter(keep)
    )

    traffic = table["collected_traffic_source"].combine_chunks()
    events = pa.table(
        {
            "session_key": table["session_key"],
            "event_at": table["event_timestamp"],
            "event_name": table["event_name"],
            "transaction_id": table["transaction_id"],
            "source": pc.utf8_lower(
                pc.coalesce(traffic.field("manual_source"), params(table, "source", "string_value"))
            ),
            "medium": pc.utf8_lower(
                pc.coalesce(traffic.field("manual_medium"), params(table, "medium", "string_value"))
            ),
            "campaign": pc.coalesce(
                traffic.field("manual_campaign_name"), params(table, "campaign", "string_value")
            ),
            "gclid": pc.coalesce(traffic.field("gclid"), params(table, "gclid", "string_value")),
        }
    )
    return events.to_pandas()


def ga4_purchase_channels(landing: Path, rules: ChannelRules) -> dict[str, str]:
    """Order name (GA4 transaction_id) -> channel of the session of its first purchase event.

    A session's source, medium, campaign and gclid are each its first non-null value by
    event time; consent-less events (no user_pseudo_id) have no session and no channel."""
    events = _ga4_purchase_session_events(landing).sort_values(
        ["session_key", "event_at"], kind="stable"
    )
    firsts = events.groupby("session_key")[["source", "medium", "campaign", "gclid"]].first()
    session_channel = {
        key: rules.classify(source, medium, campaign, isinstance(gclid, str))
        for key, source, medium, campaign, gclid in zip(
            firsts.index,
            firsts["source"],
            firsts["medium"],
            firsts["campaign"],
            firsts["gclid"],
            strict=True,
        )
    }
    purchases = events[(events["event_name"] == "purchase") & events["transaction_id"].notna()]
    first_purchase = purchases.sort_values("event_at", kind="stable").drop_duplicates(
        "transaction_id"
    )
    return {
        str(transaction): session_channel[key]
        for transaction, key in zip(
            first_purchase["transaction_id"], first_purchase["session_key"], strict=True
        )
    }


# --- Shop orders: net revenue, COGS and gross margin per order ------------------------------


def _landing_tags(landing_site: object) -> tuple[str, str, str, bool]:
    from urllib.parse import parse_qs, urlsplit

    if not isinstance(landing_site, str) or "?" not in landing_site:
        return "", "", "", False
    query = parse_qs(urlsplit(landing_site).query, keep_blank_values=True)

    def first(name: str) -> str:
        return query.get(name, [""])[0]

    return first("utm_source"), first("utm_medium"), first("utm_campaign"), bool(first("gclid"))


def _product_costs(landing: Path) -> dict[str, list[tuple[date, float]]]:
    """sku -> [(valid_from, unit cost EUR)] sorted; a cost is valid until the next row."""
    rates = fx_rates_daily(landing)
    raw = read_csv_folder(landing / "catalog" / "product_costs")
    latest: dict[tuple[str, date], tuple[datetime, float, float | None]] = {}
    for row in raw.itertuples():
        day, cost = to_date(row.valid_from), to_number(row.unit_cost)
        currency = str(row.currency).strip().upper()
        sku = str(row.sku).strip()
        if day is None or cost is None or not sku or len(currency) != 3:
            continue
        rate = 1.0 if currency == "EUR" else rates.get((day, currency))
        if (sku, day) not in latest or row.file_extracted_at >= latest[(sku, day)][0]:
            latest[(sku, day)] = (row.file_extracted_at, cost, rate)
    costs: dict[str, list[tuple[date, float]]] = {}
    for (sku, day), (_, cost, rate) in sorted(latest.items()):
        if rate is not None:
            costs.setdefault(sku, []).append((day, cost / rate))
    return costs


def _cost_on(costs: dict[str, list[tuple[date, float]]], sku: str, day: date) -> float:
    valid = [cost for valid_from, cost in costs.get(sku, []) if valid_from <= day]
    return valid[-1] if valid else 0.0


def _paid_back(refund: dict, line_subtotal: float) -> float:
    """Money a refund paid back: its successful refund transactions (no status: settled),
    or its line subtotals when the export has no transactions list."""
    transactions = refund.get("transactions")
    if transactions is None:
        return line_subtotal
    return sum(
        to_number(transaction.get("amount")) or 0.0
        for transaction in transactions
        if str(transaction.get("kind")).lower() == "refund"
        and str(transaction.get("status") or "success").lower() == "success"
    )


def orders_with_margin(landing: Path) -> pd.DataFrame:
    """One row per shop order (latest valid extract, as orders_latest) with its finance
    figures in EUR, per the documented rules: tax-exclusive net sales (EU/GB prices include
    VAT, the line's tax is removed; US prices exclude it), shipping (untaxed), refunds
    excluding tax at the order day's rate (refunds count against the order's date), COGS
    from the cost valid on the order date, everything 0 for cancelled orders; and its
    last-click channel (the GA4 session of the purchase, else the landing_site tags, else
    the 'direct' rule).

    Refunds are what was paid back: the successful refund transactions of each refund
    (kind refund, status success or absent; the line subtotals when a refund has no
    transactions list). The lines' part loses each line's tax share; the order-level rest
    (shipping, adjustments) loses tax as the order booked its charge beyond the lines
    (shipping / (total_price - lines charged)), or as the goods when nothing was charged
    beyond the lines."""
    rates = fx_rates_daily(landing)
    latest = orders_latest(landing)
    wanted = {(row.order_id, row.extracted_at) for row in latest.itertuples()}
    countries = _seed("countries").set_index("country_code")["prices_include_tax"]
    includes_tax = {code: value.strip().lower() == "true" for code, value in countries.items()}
    costs = _product_costs(landing)
    rules = ChannelRules()
    ga4_channels = ga4_purchase_channels(landing, rules)

    def money(value: object) -> float:
        number = to_number(value)
        return number if number is not None else 0.0

    rows: list[dict] = []
    seen: set[str] = set()
    for stamp, record in read_jsonl_folder(landing / "shop" / "orders"):
        order_id = str(record.get("id"))
        if (order_id, stamp) not in wanted or order_id in seen:
            continue
        seen.add(order_id)
        order_day = paris_day(record["created_at"])
        currency = str(record["currency"]).upper()
        rate = rates[(order_day, currency)]
        country = str((record.get("shipping_address") or {}).get("country_code") or "").upper()
        # The order's own flag decides; the countries seed only when the export lacks it.
        flag = record.get("taxes_included")
        vat_inclusive = flag if isinstance(flag, bool) else includes_tax.get(country, False)
        cancelled = record.get("cancelled_at") not in (None, "")
        net_sales = line_refunds = cogs_eur = lines_charged = 0.0
        refund_lines: dict[str, list[float]] = {}
        refunded_amount = order_level_refund = 0.0
        refund_days: list[date] = []
        for refund in record.get("refunds") or []:
            refund_days.append(paris_day(refund["created_at"]))
            line_subtotal = 0.0
            for line in refund.get("refund_line_items") or []:
                line_subtotal += money(line.get("subtotal"))
                refund_lines.setdefault(str(line.get("line_item_id")), []).append(
                    money(line.get("subtotal"))
                )
            paid = _paid_back(refund, line_subtotal)
            refunded_amount += paid
            order_level_refund += paid - line_subtotal
        for item in record["line_items"]:
            quantity = int(money(item.get("quantity")))
            line_price = money(item.get("price")) * quantity
            discount = money(item.get("total_discount"))
            tax = sum(money(tax_line.get("price")) for tax_line in item.get("tax_lines") or [])
            line_net = line_price - discount - tax if vat_inclusive else line_price - discount
            charged = line_price - discount if vat_inclusive else line_net + tax
            share = line_net / charged if charged else 0.0
            net_sales += line_net
            lines_charged += charged
            line_refunds += sum(
                subtotal * share for subtotal in refund_lines.get(str(item["id"]), [])
            )
            cogs_eur += quantity * _cost_on(costs, str(item.get("sku")), order_day)
        shipping = sum(money(line.get("price")) for line in record.get("shipping_lines") or [])
        charged_beyond_lines = money(record.get("total_price")) - lines_charged
        if charged_beyond_lines >= 0.01:
            order_level_share = min(max(shipping / charged_beyond_lines, 0.0), 1.0)
        else:
            order_level_share = net_sales / lines_charged if lines_charged > 0 else 1.0
        order_level_refunds = order_level_refund * order_level_share
        channel = ga4_channels.get(str(record.get("name")))
        if channel is None:
            channel = rules.classify(*_landing_tags(record.get("landing_site")))
        factor = 0.0 if cancelled else 1.0
        refunds_eur = (line_refunds + order_level_refunds) / rate
        net_revenue_eur = factor * ((net_sales + shipping) / rate - refunds_eur)
        rows.append(
            {
                "order_id": order_id,
                "order_name": record.get("name"),
                "order_date": order_day,
                "month_start_date": order_day.replace(day=1),
                "currency": currency,
                "source_name": record.get("source_name"),
                "is_cancelled": cancelled,
                "channel": channel,
                "net_sales_eur": factor * net_sales / rate,
                "shipping_revenue_eur": factor * shipping / rate,
                "total_price": money(record.get("total_price")),
                "refunded_amount": factor * refunded_amount,
                "last_refund_date": max(refund_days) if refund_days else None,
                "refunds_eur": factor * refunds_eur,
                "order_level_refunds_eur": factor * order_level_refunds / rate,
                "net_revenue_eur": net_revenue_eur,
                "cogs_eur": factor * cogs_eur,
                "gross_margin_eur": net_revenue_eur - factor * cogs_eur,
            }
        )
    return pd.DataFrame(rows)


# --- Stores: POS daily summaries -----------------------------------------------------------


def store_sales_daily(landing: Path) -> pd.DataFrame:
    """One row per store and day (latest valid extract): net revenue excluding VAT (the
    country's standard rate removed where shelf prices include it) and COGS, in EUR."""
    rates = fx_rates_daily(landing)
    countries = _seed("countries").set_index("country_code")
    raw = read_csv_folder(landing / "stores" / "sales")
    rows: list[dict] = []
    for row in raw.to_dict("records"):
        day = to_date(row["date"])
        currency = str(row["currency"]).strip().upper()
        numbers = [
            to_number(row[c])
            for c in ("transactions", "gross_sales", "discounts", "returns", "cogs")
        ]
        try:
            net_sales = float(row["net_sales"])
        except ValueError:
            continue
        country = str(row["country_code"]).strip().upper()
        if (
            day is None
            or not _valid_ids(row["store_id"])
            or any(n is None for n in numbers)
            or country not in countries.index
        ):
            continue
        rate = rates.get((day, currency))
        vat = (
            float(countries.loc[country, "standard_tax_rate"])
            if countries.loc[country, "prices_include_tax"].lower() == "true"
            else 0.0
        )
        # Without a rate the row is decided (latest extract) and then dropped.
        net_revenue_eur = net_sales / (rate or 1.0) / (1 + vat)
        cogs_eur = numbers[-1] / (rate or 1.0)
        rows.append(
            {
                "key": (day, row["store_id"]),
                "extracted_at": row["file_extracted_at"],
                "rate": rate,
                "sales_date": day,
                "month_start_date": day.replace(day=1),
                "store_id": row["store_id"],
                "net_revenue_eur": net_revenue_eur,
                "cogs_eur": cogs_eur,
                "gross_margin_eur": net_revenue_eur - cogs_eur,
            }
        )
    return pd.DataFrame(_latest_per_key(rows, ("key",))).drop(columns=["key"])
