"""The error-rate claim workbook: an S3-style credit, auditable in Excel as the claim workbook is.

Amazon S3 (https://aws.amazon.com/s3/sla/) takes, per request type, the error rate of every
five-minute interval (failed ÷ total requests; 0 % when there were none) and subtracts the average
of those rates over every interval of the month from 100 %. The sheets redo that arithmetic as
live formulas, each carrying the engine's value:

- **Intervals**: every counted input interval (tenant, request type, period, start in the
  contract's zone, total and failed requests) with its error rate as a formula; a contract that
  rates all request types together has one row per interval, its counts summed.
- **Calculation**: per tenant, request type and period, the intervals in the cycle (from the
  period's first and last instant), the intervals with requests, the counts and the sum of the
  rates over the row's block of Intervals rows, the average (sum ÷ intervals in the cycle) and the
  availability (100 − average); then the tier from the Credit tiers sheet and the credit as in the
  claim workbook (:func:`~slacalc.excel._tables.credit_columns`).
- **Summary** (totals per currency, breached rows marked, days left and claim status from today),
  **Rejected rows**, **Contract terms**, **Credit tiers** and **Assumptions**.

The tier is chosen on whole numbers, as the engine chooses it on the exact fraction: the sum of
the rates is ``N / D`` in lowest terms (``D``, the engine's, is shown), so ``Measured = intervals
× D`` and ``Lost = ROUND(sum × D, 0) × 10,000`` are whole and the tier formulas of the claim
workbook compare them exactly. Where ``D`` is too large for a spreadsheet's doubles to hold those
products exactly, ``D`` is the largest power of ten that fits and the Check column says whether the
tier still matches the engine's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import IO

import numpy as np
import pandas as pd
from openpyxl import Workbook

from slacalc.engine.error_rate import ErrorRateResults, measured_period
from slacalc.errors import SlacalcError
from slacalc.excel import _columns as shared
from slacalc.excel import _tables as tables
from slacalc.excel._styles import register
from slacalc.excel._tables import Book
from slacalc.excel._workbook import (
    Target,
    _aware,
    _calculation_extras,
    _label_sheet,
    _lay_out,
    _save,
    _summary_extras,
    _terms,
    package,
)
from slacalc.excel._xml import MAX_ROWS, Column, Table
from slacalc.model.contract import Contract, load_contract
from slacalc.model.periods import Period

INTERVALS = "Intervals"
REQUEST_TYPE = Column("request_type", "Request type", "text", "text", 12)

#: Whole numbers a spreadsheet's doubles hold exactly.
_EXACT = 2**53
#: The largest common denominator of a sum of rates the sheet multiplies back to a whole
#: numerator: a month of rates summed in doubles is off by far less than 0.5 / 10**6.
_MOST = 10**6


@dataclass(frozen=True)
class RatePlan(Book):
    """Everything the error-rate workbook is built from."""

    results: ErrorRateResults = field(kw_only=True)

    def period(self, contract_id: str, label: str) -> Period:
        """Period ``label`` of a row of contract ``contract_id``, in the contract's zone."""
        return measured_period(self.contract(contract_id), label)


def export_error_rate(
    results: ErrorRateResults,
    path_or_buffer: Target | None = None,
    *,
    contracts: Mapping[str, Contract] | None = None,
    now: dt.datetime | None = None,
) -> bytes | None:
    """Write the error-rate claim workbook of ``results``: to a path or binary file object
    (returning ``None``), or return the ``.xlsx`` bytes when no target is given.

    ``contracts`` are the contracts the rows name, by id (default: the bundled contracts of those
    ids); ``now`` (default: the current time; naive is UTC) stamps the workbook and judges the
    claim deadlines in the cached values.
    """
    import slacalc  # at call time: slacalc/__init__ imports this package

    given = dict(contracts or {})
    used = sorted({str(c) for c in results.table["contract"]})
    plan = RatePlan(
        now=_aware(now),
        contracts=tuple(given[c] if c in given else load_contract(c) for c in used),
        version=slacalc.__version__,
        table=results.table,
        results=results,
    )
    counted = _counted(plan)
    if len(counted) + 1 > MAX_ROWS:
        raise SlacalcError(
            f"{len(counted):,} counted intervals do not fit in one Excel sheet (at most "
            f"{MAX_ROWS - 1:,}); export fewer tenants or periods at a time"
        )
    return _save(path_or_buffer, lambda out: _write(plan, counted, out))


