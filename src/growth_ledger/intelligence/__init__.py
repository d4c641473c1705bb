"""Intelligence: anomalies, inefficient campaigns, budget curves, churn risk, forecasts.

Each module holds one job and is called from a thin dbt Python model in
models/intermediate/intelligence; the public marts are SQL selects over them.
"""

SEED = 20261031
