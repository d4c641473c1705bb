"""Landing pre-flight: is every export where and how docs/landing_contract.md says?

Cheap checks that run before dbt, reading file names, headers and the first
lines (plus a UTF-8 scan and the tail of text files). What dbt cannot survive
(a file it cannot decode, a missing required column, a changed nesting, a
wrong delimiter, a cut-off CSV) is an error that names the file and the fix;
what staging copes with (an extra column, an empty file, a malformed JSON line
that staging quarantines) is a warning.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import fnmatch
import gzip
import hashlib
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from growth_ledger.connectors.shapes import ConnectorTable, recognise
from growth_ledger.contract import CONTRACT_FILE, Entity, Nesting, load
from growth_ledger.fx_coverage import fx_gaps
from growth_ledger.parsing import UnbalancedQuote, scan_csv

if TYPE_CHECKING:
    import pandas as pd

ERROR = "error"
WARNING = "warning"
INFO = "info"  # an absent source: its models are empty, nothing to fix
REPORTING_CURRENCY = "EUR"  # dbt var reporting_currency: needs no FX rate

SAMPLE_LINES = 50
TAIL_BYTES = 64 * 1024
CONTRACT = "docs/landing_contract.md"


EntityContract = Entity
CONTRACTS: tuple[Entity, ...] = load().entities


@dataclass(frozen=True)
class LandingProblem:
    """One thing wrong with the landing folder; errors stop the build."""

    severity: str  # "error", "warning" or "info"
    path: str  # file or folder, relative to the landing folder
    problem: str
    fix: str

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def is_info(self) -> bool:
        return self.severity == INFO

    def __str__(self) -> str:
        return f"{self.severity}: {self.path}: {self.problem}. Fix: {self.fix}"


def file_name_pattern(contract: EntityContract) -> re.Pattern[str]:
    """<entity>_<YYYYMMDD>T<HHMMSS>Z.<format>, any case of extension, optional .gz/.zst."""
    stems = "|".join(re.escape(stem) for stem in contract.stems)
    return re.compile(
        rf"^(?:{stems})_(\d{{8}}T\d{{6}})Z\.{contract.fmt}(\.gz|\.zst)?$",
        re.IGNORECASE,
    )


def check_landing(landing: Path, files: list[LandingFile] | None = None) -> list[LandingProblem]:
    """Every problem of the landing folder, errors first; empty when all is well.

    `files` is the folder's inventory when the caller already took it."""
    if not landing.is_dir():
        return [
            LandingProblem(
                ERROR,
                str(landing),
                "landing folder does not exist",
                "pass --landing or set GROWTH_LEDGER_LANDING to the folder of raw exports",
            )
        ]
    files = inventory(landing) if files is None else files
    problems = [
        LandingProblem(file.severity, file.path, file.reason, file.fix)
        for file in files
        if file.status == REFUSED and file.severity
    ]
    problems.extend(
        LandingProblem(
            WARNING,
            file.path,
            f"line(s) {', '.join(map(str, file.malformed_lines[:10]))}"
            f"{' and more' if len(file.malformed_lines) > 10 else ''} do not have as many "
            "fields as the header: quarantined (malformed_line), the rest of the file loads",
            "re-export the file if these rows matter (a value with a comma must be quoted)",
        )
        for file in files
        if file.malformed_lines
    )
    present = present_entities(files)
    for contract in CONTRACTS:
        loaded = [
            file
            for file in files
            if file.status == LOADED
            and (file.source, file.entity) == (contract.source, contract.entity)
        ]
        if loaded:
            problems.extend(_check_entity(landing, contract, loaded))
    problems.extend(_absent_source_problems(present))
    problems.extend(_required_source_problems(landing, files, present))
    problems.extend(_fx_coverage_problems(landing, files))
    problems.sort(key=lambda problem: (not problem.is_error, problem.is_info, problem.path))
    return problems


def present_entities(files: list[LandingFile]) -> set[tuple[str, str]]:
    """(source, entity) with at least one file its source reads: the same rule as the
    dbt macro landing_entity_is_present (the source's glob matches a file)."""
    return {(file.source, file.entity) for file in files if file.status == LOADED}


