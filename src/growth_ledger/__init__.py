"""Growth Ledger: marketing spend to revenue and margin, on dbt and DuckDB."""

__version__ = "0.1.0"
