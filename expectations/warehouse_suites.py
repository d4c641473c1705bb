"""Suites over the built warehouse: staging models, public marts, reconciliation.

A suite whose relation is not in the warehouse raises NotBuilt: the check
reports it as "not built" instead of failing (marts land model by model).

A staging suite judges one landing entity (the contract's `staging_model`, or the
only entity of its source): when that entity is not in the landing, its model is
empty by design and the suite is skipped. Per-entity marts and the reconciliation
judge the entities that are present.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import great_expectations.expectations as gxe
import pandas as pd

from growth_ledger.contract import load as load_contract

from .spec import NotBuilt, Sources, SuiteSpec

CURRENCIES = ["EUR", "GBP", "USD"]
# Money totals must agree to the cent (sums of doubles differ by float noise only).
TOLERANCE_EUR = 0.01
AD_PLATFORMS = {
    "google_ads": "staging.stg_google_ads__ad_stats",
    "meta_ads": "staging.stg_meta_ads__ads_insights",
    "tiktok_ads": "staging.stg_tiktok_ads__ad_report",
    "linkedin_ads": "staging.stg_linkedin_ads__ad_analytics",
}
SHOP_ORDERS = "staging.stg_shop__orders"


def landing_entity(relation: str) -> str:
    """The landing entity (`<source>/<entity>`) a staging relation is built from: the
    contract entity whose staging model it is, else the only entity of its source."""
    name = relation.split(".")[1]
    source = name.removeprefix("stg_").split("__")[0]
    entities = [e for e in load_contract().entities if e.source == source]
    named = [e for e in entities if e.staging_model == name]
    if named or len(entities) == 1:
        return (named or entities)[0].folder
    raise ValueError(f"{relation}: no landing entity of the contract builds it")


@dataclass(frozen=True)
class ModelSuite:
    relation: str
    keys: tuple[str, ...]
    not_null: tuple[str, ...] = ()
    non_negative: tuple[str, ...] = ()
    currency: str | None = None
    value_sets: dict[str, list] = field(default_factory=dict)
    min_rows: int = 1
    # One row per landing entity (source_name, entity): judged for the present ones.
    per_landing_entity: bool = False

    @property
    def entity(self) -> str | None:
        """The landing entity the relation is built from (staging), or None (marts)."""
        return landing_entity(self.relation) if self.relation.startswith("staging.") else None

    @property
    def columns(self) -> list[str]:
        names = [*self.keys, *self.not_null, *self.non_negative, *self.value_sets]
        if self.currency:
            names.append(self.currency)
        return list(dict.fromkeys(names))


MODELS: tuple[ModelSuite, ...] = (
    ModelSuite(
        "staging.stg_google_ads__ad_stats",
        ("ad_date", "account_id", "campaign_id", "ad_group_id", "ad_id"),
        not_null=("spend_eur",),
        non_negative=("spend_eur", "impressions", "clicks", "platform_conversion_value_eur"),
        currency="currency",
    ),
    ModelSuite(
        "staging.stg_meta_ads__ads_insights",
        ("ad_date", "account_id", "campaign_id", "ad_set_id", "ad_id"),
        not_null=("spend_eur",),
        non_negative=("spend_eur", "impressions", "clicks"),
        currency="currency",
    ),
    ModelSuite(
        "staging.stg_tiktok_ads__ad_report",
        ("ad_date", "account_id", "ad_id"),
        not_null=("spend_eur",),
        non_negative=("spend_eur", "impressions", "clicks"),
        currency="currency",
    ),
    ModelSuite(
        "staging.stg_linkedin_ads__ad_analytics",
        ("ad_date", "account_id", "creative_id"),
        not_null=("spend_eur",),
        non_negative=("spend_eur", "impressions", "clicks"),
        currency="currency",
    ),
    ModelSuite(
        "staging.stg_shop__orders",
        ("order_id",),
        not_null=("order_date", "created_at", "total_price_eur"),
        non_negative=("total_price_eur", "total_tax"),
        currency="currency",
    ),
    ModelSuite(
        "staging.stg_shop__order_lines",
        ("order_line_id",),
        not_null=("order_id", "sku", "line_price_eur"),
        non_negative=("quantity", "line_price_eur"),
        currency="currency",
    ),
    ModelSuite(
        "staging.stg_stores__sales",
        ("sales_date", "store_id"),
        not_null=("net_sales_eur",),
        non_negative=("transactions", "gross_sales_eur"),
        currency="currency",
    ),
    ModelSuite(
        "staging.stg_subscriptions__billing_events",
        ("event_id",),
        not_null=("subscription_id", "occurred_at"),
        non_negative=("amount_eur", "quantity"),
        currency="currency",
    ),
    ModelSuite(
        "staging.stg_fx__rates_daily",
        ("rate_date", "currency"),
        not_null=("units_per_eur",),
        non_negative=("units_per_eur",),
    ),
    ModelSuite(
        "staging.stg_support__tickets",
        ("ticket_id",),
        not_null=("created_at",),
        value_sets={"status": ["open", "pending", "solved", "closed"]},
    ),
    ModelSuite(
        "staging.stg_email__events",
        ("event_id",),
        not_null=("occurred_at", "campaign_id"),
    ),
    ModelSuite(
        "marts.mart_source_reconciliation",
        ("source_name", "entity"),
        not_null=("raw_rows", "staged_rows", "quarantined_rows", "last_extracted_at"),
        non_negative=("staged_rows", "quarantined_rows", "superseded_rows", "rejected_rows"),
        value_sets={"is_reconciled": [True]},
        per_landing_entity=True,
    ),
)


def _model_loader(model: ModelSuite):
    def load(sources: Sources) -> pd.DataFrame:
        sources.require(model.relation)
        present = set(sources.columns(model.relation))
        columns = [f'"{name}"' for name in model.columns if name in present]
        frame = sources.query(f"select {', '.join(columns)} from {model.relation}")
        if not model.per_landing_entity:
            return frame
        # One row per entity in the landing, whether or not the mart has it: an entity
        # the mart lacks is a row of nulls, which the not-null expectations fail.
        expected = pd.DataFrame(
            [
                {"source_name": e.source, "entity": e.entity}
                for e in load_contract().entities
                if sources.is_present(e.folder)
            ],
            columns=["source_name", "entity"],
        )
        return expected.merge(frame, on=["source_name", "entity"], how="left")

    return load


def _model_expectations(model: ModelSuite):
    def expectations() -> list:
        result: list = [gxe.ExpectTableRowCountToBeBetween(min_value=model.min_rows)]
        result += [gxe.ExpectColumnToExist(column=name) for name in model.columns]
        result += [gxe.ExpectColumnValuesToNotBeNull(column=key) for key in model.keys]
        if len(model.keys) == 1:
            result.append(gxe.ExpectColumnValuesToBeUnique(column=model.keys[0]))
        else:
            result.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=list(model.keys)))
        result += [gxe.ExpectColumnValuesToNotBeNull(column=name) for name in model.not_null]
        result += [
            gxe.ExpectColumnValuesToBeBetween(column=name, min_value=0)
            for name in model.non_negative
        ]
        if model.currency:
            result.append(
                gxe.ExpectColumnValuesToBeInSet(column=model.currency, value_set=CURRENCIES)
            )
        result += [
            gxe.ExpectColumnValuesToBeInSet(column=name, value_set=values)
            for name, values in model.value_sets.items()
        ]
        return result

    return expectations


def _is_money(column: str) -> bool:
    return column.endswith("_eur") and not column.startswith("units_per_")


def _marts_with(sources: Sources, column: str, prefix: str = "fct_") -> list[str]:
    rows = sources.warehouse.execute(
        "select table_name from information_schema.columns "
        "where table_schema = 'marts' and column_name = ? and starts_with(table_name, ?) "
        "order by 1",
        [column, prefix],
    ).fetchall()
    return [f"marts.{row[0]}" for row in rows]


def _scalar(sources: Sources, sql: str) -> float:
    value = sources.warehouse.execute(sql).fetchone()[0]
    return float(value or 0)


def load_reconciliation(sources: Sources) -> pd.DataFrame:
    """One row per comparison: the same total computed from two layers, for the ad
    platforms and the shop in the landing (an absent one's models are empty by design)."""
    platforms = {
        platform: relation
        for platform, relation in AD_PLATFORMS.items()
        if sources.is_present(landing_entity(relation))
    }
    with_shop = sources.is_present(landing_entity(SHOP_ORDERS))
    sources.require(*platforms.values(), *([SHOP_ORDERS] if with_shop else []))
    rows = []

    def compare(check: str, left_name: str, left: float, right_name: str, right: float) -> None:
        rows.append(
            {
                "check": check,
                "left": left_name,
                "right": right_name,
                "left_value": round(left, 4),
                "right_value": round(right, 4),
                "difference": round(left - right, 6),
            }
        )

    # Staging against the accepted raw rows of its base model (raw = staged + quarantined).
    for platform, relation in platforms.items():
        base = relation.replace("staging.stg_", "staging.base_")
        spend = "cost_micros / 1000000.0" if platform == "google_ads" else "spend"
        compare(
            f"{platform} spend: accepted raw rows = staging",
            f"{base} (accepted, local / fx)",
            _scalar(sources, _converted_sum(spend, relation)),
            relation,
            _scalar(sources, f"select sum(spend_eur) from {relation}"),
        )
    if platforms:
        _compare_spend_marts(sources, platforms, compare)
    if with_shop:
        _compare_order_marts(sources, compare)
    return pd.DataFrame(rows)


Compare = Callable[[str, str, float, str, float], None]


def _converted_sum(amount: str, relation: str) -> str:
    """The money of the accepted rows of a staging relation's base model at the FX rate
    of the contract's fx_rate_date (EUR needs none); rows without a rate are quarantined
    by staging (no_fx_rate), so the sum leaves them out."""
    source, entity = landing_entity(relation).split("/")
    rate_date = load_contract().entity(source, entity).fx_rate_date
    base = relation.replace("staging.stg_", "staging.base_")
    return (
        f"select sum(base.{amount} / coalesce(fx.units_per_eur, "
        "case when base.currency = 'EUR' then 1.0 end)) "
        f"from {base} as base left join staging.stg_fx__rates_daily as fx "
        f"on base.{rate_date} = fx.rate_date and base.currency = fx.currency "
        "where base.quarantine_reason is null"
    )


def _compare_spend_marts(sources: Sources, platforms: dict[str, str], compare: Compare) -> None:
    # Marts against staging: the ad fact holds all the staged spend, once.
    staged_spend = sum(
        _scalar(sources, f"select sum(spend_eur) from {relation}")
        for relation in platforms.values()
    )
    # Ad-grain facts (fct_ad_*) hold all spend; other facts with spend_eur are subsets
    # (fct_inefficient_campaigns flags a few campaigns) and are not compared.
    for mart in _marts_with(sources, "spend_eur", prefix="fct_ad_"):
        compare(
            "ad spend: staging = mart",
            "staging ad platforms (stg_*)",
            staged_spend,
            mart,
            _scalar(sources, f"select sum(spend_eur) from {mart}"),
        )


def _compare_order_marts(sources: Sources, compare: Compare) -> None:
    compare(
        "shop revenue: accepted raw orders = staging",
        "staging.base_shop__orders (accepted, local / fx)",
        _scalar(sources, _converted_sum("total_price", SHOP_ORDERS)),
        "staging.stg_shop__orders",
        _scalar(sources, "select sum(total_price_eur) from staging.stg_shop__orders"),
    )
    # Order facts: the same orders, and the same money where a column keeps its staging name.
    order_columns = set(sources.columns("staging.stg_shop__orders"))
    # Order-grain facts only (fct_order*): other facts carry order_id as a reference.
    for mart in _marts_with(sources, "order_id", prefix="fct_order"):
        mart_columns = set(sources.columns(mart))
        if "order_line_id" in mart_columns:
            continue  # line grain: compared below
        compare(
            "orders: staging = mart (distinct order_id)",
            "staging.stg_shop__orders",
            _scalar(sources, "select count(distinct order_id) from staging.stg_shop__orders"),
            mart,
            _scalar(sources, f"select count(distinct order_id) from {mart}"),
        )
        for column in sorted(order_columns & mart_columns):
            if _is_money(column):
                compare(
                    f"revenue: staging = mart ({column})",
                    "staging.stg_shop__orders",
                    _scalar(sources, f"select sum({column}) from staging.stg_shop__orders"),
                    mart,
                    _scalar(sources, f"select sum({column}) from {mart}"),
                )
    line_columns = set(sources.columns("staging.stg_shop__order_lines"))
    for mart in _marts_with(sources, "order_line_id", prefix="fct_order"):
        for column in sorted(line_columns & set(sources.columns(mart))):
            if _is_money(column):
                compare(
                    f"order lines: staging = mart ({column})",
                    "staging.stg_shop__order_lines",
                    _scalar(sources, f"select sum({column}) from staging.stg_shop__order_lines"),
                    mart,
                    _scalar(sources, f"select sum({column}) from {mart}"),
                )


def reconciliation_expectations() -> list:
    return [
        # At least one staging and one mart comparison (one ad platform, no shop).
        gxe.ExpectTableRowCountToBeBetween(min_value=2),
        gxe.ExpectColumnValuesToBeBetween(
            column="difference", min_value=-TOLERANCE_EUR, max_value=TOLERANCE_EUR
        ),
    ]


FLAGGED_SPEND = "marts.mart_flagged_spend"


def load_flagged_spend(sources: Sources) -> pd.DataFrame:
    """One finding per campaign day flagged implausible_spend (none when all is plausible)."""
    sources.require(FLAGGED_SPEND)
    flagged = sources.query(
        "select source_name, campaign_id, ad_date, spend_eur, spend_ratio, baseline "
        f"from {FLAGGED_SPEND} order by spend_ratio desc"
    )
    findings = [
        f"{row.source_name} campaign {row.campaign_id} on {row.ad_date:%Y-%m-%d}: "
        f"{row.spend_eur:,.0f} EUR, {row.spend_ratio:,.0f}x its {row.baseline}'s median"
        for row in flagged.itertuples()
    ]
    return pd.DataFrame({"finding": pd.Series(findings, dtype="object")})


def flagged_spend_expectations() -> list:
    return [gxe.ExpectColumnValuesToBeNull(column="finding")]


def _suite_name(relation: str) -> str:
    schema, name = relation.split(".")
    return f"{schema}__{name}"


def warehouse_suites() -> list[SuiteSpec]:
    suites = [
        SuiteSpec(
            name=_suite_name(model.relation),
            layer=model.relation.split(".")[0],
            target=model.relation,
            load=_model_loader(model),
            expectations=_model_expectations(model),
            description=f"{model.relation}: keys, not-null, ranges.",
            needs=(model.entity,) if model.entity else (),
        )
        for model in MODELS
    ]
    ad_entities = tuple(landing_entity(relation) for relation in AD_PLATFORMS.values())
    suites.append(
        SuiteSpec(
            name=_suite_name(FLAGGED_SPEND),
            layer="marts",
            target=FLAGGED_SPEND,
            load=load_flagged_spend,
            expectations=flagged_spend_expectations,
            description=(
                "No ad spend flagged implausible_spend (a campaign's day far above its "
                "history): a flagged day loads and reconciles, so it warns, naming the day."
            ),
            needs=ad_entities,
            needs_any=True,
            severity="warning",
        )
    )
    suites.append(
        SuiteSpec(
            name="reconciliation__spend_and_revenue",
            layer="reconciliation",
            target="base -> staging -> marts",
            load=load_reconciliation,
            expectations=reconciliation_expectations,
            description=(
                "Spend and revenue totals agree across layers (accepted raw rows, staging, "
                "every mart fact with spend_eur / order_id), to the cent."
            ),
            needs=(*ad_entities, landing_entity(SHOP_ORDERS)),
            needs_any=True,
        )
    )
    return suites


__all__ = ["NotBuilt", "warehouse_suites"]