def _absent_source_problems(present: set[tuple[str, str]]) -> list[LandingProblem]:
    """One info line per source with an absent entity: not an error, its models are empty."""
    problems = []
    for source in load().sources:
        absent = [e for e in source.entities if (e.source, e.entity) not in present]
        if not absent:
            continue
        if len(absent) == len(source.entities):
            what = f"source '{source.name}' is absent (no files in {source.name}/)"
        else:
            folders = ", ".join(f"{e.folder}/" for e in absent)
            what = f"source '{source.name}' is partly absent (no files in {folders})"
        problems.append(
            LandingProblem(
                INFO,
                source.name,
                f"{what}: its models are empty and the KPIs that need it are null "
                "(marts.mart_source_coverage)",
                f"none needed; to add it, land its exports as {CONTRACT} says",
            )
        )
    return problems


def _required_source_problems(
    landing: Path, files: list[LandingFile], present: set[tuple[str, str]]
) -> list[LandingProblem]:
    """What must be present: at least one entity, and fx/rates once money is in a currency
    other than the reporting currency (EUR converts without rates)."""
    if not present:
        return [
            LandingProblem(
                ERROR,
                ".",
                "no source is present: no folder holds an export the contract declares",
                f"land at least one source as <source>/<entity>/ files, see {CONTRACT}",
            )
        ]
    if ("fx", "rates") in present:
        return []
    for file in files:
        contract = _entities().get((file.source, file.entity))
        if file.status != LOADED or contract is None or not contract.suite.get("currency"):
            continue
        currency = foreign_currency(landing / file.path, contract)
        if currency:
            return [
                LandingProblem(
                    ERROR,
                    "fx/rates",
                    f"folder is missing, but {file.path} holds money in {currency} "
                    f"(only {REPORTING_CURRENCY} converts without a rate)",
                    f"land fx/rates/ with the daily {currency} rates per 1 {REPORTING_CURRENCY} "
                    f"covering the dates of the data, see {CONTRACT}",
                )
            ]
    return []


def _fx_coverage_problems(landing: Path, files: list[LandingFile]) -> list[LandingProblem]:
    """One warning per currency whose rates do not cover the dates of its money."""
    loaded = [file for file in files if file.status == LOADED]
    rate_files = [landing / f.path for f in loaded if (f.source, f.entity) == ("fx", "rates")]
    money_files: dict[Entity, list[Path]] = {}
    for file in loaded:
        contract = _entities().get((file.source, file.entity))
        if contract is not None and contract.suite.get("currency"):
            money_files.setdefault(contract, []).append(landing / file.path)
    return [
        LandingProblem(
            WARNING,
            "fx/rates",
            (
                f"no {gap.currency} rate covers {gap.first_date} to {gap.last_date}"
                if gap.has_rates
                else f"no {gap.currency} rate at all (a mistyped currency code?)"
            )
            + f": {gap.rows} row(s) of {', '.join(gap.entities)} dated {gap.first_date} to "
            f"{gap.last_date} will be quarantined as no_fx_rate",
            f"add daily {gap.currency} rates per 1 {REPORTING_CURRENCY} from {gap.first_date} "
            f"to {gap.last_date} to fx/rates/ ({REPORTING_CURRENCY} itself needs none)",
        )
        for gap in fx_gaps(rate_files, money_files, REPORTING_CURRENCY)
    ]


def _entities() -> dict[tuple[str, str], Entity]:
    return {(e.source, e.entity): e for e in CONTRACTS}


def foreign_currency(path: Path, contract: EntityContract) -> str | None:
    """The first currency other than the reporting currency in a CSV or JSON lines file
    (the whole file, by its contract's currency column); None when all are EUR."""
    column = contract.suite["currency"]
    with open_text(path, errors="replace") as handle:
        if contract.fmt == "csv":
            values = (row.get(column) for row in csv.DictReader(handle))
        elif contract.fmt == "jsonl":
            values = (_json_value(line, column) for line in handle)
        else:
            return None
        for value in values:
            code = str(value or "").strip().upper()
            if code and code != REPORTING_CURRENCY:
                return code
    return None


def _json_value(line: str, key: str) -> object:
    try:
        document = json.loads(line)
    except json.JSONDecodeError:
        return None
    return document.get(key) if isinstance(document, dict) else None


