"""Airbyte streams mapped onto the landing contract.

A stream arrives as a table (typed columns, Airbyte Destinations V2), as raw
records with the JSON in `_airbyte_data`, or as Airbyte messages
`{stream, data, emitted_at}` in JSON lines. All three are unwrapped to the
record's own fields; a record emitted twice keeps its latest emission.
"""

from __future__ import annotations

import re

from growth_ledger import contract
from growth_ledger.connectors.mapping import Mapping, number, text, whole
from growth_ledger.connectors.tables import ConnectorError, ConnectorTables


def _records(tables: ConnectorTables, stream: str) -> str:
    """A select of the stream's record fields plus `_emitted_at` for deduplication."""
    tables.require(stream)
    tables.view(stream)
    columns = {name.lower() for name in tables.columns(stream)}
    if {"stream", "data"} <= columns:
        return (
            f'select unnest(data), emitted_at as _emitted_at from "{stream}" '
            f"where stream = '{stream}'"
        )
    if "_airbyte_data" in columns:
        return (
            f"select unnest(json_transform(_airbyte_data, json_structure(_airbyte_data))), "
            f'_airbyte_extracted_at as _emitted_at from "{stream}"'
        )
    emitted = "_airbyte_extracted_at" if "_airbyte_extracted_at" in columns else "null"
    return f'select *, {emitted} as _emitted_at from "{stream}"'


def facebook_marketing(tables: ConnectorTables, options: dict[str, str]) -> list[Mapping]:
    records = _records(tables, "ads_insights")
    latest = f"""
        with records as ({records}),
        latest as (
            select * from records
            qualify row_number() over (
                partition by ad_id, date_start order by _emitted_at desc nulls last
            ) = 1
        )"""
    query = f"""({latest}
        select
            strftime(cast(date_start as date), '%Y-%m-%d') as date_start,
            strftime(cast(coalesce(date_stop, date_start) as date), '%Y-%m-%d') as date_stop,
            {text("account_id")} as account_id,
            {text("account_name")} as account_name,
            {text("account_currency")} as account_currency,
            {text("campaign_id")} as campaign_id,
            {text("campaign_name")} as campaign_name,
            {text("adset_id")} as adset_id,
            {text("adset_name")} as adset_name,
            {text("ad_id")} as ad_id,
            {text("ad_name")} as ad_name,
            cast({number("spend")} as varchar) as spend,
            cast({whole(number("impressions"), "impressions")} as varchar) as impressions,
            cast({whole(number("clicks"), "clicks")} as varchar) as clicks,
            {_action_list(tables, "actions")} as actions,
            {_action_list(tables, "action_values")} as action_values
        from latest
    )"""
    return [
        Mapping(
            "meta_ads",
            "ads_insights",
            query,
            "ads_insights",
            f"{latest} select sum({number('spend')}) from latest",
            "spend",
            ["only the ads_insights stream is read (breakdown streams would double count)"],
        )
    ]


def _action_list(tables: ConnectorTables, field: str) -> str:
    """Insights action lists as [{action_type, value}]; absent means none."""
    if not tables.has_column("ads_insights", field) and not _in_records(tables, field):
        return "[]::struct(action_type varchar, value varchar)[]"
    return (
        f"coalesce(list_transform({field}, item -> {{'action_type': item.action_type, "
        f"'value': cast(item.value as varchar)}}), [])"
    )


def _in_records(tables: ConnectorTables, field: str) -> bool:
    rows = tables.connection.execute(
        "select column_type from (describe \"ads_insights\") where lower(column_name) = 'data'"
    ).fetchall()
    return bool(rows) and re.search(rf"[(,]\s*{field}\s", rows[0][0].lower()) is not None


