"""Ground-truth recorder: everything planted or simulated that tests may check."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any


class Truth:
    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.defects: list[dict[str, Any]] = []
        self.files: Counter[str] = Counter()
        self.rows: Counter[str] = Counter()
        self._extract_keys: dict[str, Counter[str]] = defaultdict(Counter)

    def file(self, source: str, entity: str, n_rows: int) -> None:
        self.files[f"{source}/{entity}"] += 1
        self.rows[f"{source}/{entity}"] += n_rows

    def defect(self, **kw: Any) -> None:
        self.defects.append(kw)

    def seen(self, source: str, entity: str, key: str) -> None:
        """Count the extracts a natural key appears in (restatements: more than one)."""
        self._extract_keys[f"{source}/{entity}"][key] += 1

    def restatements(self) -> dict[str, list[str]]:
        return {
            k: sorted(key for key, n in c.items() if n > 1)
            for k, c in sorted(self._extract_keys.items())
        }

    def manifest(self) -> dict[str, Any]:
        out = dict(self.data)
        out["files_per_entity"] = dict(sorted(self.files.items()))
        out["rows_per_entity"] = dict(sorted(self.rows.items()))
        out["defects"] = self.defects
        out["restatements"] = self.restatements()
        return out

    def write(self, out_dir: Path) -> dict[str, Any]:
        m = self.manifest()
        p = out_dir / "_truth" / "manifest.json"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(m, sort_keys=True, indent=1, default=str) + "\n", encoding="utf-8")
        return m
