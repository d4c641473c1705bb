"""Fivetran schemas of the ad platforms mapped onto the landing contract.

Table and column names are Fivetran's (as its dbt source packages read them).
Names, currencies and time zones live in `*_history` tables: each stats row
takes the history row valid at the end of its day, or the earliest one when
the day precedes the history. Null metrics mean zero, as in Fivetran's own
packages. What a schema lacks is said in the notes, never filled silently.
"""

from __future__ import annotations

from growth_ledger.connectors.fivetran_shopify import shopify
from growth_ledger.connectors.mapping import Mapping, history_valid_on, number, text, whole
from growth_ledger.connectors.tables import ConnectorError, ConnectorTables


def google_ads(tables: ConnectorTables, options: dict[str, str]) -> list[Mapping]:
    tables.require("ad_stats", "account_history", "campaign_history", "ad_group_history")
    for table in ("ad_stats", "account_history", "campaign_history", "ad_group_history"):
        tables.view(table)
    notes: list[str] = []
    conversions = {}
    for column in ("conversions", "conversions_value"):
        if tables.has_column("ad_stats", column):
            conversions[column] = f"coalesce(sum({number(column)}), 0)"
        else:
            conversions[column] = "0"
            notes.append(
                f"ad_stats has no {column} column: platform-claimed {column} written as 0 "
                "(they feed only the platform over-claim comparison)"
            )
    query = f"""(
        with stats as (
            select
                cast(date as date) as stat_date,
                {text("customer_id")} as customer_id,
                {text("campaign_id")} as campaign_id,
                -- Fivetran fills ad_group_id, or only the resource name customers/N/adGroups/M.
                coalesce({text("ad_group_id")}, regexp_extract(ad_group, 'adGroups/([0-9]+)', 1))
                    as ad_group_id,
                {text("ad_id")} as ad_id,
                -- Split by device, network and keyword: one row per day and ad is their sum.
                coalesce(sum({number("cost_micros")}), 0) as cost_micros,
                coalesce(sum({number("impressions")}), 0) as impressions,
                coalesce(sum({number("clicks")}), 0) as clicks,
                {conversions["conversions"]} as conversions,
                {conversions["conversions_value"]} as conversions_value
            from ad_stats
            group by all
        ),
        {
        history_valid_on(
            "accounts",
            "account_history",
            "id",
            "updated_at",
            ["currency_code", "time_zone", "descriptive_name"],
            "stats",
            "customer_id",
        )
    },
        {
        history_valid_on(
            "campaigns",
            "campaign_history",
            "id",
            "updated_at",
            ["name", "advertising_channel_type", "status"],
            "stats",
            "campaign_id",
        )
    },
        {
        history_valid_on(
            "ad_groups", "ad_group_history", "id", "updated_at", ["name"], "stats", "ad_group_id"
        )
    }
        select
            strftime(stats.stat_date, '%Y-%m-%d') as "segments.date",
            stats.customer_id as "customer.id",
            accounts.currency_code as "customer.currency_code",
            accounts.time_zone as "customer.time_zone",
            stats.campaign_id as "campaign.id",
            coalesce(campaigns.name, stats.campaign_id) as "campaign.name",
            stats.ad_group_id as "ad_group.id",
            coalesce(ad_groups.name, stats.ad_group_id) as "ad_group.name",
            stats.ad_id as "ad_group_ad.ad.id",
            {whole("stats.cost_micros", "cost_micros")} as "metrics.cost_micros",
            {whole("stats.impressions", "impressions")} as "metrics.impressions",
            {whole("stats.clicks", "clicks")} as "metrics.clicks",
            stats.conversions as "metrics.conversions",
            stats.conversions_value as "metrics.conversions_value",
            accounts.descriptive_name as "customer.descriptive_name",
            campaigns.advertising_channel_type as "campaign.advertising_channel_type",
            campaigns.status as "campaign.status"
        from stats
        left join accounts
            on stats.customer_id = accounts.key and stats.stat_date = accounts.on_date
        left join campaigns
            on stats.campaign_id = campaigns.key and stats.stat_date = campaigns.on_date
        left join ad_groups
            on stats.ad_group_id = ad_groups.key and stats.stat_date = ad_groups.on_date
    )"""
    money_in = f"select sum({number('cost_micros')}) from ad_stats"
    return [
        Mapping("google_ads", "ad_stats", query, "ad_stats", money_in, "metrics.cost_micros", notes)
    ]