def _check_entity(
    landing: Path, contract: EntityContract, loaded: list[LandingFile]
) -> list[LandingProblem]:
    problems: list[LandingProblem] = []
    pattern = file_name_pattern(contract)
    checker = {"csv": _check_csv, "jsonl": _check_jsonl, "parquet": _check_parquet}
    for file in loaded:
        path = landing / file.path
        if problem := _future_extract_problem(file.path, pattern.match(path.name), contract):
            problems.append(problem)
        if not pattern.match(path.name):
            problems.append(
                LandingProblem(
                    ERROR,
                    file.path,
                    "file name does not end with the extract timestamp",
                    f"rename it to {contract.entity}_<YYYYMMDD>T<HHMMSS>Z.{contract.fmt} "
                    "with the UTC time of the export",
                )
            )
        problems.extend(checker[contract.fmt](path, file.path, contract))
    return problems


def _future_extract_problem(
    relative: str, match: re.Match[str] | None, contract: EntityContract
) -> LandingProblem | None:
    """An extract time after now (plus the declared tolerance) is a misnamed file: it would
    win "latest extract" over every real export to come."""
    if match is None:
        return None
    try:
        extracted = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return LandingProblem(
            ERROR,
            relative,
            f"extract timestamp {match.group(1)} is not a valid date and time",
            f"rename it to {contract.entity}_<YYYYMMDD>T<HHMMSS>Z.{contract.fmt} "
            "with the UTC time of the export",
        )
    hours = load().defaults["future_extract_tolerance_hours"]
    if extracted <= datetime.now(UTC) + timedelta(hours=hours):
        return None
    return LandingProblem(
        ERROR,
        relative,
        f"extract timestamp {extracted:%Y-%m-%d %H:%M} UTC is in the future (more than "
        f"{hours} h after now): it would win 'latest extract' over every real export",
        f"rename it to {contract.entity}_<YYYYMMDD>T<HHMMSS>Z.{contract.fmt} "
        "with the real UTC time of the export",
    )


def _connector_problem(
    relative: str, contract: EntityContract, columns: list[str], stream: object = None
) -> LandingProblem | None:
    """A table copied as a connector wrote it (required columns missing): name it and
    the import command, instead of listing every missing column."""
    present = {name.casefold() for name in columns}
    if all(name.casefold() in present for name in contract.required):
        return None
    table = recognise(columns, contract.folder, stream if isinstance(stream, str) else None)
    if table is None:
        return None
    return LandingProblem(
        ERROR,
        relative,
        f"this looks like the {table.describe()}, not a {contract.folder} extract "
        "of the landing contract",
        table.fix(),
    )


def _missing_column_problems(
    relative: str, contract: EntityContract, present: list[str]
) -> list[LandingProblem]:
    problems = []
    # Names match case-insensitively, as DuckDB binds them.
    known = {name.casefold() for name in (*contract.required, *contract.optional)}
    seen: set[str] = set()
    for name in present:
        key = name.casefold()
        if key in known and key in seen:
            problems.append(
                LandingProblem(
                    ERROR,
                    relative,
                    f"column '{name}' appears twice in the header: which one holds the data "
                    "cannot be told",
                    f"re-export with one '{name}' column",
                )
            )
        seen.add(key)
    unknown = [name for name in present if name.casefold() not in known]
    present_names = {name.casefold() for name in present}
    for name in contract.required:
        if name.casefold() in present_names:
            continue
        close = difflib.get_close_matches(name, unknown, n=1, cutoff=0.6)
        if close and not close[0].isprintable():
            # A NUL or control byte in the header: the name looks right on screen.
            shown = close[0].encode("unicode_escape").decode("ascii")
            hint = f" (found '{shown}': it holds an invisible character)"
            fix = "remove the character from the header, or re-export the file (it may be corrupt)"
        elif close:
            hint = f" (found '{close[0]}': renamed?)"
            fix = f"rename column '{close[0]}' back to '{name}'"
        else:
            hint = ""
            fix = f"re-export with column '{name}'"
        problems.append(
            LandingProblem(
                ERROR,
                relative,
                f"required column '{name}' is missing{hint}",
                f"{fix} (required by {CONTRACT}, {contract.folder})",
            )
        )
    extra = [name for name in unknown if name]
    if extra:
        problems.append(
            LandingProblem(
                WARNING,
                relative,
                f"unknown column(s) {', '.join(extra)} are ignored",
                "none needed; add them to the contract if staging should use them",
            )
        )
    return problems


# Binary formats a text file of the landing can really be (first bytes -> what it is, the fix).
BINARY_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x1f\x8b", "gzip-compressed", "add .gz to its name (e.g. {name}.gz): .gz files are read"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed", "add .zst to its name (e.g. {name}.zst)"),
    (b"PK\x03\x04", "a ZIP archive (an Excel workbook?)", "unzip it, or save it as CSV (UTF-8)"),
    (b"PAR1", "a Parquet file", "re-export it in the format docs/landing_contract.md names"),
)


