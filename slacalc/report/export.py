"""The results as text: CSV, JSON, and the aligned table the command line prints.

One writer per format, shared by the CLI and the app's download, so both write the same columns,
the same exact decimals and the same incident-id separator (``;``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from slacalc.engine.results import RESULT_COLUMNS, Results
from slacalc.model.terms import claimed_under
from slacalc.report.terms import method_word, number
from slacalc.report.totals import Today, days_left_words, deadline_status, judged_on, totals
from slacalc.report.values import plain, records

#: Joins several incident ids in one CSV cell.
ID_SEPARATOR = ";"


def render(results: Results, fmt: str) -> str:
    """The results as text in ``fmt``: ``table``, ``json`` or ``csv``."""
    if fmt == "json":
        return to_json(results)
    if fmt == "csv":
        return to_csv(results)
    return to_text(results)


def plain_records(results: Results) -> list[dict[str, Any]]:
    """The result rows as JSON data (see :func:`slacalc.report.values.plain`)."""
    return plain_rows(results.table, RESULT_COLUMNS)


def plain_rows(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    """The ``columns`` of a result table's rows as JSON data."""
    return [{c: plain(v) for c, v in row.items()} for row in records(frame, columns)]


def to_json(results: Results) -> str:
    """A JSON list of objects, one per tenant, service and period, with the result columns."""
    return json_text(plain_records(results))


def json_text(rows: list[dict[str, Any]]) -> str:
    """Rows of JSON data as an indented JSON list."""
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def to_csv(results: Results) -> str:
    """CSV with the result columns; a cell holding several incident ids separates them with ';'."""
    return csv_text(RESULT_COLUMNS, plain_records(results))