def facebook_ads(tables: ConnectorTables, options: dict[str, str]) -> list[Mapping]:
    needed = ("basic_ad", "account_history", "campaign_history", "ad_set_history", "ad_history")
    tables.require(*needed)
    for table in needed:
        tables.view(table)
    notes: list[str] = []
    if tables.has_column("account_history", "currency"):
        currency = "accounts.currency"
    elif options.get("currency"):
        currency = f"'{options['currency']}'"
        notes.append(
            f"account_history has no currency column: {options['currency']} (option currency)"
        )
    else:
        raise ConnectorError(
            "facebook_ads account_history has no currency column (older Fivetran schema): "
            "pass the ad accounts' currency, e.g. --option currency=USD"
        )
    long_tables = {}
    for table in ("basic_ad_actions", "basic_ad_action_values"):
        if tables.has(table):
            tables.view(table)
            long_tables[table] = f"""
                select
                    {text("ad_id")} as ad_id,
                    cast(date as date) as stat_date,
                    list({{'action_type': action_type, 'value': cast(sum_value as varchar)}}
                        order by action_type) as items
                from (
                    select ad_id, date, action_type, sum({number("value")}) as sum_value
                    from {table}
                    group by all
                )
                group by all"""
        else:
            notes.append(f"no {table} table: actions of every ad are empty")
            long_tables[table] = (
                "select null::varchar as ad_id, null::date as stat_date, "
                "[]::struct(action_type varchar, value varchar)[] as items where false"
            )
    account_columns = ["name"] + (["currency"] if currency == "accounts.currency" else [])
    query = f"""(
        with stats as (
            select
                cast(date as date) as stat_date,
                {text("account_id")} as account_id,
                {text("ad_id")} as ad_id,
                coalesce(sum({number("spend")}), 0) as spend,
                coalesce(sum({number("impressions")}), 0) as impressions,
                -- Insights `clicks` counts every click; link clicks are what reach the site.
                coalesce(sum({number("inline_link_clicks")}), 0) as clicks
            from basic_ad
            group by all
        ),
        actions as ({long_tables["basic_ad_actions"]}),
        action_values as ({long_tables["basic_ad_action_values"]}),
        {
        history_valid_on(
            "ads",
            "ad_history",
            "id",
            "updated_time",
            ["ad_set_id", "campaign_id", "name"],
            "stats",
            "ad_id",
        )
    },
        {
        history_valid_on(
            "accounts",
            "account_history",
            "id",
            "_fivetran_synced",
            account_columns,
            "stats",
            "account_id",
        )
    },
        ads_with_set as (
            select stats.*, ads.ad_set_id, ads.campaign_id, ads.name as ad_name
            from stats
            left join ads on stats.ad_id = ads.key and stats.stat_date = ads.on_date
        ),
        {
        history_valid_on(
            "ad_sets", "ad_set_history", "id", "updated_time", ["name"], "ads_with_set", "ad_set_id"
        )
    },
        {
        history_valid_on(
            "campaigns",
            "campaign_history",
            "id",
            "updated_time",
            ["name"],
            "ads_with_set",
            "campaign_id",
        )
    }
        select
            strftime(s.stat_date, '%Y-%m-%d') as date_start,
            strftime(s.stat_date, '%Y-%m-%d') as date_stop,
            s.account_id,
            accounts.name as account_name,
            {currency} as account_currency,
            s.campaign_id,
            coalesce(campaigns.name, s.campaign_id) as campaign_name,
            s.ad_set_id as adset_id,
            coalesce(ad_sets.name, s.ad_set_id) as adset_name,
            s.ad_id,
            s.ad_name,
            cast(s.spend as varchar) as spend,
            cast({whole("s.impressions", "impressions")} as varchar) as impressions,
            cast({whole("s.clicks", "inline_link_clicks")} as varchar) as clicks,
            coalesce(actions.items, []) as actions,
            coalesce(action_values.items, []) as action_values
        from ads_with_set as s
        left join accounts on s.account_id = accounts.key and s.stat_date = accounts.on_date
        left join ad_sets on s.ad_set_id = ad_sets.key and s.stat_date = ad_sets.on_date
        left join campaigns on s.campaign_id = campaigns.key and s.stat_date = campaigns.on_date
        left join actions on s.ad_id = actions.ad_id and s.stat_date = actions.stat_date
        left join action_values
            on s.ad_id = action_values.ad_id and s.stat_date = action_values.stat_date
    )"""
    notes.append("basic_ad has inline_link_clicks only: clicks are link clicks")
    money_in = f"select sum({number('spend')}) from basic_ad"
    return [Mapping("meta_ads", "ads_insights", query, "basic_ad", money_in, "spend", notes)]