# --------------------------------------------------------------------------------------------
# Intervals
# --------------------------------------------------------------------------------------------


def _counted(plan: RatePlan) -> pd.DataFrame:
    """The intervals the engine counted, in the order of the result rows: every metrics row not
    rejected, summed per interval where the contract rates all request types together.

    Columns: row (input rows, an int or "4, 5"), tenant, request_type, second, total, failed,
    zone, period (the result row's label) and result (its index in the results table).
    """
    table, metrics = plan.table, plan.results.metrics
    rejected = {p.row for p in plan.results.rejected}
    frame = metrics.frame[~metrics.frame["row"].isin(rejected)]
    seconds = pd.DatetimeIndex(frame["interval_start"]).as_unit("s").asi8
    rows = pd.DataFrame(
        {
            "row": frame["row"].to_numpy(dtype=np.int64),
            "tenant": frame["tenant"].to_numpy(dtype=object),
            "request_type": frame["request_type"].to_numpy(dtype=object),
            "second": seconds,
            "total": frame["total_requests"].to_numpy(dtype=np.int64),
            "failed": frame["failed_requests"].to_numpy(dtype=np.int64),
        }
    )
    contract_of = dict(zip(table["tenant"], table["contract"], strict=True))
    contracts = rows["tenant"].map(contract_of)
    if contracts.isna().any():
        _not_in_results(rows[contracts.isna()])
    parts = []
    for cid, mine in rows.groupby(contracts, sort=True):
        contract = plan.contract(str(cid))
        rule = contract.error_rate
        if rule is not None and not rule.per_request_type:
            mine = (
                mine.sort_values("row")
                .groupby(["tenant", "second"], as_index=False, sort=False)
                .agg(
                    row=("row", _joined),
                    total=("total", "sum"),
                    failed=("failed", "sum"),
                )
                .assign(request_type="")
            )
        parts.append(_in_periods(plan, str(cid), mine))
    columns = ["row", "tenant", "request_type", "second", "total", "failed", "zone", "period"]
    if not parts:
        return pd.DataFrame({name: [] for name in [*columns, "result"]})
    counted = pd.concat(parts, ignore_index=True)
    keys = {
        (t, r, p): i
        for i, (t, r, p) in enumerate(
            zip(table["tenant"], table["request_type"], table["period"], strict=True)
        )
    }
    result = [
        keys.get(k, -1)
        for k in zip(counted["tenant"], counted["request_type"], counted["period"], strict=True)
    ]
    counted = counted.assign(result=result)
    if -1 in result:
        _not_in_results(counted[counted["result"] == -1])
    return counted.sort_values(["result", "second"], kind="stable", ignore_index=True)


def _not_in_results(rows: pd.DataFrame) -> None:
    """Refuse counted metrics rows that no result row measures: the results were not computed
    from these metrics (a row would otherwise be left out of the workbook unsaid)."""
    first = rows.iloc[0]
    raise SlacalcError(
        f"{len(rows):,} counted metrics row(s) have no result row (the first: row {first['row']}, "
        f"tenant {first['tenant']!r}): give export_error_rate the results "
        "calculate_error_rate returned for these metrics"
    )


def _joined(rows: pd.Series) -> object:
    """The input rows summed into one interval: the row number, or the numbers as text."""
    numbers = [int(r) for r in rows]
    return numbers[0] if len(numbers) == 1 else ", ".join(map(str, numbers))


