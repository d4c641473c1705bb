"""Subscriber churn risk: a discrete-time hazard model, evaluated out of time.

Libraries: scikit-learn (logistic hazard per subscription-month at risk, AUC,
Brier), statsmodels (Poisson GLM rate ratios of the driver tests, Wald 95%
intervals), numpy (bootstrap of the out-of-time AUC, `bootstrap_aucs`). Each labelled row is one
subscription-month at risk (the renewal due that month); the label is churn
before the next one, so a logistic fit on these rows is the discrete-time hazard.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from sklearn.calibration import calibration_curve
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from growth_ledger.intelligence import SEED

FEATURES = [
    "tenure_months",
    "interval_months",
    "quantity",
    "mrr_eur",
    "is_paused",
    "failed_charges_90d",
    "successful_charges",
    "plan_changes_180d",
    "pauses",
    "tickets_60d",
    "issue_tickets_60d",
    "tickets_to_date",
    "email_opens_90d",
    "email_clicks_90d",
    "web_orders_180d",
]
LABEL = "is_churned_next_month"
# Driver tests: named, binary definitions (not tuned to a seed); the hazard model sees them too.
DRIVERS: dict[str, tuple[str, float]] = {
    "issue_tickets_60d>=2": ("issue_tickets_60d", 2),
    "failed_charges_90d>=1": ("failed_charges_90d", 1),
    "tickets_60d>=1": ("tickets_60d", 1),
}
MODEL_FEATURES = [*FEATURES, *DRIVERS]
AUC_RESAMPLES = 1000


def with_drivers(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Adds one 0/1 column per named driver."""
    return snapshots.assign(
        **{
            name: (snapshots[column] >= threshold).astype(float)
            for name, (column, threshold) in DRIVERS.items()
        }
    )