def tiktok_ads(tables: ConnectorTables, options: dict[str, str]) -> list[Mapping]:
    needed = ("ad_report_hourly", "advertiser", "ad_history", "adgroup_history", "campaign_history")
    tables.require(*needed)
    for table in needed:
        tables.view(table)
    notes: list[str] = []
    has_purchases = tables.has_column("ad_report_hourly", "complete_payment")
    purchases = "complete_payment" if has_purchases else None
    value = (
        "total_complete_payment_rate"
        if tables.has_column("ad_report_hourly", "total_complete_payment_rate")
        else "total_purchase_value"
        if tables.has_column("ad_report_hourly", "total_purchase_value")
        else None
    )
    if purchases is None:
        notes.append("ad_report_hourly has no complete_payment: platform purchases written as 0")
    if value is None:
        notes.append("ad_report_hourly has no purchase value column: written as 0")
    purchases_sql = f"coalesce(sum({number(purchases)}), 0)" if purchases else "0"
    value_sql = f"coalesce(sum({number(value)}), 0)" if value else "0"
    query = f"""(
        with stats as (
            select
                -- TikTok reports hours in the advertiser's time zone: the day is the hour's date.
                cast(cast(stat_time_hour as timestamp) as date) as stat_date,
                {text("ad_id")} as ad_id,
                coalesce(sum({number("spend")}), 0) as spend,
                coalesce(sum({number("impressions")}), 0) as impressions,
                coalesce(sum({number("clicks")}), 0) as clicks,
                {purchases_sql} as complete_payment,
                {value_sql} as payment_value
            from ad_report_hourly
            group by all
        ),
        {
        history_valid_on(
            "ads",
            "ad_history",
            "ad_id",
            "updated_at",
            ["advertiser_id", "adgroup_id", "campaign_id", "ad_name"],
            "stats",
            "ad_id",
        )
    },
        ads_with_ids as (
            select stats.*, ads.advertiser_id, ads.adgroup_id, ads.campaign_id, ads.ad_name
            from stats
            left join ads on stats.ad_id = ads.key and stats.stat_date = ads.on_date
        ),
        {
        history_valid_on(
            "ad_groups",
            "adgroup_history",
            "adgroup_id",
            "updated_at",
            ["adgroup_name"],
            "ads_with_ids",
            "adgroup_id",
        )
    },
        {
        history_valid_on(
            "campaigns",
            "campaign_history",
            "campaign_id",
            "updated_at",
            ["campaign_name"],
            "ads_with_ids",
            "campaign_id",
        )
    },
        advertisers as (
            select {text("id")} as advertiser_id, any_value({text("currency")}) as currency
            from advertiser
            group by all
        )
        select
            strftime(s.stat_date, '%Y-%m-%d') || ' 00:00:00' as stat_time_day,
            s.advertiser_id,
            advertisers.currency,
            s.campaign_id,
            coalesce(campaigns.campaign_name, s.campaign_id) as campaign_name,
            s.adgroup_id,
            coalesce(ad_groups.adgroup_name, s.adgroup_id) as adgroup_name,
            s.ad_id,
            s.ad_name,
            s.spend,
            {whole("s.impressions", "impressions")} as impressions,
            {whole("s.clicks", "clicks")} as clicks,
            s.complete_payment,
            s.payment_value as total_complete_payment_rate
        from ads_with_ids as s
        left join advertisers on s.advertiser_id = advertisers.advertiser_id
        left join ad_groups on s.adgroup_id = ad_groups.key and s.stat_date = ad_groups.on_date
        left join campaigns on s.campaign_id = campaigns.key and s.stat_date = campaigns.on_date
    )"""
    money_in = f"select sum({number('spend')}) from ad_report_hourly"
    return [Mapping("tiktok_ads", "ad_report", query, "ad_report_hourly", money_in, "spend", notes)]


