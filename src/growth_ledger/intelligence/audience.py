"""Reactivation audience upload files for Google Customer Match and Meta."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
AUDIENCE_RELATION = "intermediate.int_reactivation_audience_hashed"
# Platform upload formats: (file name, header of the hashed e-mail column).
PLATFORM_FILES = {
    "google_ads": ("google_customer_match_reactivation.csv", "Email"),
    "meta_ads": ("meta_custom_audience_reactivation.csv", "email"),
}


def read_audience(db_path: Path) -> list[str]:
    """Unsalted SHA-256 e-mail hashes of consented reactivation targets, sorted."""
    with duckdb.connect(str(db_path), read_only=True) as connection:
        rows = connection.execute(
            f"select distinct email_sha256 from {AUDIENCE_RELATION} "
            "where has_ads_consent and email_sha256 is not null order by 1"
        ).fetchall()
    hashes = [row[0] for row in rows]
    bad = [value for value in hashes if not SHA256_HEX.match(value)]
    if bad:
        raise ValueError(f"{len(bad)} audience values are not 64-hex SHA-256 hashes")
    return hashes


def export_audiences(db_path: Path, out_dir: Path) -> list[Path]:
    """Write one upload CSV per ad platform; returns the files written."""
    hashes = read_audience(Path(db_path))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, header in PLATFORM_FILES.values():
        path = out_dir / file_name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([header])
            writer.writerows([value] for value in hashes)
        written.append(path)
    return written
