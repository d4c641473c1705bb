"""Out-of-time evaluation of the churn model: AUC, Brier, reliability bins."""

from growth_ledger.intelligence.churn import evaluate


def model(dbt, session):
    dbt.config(materialized="table")
    return evaluate(dbt.ref("int_subscriber_churn_features").df())
