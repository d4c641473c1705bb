"""Deterministic file writers and the extract naming of the landing contract."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq


def extract_name(entity: str, ts: dt.datetime, ext: str) -> str:
    return f"{entity}_{ts:%Y%m%dT%H%M%S}Z.{ext}"


def month_extract_ts(year: int, month: int, delay_days: int = 0) -> dt.datetime:
    """Monthly backfills are pulled at 06:00Z on the 2nd of the following month."""
    ny, nm = (year + 1, 1) if month == 12 else (year, month + 1)
    late = dt.timedelta(hours=8, minutes=17) if delay_days else dt.timedelta(0)
    return dt.datetime(ny, nm, 2, 6, 0, 0) + dt.timedelta(days=delay_days) + late


def daily_extract_ts(day: dt.date, delay_days: int = 0) -> dt.datetime:
    """Daily pulls run at 06:30Z the day after the last data day (06:30, not 06:00, so the
    first daily pull never shares a name with the previous month's backfill); a late re-run
    lands in the afternoon so it never shares a name with that day's regular pull."""
    late = dt.timedelta(hours=8, minutes=17) if delay_days else dt.timedelta(0)
    return (
        dt.datetime(day.year, day.month, day.day, 6, 30) + dt.timedelta(days=1 + delay_days) + late
    )


def money(x: float) -> str:
    return f"{x:.2f}"


def fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(round(v, 6))
    return str(v)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    for r in rows:
        w.writerow([fmt(v) for v in r])
    return buf.getvalue()


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def json_line(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# zstd level: 9 keeps the embedded demo small; big scales trade size for speed.
PARQUET_LEVEL = {"level": 9}


def write_parquet(path: Path, table: pa.Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Fixed options and no pandas/creation metadata keep the bytes reproducible.
    pq.write_table(
        table.replace_schema_metadata(None),
        path,
        compression="zstd",
        compression_level=PARQUET_LEVEL["level"],
        use_dictionary=[c for c in table.column_names if c != "event_timestamp"],
        column_encoding={"event_timestamp": "DELTA_BINARY_PACKED"}
        if "event_timestamp" in table.column_names
        else None,
        write_statistics=True,
        row_group_size=1_000_000,
        store_schema=False,  # the Parquet schema is enough; keeps small files small
    )