def driver_tests(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Churn rate ratio (exposed / not exposed) per driver, Poisson GLM, 95% Wald interval."""
    labelled = with_drivers(snapshots[snapshots[LABEL].notna()])
    rows = []
    for name in DRIVERS:
        design = sm.add_constant(labelled[[name]].astype(float), has_constant="add")
        fit = sm.GLM(labelled[LABEL].astype(float), design, family=sm.families.Poisson()).fit(
            cov_type="HC0"
        )
        low, high = np.exp(fit.conf_int().loc[name].to_numpy())
        rows.append(
            {
                "driver": name,
                "exposed_months": int(labelled[name].sum()),
                "rate_ratio": float(np.exp(fit.params[name])),
                "rate_ratio_low": float(low),
                "rate_ratio_high": float(high),
                "p_value": float(fit.pvalues[name]),
            }
        )
    return pd.DataFrame(rows)


def _model() -> object:
    return make_pipeline(
        FunctionTransformer(np.log1p),
        StandardScaler(),
        LogisticRegression(C=0.5, max_iter=1000),
    )


def split_out_of_time(
    snapshots: pd.DataFrame, holdout_months: int = 3
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Holdout = the last labelled months; train = months whose label was known before."""
    labelled = snapshots[snapshots[LABEL].notna()]
    months = sorted(labelled["month_start_date"].unique())
    holdout_start = months[-holdout_months]
    # A month's label is the next month: leave one month gap so no training
    # label falls inside the holdout period.
    train_end = months[-holdout_months - 2]
    train = labelled[labelled["month_start_date"] <= train_end]
    holdout = labelled[labelled["month_start_date"] >= holdout_start]
    return train, holdout


# Output of evaluate() when there is too little history to evaluate (e.g. no
# subscriptions source in the landing): the same columns, no rows.
EVALUATION_COLUMNS = {
    "metric": "object",
    "bin_number": "Int64",
    "value": "float64",
    "snapshots": "Int64",
    "churned": "Int64",
    "predicted_churn_rate": "float64",
    "observed_churn_rate": "float64",
    "train_start_month": "datetime64[ns]",
    "train_end_month": "datetime64[ns]",
    "holdout_start_month": "datetime64[ns]",
    "holdout_end_month": "datetime64[ns]",
}


def has_history(snapshots: pd.DataFrame, holdout_months: int = 3) -> bool:
    """Enough labelled months for a training period, a gap and a holdout, and both labels."""
    labelled = snapshots[snapshots[LABEL].notna()]
    return (
        labelled["month_start_date"].nunique() >= holdout_months + 2
        and labelled[LABEL].nunique() == 2
    )


def bootstrap_aucs(
    actual: np.ndarray, predicted: np.ndarray, resamples: int, rng: np.random.Generator
) -> np.ndarray:
    """The AUC of each bootstrap resample of the rows that has both labels: what
    roc_auc_score gives on the resampled rows, from one sort instead of one per resample.

    A resample is a count per row; its AUC is the count-weighted share of (churned,
    retained) pairs the score ranks right, a tie counting half. At 100,000 holdout rows
    this takes seconds where 1,000 calls of roc_auc_score take 40.
    """
    order = np.argsort(predicted, kind="stable")
    churned = actual[order] == 1
    tie_group = np.unique(predicted[order], return_inverse=True)[1]
    aucs = []
    for _ in range(resamples):
        counts = np.bincount(rng.integers(0, len(actual), len(actual)), minlength=len(actual))
        counts = counts[order]
        positives = np.bincount(tie_group, np.where(churned, counts, 0))
        negatives = np.bincount(tie_group, np.where(churned, 0, counts))
        if positives.sum() == 0 or negatives.sum() == 0:
            continue
        below = np.cumsum(negatives) - negatives
        ranked_right = (positives * (below + 0.5 * negatives)).sum()
        aucs.append(ranked_right / (positives.sum() * negatives.sum()))
    return np.array(aucs)


def evaluate(snapshots: pd.DataFrame, bins: int = 5) -> pd.DataFrame:
    """AUC, Brier score, base rate and reliability bins on the out-of-time holdout."""
    if not has_history(snapshots):
        columns = EVALUATION_COLUMNS.items()
        return pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in columns})
    # The bootstrap below resamples rows by position: fix their order, which the warehouse
    # does not guarantee, so an incremental and a full build give the same interval.
    ordered = snapshots.sort_values(["month_start_date", "subscription_id"], ignore_index=True)
    train, holdout = split_out_of_time(with_drivers(ordered))
    model = _model().fit(train[MODEL_FEATURES], train[LABEL].astype(int))
    predicted = model.predict_proba(holdout[MODEL_FEATURES])[:, 1]
    actual = holdout[LABEL].astype(int).to_numpy()
    auc = roc_auc_score(actual, predicted)
    resampled = bootstrap_aucs(actual, predicted, AUC_RESAMPLES, np.random.default_rng(SEED))
    auc_low, auc_high = np.quantile(resampled, [0.025, 0.975])
    brier = brier_score_loss(actual, predicted)
    brier_base = brier_score_loss(actual, np.full(len(actual), train[LABEL].mean()))
    # Skill = better ranking than chance with 95% confidence and better Brier than the base rate.
    has_skill = bool(auc_low > 0.5 and brier < brier_base)
    top = predicted >= np.quantile(predicted, 0.9)
    context = {
        "train_start_month": min(train["month_start_date"]),
        "train_end_month": max(train["month_start_date"]),
        "holdout_start_month": min(holdout["month_start_date"]),
        "holdout_end_month": max(holdout["month_start_date"]),
    }
    rows = [
        {"metric": "auc", "bin_number": None, "value": auc},
        {"metric": "auc_ci_low", "bin_number": None, "value": float(auc_low)},
        {"metric": "auc_ci_high", "bin_number": None, "value": float(auc_high)},
        {"metric": "brier_score", "bin_number": None, "value": brier},
        {"metric": "brier_score_base_rate", "bin_number": None, "value": brier_base},
        {"metric": "has_skill", "bin_number": None, "value": float(has_skill)},
        {"metric": "holdout_churn_rate", "bin_number": None, "value": actual.mean()},
        {"metric": "top_decile_churn_rate", "bin_number": None, "value": actual[top].mean()},
        {"metric": "top_decile_snapshots", "bin_number": None, "value": float(top.sum())},
        {"metric": "top_decile_churned", "bin_number": None, "value": float(actual[top].sum())},
    ]
    for test in driver_tests(snapshots).itertuples():
        for suffix, value in (
            ("", test.rate_ratio),
            ("_low", test.rate_ratio_low),
            ("_high", test.rate_ratio_high),
            ("_p_value", test.p_value),
        ):
            rows.append(
                {"metric": f"rate_ratio{suffix}:{test.driver}", "bin_number": None, "value": value}
            )
    for row in rows:
        row.update(
            snapshots=len(actual),
            churned=int(actual.sum()),
            predicted_churn_rate=None,
            observed_churn_rate=None,
        )
    edges = np.quantile(predicted, np.linspace(0, 1, bins + 1))
    bin_of = np.clip(np.searchsorted(edges, predicted, side="right") - 1, 0, bins - 1)
    observed, mean_predicted = calibration_curve(
        actual, predicted, n_bins=bins, strategy="quantile"
    )
    for number in range(bins):
        members = bin_of == number
        rows.append(
            {
                "metric": "reliability_bin",
                "bin_number": number + 1,
                "value": None,
                "snapshots": int(members.sum()),
                "churned": int(actual[members].sum()),
                "predicted_churn_rate": float(mean_predicted[number])
                if number < len(mean_predicted)
                else float(predicted[members].mean()),
                "observed_churn_rate": float(observed[number])
                if number < len(observed)
                else float(actual[members].mean()),
            }
        )
    return pd.DataFrame([{**row, **context} for row in rows])