def linkedin_ads(tables: ConnectorTables, options: dict[str, str]) -> list[Mapping]:
    needed = (
        "ad_analytics_by_creative",
        "creative_history",
        "campaign_history",
        "account_history",
    )
    tables.require(*needed)
    for table in needed:
        tables.view(table)
    query = f"""(
        with stats as (
            select
                cast(cast(day as timestamp) as date) as stat_date,
                {text("creative_id")} as creative_id,
                coalesce(sum({number("cost_in_local_currency")}), 0) as cost_local,
                coalesce(sum({number("cost_in_usd")}), 0) as cost_usd,
                coalesce(sum({number("impressions")}), 0) as impressions,
                coalesce(sum({number("clicks")}), 0) as clicks,
                coalesce(sum({number("external_website_conversions")}), 0) as conversions,
                coalesce(sum({number("conversion_value_in_local_currency")}), 0) as conversion_value
            from ad_analytics_by_creative
            group by all
        ),
        {
        history_valid_on(
            "creatives",
            "creative_history",
            "id",
            "created_time",
            ["campaign_id"],
            "stats",
            "creative_id",
        )
    },
        with_campaign as (
            select stats.*, creatives.campaign_id
            from stats
            left join creatives
                on stats.creative_id = creatives.key and stats.stat_date = creatives.on_date
        ),
        {
        history_valid_on(
            "campaigns",
            "campaign_history",
            "id",
            "last_modified_time",
            ["account_id", "campaign_group_id", "name"],
            "with_campaign",
            "campaign_id",
        )
    },
        with_account as (
            select
                with_campaign.*,
                campaigns.account_id,
                campaigns.campaign_group_id,
                campaigns.name
            from with_campaign
            left join campaigns
                on with_campaign.campaign_id = campaigns.key
                and with_campaign.stat_date = campaigns.on_date
        ),
        {
        history_valid_on(
            "accounts",
            "account_history",
            "id",
            "last_modified_time",
            ["currency"],
            "with_account",
            "account_id",
        )
    }
        select
            strftime(s.stat_date, '%Y-%m-%d') as date,
            'urn:li:sponsoredAccount:' || s.account_id as account_urn,
            'urn:li:sponsoredCampaignGroup:' || s.campaign_group_id as campaign_group_urn,
            'urn:li:sponsoredCampaign:' || s.campaign_id as campaign_urn,
            coalesce(s.name, s.campaign_id) as campaign_name,
            'urn:li:sponsoredCreative:' || s.creative_id as creative_urn,
            accounts.currency,
            s.cost_local as cost_in_local_currency,
            s.cost_usd as cost_in_usd,
            {whole("s.impressions", "impressions")} as impressions,
            {whole("s.clicks", "clicks")} as clicks,
            s.conversions as external_website_conversions,
            s.conversion_value as conversion_value_in_local_currency
        from with_account as s
        left join accounts on s.account_id = accounts.key and s.stat_date = accounts.on_date
    )"""
    money_in = f"select sum({number('cost_in_local_currency')}) from ad_analytics_by_creative"
    return [
        Mapping(
            "linkedin_ads",
            "ad_analytics",
            query,
            "ad_analytics_by_creative",
            money_in,
            "cost_in_local_currency",
        )
    ]


ADAPTERS = {
    "google_ads": google_ads,
    "facebook_ads": facebook_ads,
    "tiktok_ads": tiktok_ads,
    "linkedin_ads": linkedin_ads,
    "shopify": shopify,
}
