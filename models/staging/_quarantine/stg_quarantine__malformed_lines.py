"""CSV lines that do not have as many fields as their file's header, with their
line number, read by the declared dialect (growth_ledger.parsing). The sources
skip them (DuckDB ignore_errors), so the rest of the file loads and these lines
reach stg_quarantine__rows instead of vanishing. Only the files whose reading
(stg_landing__files) found such lines are read again, for the lines' text."""

from pathlib import Path

import pandas as pd

COLUMNS = ["source_name", "entity", "file_path", "line_number", "raw_line", "fields", "expected"]


def model(dbt, session):
    dbt.config(materialized="table")
    from growth_ledger.landing import CONTRACTS, LOADED, open_text
    from growth_ledger.parsing import scan_csv

    landing = Path(dbt.config.get("landing_path"))
    csv_entities = {(e.source, e.entity) for e in CONTRACTS if e.fmt == "csv"}
    files = dbt.ref("stg_landing__files").df()
    with_malformed = files[(files["status"] == LOADED) & (files["malformed_line_numbers"] != "")]
    rows = []
    for file in with_malformed.itertuples():
        if (file.source_name, file.entity) not in csv_entities:
            continue
        with open_text(landing / file.file_path) as handle:
            for line in scan_csv(handle).malformed:
                rows.append(
                    [
                        file.source_name,
                        file.entity,
                        file.file_path,
                        line.line_number,
                        line.raw_line,
                        line.fields,
                        line.expected,
                    ]
                )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    # Explicit types: an empty frame would otherwise give integer columns.
    for column in ("source_name", "entity", "file_path", "raw_line"):
        frame[column] = frame[column].astype("string")
    for column in ("line_number", "fields", "expected"):
        frame[column] = frame[column].astype("Int64")
    return frame