def shopify(tables: ConnectorTables, options: dict[str, str]) -> list[Mapping]:
    """The orders stream holds REST order objects already: kept as they are, latest emission."""
    records = _records(tables, "orders")
    present = {
        row[0].lower() for row in tables.connection.execute(f"describe ({records})").fetchall()
    }
    entity = contract.load().entity("shop", "orders")
    selected = ", ".join(
        f'"{column.name}"' if column.name.lower() in present else f'null as "{column.name}"'
        for column in entity.columns
    )
    latest = f"""
        with records as ({records}),
        latest as (
            select * from records
            qualify row_number() over (partition by id order by _emitted_at desc nulls last) = 1
        )"""
    query = f"({latest} select {selected} from latest)"
    absent = [c.name for c in entity.columns if c.name.lower() not in present]
    notes = [f"orders have no {', '.join(absent)}"] if absent else []
    money_in = f"{latest} select sum({number('total_price')}) from latest"
    return [Mapping("shop", "orders", query, "orders", money_in, "total_price", notes)]


def _fields(tables: ConnectorTables, records: str, wanted: list[str]) -> dict[str, str]:
    """Wanted record field -> quoted column. Messages keep GAQL names (`segments.date`);
    typed destination tables write them with underscores (`segments_date`)."""
    present = {
        row[0].lower(): row[0]
        for row in tables.connection.execute(f"describe ({records})").fetchall()
    }
    fields = {}
    for name in wanted:
        for candidate in (name, name.replace(".", "_")):
            if candidate in present:
                fields[name] = f'"{present[candidate]}"'
                break
    return fields


def _require(fields: dict[str, str], stream: str, names: list[str]) -> None:
    missing = [name for name in names if name not in fields]
    if missing:
        raise ConnectorError(f"airbyte {stream} has no field(s) {', '.join(missing)}")


GOOGLE_ADS_KEYS = [
    "segments.date",
    "customer.id",
    "campaign.id",
    "ad_group.id",
    "ad_group_ad.ad.id",
]
GOOGLE_ADS_ATTRIBUTES = [
    "customer.currency_code",
    "customer.time_zone",
    "campaign.name",
    "ad_group.name",
]


def google_ads(tables: ConnectorTables, options: dict[str, str]) -> list[Mapping]:
    """`ad_group_ad_legacy`: GAQL fields, one row per day, ad and ad network type."""
    stream = "ad_group_ad_legacy"
    records = _records(tables, stream)
    metrics = ["metrics.cost_micros", "metrics.impressions", "metrics.clicks"]
    optional = [
        "metrics.conversions",
        "metrics.conversions_value",
        "segments.ad_network_type",
        "customer.descriptive_name",
        "campaign.status",
    ]
    required = [*GOOGLE_ADS_KEYS, *GOOGLE_ADS_ATTRIBUTES, *metrics]
    fields = _fields(tables, records, [*required, *optional])
    _require(fields, stream, required)
    notes = ["rows per ad network type (segments.ad_network_type) are summed per day and ad"]
    conversions = {}
    for name in ("metrics.conversions", "metrics.conversions_value"):
        if name in fields:
            conversions[name] = f"coalesce(sum({number(fields[name])}), 0)"
        else:
            conversions[name] = "0"
            notes.append(f"{stream} has no {name}: written as 0 (platform over-claim only)")
    network = fields.get("segments.ad_network_type", "null")
    keys = ", ".join(fields[name] for name in GOOGLE_ADS_KEYS)
    latest = f"""
        with records as ({records}),
        latest as (
            -- Incremental syncs re-read recent days: a row's latest emission wins.
            select * from records
            qualify row_number() over (
                partition by {keys}, {network} order by _emitted_at desc nulls last
            ) = 1
        )"""
    attributes = {
        name: f"max({text(fields[name])})" if name in fields else "null"
        for name in ("customer.descriptive_name", "campaign.status")
    }
    query = f"""({latest}
        select
            strftime(cast({fields["segments.date"]} as date), '%Y-%m-%d') as "segments.date",
            {text(fields["customer.id"])} as "customer.id",
            max({text(fields["customer.currency_code"])}) as "customer.currency_code",
            max({text(fields["customer.time_zone"])}) as "customer.time_zone",
            {text(fields["campaign.id"])} as "campaign.id",
            max({text(fields["campaign.name"])}) as "campaign.name",
            {text(fields["ad_group.id"])} as "ad_group.id",
            max({text(fields["ad_group.name"])}) as "ad_group.name",
            {text(fields["ad_group_ad.ad.id"])} as "ad_group_ad.ad.id",
            {whole(f"coalesce(sum({number(fields['metrics.cost_micros'])}), 0)", "cost_micros")}
                as "metrics.cost_micros",
            {whole(f"coalesce(sum({number(fields['metrics.impressions'])}), 0)", "impressions")}
                as "metrics.impressions",
            {whole(f"coalesce(sum({number(fields['metrics.clicks'])}), 0)", "clicks")}
                as "metrics.clicks",
            {conversions["metrics.conversions"]} as "metrics.conversions",
            {conversions["metrics.conversions_value"]} as "metrics.conversions_value",
            {attributes["customer.descriptive_name"]} as "customer.descriptive_name",
            null as "campaign.advertising_channel_type",
            {attributes["campaign.status"]} as "campaign.status"
        from latest
        group by 1, 2, 5, 7, 9
    )"""
    money_in = f"{latest} select sum({number(fields['metrics.cost_micros'])}) from latest"
    return [
        Mapping("google_ads", "ad_stats", query, stream, money_in, "metrics.cost_micros", notes)
    ]


