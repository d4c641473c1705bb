"""Where the project's files are."""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEMO_LANDING = PROJECT_DIR / "data" / "demo"
DEFAULT_DB = PROJECT_DIR / "warehouse" / "growth_ledger.duckdb"
