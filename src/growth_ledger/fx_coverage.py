"""Does fx/rates cover the money of the landing? One finding per currency.

Staging quarantines each row whose currency has no rate on its date
(`no_fx_rate`); a landing whose rates start after its data would quarantine
thousands of rows one by one. The pre-flight says it once instead, per
currency: which dates are not covered, how many rows of which entities, and
the fix. Coverage is what stg_fx__rates_daily converts: from a currency's
first published rate to a week after its last (rates are carried forward).
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from growth_ledger.contract import Entity

CARRY_FORWARD = timedelta(days=7)  # stg_fx__rates_daily carries the last rate a week


@dataclass(frozen=True)
class FxGap:
    currency: str
    first_date: date
    last_date: date
    rows: int
    entities: tuple[str, ...]
    has_rates: bool  # fx/rates has the currency, for other dates


def _quoted_column(date_sql: str) -> str:
    match = re.search(r'"([^"]+)"', date_sql)
    if match is None:
        raise ValueError(f"suite date_sql names no column: {date_sql}")
    return match.group(1)


def _money_rows(paths: list[Path], entity: Entity) -> str:
    """(currency, day) of every row of the entity's files, as a select."""
    currency = entity.suite["currency"]
    day = _quoted_column(entity.suite["date_sql"])
    files = ", ".join(f"'{path}'" for path in paths)
    if entity.fmt == "csv":
        return (
            f'select upper(trim("{currency}")) as currency, '
            f'try_cast(left("{day}", 10) as date) as day '
            f"from read_csv([{files}], all_varchar = true, header = true, "
            "union_by_name = true, ignore_errors = true)"
        )
    return (
        f"select upper(trim(json_extract_string(json, '$.\"{currency}\"'))) as currency, "
        f"try_cast(left(json_extract_string(json, '$.\"{day}\"'), 10) as date) as day "
        f"from read_json_objects([{files}], format = 'newline_delimited', ignore_errors = true)"
    )


def fx_gaps(
    rate_files: list[Path], money_files: dict[Entity, list[Path]], reporting_currency: str
) -> list[FxGap]:
    """Per currency, the rows of the money files that no rate of rate_files converts."""
    readable = {
        entity: paths
        for entity, paths in money_files.items()
        if paths and entity.fmt in {"csv", "jsonl"} and entity.suite.get("date_sql")
    }
    if not rate_files or not readable:
        return []
    rates = ", ".join(f"'{path}'" for path in rate_files)
    with duckdb.connect() as connection:
        selects = []
        for entity, paths in sorted(readable.items(), key=lambda item: item[0].folder):
            select = f"select '{entity.folder}' as entity, * from ({_money_rows(paths, entity)})"
            try:
                connection.execute(f"describe {select}")
            except duckdb.Error:
                continue  # files without the columns: the pre-flight names them elsewhere
            selects.append(select)
        if not selects:
            return []
        money = " union all ".join(selects)
        rows = connection.execute(
            f"""
            with rates as (
                select upper(trim(currency)) as currency, try_cast(date as date) as day
                from read_csv([{rates}], all_varchar = true, header = true,
                    union_by_name = true, ignore_errors = true)
                where try_cast(rate as double) > 0
            ),
            coverage as (
                select currency, min(day) as first_day, max(day) + interval {CARRY_FORWARD.days} day
                    as last_day
                from rates
                group by currency
            ),
            money as ({money})
            select
                money.currency,
                min(money.day),
                max(money.day),
                count(*),
                list(distinct money.entity order by money.entity),
                bool_or(coverage.currency is not null)
            from money
            left join coverage on money.currency = coverage.currency
            where
                money.day is not null
                and money.currency <> ?
                and length(money.currency) = 3
                and (coverage.currency is null or money.day not between coverage.first_day
                    and coverage.last_day)
            group by money.currency
            order by money.currency
            """,
            [reporting_currency],
        ).fetchall()
    return [
        FxGap(currency, first, last, count, tuple(entities), has_rates)
        for currency, first, last, count, entities, has_rates in rows
    ]
