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
from growth_ledger.connectors.tables import ConnectorTables


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


ADAPTERS = {"facebook_marketing": facebook_marketing, "shopify": shopify}