def score_latest(snapshots: pd.DataFrame, top_drivers: int = 3) -> pd.DataFrame:
    """Refit on every labelled month; score the latest month's active subscribers.

    Drivers: the features whose standardised value x coefficient push the
    subscriber's log-odds up the most.
    """
    snapshots = with_drivers(snapshots)
    labelled = snapshots[snapshots[LABEL].notna()]
    latest = snapshots[snapshots["is_latest_month"].astype(bool)].copy()
    if labelled[LABEL].nunique() < 2:
        # Nothing to learn from (no subscriptions source, or no churn yet): no scores.
        latest = latest.iloc[0:0].assign(
            churn_probability=pd.Series(dtype="float64"),
            risk_band=pd.Series(dtype="object"),
            expected_mrr_loss_eur=pd.Series(dtype="float64"),
            top_drivers=pd.Series(dtype="object"),
        )
        return latest[SCORE_COLUMNS]
    model = _model().fit(labelled[MODEL_FEATURES], labelled[LABEL].astype(int))
    latest["churn_probability"] = model.predict_proba(latest[MODEL_FEATURES])[:, 1]
    transformed = model[:-1].transform(latest[MODEL_FEATURES])
    contributions = transformed * model[-1].coef_[0]
    names = np.array(MODEL_FEATURES)
    drivers = []
    for row_contributions in contributions:
        order = np.argsort(-row_contributions)[:top_drivers]
        drivers.append(
            ", ".join(
                f"{names[i]} (+{row_contributions[i]:.2f})"
                for i in order
                if row_contributions[i] > 0
            )
            or None
        )
    latest["top_drivers"] = drivers
    latest["expected_mrr_loss_eur"] = latest["churn_probability"] * latest["mrr_eur"]
    ranks = latest["churn_probability"].rank(pct=True)
    latest["risk_band"] = np.select([ranks > 0.9, ranks > 0.7], ["high", "medium"], "low")
    return latest[SCORE_COLUMNS]


SCORE_COLUMNS = [
    "subscription_id",
    "customer_email_hash",
    "snapshot_date",
    "subscription_status",
    "mrr_eur",
    "churn_probability",
    "risk_band",
    "expected_mrr_loss_eur",
    "top_drivers",
    *FEATURES,
]


def coefficients(snapshots: pd.DataFrame) -> dict[str, float]:
    """Standardised coefficients of the model fitted on every labelled month."""
    snapshots = with_drivers(snapshots)
    labelled = snapshots[snapshots[LABEL].notna()]
    model = _model().fit(labelled[MODEL_FEATURES], labelled[LABEL].astype(int))
    return dict(zip(MODEL_FEATURES, model[-1].coef_[0].round(3), strict=True))
