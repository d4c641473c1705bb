"""Every file under the landing folder, loaded or refused, with its raw rows
counted from the file itself (growth_ledger.landing.inventory), not by the
readers of the sources: a file or a line the sources skip breaks the
reconciliation in mart_source_reconciliation. The readings come from
stg_landing__file_scans, which reads each file version once."""

from pathlib import Path


def model(dbt, session):
    dbt.config(materialized="table")
    from growth_ledger.landing import earlier_readings, files_frame, inventory, scanner_version

    version = scanner_version()
    scans = earlier_readings(dbt.ref("stg_landing__file_scans").df(), version)
    return files_frame(inventory(Path(dbt.config.get("landing_path")), scans), version)