def _binary_problem(path: Path, relative: str) -> LandingProblem | None:
    """A plain-named file that is really compressed or binary: say what it is."""
    with path.open("rb") as handle:
        start = handle.read(4)
    for signature, what, fix in BINARY_SIGNATURES:
        if start.startswith(signature):
            return LandingProblem(
                ERROR, relative, f"the file is {what}, not text", fix.format(name=path.name)
            )
    return None


def _utf8_problem(path: Path, relative: str) -> LandingProblem | None:
    """Scan the whole file in chunks: one undecodable byte makes DuckDB fail the run."""
    if problem := _binary_problem(path, relative):
        return problem
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                position = offset + error.start
                with path.open("rb") as again:
                    line = again.read(position).count(b"\n") + 1
                return LandingProblem(
                    ERROR,
                    relative,
                    f"not UTF-8: byte {chunk[error.start]:#04x} at line {line}",
                    "re-export as UTF-8 (for a Latin-1 file: iconv -f latin1 -t utf-8)",
                )
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return LandingProblem(
                ERROR,
                relative,
                "not UTF-8: the file ends inside a multi-byte character (truncated?)",
                "re-export the file completely, as UTF-8",
            )
    return None


def _tail(path: Path) -> bytes:
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(max(0, size - TAIL_BYTES))
        return handle.read()


def _first_lines(path: Path, count: int) -> list[str]:
    lines = []
    with open_text(path, errors="replace") as handle:
        for line in handle:
            lines.append(line)
            if len(lines) >= count:
                break
    return lines


def _empty_csv(relative: str) -> LandingProblem:
    return LandingProblem(
        WARNING,
        relative,
        "empty file (no header, no rows): it adds no data",
        "none needed if the export really had no rows; otherwise re-export it",
    )


def _check_csv(path: Path, relative: str, contract: EntityContract) -> list[LandingProblem]:
    compressed = _compression(path) is not None
    if path.stat().st_size == 0:
        return [_empty_csv(relative)]
    if not compressed and (problem := _utf8_problem(path, relative)):
        return [problem]
    lines = _first_lines(path, 2)
    if not lines:  # a compressed file of no text
        return [_empty_csv(relative)]
    header_line = lines[0].lstrip("\ufeff")
    header = next(csv.reader([header_line]))
    header = [name.strip() for name in header]
    if problem := _connector_problem(relative, contract, header):
        return [problem]
    required = {name.casefold() for name in contract.required}
    if len(header) == 1 and len(contract.required) > 1:
        delimiter = next((d for d in (";", "\t", "|") if d in header_line), None)
        if delimiter is not None:
            shown = "tab" if delimiter == "\t" else f"'{delimiter}'"
            return [
                LandingProblem(
                    ERROR,
                    relative,
                    f"delimiter is {shown}, not a comma (the header reads as one column)",
                    "re-export comma-delimited with '.' as decimal point",
                )
            ]
        if not any(name.casefold() in required for name in header):
            return [
                LandingProblem(
                    ERROR,
                    relative,
                    "no header row (the first line is not a list of column names)",
                    f"re-export with the header row: {', '.join(contract.required)}",
                )
            ]
    if not {name.casefold() for name in header} & required and len(header) > 1:
        return [
            LandingProblem(
                ERROR,
                relative,
                "no header row: none of the required columns is in the first line",
                f"re-export with the header row: {', '.join(contract.required)}",
            )
        ]
    problems = _missing_column_problems(relative, contract, header)
    if len(lines) < 2:
        problems.append(LandingProblem(WARNING, relative, "header only, no rows", "none needed"))
        return problems
    tail = b"\n" if compressed else _tail(path)
    if not tail.endswith(b"\n"):
        last_line = tail.rsplit(b"\n", 1)[-1].decode("utf-8", errors="replace")
        fields = next(csv.reader([last_line]), [])
        if len(fields) == len(header):
            # A last line without a newline is complete when it has every field.
            return problems
        problems.append(
            LandingProblem(
                ERROR,
                relative,
                f"file is truncated: the last line is cut off ({len(fields)} of "
                f"{len(header)} fields, no final newline)",
                "re-export (or re-download) the complete file",
            )
        )
    return problems


