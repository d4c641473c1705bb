"""The landing contract, declared once in contract/landing.yml.

Everything else about the landing is read or generated from it: the pre-flight
(growth_ledger.landing) and the GX landing suites read it at run time; the dbt
sources, the dbt macro listing entities and reason codes, and
docs/landing_contract.md are generated files (`python -m growth_ledger.contract
--write`), and tests/python/test_landing_contract.py fails when a committed
file differs from what the contract generates.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from growth_ledger.paths import PROJECT_DIR

CONTRACT_FILE = PROJECT_DIR / "contract" / "landing.yml"
DOC_FILE = "docs/landing_contract.md"
MACRO_FILE = "macros/landing_entities.sql"
EMPTY_MACRO_FILE = "macros/landing_empty_relations.sql"
GENERATOR = "python -m growth_ledger.contract"
GENERATED = "Generated from contract/landing.yml by `python -m growth_ledger.contract --write`"
LANDING_PATH = "{{ var('landing_path', env_var('GROWTH_LEDGER_LANDING', 'data/demo')) }}"
LOADED_AT = "strptime(regexp_extract(filename, '_([0-9]{8}T[0-9]{6})Z', 1), '%Y%m%dT%H%M%S')"
# The extract timestamp ends the file name, before the format and any compression suffix.
EXTRACT_TIME_REGEX = r"_([0-9]{8}T[0-9]{6})Z\.[A-Za-z]+(\.[A-Za-z0-9]+)?$"


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = True
    type: str = "text"
    # The column's SQL type in an empty stand-in for an absent Parquet entity (CSV and
    # JSON lines are read as text, so only Parquet columns need one).
    sql_type: str | None = None


@dataclass(frozen=True)
class Nesting:
    """A JSON key whose value must be a list of objects (when present)."""

    key: str
    item_keys: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Rule:
    code: str
    reason: str


@dataclass(frozen=True)
class Entity:
    source: str
    entity: str
    fmt: str  # csv, jsonl, parquet
    description: str
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...] = ()
    nesting: tuple[Nesting, ...] = ()
    rules: tuple[Rule, ...] = ()
    # Plausibility flags: the rows load, and are listed with the code in marts.mart_flagged_spend.
    flags: tuple[Rule, ...] = ()
    staging_model: str | None = None
    # The staged date column whose FX rate converts the row's money (column `currency`).
    # Base models do not convert: staging does, after deduplication, so a late rate
    # re-decides no base row.
    fx_rate_date: str | None = None
    suite: dict = field(default_factory=dict, hash=False, compare=False)
    # File names start with one of these (the entity's name unless the contract
    # lists more, as GA4's `events_intraday` tables).
    file_stems: tuple[str, ...] = ()

    @property
    def stems(self) -> tuple[str, ...]:
        return self.file_stems or (self.entity,)

    @property
    def folder(self) -> str:
        return f"{self.source}/{self.entity}"

    @property
    def slug(self) -> str:
        return f"{self.source}__{self.entity}"

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if not column.required)

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.type == "number")


@dataclass(frozen=True)
class Source:
    name: str
    description: str
    label: str  # what a reader calls it: "Google Ads", "FX rates"
    entities: tuple[Entity, ...]
    freshness: dict | None = field(default=None, hash=False, compare=False)
    notes: str = ""


@dataclass(frozen=True)
class Contract:
    sources: tuple[Source, ...]
    common_rules: tuple[Rule, ...]
    reason_codes: dict = field(hash=False, compare=False)
    defaults: dict = field(hash=False, compare=False)
    doc_intro: str = ""
    doc_outro: str = ""

    @property
    def entities(self) -> tuple[Entity, ...]:
        return tuple(entity for source in self.sources for entity in source.entities)

    def entity(self, source: str, entity: str) -> Entity:
        return next(e for e in self.entities if (e.source, e.entity) == (source, entity))


def _entity(source: str, name: str, spec: dict) -> Entity:
    return Entity(
        source=source,
        entity=name,
        fmt=spec["format"],
        description=spec["description"],
        columns=tuple(Column(**column) for column in spec["columns"]),
        natural_key=tuple(spec.get("natural_key", ())),
        nesting=tuple(
            Nesting(n["key"], tuple(n.get("item_keys", ())), n.get("required", False))
            for n in spec.get("nesting", ())
        ),
        rules=tuple(Rule(**rule) for rule in spec.get("rules", ())),
        flags=tuple(Rule(**rule) for rule in spec.get("flags", ())),
        staging_model=spec.get("staging_model", f"stg_{source}__{name}"),
        fx_rate_date=spec.get("fx_rate_date"),
        suite=spec.get("suite", {}),
        file_stems=tuple(spec.get("file_stems", ())),
    )


def parse(text: str) -> Contract:
    raw = yaml.safe_load(text)
    codes = raw["reason_codes"]
    contract = Contract(
        sources=tuple(
            Source(
                name=name,
                description=spec["description"],
                label=spec["label"],
                entities=tuple(_entity(name, e, s) for e, s in sorted(spec["entities"].items())),
                freshness=spec.get("freshness"),
                notes=spec.get("notes", ""),
            )
            for name, spec in sorted(raw["sources"].items())
        ),
        common_rules=tuple(Rule(**rule) for rule in raw["common_rules"]),
        reason_codes=codes,
        defaults=raw["defaults"],
        doc_intro=raw.get("doc_intro", ""),
        doc_outro=raw.get("doc_outro", ""),
    )
    for entity in contract.entities:
        for rule in (*entity.rules, *entity.flags, *contract.common_rules):
            if rule.code not in codes:
                raise ValueError(
                    f"{entity.folder}: reason code '{rule.code}' is not in reason_codes"
                )
        if entity.fmt == "parquet":
            untyped = [column.name for column in entity.columns if not column.sql_type]
            if untyped:
                raise ValueError(f"{entity.folder}: Parquet column(s) {untyped} need a sql_type")
        converts = any(rule.code == "no_fx_rate" for rule in entity.rules)
        if converts != (entity.fx_rate_date is not None):
            raise ValueError(
                f"{entity.folder}: declare fx_rate_date and the no_fx_rate rule together"
            )
        names = {column.name for column in entity.columns}
        unknown = [key for key in entity.natural_key if key not in names]
        if unknown:
            raise ValueError(f"{entity.folder}: natural key column(s) {unknown} are not declared")
    return contract


@cache
def load() -> Contract:
    return parse(CONTRACT_FILE.read_text(encoding="utf-8"))


# Generated files


def _yaml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def read_glob(entity: Entity) -> str:
    """The files the dbt source reads, below the entity folder: any subfolder, any case of
    the extension, and for CSV a .gz/.zst compression. DuckDB's `*` skips dot-files;
    growth_ledger.landing.loaded_by_glob mirrors this rule for the inventory."""
    letters = "".join(f"[{c.lower()}{c.upper()}]" for c in entity.fmt)
    return f"**/*.{letters}" + ("*" if entity.fmt == "csv" else "")


def _read_function(entity: Entity) -> str:
    glob = f"{LANDING_PATH}/{entity.source}/{{name}}/{read_glob(entity)}"
    if entity.fmt == "csv":
        dialect = load().defaults["csv_dialect"]
        # The declared dialect, never sniffed; a line with another number of fields than
        # the header is skipped here and kept by stg_quarantine__malformed_lines.
        return (
            f"read_csv('{glob}',\n"
            "          all_varchar = true, header = true, filename = true, union_by_name = true,\n"
            f"          delim = '{dialect['delimiter']}', quote = '{dialect['quote']}', "
            f"escape = '{dialect['escape']}', ignore_errors = true)"
        )
    if entity.fmt == "jsonl":
        return f"read_text('{glob}')"
    return (
        f"read_parquet('{glob}',\n"
        "          filename = true, file_row_number = true, union_by_name = true)"
    )


def sources_yaml(source: Source) -> str:
    """models/staging/<source>/_<source>__sources.yml."""
    formats = {entity.fmt for entity in source.entities}
    if len(formats) != 1:
        raise ValueError(f"{source.name}: one format per source (the sources share one location)")
    lines = [
        f"# {GENERATED}.",
        "version: 2",
        "",
        "sources:",
        f"  - name: {source.name}",
        f"    description: {_yaml_text(source.description)}",
        "    config:",
        "      meta:",
        "        external_location: >-",
        f"          {_read_function(source.entities[0])}",
    ]
    if source.freshness:
        warn, error = source.freshness["warn_after_days"], source.freshness["error_after_days"]
        lines += [
            "      freshness:",
            f"        warn_after: {{count: {warn}, period: day}}",
            f"        error_after: {{count: {error}, period: day}}",
            f'      loaded_at_field: "{LOADED_AT}"',
        ]
    lines.append("    tables:")
    for entity in source.entities:
        path = f"`<landing>/{entity.folder}/{entity.entity}_<extract>Z.{entity.fmt}`"
        lines += [
            f"      - name: {entity.entity}",
            f"        description: {_yaml_text(f'{path}: {entity.description}')}",
        ]
    return "\n".join(lines) + "\n"


def macros_sql(contract: Contract) -> str:
    """macros/landing_entities.sql: entities and reason codes for the dbt models."""
    entities = "\n".join(
        f"        ('{e.source}', '{e.entity}', {_staging_model(e)})," for e in contract.entities
    )
    codes = []
    for entity in contract.entities:
        pairs = ", ".join(
            f"{_sql_text(rule.reason)}: '{rule.code}'"
            for rule in (*entity.rules, *contract.common_rules)
        )
        codes.append(f"        '{entity.slug}': {{{pairs}}},")
    flags = "\n".join(
        f"        '{entity.slug}': {{"
        + ", ".join(f"'{rule.code}': {_sql_text(rule.reason)}" for rule in entity.flags)
        + "},"
        for entity in contract.entities
        if entity.flags
    )
    fx_rate_dates = "\n".join(
        f"        '{entity.slug}': '{entity.fx_rate_date}',"
        for entity in contract.entities
        if entity.fx_rate_date
    )
    return (
        f"{{#- {GENERATED}. -#}}\n\n"
        "{#- Every landing entity: (source, entity, the staging model holding one row\n"
        "    per accepted raw row, or none where staging reshapes the rows). The\n"
        "    quarantine and the reconciliation read this one list. -#}\n"
        "{% macro landing_entities() -%}\n"
        "    {{ return([\n"
        f"{entities}\n"
        "    ]) }}\n"
        "{%- endmacro %}\n\n"
        "{#- Per source: the name a reader knows it by. -#}\n"
        "{% macro landing_source_labels() -%}\n"
        "    {{ return({\n"
        + "\n".join(
            f"        '{source.name}': {_sql_text(source.label)}," for source in contract.sources
        )
        + "\n    }) }}\n"
        "{%- endmacro %}\n\n"
        "{#- Per entity (<source>__<entity>): quarantine reason -> stable reason code. -#}\n"
        "{% macro landing_reason_codes() -%}\n"
        "    {{ return({\n" + "\n".join(codes) + "\n    }) }}\n"
        "{%- endmacro %}\n\n"
        "{#- Per entity with plausibility flags (<source>__<entity>): flag code -> reason.\n"
        "    Flagged rows load; marts.mart_flagged_spend lists them. -#}\n"
        "{% macro landing_flag_codes() -%}\n"
        "    {{ return({\n" + flags + "\n    }) }}\n"
        "{%- endmacro %}\n\n"
        "{#- Per entity with money (<source>__<entity>): the staged date column whose FX\n"
        "    rate converts it (macros/fx.sql). -#}\n"
        "{% macro landing_fx_rate_dates() -%}\n"
        "    {{ return({\n" + fx_rate_dates + "\n    }) }}\n"
        "{%- endmacro %}\n"
    )


# Columns every reader adds to the file's own columns (see _read_function).
READER_COLUMNS = {
    "csv": (("filename", "string"),),
    # read_text: one row per file.
    "jsonl": (
        ("filename", "string"),
        ("content", "string"),
        ("size", "bigint"),
        ("last_modified", "timestamp"),
    ),
    "parquet": (("filename", "string"), ("file_row_number", "bigint")),
}


def _empty_column(name: str, sql_type: str) -> str:
    generic = {"string", "bigint", "timestamp"}
    type_sql = (
        f"{{{{ api.Column.translate_type('{sql_type}') }}}}" if sql_type in generic else sql_type
    )
    return f"cast(null as {type_sql}) as {{{{ adapter.quote('{name}') }}}}"


def empty_relation_sql(entity: Entity) -> str:
    """A relation with the columns the entity's source would read, and no rows."""
    columns = [
        _empty_column(c.name, "string" if entity.fmt == "csv" else c.sql_type or "string")
        for c in entity.columns
        if entity.fmt != "jsonl"
    ]
    columns += [_empty_column(name, sql_type) for name, sql_type in READER_COLUMNS[entity.fmt]]
    return "select\n" + ",\n".join(f"        {c}" for c in columns) + "\n    where 1 = 0"


