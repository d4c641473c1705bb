"""One row per converting channel path x channel x data-driven model.

Reads the aggregated paths (int_attribution_paths) and runs the deterministic
algorithms of growth_ledger.attribution: Markov-chain removal effects and
Shapley values. channel_share sums to 1 over the channels of each path and model;
channel_weight is the removal effect (markov) or the path's Shapley value (shapley).
"""

import pandas as pd

from growth_ledger.attribution import PathCount, data_driven_path_credits, parse_path


def model(dbt, session):
    dbt.config(materialized="table")
    paths_df = dbt.ref("int_attribution_paths").df()
    paths = [
        PathCount(parse_path(row.channel_path), float(row.conversions), float(row.non_conversions))
        for row in paths_df.itertuples(index=False)
        if row.channel_path
    ]
    rows = data_driven_path_credits(paths)
    return pd.DataFrame(
        rows,
        columns=["attribution_model", "channel_path", "channel", "channel_share", "channel_weight"],
    ).astype(
        {
            "attribution_model": "string",
            "channel_path": "string",
            "channel": "string",
            "channel_share": "float64",
            "channel_weight": "float64",
        }
    )