def _check_jsonl(path: Path, relative: str, contract: EntityContract) -> list[LandingProblem]:
    compressed = _compression(path) is not None
    if path.stat().st_size == 0:
        return [
            LandingProblem(
                WARNING,
                relative,
                "empty file: it adds no rows",
                "none needed if the export really had no rows; otherwise re-export it",
            )
        ]
    if not compressed and (problem := _utf8_problem(path, relative)):
        return [problem]
    problems: list[LandingProblem] = []
    documents = []
    bad_lines = []
    for number, line in enumerate(_first_lines(path, SAMPLE_LINES), start=1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except json.JSONDecodeError:
            bad_lines.append(number)
            continue
        documents.append(document)
        if not isinstance(document, dict):  # e.g. a JSON array of objects on one line
            bad_lines.append(number)
    objects = [document for document in documents if isinstance(document, dict)]
    if not objects:
        return [
            LandingProblem(
                ERROR,
                relative,
                "the first lines are not JSON objects, one per line",
                "re-export as newline-delimited JSON (.jsonl), one object per line",
            )
        ]
    if bad_lines:
        problems.append(
            LandingProblem(
                WARNING,
                relative,
                f"line(s) {', '.join(map(str, bad_lines))} are not valid JSON objects "
                "(staging quarantines them)",
                "re-export the file if more lines are affected",
            )
        )
    keys = sorted({key for document in objects for key in document})
    if problem := _connector_problem(relative, contract, keys, objects[0].get("stream")):
        return [problem]
    # A key counts as present when any sampled line has it (optional keys may be absent).
    problems.extend(_missing_column_problems(relative, contract, keys))
    for nesting in contract.nesting:
        problems.extend(_nesting_problems(relative, objects, nesting))
    if compressed:
        return problems
    tail = _tail(path).rstrip(b"\r\n")
    last_line = tail.rsplit(b"\n", 1)[-1]
    try:
        json.loads(last_line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        problems.append(
            LandingProblem(
                WARNING,
                relative,
                "the last line is not valid JSON (truncated file?); staging quarantines it",
                "re-export the complete file",
            )
        )
    return problems


def _nesting_problems(relative: str, objects: list[dict], nesting: Nesting) -> list[LandingProblem]:
    expected = f"a list of objects with {', '.join(nesting.item_keys)}"
    for document in objects:
        if nesting.key not in document or document[nesting.key] is None:
            continue
        value = document[nesting.key]
        shape = None
        if not isinstance(value, list):
            shape = f"a {type(value).__name__}"
        elif not all(isinstance(item, dict) for item in value):
            shape = "a list of non-objects"
        else:
            for item in value:
                missing = [key for key in nesting.item_keys if key not in item]
                if missing:
                    shape = f"a list of objects without {', '.join(missing)}"
                    break
        if shape:
            return [
                LandingProblem(
                    ERROR,
                    relative,
                    f"changed nesting: '{nesting.key}' is {shape}, the contract says {expected}",
                    f"re-export with '{nesting.key}' as {expected}, or update staging and "
                    f"{CONTRACT} for the new shape",
                )
            ]
    return []


def _check_parquet(path: Path, relative: str, contract: EntityContract) -> list[LandingProblem]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except (pa.ArrowInvalid, OSError) as error:
        return [
            LandingProblem(
                ERROR,
                relative,
                f"not a readable Parquet file ({error})",
                "re-export the file (an interrupted download leaves a partial file)",
            )
        ]
    if problem := _connector_problem(relative, contract, list(schema.names)):
        return [problem]
    problems = _missing_column_problems(relative, contract, list(schema.names))
    if "event_params" in schema.names:
        params = schema.field("event_params").type
        is_list = pa.types.is_list(params) or pa.types.is_large_list(params)
        value_type = params.value_type if is_list else None
        if not (
            is_list
            and pa.types.is_struct(value_type)
            and {"key", "value"} <= {value_type.field(i).name for i in range(value_type.num_fields)}
        ):
            problems.append(
                LandingProblem(
                    ERROR,
                    relative,
                    f"changed nesting: 'event_params' is {params}, the contract says a list "
                    "of struct<key, value>",
                    "re-export with the BigQuery export schema",
                )
            )
    return problems


def format_problems(problems: list[LandingProblem]) -> str:
    return "\n".join(f"  - {problem}" for problem in problems)


# Inventory: every file under the landing folder, loaded or refused.

LOADED = "loaded"
REFUSED = "refused"
NOT_A_SOURCE = ("_truth",)  # the generator's ground truth for tests, not an export
CSV_COMPRESSIONS = {".gz": "gzip", ".zst": "zstd"}


@dataclass(frozen=True)
class LandingFile:
    """One file of the landing folder: read by the build, or refused with a reason."""

    path: str  # relative to the landing folder
    source: str | None
    entity: str | None
    status: str  # "loaded" or "refused"
    reason: str | None = None
    fix: str | None = None
    severity: str | None = None  # of a refusal: "error" stops the build
    raw_rows: int | None = None  # rows counted from the file itself, for loaded files
    malformed_lines: tuple[int, ...] = ()  # CSV lines whose fields do not match the header
    # Which version of the file was read: bytes, modification and status-change times
    # (nanoseconds) and inode.
    size: int | None = None
    modified_ns: int | None = None
    changed_ns: int | None = None
    inode: int | None = None

    @property
    def version(self) -> FileVersion:
        return FileVersion(self.path, self.size, self.modified_ns, self.changed_ns, self.inode)


class FileVersion(NamedTuple):
    """A file as the inventory read it: an earlier reading of the same version is reused.

    The status-change time and the inode tell a rewrite that kept the size and the
    modification time (cp -p, rsync -a, tar, touch -r all set mtime, none can set
    ctime) and a copy of the landing elsewhere (new inodes)."""

    path: str
    size: int | None
    modified_ns: int | None
    changed_ns: int | None
    inode: int | None


def _stamped(file: LandingFile, stat: os.stat_result) -> LandingFile:
    return replace(
        file,
        size=stat.st_size,
        modified_ns=stat.st_mtime_ns,
        changed_ns=stat.st_ctime_ns,
        inode=stat.st_ino,
    )


def scanner_version() -> str:
    """A hash of what judges and counts files: the contract, the package's code, Python
    and the readers of Parquet and zstd. When it changes, earlier readings
    (stg_landing__file_scans) are not reused."""
    package = Path(__file__).parent
    digest = hashlib.sha256(CONTRACT_FILE.read_bytes())
    for path in sorted(package.rglob("*.py")):
        digest.update(path.read_bytes())
    for library in ("pyarrow", "zstandard"):
        digest.update(f"{library} {metadata.version(library)}".encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()[:16]


FILE_COLUMNS = {
    "file_path": "string",
    "source_name": "string",
    "entity": "string",
    "status": "string",
    "reason": "string",
    "fix": "string",
    "severity": "string",
    "raw_rows": "Int64",
    "malformed_line_numbers": "string",
    "file_size": "Int64",
    "modified_ns": "Int64",
    "changed_ns": "Int64",
    "inode": "Int64",
    "scanner_version": "string",
}


def files_frame(files: Iterable[LandingFile], version: str) -> pd.DataFrame:
    """The inventory as a table (stg_landing__files, stg_landing__file_scans)."""
    import pandas as pd

    rows = [
        [
            file.path,
            file.source,
            file.entity,
            file.status,
            file.reason,
            file.fix,
            file.severity,
            file.raw_rows,
            ",".join(map(str, file.malformed_lines)),
            file.size,
            file.modified_ns,
            file.changed_ns,
            file.inode,
            version,
        ]
        for file in files
    ]
    return pd.DataFrame(rows, columns=list(FILE_COLUMNS)).astype(FILE_COLUMNS)


def earlier_readings(frame: pd.DataFrame, version: str) -> dict[FileVersion, LandingFile]:
    """Readings of files_frame rows taken by this scanner_version, by file version; none
    when the frame lacks a column of files_frame (a table written by older code)."""
    if not set(FILE_COLUMNS) <= set(frame.columns):
        return {}
    taken = frame[frame["scanner_version"] == version]
    readings = {}
    for row in taken.astype(object).where(taken.notna(), None).to_dict("records"):
        lines = row["malformed_line_numbers"] or ""
        file = LandingFile(
            row["file_path"],
            row["source_name"],
            row["entity"],
            row["status"],
            row["reason"],
            row["fix"],
            row["severity"],
            None if row["raw_rows"] is None else int(row["raw_rows"]),
            tuple(int(line) for line in lines.split(",") if line),
            int(row["file_size"]),
            int(row["modified_ns"]),
            int(row["changed_ns"]),
            int(row["inode"]),
        )
        readings[file.version] = file
    return readings


def earlier_readings_in(db: Path) -> dict[FileVersion, LandingFile]:
    """The readings kept in a warehouse (staging.stg_landing__file_scans); none when the
    file, the table or its columns are not there."""
    import duckdb

    if not db.is_file():
        return {}
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            frame = con.execute("select * from staging.stg_landing__file_scans").df()
    except duckdb.Error:
        return {}
    return earlier_readings(frame, scanner_version())


def loaded_by_glob(entity: Entity, name: str) -> bool:
    """Does DuckDB's glob contract.read_glob(entity) match this file name? (`*` skips dot-files.)"""
    lower = name.lower()
    if name.startswith("."):
        return False
    if entity.fmt == "csv":
        return ".csv" in lower and fnmatch.fnmatchcase(lower, "*.csv*")
    return lower.endswith(f".{entity.fmt}")


def inventory(
    landing: Path, earlier: Mapping[FileVersion, LandingFile] | None = None
) -> list[LandingFile]:
    """Every file under the landing folder (recursively, hidden ones included).

    `earlier`: readings of a previous run (same scanner_version), reused for a file
    whose version (FileVersion) is unchanged instead of reading it again."""
    entities = {(e.source, e.entity): e for e in CONTRACTS}
    files = []
    for path in sorted(p for p in landing.rglob("*") if p.is_file()):
        relative = path.relative_to(landing).as_posix()
        # Taken before the file is read: a file changed while it is read is read again.
        stat = path.stat()
        version = FileVersion(
            relative, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino
        )
        if earlier is not None and version in earlier:
            files.append(earlier[version])
            continue
        parts = relative.split("/")
        entity = entities.get(tuple(parts[:2])) if len(parts) > 2 else None
        files.append(_stamped(_inventory_entry(path, relative, parts, entity), stat))
    return files


def _inventory_entry(
    path: Path, relative: str, parts: list[str], entity: Entity | None
) -> LandingFile:
    source_entity = (entity.source, entity.entity) if entity else (None, None)
    if parts[0] in NOT_A_SOURCE:
        return LandingFile(
            relative, None, None, REFUSED, "not a source (test ground truth)", "none"
        )
    hidden = next((part for part in parts if part.startswith(".")), None)
    # Only files no source reads: a contract file's header is checked by the pre-flight.
    if (
        hidden is None
        and (entity is None or not loaded_by_glob(entity, path.name))
        and (table := _recognised_table(path, entity.folder if entity else ""))
    ):
        return LandingFile(
            relative,
            *source_entity,
            REFUSED,
            f"this looks like the {table.describe()}, not a landing-contract extract",
            table.fix(),
            ERROR,
        )
    if entity is None:
        return LandingFile(
            relative,
            None,
            None,
            REFUSED,
            "not in a declared <source>/<entity>/ folder, so no source reads it",
            f"move it into its entity folder (see {CONTRACT}) or remove it",
            ERROR if hidden is None and _looks_like_data(path) else WARNING,
        )
    if path.name.startswith("."):
        return LandingFile(
            relative,
            *source_entity,
            REFUSED,
            "hidden file (macOS '._' metadata, editor or download temp file): not read",
            "none needed; delete it (find <landing> -name '._*' -delete)",
            WARNING,
        )
    if hidden is not None:
        return LandingFile(
            relative,
            *source_entity,
            REFUSED,
            f"inside the hidden folder '{hidden}' (the build would still read it)",
            "move the file out of the hidden folder, or delete the folder",
            ERROR,
        )
    if not loaded_by_glob(entity, path.name):
        return LandingFile(
            relative,
            *source_entity,
            REFUSED,
            f"not a .{entity.fmt} file, so the build does not read it",
            f"re-export it as .{entity.fmt} (see {CONTRACT}), or remove it",
            ERROR,
        )
    compression = _compression(path)
    if compression and path.stat().st_size == 0:
        return LandingFile(
            relative,
            *source_entity,
            REFUSED,
            f"empty compressed file (0 bytes, not a {compression} stream): the build cannot "
            "read it",
            "re-download it (an interrupted download leaves an empty file), or delete it if "
            "the export had no rows",
            ERROR,
        )
    if compression is False or (compression and entity.fmt != "csv"):
        return LandingFile(
            relative,
            *source_entity,
            REFUSED,
            f"compression '{''.join(path.suffixes[-1:])}' cannot be read for .{entity.fmt}",
            f"decompress it to a plain .{entity.fmt} file"
            + (" or recompress it as .csv.gz" if entity.fmt == "csv" else ""),
            ERROR,
        )
    if encoding := _encoding_problem(path, relative):
        return LandingFile(relative, *source_entity, REFUSED, encoding.problem, encoding.fix, ERROR)
    try:
        rows, malformed = _count_and_scan(path, entity)
    except UnbalancedQuote as error:
        return LandingFile(
            relative,
            *source_entity,
            REFUSED,
            f"{error} (unbalanced quote): the rest of the file cannot be split into fields",
            f"close or remove the quote on line {error.line_number} (a quote inside a value "
            'is written "" in CSV), or re-export the file',
            ERROR,
        )
    # ValueError: pyarrow's ArrowInvalid (a cut Parquet file has no footer) and decode errors.
    except (OSError, ValueError, csv.Error, EOFError) as error:
        return LandingFile(
            relative,
            *source_entity,
            REFUSED,
            f"cannot be read ({type(error).__name__}: {error})",
            "re-export (or re-download) the complete file: an interrupted download leaves "
            "a partial file",
            ERROR,
        )
    return LandingFile(relative, *source_entity, LOADED, raw_rows=rows, malformed_lines=malformed)


def _encoding_problem(path: Path, relative: str) -> LandingProblem | None:
    """A text file that is not UTF-8: UTF-16 (Excel, Google Ads UI exports) or another byte."""
    if path.suffix.lower() not in (".csv", ".jsonl"):
        return None
    with path.open("rb") as handle:
        start = handle.read(4)
    if start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return LandingProblem(
            ERROR,
            relative,
            "UTF-16 text (the Google Ads UI 'CSV (Excel)' download is UTF-16LE and tab-delimited)",
            "download it as plain 'CSV' (UTF-8, comma-delimited) or use the API export; "
            "to convert this file: iconv -f utf-16 -t utf-8, then replace the tabs by commas",
        )
    return _utf8_problem(path, relative)


def _recognised_table(path: Path, folder: str) -> ConnectorTable | None:
    """The connector table a file is, judged from its header, first object or schema."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with path.open(encoding="utf-8-sig", errors="replace") as handle:
                header = next(csv.reader([handle.readline()]), [])
            return recognise([name.strip() for name in header], folder)
        if suffix in (".jsonl", ".json", ".ndjson"):
            with path.open(encoding="utf-8-sig", errors="replace") as handle:
                first = json.loads(handle.readline())
            if isinstance(first, dict):
                stream = first.get("stream")
                return recognise(list(first), folder, stream if isinstance(stream, str) else None)
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return recognise(list(pq.read_schema(path).names), folder)
    except (OSError, ValueError):
        return None
    return None


def _looks_like_data(path: Path) -> bool:
    return any(path.name.lower().endswith(ext) for ext in (".csv", ".jsonl", ".parquet", ".gz"))


def _compression(path: Path) -> str | bool | None:
    """None for a plain file, the compression of a .gz/.zst file, False for another suffix."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".jsonl", ".parquet"):
        return None
    return CSV_COMPRESSIONS.get(suffix, False)


def open_text(path: Path, errors: str = "strict"):
    """A text stream of a plain, .gz or .zst file, UTF-8 with or without BOM."""
    compression = _compression(path)
    if compression == "gzip":
        return io.TextIOWrapper(gzip.open(path), encoding="utf-8-sig", errors=errors, newline="")
    if compression == "zstd":
        import zstandard

        stream = zstandard.ZstdDecompressor().stream_reader(path.open("rb"))
        return io.TextIOWrapper(stream, encoding="utf-8-sig", errors=errors, newline="")
    return path.open(encoding="utf-8-sig", errors=errors, newline="")


def _count_and_scan(path: Path, entity: Entity) -> tuple[int, tuple[int, ...]]:
    """Raw rows and, for CSV, the line numbers of malformed lines."""
    if entity.fmt != "csv":
        return count_raw_rows(path, entity), ()
    with open_text(path) as handle:
        scan = scan_csv(handle)
    return scan.records, tuple(line.line_number for line in scan.malformed)


def count_raw_rows(path: Path, entity: Entity) -> int:
    """Raw rows of one file, counted without DuckDB: CSV records after the header
    (blank lines skipped), non-blank JSON lines, Parquet rows from the footer."""
    if entity.fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.read_metadata(path).num_rows
    with open_text(path) as handle:
        if entity.fmt == "jsonl":
            return sum(1 for line in handle.read().split("\n") if line.strip("\r "))
        return scan_csv(handle).records
