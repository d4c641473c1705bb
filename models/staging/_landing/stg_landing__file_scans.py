"""Each landing file version the build has read, with what the reading found (the
inventory entry of growth_ledger.landing). Incremental: a file whose path, size and
modification time are unchanged since an earlier reading by the same scanner
version is not read again; a full refresh reads every file."""

from pathlib import Path


def model(dbt, session):
    # sync_all_columns: a column added to files_frame is added to the table; older rows
    # carry another scanner version, so they are read again, not reused.
    dbt.config(
        materialized="incremental", unique_key="file_path", on_schema_change="sync_all_columns"
    )
    from growth_ledger.landing import earlier_readings, files_frame, inventory, scanner_version

    version = scanner_version()
    earlier = {}
    if dbt.is_incremental:
        earlier = earlier_readings(session.sql(f"select * from {dbt.this}").df(), version)
    files = inventory(Path(dbt.config.get("landing_path")), earlier)
    return files_frame((file for file in files if file.version not in earlier), version)
