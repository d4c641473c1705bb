"""Every file under the landing folder, loaded or refused, with its raw rows
counted from the file itself (growth_ledger.landing.inventory), not by the
readers of the sources: a file or a line the sources skip breaks the
reconciliation in mart_source_reconciliation."""

from pathlib import Path

import pandas as pd


def model(dbt, session):
    dbt.config(materialized="table")
    from growth_ledger.landing import inventory

    files = inventory(Path(dbt.config.get("landing_path")))
    frame = pd.DataFrame(
        [
            {
                "file_path": file.path,
                "source_name": file.source,
                "entity": file.entity,
                "status": file.status,
                "reason": file.reason,
                "fix": file.fix,
                "severity": file.severity,
                "raw_rows": file.raw_rows,
            }
            for file in files
        ],
        columns=[
            "file_path",
            "source_name",
            "entity",
            "status",
            "reason",
            "fix",
            "severity",
            "raw_rows",
        ],
    )
    frame["raw_rows"] = frame["raw_rows"].astype("Int64")
    return frame