def _optional_parquet_columns(entity: Entity) -> list[Column]:
    return [c for c in entity.columns if entity.fmt == "parquet" and not c.required]


def empty_relations_sql(contract: Contract) -> str:
    """macros/landing_empty_relations.sql: the stand-in of an absent landing entity."""
    globs = "\n".join(
        f"        '{e.slug}': '{e.source}/{e.entity}/{read_glob(e)}'," for e in contract.entities
    )
    branches = []
    for index, entity in enumerate(contract.entities):
        keyword = "if" if index == 0 else "elif"
        branches.append(
            f"    {{%- {keyword} slug == '{entity.slug}' %}}\n    {empty_relation_sql(entity)}"
        )
    optional = "\n".join(
        f"        '{e.slug}': [{', '.join(repr(c.name) for c in columns)}],"
        for e in contract.entities
        if (columns := _optional_parquet_columns(e))
    )
    null_branches = [
        f"    {{%- {'if' if index == 0 else 'elif'} key == '{entity.slug}.{column.name}' %}}\n"
        f"    {_empty_column(column.name, column.sql_type or 'string')}"
        for index, (entity, column) in enumerate(
            (e, c) for e in contract.entities for c in _optional_parquet_columns(e)
        )
    ]
    return (
        f"{{#- {GENERATED}. -#}}\n\n"
        "{#- Per Parquet entity: its optional columns. A file written before a column\n"
        "    existed (a GA4 export from before `collected_traffic_source`) lacks it;\n"
        "    source() then reads it as a typed null (landing_optional_column_null). -#}\n"
        "{% macro landing_optional_parquet_columns() -%}\n"
        "    {{ return({\n"
        f"{optional}\n"
        "    }) }}\n"
        "{%- endmacro %}\n\n"
        "{% macro landing_optional_column_null(slug, column_name) -%}\n"
        "    {%- set key = slug ~ '.' ~ column_name -%}\n"
        + "\n".join(null_branches)
        + "\n    {%- else %}\n"
        "    {{ exceptions.raise_compiler_error('not an optional Parquet column: ' ~ key) }}\n"
        "    {%- endif %}\n"
        "{%- endmacro %}\n\n"
        "{#- Per entity (<source>__<entity>): the files its source reads, relative to the\n"
        "    landing folder (the same glob as the source's external_location). -#}\n"
        "{% macro landing_source_globs() -%}\n"
        "    {{ return({\n"
        f"{globs}\n"
        "    }) }}\n"
        "{%- endmacro %}\n\n"
        "{#- An absent entity's stand-in: the columns its source would read (CSV and JSON\n"
        "    lines as text, Parquet with the contract's sql_type), zero rows. -#}\n"
        "{% macro landing_empty_relation(source_name, table_name) -%}\n"
        "    {%- set slug = source_name ~ '__' ~ table_name -%}\n"
        + "\n".join(branches)
        + "\n    {%- else %}\n"
        "    {{ exceptions.raise_compiler_error('not a landing entity: ' ~ slug) }}\n"
        "    {%- endif %}\n"
        "{%- endmacro %}\n"
    )