def _in_periods(plan: RatePlan, contract_id: str, rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with the label of the result row's period each falls in, and the contract zone."""
    contract = plan.contract(contract_id)
    labels = sorted(set(plan.table.loc[plan.table["contract"] == contract_id, "period"]))
    periods = [plan.period(contract_id, label) for label in labels]
    starts = np.array([int(p.start.timestamp()) for p in periods], dtype=np.int64)
    ends = np.array([int(p.end.timestamp()) for p in periods], dtype=np.int64)
    seconds = rows["second"].to_numpy(dtype=np.int64)
    where = np.searchsorted(starts, seconds, side="right") - 1
    inside = (where >= 0) & (seconds < ends[where])  # else a period no result row measures
    return rows.assign(
        zone=contract.timezone,
        period=[labels[i] if ok else "" for i, ok in zip(where.tolist(), inside, strict=True)],
    ).reset_index(drop=True)


def intervals(counted: pd.DataFrame) -> Table:
    """The Intervals sheet: each counted interval with its error rate as a formula."""
    columns = (
        Column("row", "Input row", "number", "int", 8),
        shared.TENANT,
        REQUEST_TYPE,
        shared.PERIOD,
        Column("start", "Interval start (contract zone)", "datetime", "datetime", 19),
        shared.TIMEZONE,
        Column("total", "Total requests", "number", "int", 12),
        Column("failed", "Failed requests", "number", "int", 12),
        Column("rate", "Error rate", "formula", "general", 12, "IF({total}=0,0,{failed}/{total})"),
    )

    def chunks() -> Iterator[Mapping[str, Sequence[object]]]:
        for start in range(0, len(counted), tables.CHUNK):
            part = counted.iloc[start : start + tables.CHUNK]
            total, failed = part["total"].tolist(), part["failed"].tolist()
            stamps = pd.Series(pd.to_datetime(part["second"], unit="s", utc=True))
            yield {
                "row": part["row"].tolist(),
                "tenant": tables.texts(part["tenant"]),
                "request_type": tables.texts(part["request_type"]),
                "period": tables.texts(part["period"]),
                "start": tables.serials_local(stamps, part["zone"].tolist()),
                "timezone": part["zone"].tolist(),
                "total": total,
                "failed": failed,
                "rate": [f / t if t else 0 for t, f in zip(total, failed, strict=True)],
            }

    return Table(columns=columns, rows=len(counted), chunks=chunks)


# --------------------------------------------------------------------------------------------
# Calculation
# --------------------------------------------------------------------------------------------


def calculation(
    plan: RatePlan, counted: pd.DataFrame, evidence: Table, rate_sums: Mapping[int, Fraction]
) -> Table:
    """One row per tenant, request type and period: the average error rate and the credit."""

    def over(name: str, how: str = "SUM({})") -> str:
        """``how`` over the row's block of the Intervals sheet's column ``name`` (0 if none)."""
        col = evidence.letter(name)
        block = (
            f"INDEX('{INTERVALS}'!${col}:${col},{{first_row}}):"
            f"INDEX('{INTERVALS}'!${col}:${col},{{last_row}})"
        )
        return f'IF({{first_row}}="",0,{how.format(block)})'

    columns = (
        shared.TENANT,
        REQUEST_TYPE,
        shared.SERVICE,
        shared.CONTRACT,
        shared.PERIOD,
        Column("period_start", "Period start (UTC)", "datetime", "datetime", 19),
        Column("period_end", "Period end (UTC)", "datetime", "datetime", 19),
        shared.TIMEZONE,
        shared.DAYS,
        Column("months", "Months in period", "number", "int", 8),
        Column("interval_minutes", "Interval (minutes)", "number", "int", 9),
        Column(
            "intervals",
            "Intervals in the cycle",
            "formula",
            "int",
            10,
            "ROUND(({period_end}-{period_start})*1440/{interval_minutes},0)",
        ),
        Column("first_row", "Intervals sheet: first row", "number", "int", 10),
        Column("last_row", "Intervals sheet: last row", "number", "int", 10),
        Column(
            "busy",
            "Intervals with requests",
            "formula",
            "int",
            10,
            over("total", 'COUNTIF({},">0")'),
        ),
        Column("total", "Total requests", "formula", "int", 12, over("total")),
        Column("failed", "Failed requests", "formula", "int", 12, over("failed")),
        Column("rate_sum", "Sum of interval error rates", "formula", "general", 12, over("rate")),
        Column(
            "average",
            "Average error rate %",
            "formula",
            "general",
            12,
            "IF({intervals}=0,0,{rate_sum}*100/{intervals})",
        ),
        Column("availability", "Availability %", "formula", "availability", 14, "100-{average}"),
        Column(
            "denominator",
            "Engine: common denominator of the rates (D)",
            "number",
            "engine_int",
            14,
        ),
        Column(
            "exact_total",
            "Measured, whole (intervals × D)",
            "formula",
            "exact",
            14,
            "{intervals}*{denominator}",
        ),
        Column(
            "exact_lost",
            "Lost, whole (sum × D × 10,000)",
            "formula",
            "exact",
            16,
            "ROUND({rate_sum}*{denominator},0)*10000",
        ),
        *tables.credit_columns(plan),
        *shared.ENGINE_CHECK,
        shared.TERMS,
        shared.CLAIMED_UNDER,
    )
    first = evidence.header_row + 1
    blocks = counted.groupby("result").size() if len(counted) else pd.Series(dtype=np.int64)
    ends = blocks.cumsum()
    bounds = {
        int(i): (first + int(end) - int(n), first + int(end) - 1)
        for i, n, end in zip(blocks.index, blocks, ends, strict=True)
    }

    def chunks() -> Iterator[Mapping[str, Sequence[object]]]:
        for start in range(0, len(plan.table), tables.CHUNK):
            part = plan.table.iloc[start : start + tables.CHUNK]
            yield _calculation_cells(plan, part, start, bounds, rate_sums)

    return Table(columns=columns, rows=len(plan.table), chunks=chunks)


def _calculation_cells(
    plan: RatePlan,
    part: pd.DataFrame,
    start: int,
    bounds: Mapping[int, tuple[int, int]],
    rate_sums: Mapping[int, Fraction],
) -> dict[str, Sequence[object]]:
    ids = tables.texts(part["contract"])
    labels = tables.texts(part["period"])
    periods = [plan.period(c, p) for c, p in zip(ids, labels, strict=True)]
    contracts = [plan.contract(c) for c in ids]
    text_no = [c.version_index(p.start.date()) for c, p in zip(contracts, periods, strict=True)]
    minutes = [c.error_rate.interval_minutes if c.error_rate else 0 for c in contracts]
    rows = [bounds.get(i) for i in range(start, start + len(part))]
    intervals = [int(v) for v in part["intervals"].tolist()]
    sums = [rate_sums.get(i, Fraction(0)) for i in range(start, start + len(part))]
    whole = [_whole(c, i, s) for c, i, s in zip(contracts, intervals, sums, strict=True)]
    return {
        "tenant": tables.texts(part["tenant"]),
        "request_type": tables.texts(part["request_type"]),
        "service": tables.texts(part["service"]),
        "contract": ids,
        "period": labels,
        "period_start": tables.serials_utc(pd.Series([p.start for p in periods])),
        "period_end": tables.serials_utc(pd.Series([p.end for p in periods])),
        "timezone": tables.texts(part["timezone"]),
        "days": [p.days for p in periods],
        "months": [p.months for p in periods],
        "interval_minutes": minutes,
        "intervals": intervals,
        "first_row": [None if r is None else r[0] for r in rows],
        "last_row": [None if r is None else r[1] for r in rows],
        "busy": [int(v) for v in part["intervals_with_requests"].tolist()],
        "total": [int(v) for v in part["total_requests"].tolist()],
        "failed": [int(v) for v in part["failed_requests"].tolist()],
        "rate_sum": [float(s) for s in sums],
        "average": [float(s * 100 / n) if n else 0 for s, n in zip(sums, intervals, strict=True)],
        "availability": [_availability(s, n) for s, n in zip(sums, intervals, strict=True)],
        "denominator": [d for d, _, _ in whole],
        "exact_total": [t for _, t, _ in whole],
        "exact_lost": [lost for _, _, lost in whole],
        **tables.credit_cells(
            plan, part, [c.text(i) for c, i in zip(contracts, text_no, strict=True)]
        ),
        "terms": [tables.terms_label(c, i) for c, i in zip(contracts, text_no, strict=True)],
    }


def _rate_sums(counted: pd.DataFrame) -> dict[int, Fraction]:
    """The exact sum of the error rates of each result row's intervals, one division per
    distinct request count (the average the engine floors for display is this over the
    intervals in the cycle)."""
    busy = counted[counted["total"] > 0]
    grouped = busy.groupby(["result", "total"], as_index=False)["failed"].sum()
    sums: dict[int, Fraction] = {}
    columns = (grouped[name].tolist() for name in ("result", "total", "failed"))
    for result, total, failed in zip(*columns, strict=True):
        sums[int(result)] = sums.get(int(result), Fraction(0)) + Fraction(int(failed), int(total))
    return sums


def _whole(contract: Contract, intervals: int, rate_sum: Fraction) -> tuple[int, int, int]:
    """(D, intervals × D, ROUND(sum × D) × 10,000) of a row's exact sum of rates.

    Exact when D, the sum's own denominator, is at most :data:`_MOST`, so that the sum of the
    rates in doubles times D rounds to the whole numerator, and the products the tier formulas
    take (these times a bound's Scale) stay below 2**53; else D is the largest power of ten that
    is, and the tier may differ from the engine's only within 1 / D of a boundary.
    """
    scale = max(
        (
            tables.boundary_integers(bound)[0]
            for i in range(len(contract.versions) + 1)
            for tier in contract.text(i).tiers
            for bound in (tier.below, tier.above)
            if bound is not None
        ),
        default=1,
    )
    fits = min(_EXACT // (max(intervals, 1) * tables.UNITS * scale), _MOST)
    d = rate_sum.denominator
    if d > fits:
        d = 10 ** (len(str(fits)) - 1)
    return d, intervals * d, int(rate_sum * d + Fraction(1, 2)) * tables.UNITS


# --------------------------------------------------------------------------------------------
# Summary, rejected rows, terms and assumptions
# --------------------------------------------------------------------------------------------


def summary(plan: RatePlan, calc: Table, rate_sums: Mapping[int, Fraction]) -> Table:
    """One row per tenant, request type and period, linked to the Calculation; totals on top."""

    def cells(part: pd.DataFrame, start: int) -> dict[str, Sequence[object]]:
        intervals = [int(v) for v in part["intervals"].tolist()]
        return {
            "tenant": tables.texts(part["tenant"]),
            "request_type": tables.texts(part["request_type"]),
            "contract": tables.texts(part["contract"]),
            "period": tables.texts(part["period"]),
            "availability": [
                _availability(rate_sums.get(i, Fraction(0)), n)
                for i, n in enumerate(intervals, start)
            ],
        }

    return tables.linked_summary(
        plan,
        calc,
        (
            shared.TENANT,
            REQUEST_TYPE,
            shared.CONTRACT,
            shared.PERIOD,
        ),
        (),
        cells,
        noun="row",
    )


def _availability(rate_sum: Fraction, intervals: int) -> float:
    """100 − the average error rate in percent, as the nearest double of the exact value."""
    return float(100 - rate_sum * 100 / intervals) if intervals else 100.0


def rejected(plan: RatePlan) -> Table:
    """Every metrics row that was not counted, with the column and the problem."""
    return tables.problems_table([("metrics", p) for p in plan.results.rejected])


def terms_values(contract: Contract) -> dict[str, object]:
    """The Contract terms column of an error-rate contract: how it measures, in its own words."""
    values = tables.terms_values(contract)
    rule = contract.error_rate
    if rule is not None:
        each = " and request type" if rule.per_request_type else ""
        values["method"] = (
            f"average error rate: per {rule.interval_minutes}-minute interval{each}, failed ÷ "
            "total requests (0 % when there were none); availability = 100 % − the average of "
            f"the rates over every interval of the {contract.period}"
        )
        values["threshold"] = "not used: the error rate of each interval counts"
    return values


def assumptions(plan: RatePlan, counted: pd.DataFrame) -> list[tuple[str, str]]:
    """What the workbook takes as given, and how to check it, in words."""
    metrics = plan.results.metrics
    rejected = len({p.row for p in plan.results.rejected})
    made = plan.now.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return [
        ("Made", f"{made} by slacalc {plan.version}, from {metrics.source or 'a metrics table'}."),
        (
            "Input rows",
            f"{metrics.rows_read:,} row(s) read: {metrics.rows_read - rejected:,} counted in "
            f"{len(counted):,} interval(s) on the {INTERVALS} sheet, {rejected:,} rejected (on "
            f"the {tables.REJECTED} sheet with the column and the problem).",
        ),
        (
            "Intervals without requests",
            "An interval with no row had no requests: its error rate is 0 %, and it counts in "
            "the average all the same (the Calculation divides by every interval of the cycle).",
        ),
        (
            "Exact tiers",
            "The sum of the rates is a fraction N / D; the tier formulas compare intervals × D "
            "and N × 10,000 as whole numbers against each bound, as the engine compares the "
            "exact fraction. Availability is shown to 6 decimal places, floored.",
        ),
        (
            "What-if",
            "Change a total or failed count on the Intervals sheet, a fee on the Calculation or "
            "a boundary on the Credit tiers sheet: every figure follows. The grey Engine columns "
            "keep the engine's figures, and the Check column says when they no longer agree.",
        ),
    ]


def _write(plan: RatePlan, counted: pd.DataFrame, target: IO[bytes]) -> None:
    evidence = intervals(counted)
    rate_sums = _rate_sums(counted)
    calc = calculation(plan, counted, evidence, rate_sums)
    grids = {
        tables.SUMMARY: summary(plan, calc, rate_sums),
        tables.CALCULATION: calc,
        INTERVALS: evidence,
        tables.REJECTED: rejected(plan),
        tables.TIERS: tables.credit_tiers(plan),
    }
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = tables.SUMMARY
    order = (tables.CALCULATION, INTERVALS, tables.REJECTED, tables.TERMS, tables.TIERS)
    sheets = {tables.SUMMARY: first} | {name: wb.create_sheet(name) for name in order}
    sheets[tables.ASSUMPTIONS] = wb.create_sheet(tables.ASSUMPTIONS)
    styles = register(first)
    heights = {name: _lay_out(sheets[name], table) for name, table in grids.items()}
    _summary_extras(sheets[tables.SUMMARY], grids[tables.SUMMARY], plan)
    _calculation_extras(sheets[tables.CALCULATION], calc)
    sheets[tables.CALCULATION].freeze_panes = "F2"
    sheets[tables.TIERS].freeze_panes = "C2"
    _terms(sheets[tables.TERMS], plan, terms_values)
    _label_sheet(sheets[tables.ASSUMPTIONS], assumptions(plan, counted), 30, 100)
    package(
        wb,
        plan,
        target,
        "SLA error-rate claim workbook",
        {sheets[name]: (table, heights[name]) for name, table in grids.items()},
        styles,
    )