def google_search_console(tables: ConnectorTables, options: dict[str, str]) -> list[Mapping]:
    """`search_analytics_all_fields`: one site and one search type (default web) per import."""
    stream = "search_analytics_all_fields"
    records = _records(tables, stream)
    names = ["site_url", "date", "query", "page", "country", "device"]
    required = [*names, "clicks", "impressions", "ctr", "position"]
    fields = _fields(tables, records, [*required, "search_type"])
    _require(fields, stream, required)
    sites = [
        row[0]
        for row in tables.connection.execute(
            f"select distinct {fields['site_url']} from ({records}) order by 1"
        ).fetchall()
    ]
    site = options.get("site_url")
    if site is None and len(sites) > 1:
        raise ConnectorError(
            f"airbyte {stream} holds {len(sites)} sites ({', '.join(map(str, sites))}): "
            "import one at a time with --option site_url=..."
        )
    site = site if site is not None else (sites[0] if sites else "")
    search_type = options.get("search_type", "web")
    chosen = f"{fields['site_url']} = '{site.replace(chr(39), chr(39) * 2)}'"
    if "search_type" in fields:
        chosen += f" and lower({fields['search_type']}) = '{search_type.lower()}'"
    latest = f"""
        with records as ({records}),
        latest as (
            select * from records
            where {chosen}
            qualify row_number() over (
                partition by {", ".join(fields[name] for name in names)}
                order by _emitted_at desc nulls last
            ) = 1
        )"""
    query = f"""({latest}
        select
            strftime(cast({fields["date"]} as date), '%Y-%m-%d') as date,
            coalesce(cast({fields["query"]} as varchar), '') as query,
            {text(fields["page"])} as page,
            lower({text(fields["country"])}) as country,
            upper({text(fields["device"])}) as device,
            cast({whole(number(fields["clicks"]), "clicks")} as varchar) as clicks,
            cast({whole(number(fields["impressions"]), "impressions")} as varchar) as impressions,
            cast({number(fields["ctr"])} as varchar) as ctr,
            cast({number(fields["position"])} as varchar) as position
        from latest
    )"""
    notes = [f"site {site}, search type {search_type}"]
    others = [other for other in sites if other != site]
    if others:
        notes.append(f"not imported: site(s) {', '.join(map(str, others))}")
    money_in = f"{latest} select sum({number(fields['clicks'])}) from latest"
    return [Mapping("search_console", "search_analytics", query, stream, money_in, "clicks", notes)]


ADAPTERS = {
    "facebook_marketing": facebook_marketing,
    "google_ads": google_ads,
    "google_search_console": google_search_console,
    "shopify": shopify,
}
