"""dlt verified sources mapped onto the landing contract.

dlt normalises nested JSON into child tables: a list under `orders.line_items`
becomes table `orders__line_items`, linked to its parent row by
`_dlt_parent_id` = parent `_dlt_id`; nested objects become columns joined by
`__` (`shipping_address__country_code`). The facebook_ads source loads one ad
account per pipeline and its insights carry neither the account id nor its
currency: both are options the user states.
"""

from __future__ import annotations

from growth_ledger.connectors.mapping import Mapping, number, text, whole
from growth_ledger.connectors.tables import ConnectorError, ConnectorTables


def _child_list(tables: ConnectorTables, table: str, fields: dict[str, str]) -> str:
    """Rows of a dlt child table rebuilt into a list per parent `_dlt_id`."""
    if not tables.has(table):
        items = ", ".join(f"'{name}': null::varchar" for name in fields)
        return f"select null::varchar as parent_id, [{{{items}}}][:0] as items where false"
    tables.view(table)
    items = ", ".join(f"'{name}': {expression}" for name, expression in fields.items())
    return f"""select _dlt_parent_id as parent_id,
            list({{{items}}} order by _dlt_list_idx) as items
        from {table} group by all"""


def _column_or_null(tables: ConnectorTables, table: str, column: str) -> str:
    return text(column) if tables.has_column(table, column) else "null::varchar"


def facebook_ads(tables: ConnectorTables, options: dict[str, str]) -> list[Mapping]:
    tables.require("facebook_insights")
    tables.view("facebook_insights")
    missing = [key for key in ("account_id", "currency") if not options.get(key)]
    if missing:
        raise ConnectorError(
            "dlt facebook_ads insights carry no ad account id or currency: pass "
            + " and ".join(f"--option {key}=..." for key in missing)
            + " (the account the pipeline loads)"
        )
    names = {}
    for table in ("campaigns", "ad_sets", "ads"):
        if tables.has(table):
            tables.view(table)
            names[table] = (
                f"select {text('id')} as id, any_value({text('name')}) as name "
                f"from {table} group by all"
            )
        else:
            names[table] = "select null::varchar as id, null::varchar as name where false"
    value_fields = {
        "action_type": text("action_type"),
        "value": f"cast({number('value')} as varchar)",
    }
    notes = [f"ad account {options['account_id']} in {options['currency']} (options)"]
    notes += [
        f"no {t} table: names are the ids"
        for t in ("campaigns", "ad_sets", "ads")
        if not tables.has(t)
    ]
    query = f"""(
        with insights as (
            select * from facebook_insights
            -- dlt merges on (campaign_id, adset_id, ad_id, date_start): one row per day and ad.
        ),
        actions as ({_child_list(tables, "facebook_insights__actions", value_fields)}),
        action_values as ({_child_list(tables, "facebook_insights__action_values", value_fields)}),
        campaigns as ({names["campaigns"]}),
        ad_sets as ({names["ad_sets"]}),
        ads as ({names["ads"]})
        select
            strftime(cast(insights.date_start as date), '%Y-%m-%d') as date_start,
            strftime(cast(coalesce(insights.date_stop, insights.date_start) as date), '%Y-%m-%d')
                as date_stop,
            '{options["account_id"]}' as account_id,
            null as account_name,
            '{options["currency"]}' as account_currency,
            {text("insights.campaign_id")} as campaign_id,
            coalesce(campaigns.name, {text("insights.campaign_id")}) as campaign_name,
            {text("insights.adset_id")} as adset_id,
            coalesce(ad_sets.name, {text("insights.adset_id")}) as adset_name,
            {text("insights.ad_id")} as ad_id,
            ads.name as ad_name,
            cast({number("insights.spend")} as varchar) as spend,
            cast({whole(number("insights.impressions"), "impressions")} as varchar) as impressions,
            cast({whole(number("insights.clicks"), "clicks")} as varchar) as clicks,
            coalesce(actions.items, []) as actions,
            coalesce(action_values.items, []) as action_values
        from insights
        left join actions on insights._dlt_id = actions.parent_id
        left join action_values on insights._dlt_id = action_values.parent_id
        left join campaigns on {text("insights.campaign_id")} = campaigns.id
        left join ad_sets on {text("insights.adset_id")} = ad_sets.id
        left join ads on {text("insights.ad_id")} = ads.id
    )"""
    money_in = f"select sum({number('spend')}) from facebook_insights"
    return [
        Mapping("meta_ads", "ads_insights", query, "facebook_insights", money_in, "spend", notes)
    ]


