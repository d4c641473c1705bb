"""Evaluation of the intelligence on generated worlds it was not tuned on (issue #15).

- truth.py: the generator's manifest as frames (planted events, causes, campaign economics)
- anomaly_scoring.py: recall, lag and false alarms of marts.fct_kpi_anomalies
- replay.py: detection lag as of the day (the detector rerun on the data known then)
- money_scoring.py: flag precision / recall, plan vs the true optimum, true value of actions
- world.py: one warehouse scored; report.py: the table and the targets
- harness.py: generate, build and score each seed and variant (`growth-ledger evaluate`)
"""