def _staging_model(entity: Entity) -> str:
    return "none" if entity.staging_model is None else f"'{entity.staging_model}'"


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "\\'") + "'"


def doc_markdown(contract: Contract) -> str:
    """docs/landing_contract.md."""
    dialect = contract.defaults["csv_dialect"]
    out = [
        f"<!-- {GENERATED}; do not edit. -->",
        contract.doc_intro,
        "",
        "## Declared parsing rules",
        f"- CSV dialect (declared, never sniffed): encoding `{dialect['encoding']}`, delimiter "
        f"`{dialect['delimiter']}`, quote `{dialect['quote']}`, header row, decimal point "
        f"`{dialect['decimal_point']}`, thousands separator: {dialect['thousands_separator']}.",
        f"- Extract timestamps later than the build time plus "
        f"{contract.defaults['future_extract_tolerance_hours']} hours are refused.",
        "",
        "## Any subset of sources",
        "A landing holds the sources the business has; none is required by itself. An",
        "entity is **present** when its folder holds at least one file its source reads;",
        "otherwise it is **absent**: the pre-flight names each absent source in one info",
        "line (not an error), its source reads an empty stand-in with the contract's",
        "columns (macros/landing_empty_relations.sql), so its models build empty. Set the",
        "dbt var `<source>_enabled: false` (e.g. `--vars '{ga4_enabled: false}'`) to treat",
        "a source as absent although it has files. The pre-flight stops the build only",
        "when no source is present, or when `fx/rates` is absent while a file holds money",
        "in a currency other than EUR (EUR, the reporting currency, needs no rate).",
        "`marts.mart_source_coverage` lists each entity as present, absent or disabled;",
        "KPI measures whose sources are all absent are **null, never zero**, with the",
        "reason in `marts.mart_kpi_coverage` (no ad platform: spend and ROAS, MER, CAC, CPC...;",
        "no ga4: sessions and conversion rate; no shop or stores: revenue and orders; shop",
        "orders without catalog/product_costs: COGS, gross margin and contribution).",
        "",
        "## Quarantine reason codes",
        "Every raw row is staged or kept in `staging.stg_quarantine__rows` with a stable",
        "`reason_code` and a human `reason`. A plausibility flag does not keep rows out:",
        "ad spend far above a campaign's history loads (so spend still reconciles from the",
        "files to the marts) and is listed in `marts.mart_flagged_spend` with its code; the",
        "`check` command reports it as a warning.",
        "",
        "| reason_code | meaning |",
        "|---|---|",
        *[f"| `{code}` | {meaning} |" for code, meaning in contract.reason_codes.items()],
        "",
        "## Sources (R = required column, O = optional)",
    ]
    for source in contract.sources:
        out += ["", f"### {source.name}", "", source.description]
        if source.notes:
            out += ["", source.notes]
        for entity in source.entities:
            columns = ", ".join(
                f"{'R' if c.required else 'O'} `{c.name}`"
                + (" (number)" if c.type != "text" else "")
                for c in entity.columns
            )
            out += [
                "",
                f"#### {entity.folder} ({entity.fmt.upper()})",
                f"- Files: `{entity.folder}/{entity.entity}_<YYYYMMDD>T<HHMMSS>Z.{entity.fmt}`: "
                f"{entity.description}",
                f"- Columns: {columns}.",
            ]
            if entity.natural_key:
                key = ", ".join(f"`{k}`" for k in entity.natural_key)
                out.append(f"- Natural key (latest extract wins): {key}.")
            if entity.fx_rate_date:
                out.append(
                    "- Money: converted to the reporting currency at the FX rate of the row's "
                    f"`{entity.fx_rate_date}` (staged column), in staging after deduplication; "
                    "a row without a rate is quarantined (`no_fx_rate`) until its rate lands."
                )
            for nesting in entity.nesting:
                keys = ", ".join(f"`{k}`" for k in nesting.item_keys)
                out.append(f"- `{nesting.key}`: a list of objects with {keys}.")
            if entity.rules:
                out.append(
                    "- Quarantined rows: "
                    + "; ".join(f"`{rule.code}` ({rule.reason})" for rule in entity.rules)
                    + "."
                )
            if entity.flags:
                out.append(
                    "- Flagged, still loaded (marts.mart_flagged_spend): "
                    + "; ".join(f"`{rule.code}` ({rule.reason})" for rule in entity.flags)
                    + "."
                )
    if contract.doc_outro:
        out += ["", contract.doc_outro]
    return "\n".join(out) + "\n"


def generated_files(contract: Contract | None = None) -> dict[str, str]:
    """Path (relative to the project) -> generated text."""
    contract = contract or load()
    files = {
        f"models/staging/{source.name}/_{source.name}__sources.yml": sources_yaml(source)
        for source in contract.sources
    }
    files[MACRO_FILE] = macros_sql(contract)
    files[EMPTY_MACRO_FILE] = empty_relations_sql(contract)
    files[DOC_FILE] = doc_markdown(contract)
    return files


def drifted_files(project: Path = PROJECT_DIR) -> list[str]:
    """Generated files whose committed text differs from what the contract generates."""
    return [
        path
        for path, text in generated_files().items()
        if not (project / path).is_file() or (project / path).read_text(encoding="utf-8") != text
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the generated files")
    args = parser.parse_args(argv)
    if args.write:
        for path, text in generated_files().items():
            (PROJECT_DIR / path).write_text(text, encoding="utf-8")
        return 0
    drifted = drifted_files()
    for path in drifted:
        print(f"{path} differs from contract/landing.yml: run {GENERATOR} --write")
    return 1 if drifted else 0


if __name__ == "__main__":
    sys.exit(main())
