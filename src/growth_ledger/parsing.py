"""Strict CSV reading by the declared dialect (contract/landing.yml, csv_dialect).

The dialect is declared, never sniffed: comma-delimited, `"` quote doubled to
escape, a header row. A record with another number of fields than the header
is a malformed line: the build reads around it (DuckDB `ignore_errors`) and
stg_quarantine__malformed_lines keeps it with its line number, so one bad line
never mangles the whole file. A quote opened and never closed swallows the
rest of the file in any CSV reader, so such a file is refused, naming the line.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from growth_ledger.contract import load

DIALECT = load().defaults["csv_dialect"]


class UnbalancedQuote(ValueError):
    """A quote opened on line_number is never closed."""

    def __init__(self, line_number: int) -> None:
        super().__init__(f"line {line_number}: a quote is opened and never closed")
        self.line_number = line_number


@dataclass(frozen=True)
class MalformedLine:
    line_number: int  # 1-based physical line of the file, the header is line 1
    raw_line: str
    fields: int
    expected: int


@dataclass
class CsvScan:
    header: list[str] = field(default_factory=list)
    records: int = 0  # data records after the header, blank lines skipped
    malformed: list[MalformedLine] = field(default_factory=list)


def _numbered(lines: Iterable[str], counter: list[int]) -> Iterator[str]:
    for line in lines:
        counter[0] += 1
        yield line


def scan_csv(handle: Iterable[str]) -> CsvScan:
    """Records of a CSV text stream (opened with newline=''), by the declared dialect.

    Raises UnbalancedQuote when a quoted field runs over line ends into a record
    that does not have the header's number of fields (a legitimate multi-line
    field keeps the record's field count)."""
    scan = CsvScan()
    lines: list[str] = []
    counter = [0]

    def remember(source: Iterable[str]) -> Iterator[str]:
        for line in source:
            lines.append(line)
            yield line

    reader = csv.reader(
        remember(_numbered(handle, counter)),
        delimiter=DIALECT["delimiter"],
        quotechar=DIALECT["quote"],
        doublequote=DIALECT["escape"] == DIALECT["quote"],
        strict=True,
    )
    start = 1
    while True:
        lines.clear()
        start = counter[0] + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise UnbalancedQuote(start) from error
        if not record:
            continue
        if not scan.header and scan.records == 0 and not scan.malformed:
            scan.header = [name.strip() for name in record]
            scan.header[0] = scan.header[0].lstrip("\ufeff")
            continue
        if len(record) != len(scan.header):
            if len(lines) > 1:
                raise UnbalancedQuote(start)
            scan.malformed.append(
                MalformedLine(start, "".join(lines).rstrip("\r\n"), len(record), len(scan.header))
            )
        scan.records += 1
    return scan
