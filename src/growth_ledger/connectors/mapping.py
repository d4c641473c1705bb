"""SQL building blocks shared by the connector adapters."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Mapping:
    """One contract entity produced from a connector's tables."""

    source: str
    entity: str
    query: str  # a parenthesised select producing the contract's columns
    driving_table: str  # the stats table whose every row the output accounts for
    money_in: str  # a scalar select: the money in the connector's table
    money_out: str  # the output column that must sum to it (or an expression over the file)
    notes: list[str] = field(default_factory=list)
    file_stem: str | None = None  # the file name's start, when not the entity's name
    money_is_expression: bool = False  # money_out is SQL (a Parquet struct field), not a column


def text(column: str) -> str:
    """An id or name as text; empty means null."""
    return f"nullif(trim(cast({column} as varchar)), '')"


def number(column: str) -> str:
    """A metric as an exact decimal; empty and TikTok's `-` mean null, anything else must parse."""
    return f"cast(nullif(nullif(trim(cast({column} as varchar)), ''), '-') as decimal(38, 6))"


def whole(expression: str, label: str) -> str:
    """A count written as an integer; a fractional count stops the import instead of rounding."""
    return (
        f"case when {expression} <> trunc({expression}) "
        f"then error('{label} is not a whole number: ' || cast({expression} as varchar)) "
        f"else cast({expression} as bigint) end"
    )


def timestamp(column: str) -> str:
    """Connector timestamps: ISO with `T` or space, fractions, single-digit hours."""
    value = f"trim(cast({column} as varchar))"
    return f"coalesce(try_cast({value} as timestamp), try_strptime({value}, '%Y-%m-%d %-H:%M:%S'))"


def history_valid_on(
    name: str,
    table: str,
    id_column: str,
    valid_from_column: str,
    columns: list[str],
    driver: str,
    driver_key: str,
) -> str:
    """A CTE `name(key, on_date, columns...)`: the history row valid at the end of each day.

    Days before the first history row take the earliest row (history tables
    start when the connector was set up, after the stats they describe).
    """
    selected = ", ".join(f"{text(c)} as {c}" for c in columns)
    picked = ", ".join(
        f"case when valid.key is not null then valid.{c} else earliest.{c} end as {c}"
        for c in columns
    )
    return f"""{name} as (
            with days as (
                select distinct {driver_key} as key, stat_date from {driver}
                where {driver_key} is not null
            ),
            history as (
                select
                    {text(id_column)} as key,
                    {timestamp(valid_from_column)} as valid_from,
                    {selected}
                from {table}
            ),
            earliest as (
                select * from history
                qualify row_number() over (partition by key order by valid_from) = 1
            )
            select days.key, days.stat_date as on_date, {picked}
            from days
            asof left join history as valid
                on days.key = valid.key
                and cast(days.stat_date + interval 1 day as timestamp) > valid.valid_from
            left join earliest on days.key = earliest.key
        )"""
