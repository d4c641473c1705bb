"""Fivetran's Shopify schema (REST and GraphQL variants) as Shopify REST order objects.

Fivetran keeps orders flat with their lines, tax lines, shipping lines,
discount codes, refunds and transactions in tables of their own; the landing
contract wants the Admin REST order object. Fivetran writes timestamps in
UTC without an offset, so `+00:00` is added. The GraphQL variant carries
money as `<field>_set_shop_amount` (shop currency) and line totals instead of
unit prices (unit price = original total / quantity).
"""

from __future__ import annotations

from growth_ledger.connectors.mapping import Mapping, number, text, whole
from growth_ledger.connectors.tables import ConnectorTables


def _utc(column: str) -> str:
    return (
        f"strftime(cast(nullif(trim(cast({column} as varchar)), '') as timestamp), "
        "'%Y-%m-%dT%H:%M:%S') || '+00:00'"
    )


def _money(expression: str) -> str:
    return f"cast({expression} as varchar)"


def _rest_orders() -> str:
    return f"""
        select
            {text("id")} as order_id, {text("name")} as name,
            created_at, updated_at, cancelled_at, {text("cancel_reason")} as cancel_reason,
            {text("currency")} as currency, {text("email")} as email,
            {text("customer_id")} as customer_id,
            {text("financial_status")} as financial_status,
            {text("source_name")} as source_name,
            {text("landing_site_base_url")} as landing_site,
            lower({text("taxes_included")}) = 'true' as taxes_included,
            {text("shipping_address_country_code")} as country_code,
            {number("subtotal_price")} as subtotal_price,
            {number("total_price")} as total_price,
            {number("total_tax")} as total_tax,
            {number("total_discounts")} as total_discounts
        from "order" """


def _gql_orders() -> str:
    return f"""
        select
            {text("id")} as order_id, {text("name")} as name,
            created_at, updated_at, cancelled_at, {text("cancel_reason")} as cancel_reason,
            {text("currency_code")} as currency, {text("email")} as email,
            {text("customer_id")} as customer_id,
            lower({text("display_financial_status")}) as financial_status,
            {text("source_name")} as source_name,
            null as landing_site,
            lower({text("taxes_included")}) = 'true' as taxes_included,
            {text("shipping_address_country_code")} as country_code,
            {number("subtotal_price_set_shop_amount")} as subtotal_price,
            {number("total_price_set_shop_amount")} as total_price,
            {number("total_tax_set_shop_amount")} as total_tax,
            {number("total_discounts_set_shop_amount")} as total_discounts
        from gql_order"""


def _rest_lines() -> str:
    return f"""
        select
            {text("order_id")} as order_id, {text("id")} as line_id,
            {text("sku")} as sku, {text("product_id")} as product_id, {text("title")} as title,
            {whole(number("quantity"), "line quantity")} as quantity,
            {number("price")} as price,
            coalesce({number("total_discount")}, 0) as total_discount
        from order_line"""


def _gql_lines() -> str:
    return f"""
        select
            {text("order_id")} as order_id, {text("id")} as line_id,
            {text("sku")} as sku, {text("product_id")} as product_id, {text("title")} as title,
            {whole(number("quantity"), "line quantity")} as quantity,
            {number("original_total_set_shop_amount")} / nullif({number("quantity")}, 0) as price,
            coalesce({number("total_discount_set_shop_amount")}, 0) as total_discount
        from gql_order_line"""


def _optional(tables: ConnectorTables, table: str, select: str, empty: str) -> str:
    if tables.has(table):
        tables.view(table)
        return select
    return empty


