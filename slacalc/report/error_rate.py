"""Error-rate results as text: CSV, JSON and the aligned table, as for outage-window results.

The rows are those of :func:`slacalc.calculate_error_rate` (one per tenant, request type and
period; :data:`~slacalc.engine.error_rate.ERROR_RATE_COLUMNS`). CSV and JSON hold every column
with the exact decimals and money at the currency's minor unit, written by the same writers as
the outage results (:mod:`slacalc.report.export`); the table shows the key figures, the totals
per currency and where every input row went.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from slacalc.engine.error_rate import ERROR_RATE_COLUMNS, ErrorRateResults
from slacalc.model.contract import Contract
from slacalc.report.export import (
    _availability,
    _credit,
    _deadline_words,
    aligned,
    csv_text,
    json_text,
    plain_rows,
    summary_line,
)
from slacalc.report.terms import number
from slacalc.report.totals import Today, deadline_status
from slacalc.report.values import records


def render_error_rate(
    results: ErrorRateResults,
    fmt: str,
    contracts: Mapping[str, Contract],
    today: Today,
    *,
    set_aside: int = 0,
) -> str:
    """The results in ``fmt`` (``table``, ``json`` or ``csv``).

    ``contracts`` are the contracts the rows name, by id; ``today`` the day claim deadlines are
    judged on; ``set_aside`` the metrics rows of other tenants left out (``--tenant``).
    """
    if fmt == "json":
        return json_text(plain_rows(results.table, ERROR_RATE_COLUMNS))
    if fmt == "csv":
        return csv_text(ERROR_RATE_COLUMNS, plain_rows(results.table, ERROR_RATE_COLUMNS))
    return error_rate_text(results, contracts, today, set_aside=set_aside)


def error_rate_text(
    results: ErrorRateResults,
    contracts: Mapping[str, Contract],
    today: Today,
    *,
    set_aside: int = 0,
) -> str:
    """The key figures, aligned for a terminal, with the totals per currency."""
    frame = results.table
    lines = [_measured(contracts[cid]) for cid in sorted(contracts)]
    if frame.empty:
        lines.append("No request was counted in a period to report.")
        lines.append(_row_accounting(results, set_aside))
        return "\n".join(lines) + "\n"

    show_tenant = bool((frame["tenant"] != "").any())
    show_contract = frame["contract"].nunique() > 1
    show_type = bool((frame["request_type"] != "").any())
    head = [
        *(["tenant"] if show_tenant else []),
        *(["contract"] if show_contract else []),
        *(["request type"] if show_type else []),
        "period",
        "availability %",
        "error rate %",
        "requests",
        "failed",
        "credit",
        "amount",
        "claim by",
    ]
    at = head.index("period")  # right-aligned: the figures after it, and the amount
    right = {at + 1, at + 2, at + 3, at + 4, at + 6}
    status = deadline_status(frame, today)
    rows = []
    for i, r in zip(frame.index, records(frame), strict=True):
        shown = _availability(r["availability_percent"])
        amount, deadline = r["credit_amount"], r["claim_deadline"]
        rows.append(
            [
                *([r["tenant"]] if show_tenant else []),
                *([r["contract"]] if show_contract else []),
                *([r["request_type"]] if show_type else []),
                r["period"],
                shown,
                format(Decimal(100) - Decimal(shown), "f"),  # the rest of the floored figure
                f"{r['total_requests']:,}",
                f"{r['failed_requests']:,}",
                _credit(r),
                "—" if amount is None else f"{amount:,f} {r['currency']}",
                f"{deadline} ({_deadline_words(status.at[i, 'days_left'])})"
                if r["breached"] and deadline is not None
                else "",
            ]
        )
    lines.append(aligned(head, rows, right=right).rstrip("\n"))
    lines.append("")
    lines.append(summary_line(frame, today))
    lines.append(_row_accounting(results, set_aside))
    lines.append(
        "An interval without requests has an error rate of 0 %. Availability is floored to 4 "
        "decimal places for display; tiers use the exact value."
    )
    return "\n".join(lines) + "\n"


def _measured(c: Contract) -> str:
    """A contract's line above the table: what it commits to and how the error rate is taken."""
    rule = c.error_rate
    how = "" if rule is None else f"{rule.interval_minutes}-minute intervals"
    if rule is not None and rule.per_request_type:
        how += " per request type"
    return (
        f"{c.name} ({c.id}): commitment {number(c.commitment_percent)} % per {c.period}, "
        f"average error rate over {how}, periods in {c.timezone}"
    )


def _row_accounting(results: ErrorRateResults, set_aside: int) -> str:
    """Where every metrics row went: counted, rejected or set aside (nothing is lost)."""
    table = results.metrics
    rejected = len({p.row for p in results.rejected})
    others = f", {set_aside} of other tenants" if set_aside else ""
    counted = table.rows_read - rejected - set_aside
    return (
        f"{table.source}: {table.rows_read} row(s) read: {counted} counted, {rejected} "
        f"rejected{others}."
    )
