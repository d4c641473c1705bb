"""One row per subscription active or paused at the latest month end, with churn risk."""

from growth_ledger.intelligence.churn import score_latest


def model(dbt, session):
    dbt.config(materialized="table")
    return score_latest(dbt.ref("int_subscriber_churn_features").df())
