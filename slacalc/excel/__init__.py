"""The credit-claim workbook: ``export_excel(results)`` writes an ``.xlsx`` to audit and send.

Sheets: Summary (live totals per currency, breached rows marked), Claim letters, Calculation (the
engine's arithmetic as live formulas, each carrying the engine's value), the evidence (Downtime
counted, Excluded time, Outage windows, Rejected rows), Contract terms, Credit tiers and
Assumptions; and, when exported from the claims register, Claim status. ``export_register``
writes the register alone. ``export_liability(results)`` writes the portfolio's liability
workbook: credits by currency, contract and deadline status, one live row per tenant and period,
and the tenants owed the most (the evidence goes beside it: :mod:`slacalc.report.evidence`);
``export_claim_packs`` one claim workbook per breached tenant. ``export_error_rate(results)``
writes the claim workbook of an error-rate SLA (Amazon S3): the average interval error rate
redone in live formulas over every counted interval.
Only this package imports openpyxl.
"""

from slacalc.excel._error_rate import export_error_rate
from slacalc.excel._liability import export_liability
from slacalc.excel._packs import export_claim_packs
from slacalc.excel._workbook import export_excel, export_register

__all__ = [
    "export_claim_packs",
    "export_error_rate",
    "export_excel",
    "export_liability",
    "export_register",
]