def csv_text(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    """CSV of rows of JSON data: a header of ``columns``, then one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(columns))
    for record in rows:
        writer.writerow([_csv_cell(record[c]) for c in columns])
    return buffer.getvalue()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ID_SEPARATOR.join(str(v) for v in value)
    return str(value)


def to_text(results: Results) -> str:
    """The key figures, aligned for a terminal, with totals per currency and the zones used."""
    frame = results.table
    contracts = results.contracts
    lines = []
    for cid in sorted(contracts):
        c = contracts[cid]
        lines.append(
            f"{c.name} ({cid}): commitment {number(c.commitment_percent)} % per {c.period}, "
            f"{method_word(c)} method, periods in {c.timezone}"
        )
    if frame.empty:
        lines.append("No outage fell in a period to report.")
        return "\n".join(lines) + "\n"

    show_tenant = bool(frame["tenant"].notna().any())
    show_contract = frame["contract"].nunique() > 1
    show_service = frame["service"].nunique() > 1 and not show_contract
    show_user_minutes = any(contracts[c].method == "user_minutes" for c in frame["contract"])
    head: list[str] = []
    right: set[int] = set()

    def col(name: str, *, numeric: bool = False) -> None:
        if numeric:
            right.add(len(head))
        head.append(name)

    if show_tenant:
        col("tenant")
    if show_contract:
        col("contract")
    if show_service:
        col("service")
    col("period")
    col("availability %", numeric=True)
    col("downtime min", numeric=True)
    if show_user_minutes:
        col("user-min lost", numeric=True)
    col("credit", numeric=True)
    col("amount", numeric=True)
    col("claim by")
    col("min to next tier", numeric=True)
    col("incidents")

    status = deadline_status(frame, judged_on(results))
    rows = []
    for i, r in zip(frame.index, records(frame), strict=True):
        row = []
        if show_tenant:
            row.append(r["tenant"] or "")
        if show_contract:
            row.append(str(r["contract"]))
        if show_service:
            row.append(str(r["service"]))
        row.append(str(r["period"]))
        row.append(_availability(r["availability_percent"]))
        row.append(_figure(r["downtime_minutes"]))
        if show_user_minutes:
            row.append(_figure(r["user_minutes_lost"]))
        row.append(_credit(r))
        amount = r["credit_amount"]
        row.append("—" if amount is None else f"{amount:,f} {r['currency']}")
        deadline, days = r["claim_deadline"], status.at[i, "days_left"]
        row.append(
            f"{deadline} ({_deadline_words(days)})"
            if r["breached"] and deadline is not None
            else ""
        )
        margin = r["seconds_to_next_tier"]
        row.append("" if margin is None else _figure(Decimal(int(margin)) / 60))
        row.append(_ids(r["incident_ids"]))
        rows.append(row)
    lines.append(aligned(head, rows, right=right).rstrip("\n"))
    lines.append("")
    lines.append(summary_line(frame, judged_on(results)))
    lines.extend(_given_up(results))
    lines.append(_row_accounting(results))
    zones: dict[str, list[str]] = {}
    for column, zone in results.outages.assumed_timezones.items():
        zones.setdefault(zone, []).append(column)
    for zone, columns in sorted(zones.items()):
        lines.append(f"Times without an offset ({', '.join(columns)}) were read as {zone}.")
    lines.append(
        "Availability is floored to 4 decimal places for display; tiers use the exact value."
    )
    return "\n".join(lines) + "\n"


def _deadline_words(days: object) -> str:
    """``passed`` (not how long ago: a printed table stays true), or the days left."""
    known = days is not None and days is not pd.NA
    return "passed" if known and int(str(days)) < 0 else days_left_words(days)


def summary_line(frame: pd.DataFrame, today: Today) -> str:
    """How many periods breached, the credits per currency, and those lost to a passed deadline."""
    summary = f"{int(frame['breached'].sum())} of {len(frame)} periods below commitment."
    priced = frame[frame["breached"] & frame["credit_amount"].notna()]
    sums = totals(priced, today)
    if sums:
        money = ", ".join(f"{t.credits:,f} {k[0]}" for k, t in sums.items())
        summary += f" Credits: {money}."
        lapsed = ", ".join(f"{t.passed:,f} {k[0]}" for k, t in sums.items() if t.passed)
        if lapsed:
            open_ = ", ".join(f"{t.claimable:,f} {k[0]}" for k, t in sums.items())
            summary += f"\nLost to a passed claim deadline: {lapsed}; still claimable: {open_}."
    return summary


def _given_up(results: Results) -> list[str]:
    """A line per credit a claim group's one-credit rule set to zero, naming the kept one."""
    frame = results.table
    lines = []
    for r in records(frame[frame["credit_limited_by"] != ""]):
        group = results.contracts[str(r["contract"])].claim_group
        if claimed_under(str(r["credit_limited_by"]), group):
            who = f"{r['tenant']}, " if r["tenant"] else ""
            lines.append(
                f"Credit given up: {who}{r['contract']} {r['period']}: {r['credit_limited_by']}."
            )
    return lines


def _row_accounting(results: Results) -> str:
    """Where every outage row went: counted, excluded or rejected (nothing is lost)."""
    table = results.outages
    rejected = {p.row for p in results.rejected}
    kept = table.frame[~table.frame["row"].isin(rejected)]
    excluded = int((kept["excluded"] != "").sum())
    others = f", {len(table.other_tenants)} of other tenants" if table.tenant is not None else ""
    return (
        f"{table.source}: {table.rows_read} row(s) read: {len(kept) - excluded} counted, "
        f"{excluded} excluded, {len(rejected)} rejected{others}."
    )


def _credit(r: dict[str, Any]) -> str:
    if not r["breached"]:
        return "none"
    days, percent = r["credit_days"], r["credit_percent"]
    if days is not None:
        return f"{number(days)} days"
    if percent is not None:
        return f"{number(percent)} %"
    return ""


def _availability(value: Decimal) -> str:
    """Floored to 4 places: a display never flatters, and never shows 100 with any downtime."""
    return format(value.quantize(Decimal("0.0001"), rounding=ROUND_FLOOR), "f")


def _figure(value: Decimal | float) -> str:
    """Minutes for display: thousands grouped, at most two decimals (half-up)."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    rounded = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return f"{int(rounded):,}"
    return f"{rounded:,.2f}"


def _ids(ids: Iterable[str] | None, most: int = 3) -> str:
    items = list(ids or ())
    text = ", ".join(items[:most])
    return text + (f" +{len(items) - most} more" if len(items) > most else "")


def aligned(head: list[str], rows: list[list[str]], *, right: set[int]) -> str:
    """Columns padded to line up in a terminal; ``right``: indexes of right-aligned columns."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(head)]

    def line(cells: list[str]) -> str:
        parts = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(head), rule, *(line(r) for r in rows)]) + "\n"
