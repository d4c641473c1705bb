"""Suites over the raw exports in the landing folder, one per entity, plus daily volume.

Planted or real malformed rows are quarantined by staging, so row-level
expectations allow a small share of bad rows (`mostly`); a suite fails when
an export is broken systematically (a column that stops parsing, keys that
repeat within an extract, a currency nobody converts, a day with a fraction
of the usual rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import great_expectations.expectations as gxe
import pandas as pd

from growth_ledger.contract import read_glob
from growth_ledger.landing import CONTRACTS, EntityContract

from .spec import Sources, SuiteSpec

MOSTLY = 0.98  # share of rows that must pass; staging quarantines the rest
CURRENCIES = ["EUR", "GBP", "USD"]
EXTRACTED_AT = (
    "try_strptime(regexp_extract(filename, "
    "'_([0-9]{8}T[0-9]{6})Z\\.[A-Za-z]+(\\.[A-Za-z0-9]+)?$', 1), '%Y%m%dT%H%M%S')"
)


@dataclass(frozen=True)
class LandingEntity:
    """What a suite checks of one entity: read from contract/landing.yml."""

    contract: EntityContract
    keys: tuple[str, ...] = ()  # natural key, unique within one extract
    date_sql: str | None = None  # SQL for the data date of a row (raw columns quoted)
    numbers: tuple[str, ...] = ()  # non-negative numbers
    currency: str | None = None
    value_sets: dict[str, list[str]] = field(default_factory=dict)
    volume_band: tuple[float, float] | None = (0.5, 2.0)  # rows per day / median of last 7 days
    nullable_keys: tuple[str, ...] = ()  # key parts that may be empty (anonymised queries)
    volume_filter: str = "true"  # rows that count for the daily volume
    extra_columns: tuple[str, ...] = ()  # optional columns the suite reads

    @property
    def source(self) -> str:
        return self.contract.source

    @property
    def entity(self) -> str:
        return self.contract.entity

    @property
    def slug(self) -> str:
        return f"{self.source}__{self.entity}"


def _entity(contract: EntityContract) -> LandingEntity:
    suite = contract.suite
    band = suite.get("volume_band", (0.5, 2.0))
    return LandingEntity(
        contract,
        keys=contract.natural_key,
        date_sql=suite.get("date_sql"),
        numbers=contract.numbers,
        currency=suite.get("currency"),
        value_sets=suite.get("value_sets", {}),
        volume_band=tuple(band) if band else None,
        nullable_keys=tuple(suite.get("nullable_keys", ())),
        volume_filter=suite.get("volume_filter", "true"),
        extra_columns=tuple(suite.get("extra_columns", ())),
    )


ENTITIES: tuple[LandingEntity, ...] = tuple(_entity(contract) for contract in CONTRACTS)


def _glob(sources: Sources, contract: EntityContract) -> str:
    path = sources.landing.resolve() / contract.source / contract.entity / read_glob(contract)
    return str(path).replace("'", "''")


def raw_relation(sources: Sources, spec: LandingEntity) -> str:
    """A DuckDB relation (SQL text) of the raw rows, every field as text, with filename."""
    contract = spec.contract
    glob = _glob(sources, contract)
    con = sources.files
    if contract.fmt == "csv":
        return (
            f"read_csv('{glob}', all_varchar = true, header = true, filename = true, "
            "union_by_name = true, delim = ',')"
        )
    if contract.fmt == "parquet":
        described = con.execute(
            f"describe select * from read_parquet('{glob}', union_by_name = true)"
        ).fetchall()
        wanted = set(contract.required) | set(spec.keys) | set(spec.extra_columns)
        columns = []
        for name, data_type, *_ in described:
            if name not in wanted:
                continue
            # Nested columns become their length: enough to test presence.
            cast = f'len("{name}")' if data_type.endswith("[]") else f'cast("{name}" as varchar)'
            columns.append(f'{cast} as "{name}"')
        return (
            f"(select {', '.join(columns)}, filename "
            f"from read_parquet('{glob}', union_by_name = true, filename = true))"
        )
    # JSON lines: the keys that appear in the files become columns (as text).
    lines = (
        "(select filename, unnest(string_split(content, chr(10))) as line "
        f"from read_text('{glob}'))"
    )
    keys = [
        row[0]
        for row in con.execute(
            f"select distinct unnest(json_keys(case when json_valid(line) then line end)) "
            f"from {lines}"
        ).fetchall()
    ]
    wanted = [key for key in keys if key in {*contract.required, *spec.keys, *spec.extra_columns}]
    fields = ", ".join(
        f'case when json_valid(line) then json_extract_string(line, \'$."{key}"\') end as "{key}"'
        for key in wanted
    )
    return (
        f"(select {fields}{', ' if fields else ''}filename from {lines} "
        "where trim(line, chr(13) || ' ') != '')"
    )


def _load_rows(spec: LandingEntity):
    def load(sources: Sources) -> pd.DataFrame:
        relation = raw_relation(sources, spec)
        con = sources.files
        present = {row[0] for row in con.execute(f"describe select * from {relation}").fetchall()}
        parsed = []
        for number in spec.numbers:
            if number in present:
                parsed.append(f'try_cast("{number}" as double) as "{number}__number"')
        if spec.date_sql:
            try:
                con.execute(f"select {spec.date_sql} from {relation} limit 0")
                parsed.append(f"{spec.date_sql} as data_date")
                parsed.append(
                    f"datediff('day', cast({EXTRACTED_AT} as date), {spec.date_sql})"
                    " as days_after_extract"
                )
            except Exception:  # the date column is missing: ExpectColumnToExist reports it
                pass
        keep = [c for c in present if c != "filename"]
        select = ", ".join(
            [f'"{c}"' for c in keep]
            + parsed
            + [
                "regexp_extract(filename, '[^/]+$') as source_file",
                f"{EXTRACTED_AT} as extracted_at",
            ]
        )
        return con.execute(f"select {select} from {relation}").df()

    return load


def _row_expectations(spec: LandingEntity):
    def expectations() -> list:
        contract = spec.contract
        result: list = [gxe.ExpectTableRowCountToBeBetween(min_value=1)]
        result += [gxe.ExpectColumnToExist(column=name) for name in contract.required]
        result.append(gxe.ExpectColumnValuesToNotBeNull(column="extracted_at"))
        for key in spec.keys:
            if key in spec.nullable_keys:
                continue
            result.append(gxe.ExpectColumnValuesToNotBeNull(column=key, mostly=MOSTLY))
        if spec.keys:
            result.append(
                gxe.ExpectCompoundColumnsToBeUnique(
                    column_list=["source_file", *spec.keys],
                    mostly=MOSTLY,
                    ignore_row_if="never",
                )
            )
        for number in spec.numbers:
            result.append(
                gxe.ExpectColumnValuesToNotBeNull(column=f"{number}__number", mostly=MOSTLY)
            )
            result.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=f"{number}__number", min_value=0, mostly=MOSTLY
                )
            )
        if spec.date_sql:
            result.append(gxe.ExpectColumnValuesToNotBeNull(column="data_date", mostly=MOSTLY))
            result.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="days_after_extract", max_value=0, mostly=MOSTLY
                )
            )
        if spec.currency:
            result.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column=spec.currency, value_set=CURRENCIES, mostly=MOSTLY
                )
            )
        for column, values in spec.value_sets.items():
            result.append(
                gxe.ExpectColumnValuesToBeInSet(column=column, value_set=values, mostly=MOSTLY)
            )
        return result

    return expectations


def _load_volume(spec: LandingEntity):
    def load(sources: Sources) -> pd.DataFrame:
        relation = raw_relation(sources, spec)
        keys = ", ".join(f'"{key}"' for key in spec.keys)
        counted = f"count(distinct ({keys}))" if keys else "count(*)"
        # Rows per data day once restatements are collapsed (distinct keys), against
        # the median of the 7 days before; the last day of a daily pull is complete.
        return sources.files.execute(
            f"""
            with rows_per_day as (
                select {spec.date_sql} as data_date, {counted} as row_count
                from {relation}
                where {spec.date_sql} is not null and {spec.volume_filter}
                group by 1
            )
            select
                data_date,
                row_count,
                median(row_count) over (
                    order by data_date rows between 7 preceding and 1 preceding
                ) as trailing_median,
                row_count / nullif(trailing_median, 0) as ratio_to_trailing_median
            from rows_per_day
            qualify count(*) over (order by data_date rows between 7 preceding and 1 preceding) = 7
            order by data_date
            """
        ).df()

    return load


def _volume_expectations(spec: LandingEntity):
    low, high = spec.volume_band or (0, None)

    def expectations() -> list:
        return [
            gxe.ExpectTableRowCountToBeBetween(min_value=1),
            gxe.ExpectColumnValuesToBeBetween(
                column="ratio_to_trailing_median", min_value=low, max_value=high
            ),
        ]

    return expectations


def landing_suites() -> list[SuiteSpec]:
    suites = []
    for spec in ENTITIES:
        target = f"{spec.source}/{spec.entity}"
        suites.append(
            SuiteSpec(
                name=f"landing__{spec.slug}",
                layer="landing",
                target=target,
                load=_load_rows(spec),
                expectations=_row_expectations(spec),
                description=f"Raw rows of {target}: columns, parsing, keys per extract, ranges.",
                needs=(target,),
            )
        )
        if spec.volume_band and spec.date_sql:
            suites.append(
                SuiteSpec(
                    name=f"landing__{spec.slug}__daily_volume",
                    layer="landing",
                    target=target,
                    load=_load_volume(spec),
                    expectations=_volume_expectations(spec),
                    description=(
                        f"Rows per day of {target} within {spec.volume_band} x the median of "
                        "the 7 days before."
                    ),
                    needs=(target,),
                )
            )
    return suites
