"""Connector tables recognised by their columns, so the pre-flight names the fix.

A table copied into the landing as Fivetran, Airbyte or dlt wrote it is not a
landing-contract extract: without this, the user reads "no header row" or a
list of missing columns. With it, the pre-flight says which connector table the
file is and which `growth-ledger import` command turns it into contract files.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConnectorTable:
    connector: str
    source: str  # the source argument of `growth-ledger import`
    table: str
    columns: frozenset[str]  # all present (any case): the file is this table

    def describe(self) -> str:
        kind = "stream" if self.connector == "airbyte" else "table"
        return f"{self.connector.capitalize()} {self.source} `{self.table}` {kind}"

    def fix(self) -> str:
        return (
            f"import it: growth-ledger import {self.connector} {self.source} "
            "--from <folder or DuckDB file with the connector's tables> --landing <landing> "
            '(README "Using Fivetran / Airbyte / dlt data")'
        )


def _table(connector: str, source: str, table: str, *columns: str) -> ConnectorTable:
    return ConnectorTable(connector, source, table, frozenset(columns))


# The table each adapter is driven by, with columns no contract extract has together.
KNOWN_TABLES = (
    _table("fivetran", "google_ads", "ad_stats", "customer_id", "date", "ad_id", "cost_micros"),
    _table("fivetran", "facebook_ads", "basic_ad", "ad_id", "date", "inline_link_clicks"),
    _table("fivetran", "tiktok_ads", "ad_report_hourly", "ad_id", "stat_time_hour", "spend"),
    _table("fivetran", "linkedin_ads", "ad_analytics_by_creative", "creative_id", "day"),
    _table("fivetran", "shopify", "order", "id", "total_price", "_fivetran_synced"),
    _table("fivetran", "shopify", "gql_order", "id", "total_price_set_shop_amount"),
    _table("fivetran", "ga4_export", "event", "_fivetran_id", "user_pseudo_id", "timestamp"),
    _table("dlt", "facebook_ads", "facebook_insights", "ad_id", "date_start", "_dlt_load_id"),
    _table("dlt", "shopify", "orders", "id", "total_price", "_dlt_load_id"),
)

# Airbyte writes record messages {"stream": ..., "data": {...}} (the stream names the
# source) or tables with `_airbyte_*` columns (the landing folder names it).
AIRBYTE_STREAMS = {
    "ads_insights": ("facebook_marketing", "meta_ads/ads_insights"),
    "ad_group_ad_legacy": ("google_ads", "google_ads/ad_stats"),
    "search_analytics_all_fields": ("google_search_console", "search_console/search_analytics"),
    "orders": ("shopify", "shop/orders"),
}


def recognise(columns: list[str], folder: str, stream: str | None = None) -> ConnectorTable | None:
    """The connector table a file of the landing folder `folder` (`<source>/<entity>`)
    is, from its columns or its Airbyte stream; None for anything else."""
    for name, (source, entity_folder) in AIRBYTE_STREAMS.items():
        if stream == name or (
            entity_folder == folder and any(c.casefold().startswith("_airbyte_") for c in columns)
        ):
            return ConnectorTable("airbyte", source, name, frozenset())
    present = {column.casefold() for column in columns}
    return next((table for table in KNOWN_TABLES if table.columns <= present), None)