def shopify(tables: ConnectorTables, options: dict[str, str]) -> list[Mapping]:
    tables.require("orders", "orders__line_items")
    tables.view("orders")
    money = lambda column: f"cast({number(column)} as varchar)"  # noqa: E731
    tables.view("orders__line_items")
    tax_lines = _child_list(
        tables, "orders__line_items__tax_lines", {"rate": money("rate"), "price": money("price")}
    )
    shipping = _child_list(tables, "orders__shipping_lines", {"price": money("price")})
    discounts = _child_list(
        tables, "orders__discount_codes", {"code": text("code"), "amount": money("amount")}
    )
    refund_lines = _child_list(
        tables,
        "orders__refunds__refund_line_items",
        {
            "line_item_id": text("line_item_id"),
            "quantity": f"cast({whole(number('quantity'), 'refund quantity')} as varchar)",
            "subtotal": money("subtotal"),
        },
    )
    transactions = _child_list(
        tables,
        "orders__refunds__transactions",
        {"amount": money("amount"), "kind": text("kind"), "status": text("status")},
    )
    if tables.has("orders__refunds"):
        tables.view("orders__refunds")
        refunds = f"""select
                refund._dlt_parent_id as parent_id,
                list({{'id': {text("refund.id")}, 'created_at': {text("refund.created_at")},
                       'refund_line_items': coalesce(refund_lines.items, []),
                       'transactions': coalesce(transactions.items, [])}}
                    order by refund._dlt_list_idx) as items
            from orders__refunds as refund
            left join refund_lines on refund._dlt_id = refund_lines.parent_id
            left join transactions on refund._dlt_id = transactions.parent_id
            group by all"""
    else:
        refunds = "select null::varchar as parent_id, [] as items where false"
    country = _column_or_null(tables, "orders", "shipping_address__country_code")
    customer_id = _column_or_null(tables, "orders", "customer__id")
    query = f"""(
        with tax_lists as ({tax_lines}),
        lines_with_tax as (
            select
                line._dlt_parent_id as parent_id,
                list({{'id': {text("line.id")}, 'sku': {text("line.sku")},
                       'product_id': {text("line.product_id")}, 'title': {text("line.title")},
                       'quantity': {whole(number("line.quantity"), "line quantity")},
                       'price': {money("line.price")},
                       'total_discount': {money("line.total_discount")},
                       'tax_lines': coalesce(tax_lists.items, [])}}
                    order by line._dlt_list_idx) as items
            from orders__line_items as line
            left join tax_lists on line._dlt_id = tax_lists.parent_id
            group by all
        ),
        refund_lines as ({refund_lines}),
        transactions as ({transactions}),
        refunds_nested as ({refunds}),
        shipping as ({shipping}),
        discounts as ({discounts})
        select
            {text("orders.id")} as id,
            {text("orders.name")} as name,
            {text("orders.created_at")} as created_at,
            {text("orders.updated_at")} as updated_at,
            {_column_or_null(tables, "orders", "cancelled_at")} as cancelled_at,
            {_column_or_null(tables, "orders", "cancel_reason")} as cancel_reason,
            {text("orders.currency")} as currency,
            {_column_or_null(tables, "orders", "email")} as email,
            case when {customer_id} is not null then {{'id': {customer_id}}} end as customer,
            case when {country} is not null then {{'country_code': {country}}} end
                as shipping_address,
            lines_with_tax.items as line_items,
            coalesce(shipping.items, []) as shipping_lines,
            coalesce(discounts.items, []) as discount_codes,
            coalesce(refunds_nested.items, []) as refunds,
            {money("orders.total_price")} as total_price,
            {money("orders.subtotal_price")} as subtotal_price,
            {money("orders.total_discounts")} as total_discounts,
            {money("orders.total_tax")} as total_tax,
            {text("orders.financial_status")} as financial_status,
            {_column_or_null(tables, "orders", "source_name")} as source_name,
            {_column_or_null(tables, "orders", "landing_site")} as landing_site,
            {_column_or_null(tables, "orders", "taxes_included")} as taxes_included
        from orders
        left join lines_with_tax on orders._dlt_id = lines_with_tax.parent_id
        left join refunds_nested on orders._dlt_id = refunds_nested.parent_id
        left join shipping on orders._dlt_id = shipping.parent_id
        left join discounts on orders._dlt_id = discounts.parent_id
    )"""
    money_in = f"select sum({number('total_price')}) from orders"
    return [Mapping("shop", "orders", query, "orders", money_in, "total_price", [])]


ADAPTERS = {"facebook_ads": facebook_ads, "shopify": shopify}
