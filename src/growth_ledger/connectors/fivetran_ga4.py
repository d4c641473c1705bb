"""Fivetran's GA4 export connector (`event` table) mapped onto the GA4 contract.

Fivetran flattens the BigQuery export: one column per event parameter
(`param_<key>`), `device_category`, `geo_country`, ecommerce amounts in USD
(`*_in_usd`) and an `is_intraday` flag. The mapping nests them back into the
export's shape, so staging reads them as any GA4 export: parameters as
key/value structs (a whole number as int_value, a decimal as double_value,
anything else as string_value, `true`/`false` as GA4's '1'/'0'), revenue with
its currency (USD), rows of the intraday table into an `events_intraday_` file
(the daily table then replaces them for days it exports).
"""

from __future__ import annotations

import re

from growth_ledger import contract
from growth_ledger.connectors.mapping import Mapping, number, text
from growth_ledger.connectors.tables import ConnectorTables

STREAM_COLUMNS = ["date", "timestamp", "name", "user_pseudo_id"]
# Columns DuckDB's CSV reader renamed because the header repeats them (`x_1`).
REPEATED = re.compile(r"^(?P<name>.+)_(\d+)$")


def _parameter(column: str) -> str:
    value = text(f'"{column}"')
    key = column.removeprefix("param_")
    boolean = f"case lower({value}) when 'true' then '1' when 'false' then '0' else {value} end"
    return (
        f"{{'key': '{key}', 'value': {{"
        f"'string_value': case when try_cast({value} as double) is null then {boolean} end, "
        f"'int_value': try_cast({value} as bigint), "
        "'float_value': cast(null as double), "
        f"'double_value': case when try_cast({value} as bigint) is null "
        f"then try_cast({value} as double) end}}}}"
    )


def _optional(columns: set[str], column: str) -> str:
    return text(f'"{column}"') if column in columns else "cast(null as varchar)"


def ga4_export(tables: ConnectorTables, options: dict[str, str]) -> list[Mapping]:
    tables.require("event")
    tables.view("event")
    tables.require_columns("event", STREAM_COLUMNS)
    names = tables.columns("event")
    columns = set(names)
    notes: list[str] = []
    parameters = []
    for name in names:
        repeated = REPEATED.match(name)
        if repeated and repeated.group("name") in columns:
            notes.append(f"column {repeated.group('name')} appears twice: the first is read")
        elif name.startswith("param_"):
            parameters.append(name)
    entity = contract.load().entity("ga4", "events")
    types = {column.name: column.sql_type for column in entity.columns}
    revenue = "ecommerce_purchase_revenue_in_usd"
    revenue_sql = number(f'"{revenue}"') if revenue in columns else "null"
    params = ", ".join(
        [
            *(_parameter(name) for name in parameters),
            # Fivetran writes the ecommerce amounts in USD.
            "{'key': 'currency', 'value': {'string_value': 'USD', "
            "'int_value': cast(null as bigint), 'float_value': cast(null as double), "
            "'double_value': cast(null as double)}}",
        ]
    )
    traffic = ", ".join(
        f"'{field}': {_optional(columns, f'collected_traffic_source_{field}')}"
        for field in ("manual_source", "manual_medium", "manual_campaign_name")
    )
    select = f"""
        select
            strftime(cast("date" as date), '%Y%m%d') as event_date,
            epoch_us(cast("timestamp" as timestamp)) as event_timestamp,
            {text('"name"')} as event_name,
            cast(list_filter([{params}], parameter -> parameter.value.string_value is not null
                or parameter.value.int_value is not null
                or parameter.value.double_value is not null) as {types["event_params"]})
                as event_params,
            {text('"user_pseudo_id"')} as user_pseudo_id,
            {_optional(columns, "user_id")} as user_id,
            cast({{'category': {_optional(columns, "device_category")}}} as {types["device"]})
                as device,
            cast({{'country': {_optional(columns, "geo_country")}}} as {types["geo"]}) as geo,
            cast({{{traffic}, 'manual_campaign_id': null, 'manual_content': null,
                'gclid': {_optional(columns, "param_gclid")}}}
                as {types["collected_traffic_source"]}) as collected_traffic_source,
            cast({{'transaction_id': {_optional(columns, "ecommerce_transaction_id")},
                'purchase_revenue': {revenue_sql}}}
                as {types["ecommerce"]}) as ecommerce,
            cast(null as {types["items"]}) as items
        from event"""
    notes.append("items are not in the event table: item_count is empty")
    intraday = "lower(cast(is_intraday as varchar)) = 'true'" if "is_intraday" in columns else None
    mappings = []
    for stem, rows in (("events", f"not ({intraday})"), ("events_intraday", intraday)):
        if rows is None:
            if stem == "events_intraday":
                continue
            rows = "true"
        if tables.connection.execute(f"select count(*) from event where {rows}").fetchone()[0]:
            money_in = f"select coalesce(sum({revenue_sql}), 0) from event where {rows}"
            mappings.append(
                Mapping(
                    "ga4",
                    "events",
                    f"({select} where {rows})",
                    "event",
                    money_in,
                    "ecommerce.purchase_revenue",
                    notes,
                    file_stem=stem,
                    money_is_expression=True,
                )
            )
    return mappings


ADAPTERS = {"ga4_export": ga4_export}
