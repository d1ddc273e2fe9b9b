"""The report layer: the facts every front end shows, worked out once.

The command line, the app and the Excel workbook call these and only format what comes back:
the contract's terms in plain words (:mod:`~slacalc.report.terms`), Python values of the typed
result table and the one test of a missing cell (:mod:`~slacalc.report.values`), credit totals
per currency or contract and the deadline status of each row (:mod:`~slacalc.report.totals`), the
results as CSV, JSON or a terminal table (:mod:`~slacalc.report.export`), the liability summary and
a what-if comparison as terminal tables (:mod:`~slacalc.report.summary`), and the customer a claim
letter names (:mod:`~slacalc.report.customer`). It imports the model, the readers and the engine,
never streamlit or openpyxl.
"""