def shopify(tables: ConnectorTables, options: dict[str, str]) -> list[Mapping]:
    graphql = not tables.has("order") and tables.has("gql_order")
    order_table, line_table = (
        ("gql_order", "gql_order_line") if graphql else ("order", "order_line")
    )
    tables.require(order_table, line_table)
    tables.view(order_table)
    tables.view(line_table)
    notes = ["GraphQL variant: unit price = line total / quantity"] if graphql else []
    tax_lines = _optional(
        tables,
        "tax_line",
        f"""select {text("order_line_id")} as line_id,
                list({{'rate': cast({number("rate")} as varchar),
                       'price': cast({number("price")} as varchar)}}) as items
            from tax_line group by all""",
        "select null::varchar as line_id, [] as items where false",
    )
    shipping = _optional(
        tables,
        "order_shipping_line",
        f"""select {text("order_id")} as order_id,
                list({{'price': cast({number("price")} as varchar)}}) as items
            from order_shipping_line group by all""",
        "select null::varchar as order_id, [] as items where false",
    )
    discounts = _optional(
        tables,
        "order_discount_code",
        f"""select {text("order_id")} as order_id,
                list({{'code': {text("code")}, 'amount': cast({number("amount")} as varchar)}})
                    as items
            from order_discount_code group by all""",
        "select null::varchar as order_id, [] as items where false",
    )
    refund_lines = _optional(
        tables,
        "order_line_refund",
        f"""select {text("refund_id")} as refund_id,
                list({{'line_item_id': {text("order_line_id")},
                       'quantity': cast({whole(number("quantity"), "refund quantity")} as varchar),
                       'subtotal': cast({number("subtotal")} as varchar)}}) as items
            from order_line_refund group by all""",
        "select null::varchar as refund_id, [] as items where false",
    )
    refund_transactions = _optional(
        tables,
        "transaction",
        f"""select {text("refund_id")} as refund_id,
                list({{'amount': cast({number("amount")} as varchar), 'kind': {text("kind")},
                       'status': {text("status")}}}) as items
            from "transaction" where {text("refund_id")} is not null group by all""",
        "select null::varchar as refund_id, [] as items where false",
    )
    refunds = _optional(
        tables,
        "refund",
        f"""select {text("refund.order_id")} as order_id,
                list({{'id': {text("refund.id")}, 'created_at': {_utc("refund.created_at")},
                       'refund_line_items': coalesce(refund_lines.items, []),
                       'transactions': coalesce(refund_transactions.items, [])}}) as items
            from refund
            left join refund_lines on {text("refund.id")} = refund_lines.refund_id
            left join refund_transactions on {text("refund.id")} = refund_transactions.refund_id
            group by all""",
        "select null::varchar as order_id, [] as items where false",
    )
    if not tables.has("refund"):
        notes.append("no refund table: orders carry no refunds")
    query = f"""(
        with orders as ({_gql_orders() if graphql else _rest_orders()}),
        lines as ({_gql_lines() if graphql else _rest_lines()}),
        tax_lines as ({tax_lines}),
        shipping as ({shipping}),
        discounts as ({discounts}),
        refund_lines as ({refund_lines}),
        refund_transactions as ({refund_transactions}),
        refunds as ({refunds}),
        nested_lines as (
            select
                lines.order_id,
                list({{'id': lines.line_id, 'sku': lines.sku, 'product_id': lines.product_id,
                       'title': lines.title, 'quantity': lines.quantity,
                       'price': {_money("lines.price")},
                       'total_discount': {_money("lines.total_discount")},
                       'tax_lines': coalesce(tax_lines.items, [])}}
                    order by lines.line_id) as items
            from lines
            left join tax_lines on lines.line_id = tax_lines.line_id
            group by all
        )
        select
            orders.order_id as id,
            orders.name,
            {_utc("orders.created_at")} as created_at,
            {_utc("orders.updated_at")} as updated_at,
            {_utc("orders.cancelled_at")} as cancelled_at,
            orders.cancel_reason,
            orders.currency,
            orders.email,
            {{'id': orders.customer_id, 'email': orders.email}} as customer,
            case when orders.country_code is not null
                then {{'country_code': orders.country_code}} end as shipping_address,
            nested_lines.items as line_items,
            coalesce(shipping.items, []) as shipping_lines,
            coalesce(discounts.items, []) as discount_codes,
            coalesce(refunds.items, []) as refunds,
            {_money("orders.total_price")} as total_price,
            {_money("orders.subtotal_price")} as subtotal_price,
            {_money("orders.total_discounts")} as total_discounts,
            {_money("orders.total_tax")} as total_tax,
            orders.financial_status,
            orders.source_name,
            orders.landing_site,
            orders.taxes_included
        from orders
        left join nested_lines on orders.order_id = nested_lines.order_id
        left join shipping on orders.order_id = shipping.order_id
        left join discounts on orders.order_id = discounts.order_id
        left join refunds on orders.order_id = refunds.order_id
    )"""
    total = "total_price_set_shop_amount" if graphql else "total_price"
    money_in = f'select sum({number(total)}) from "{order_table}"'
    return [Mapping("shop", "orders", query, order_table, money_in, "total_price", notes)]
