"""The liability workbook: what a portfolio's SLA credits are worth, in a file finance can open.

Where the claim workbook (:func:`slacalc.excel.export_excel`) carries every window, exclusion and
letter for one customer, this one carries one row per tenant and period, with the credit as live
formulas (tier from both bounds of each band of the text in force, caps, minimum, claim status),
a summary by currency, contract and deadline status, and the tenants owed the most. The evidence
goes beside it as Parquet and CSV files (:mod:`slacalc.report.evidence`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import IO, Any

import pandas as pd
from openpyxl import Workbook

from slacalc.engine.results import Results
from slacalc.errors import SlacalcError
from slacalc.excel import _columns as shared
from slacalc.excel import _tables as tables
from slacalc.excel._styles import money_style, register
from slacalc.excel._tables import Plan
from slacalc.excel._workbook import Target, _aware, _lay_out, _save, _terms, package
from slacalc.excel._xml import MAX_ROWS, Cell, Column, Table
from slacalc.model.money import minor_unit_digits
from slacalc.report.totals import OPEN
from slacalc.report.values import missing

LIABILITY = "Liability"
PERIODS = "Periods"
TOP = "Top tenants"

#: Tenants listed per currency on the Top tenants sheet, by default.
TOP_TENANTS = 25


def export_liability(
    results: Results,
    path_or_buffer: Target | None = None,
    *,
    now: dt.datetime | None = None,
    top: int = TOP_TENANTS,
) -> bytes | None:
    """Write the liability workbook of ``results``: to a path or binary file object (returning
    ``None``), or return the ``.xlsx`` bytes when no target is given.

    ``now`` (default: the current time; naive is UTC) stamps the workbook and judges the claim
    deadlines in the cached values; ``top`` tenants per currency are listed by credit owed.
    """
    import slacalc  # at call time: slacalc/__init__ imports this package

    plan = Plan.of(results, _aware(now), slacalc.__version__)
    if len(plan.table) + 1 > MAX_ROWS:
        raise SlacalcError(
            f"{len(plan.table):,} result rows do not fit in one Excel sheet (at most "
            f"{MAX_ROWS - 1:,}); export fewer tenants or periods at a time"
        )
    return _save(path_or_buffer, lambda out: _write(plan, out, top))


def periods(plan: Plan) -> Table:
    """One row per tenant, service and period: the engine's whole-number measure and downtime,
    and the credit and its claim status as live formulas over the tier and terms sheets."""
    terms = {
        name: f"({plan.term(name)})"
        for name in ("kind", "cap_percent", "cap_days", "minimum", "minimum_currency")
    }
    terms["tier_pays"] = f"({plan.tier_pays_formula()})"

    def inline(formula: str) -> str:
        for name, fragment in terms.items():
            formula = formula.replace(f"{{{name}}}", fragment)
        return formula

    columns = (
        shared.TENANT,
        shared.SERVICE,
        shared.CONTRACT,
        shared.PERIOD,
        shared.CURRENCY,
        shared.DAYS,
        Column("exact_total", "Measured, whole (seconds or user-seconds)", "number", "exact", 14),
        Column(
            "exact_lost",
            "Downtime, whole (10,000ths of a second or user-second)",
            "number",
            "int_input",
            16,
        ),
        Column(
            "availability",
            "Availability %",
            "formula",
            "availability",
            14,
            "IF({exact_total}=0,100,({exact_total}*10000-{exact_lost})/({exact_total}*100))",
        ),
        shared.tier_no(plan.tier_formula()),
        shared.BREACHED,
        shared.credit_percent(inline(shared.CREDIT_PERCENT)),
        shared.credit_days(inline(shared.CREDIT_DAYS)),
        Column("period_fee", "Period fee", "number", "money2_input", 13),
        shared.DIGITS,
        Column(
            "credit_amount",
            "Credit amount",
            "formula",
            "money2",
            14,
            inline(shared.CREDIT_AMOUNT),
        ),
        Column("claim_deadline", "Claim deadline", "date", "date", 12),
        shared.DAYS_LEFT,
        shared.STATUS,
        shared.TERMS,
        shared.CLAIMED_UNDER,
    )

    @cache
    def whole() -> dict[str, list[object]]:
        # Once: the layout samples the first chunk before the rows are written.
        return _period_values(plan) if len(plan.table) else {}

    def chunks() -> Iterator[Mapping[str, Sequence[object]]]:
        cells = whole()
        for start in range(0, len(plan.table), tables.CHUNK):
            yield {name: values[start : start + tables.CHUNK] for name, values in cells.items()}

    return Table(columns=columns, rows=len(plan.table), chunks=chunks)


def _period_values(plan: Plan) -> dict[str, list[object]]:
    """The Periods sheet's cells, whole columns at once: each distinct decimal or date becomes
    a Python value once, where converting every cell would take most of the time."""
    table = plan.table
    py = {
        name: _distinct_values(table[name])
        for name in ("downtime_user_seconds", *_DECIMALS, "claim_deadline")
    }
    contracts = tables.texts(table["contract"])
    zones = tables.texts(table["timezone"])
    starts = tables.wall_clock(table["period_start"], zones).astype("datetime64[D]").tolist()
    labels: dict[tuple[str, dt.date], tuple[str, bool]] = {}
    for key in set(zip(contracts, starts, strict=True)):
        contract = plan.contract(key[0])
        index = contract.version_index(key[1])
        labels[key] = (tables.terms_label(contract, index), contract.method == "time")
    terms, timed = zip(*(labels[k] for k in zip(contracts, starts, strict=True)), strict=True)
    measured = table["measured_seconds"].tolist()
    users = table["licensed_users"].tolist()
    down = table["downtime_seconds"].tolist()
    total = [m if t else m * u for m, u, t in zip(measured, users, timed, strict=True)]
    lost = [
        d * tables.UNITS if t else int(du * tables.UNITS)
        for d, du, t in zip(down, py["downtime_user_seconds"], timed, strict=True)
    ]
    currencies = tables.texts(table["currency"])
    digits_of = {c: minor_unit_digits(c) for c in set(currencies)}
    digits = [digits_of[c] for c in currencies]
    fee_style = {c: money_style(d, "_input") for c, d in digits_of.items()}
    money = {c: money_style(d) for c, d in digits_of.items()}
    days_left, _, status = tables.status_cells(plan, table)
    tier_no = table["tier_number"].tolist()
    return {
        **{name: tables.texts(table[name]) for name in ("tenant", "service", "period")},
        "contract": contracts,
        "currency": currencies,
        "days": table["period_days"].tolist(),
        "exact_total": total,
        "exact_lost": lost,
        "availability": [tables.availability(t, x) for t, x in zip(total, lost, strict=True)],
        "tier_no": tier_no,
        "breached": ["yes" if n else "no" for n in tier_no],
        "claimed_under": tables.claimed_under_cells(plan, table),
        **{name: ["" if v is None else v for v in py[name]] for name in _BLANK_IF_NONE},
        "period_fee": py["period_fee"],
        "period_fee:style": [fee_style[c] for c in currencies],
        "digits": digits,
        "credit_amount:style": [money[c] for c in currencies],
        "claim_deadline": py["claim_deadline"],
        "days_left": days_left,
        "status": status,
        "terms": list(terms),
    }


def _distinct_values(column: pd.Series) -> list[Any]:
    """An Arrow column as Python values (``None`` when empty), each distinct value made once."""
    codes, uniques = pd.factorize(column)
    values = [*uniques.tolist(), None]  # code -1: empty
    return list(map(values.__getitem__, codes.tolist()))


#: Decimal columns of the results the Periods sheet shows; the first three are "" when empty
#: (what the formulas give for "not applicable"), the fee a blank cell.
_BLANK_IF_NONE = ("credit_percent", "credit_days", "credit_amount")
_DECIMALS = (*_BLANK_IF_NONE, "period_fee")


@dataclass(frozen=True)
class _Owed:
    """A breached period's credit and its claim status as of the workbook's ``now``."""

    currency: str
    contract: str
    tenant: str
    status: str
    amount: Decimal


def _owed(plan: Plan) -> list[_Owed]:
    """The credit of every breached period (a period without a fee owes 0)."""
    table = plan.table
    if not len(table):
        return []
    _, _, status = tables.status_cells(plan, table)
    rows = zip(
        tables.texts(table["currency"]),
        tables.texts(table["contract"]),
        tables.texts(table["tenant"]),
        status,
        table["credit_amount"].tolist(),
        table["breached"].tolist(),
        strict=True,
    )
    return [
        _Owed(cur, con, ten, st, Decimal(0) if missing(amount) else amount)
        for cur, con, ten, st, amount, breached in rows
        if breached
    ]


def _liability(plan: Plan, rows: Table, owed: Sequence[_Owed]) -> Table:
    """Credits by currency, contract and deadline status (live over the Periods sheet), with the
    totals per currency on top."""
    table = plan.table
    span = {name: f"'{PERIODS}'!{rows.span(name)}" for name in ("currency", "contract", "status")}
    amount = f"'{PERIODS}'!{rows.span('credit_amount')}"
    groups: dict[tuple[str, str, str], list[Any]] = {}
    for credit in owed:
        entry = groups.setdefault((credit.currency, credit.contract, credit.status), [0, 0])
        entry[0] += 1
        entry[1] += credit.amount
    match = (
        f"{span['currency']},{{currency}},{span['contract']},{{contract}},"
        f"{span['status']},{{status}}"
    )
    columns = (
        Column("currency", "Currency", "text", "code", 10),
        Column("contract", "Contract", "text", "text", 34),
        Column("status", "Status", "text", "text", 16),
        Column("periods", "Breached periods", "formula", "int", 12, f"COUNTIFS({match})"),
        Column("credits", "Credits", "formula", "money2", 16, f"SUMIFS({amount},{match})"),
    )
    keys = sorted(groups)
    values: dict[str, list[object]] = {
        "currency": [k[0] for k in keys],
        "contract": [k[1] for k in keys],
        "status": [k[2] for k in keys],
        "periods": [groups[k][0] for k in keys],
        "credits": [groups[k][1] for k in keys],
        "credits:style": [money_style(minor_unit_digits(k[0])) for k in keys],
    }
    totals = tables.summary_totals(plan)
    n, tenants = len(table), table["tenant"].nunique() if len(table) else 0
    made = plan.now.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    top: list[tuple[Cell | None, ...]] = [
        (Cell("text", "SLA credit liability", "title"),),
        (
            Cell(
                "text",
                f"{n:,} periods of {tenants:,} tenants. Made {made} by slacalc {plan.version}. "
                f"Figures are live: they follow the {PERIODS} sheet; claim deadlines count from "
                "today. The evidence (windows, exclusions, rejected rows) is in the files "
                "written beside this workbook.",
                "subtitle",
            ),
        ),
        (),
        tuple(
            Cell("text", h, "header")
            for h in (
                "Totals by currency",
                "Breached periods",
                "Credits",
                "Still claimable",
                "Deadline passed",
            )
        ),
    ]
    cur = f"'{PERIODS}'!{rows.span('currency')}"
    brc = f"'{PERIODS}'!{rows.span('breached')}"
    for currency in sorted(totals):
        t, r = totals[currency], len(top) + 1
        money = money_style(minor_unit_digits(currency), "_bold")
        top.append(
            (
                Cell("text", currency, "bold"),
                Cell("formula", t.breached, "int", f'COUNTIFS({cur},$A{r},{brc},"yes")'),
                Cell("formula", t.credits, money, f"SUMIFS({amount},{cur},$A{r})"),
                Cell(
                    "formula",
                    t.claimable,
                    money,
                    f'SUMIFS({amount},{cur},$A{r},{span["status"]},"claim open")',
                ),
                Cell(
                    "formula",
                    t.passed,
                    money,
                    f'SUMIFS({amount},{cur},$A{r},{span["status"]},"deadline passed")',
                ),
            )
        )
    top += [(), (Cell("text", "By currency, contract and deadline status", "label"),)]
    return Table(columns=columns, rows=len(keys), chunks=lambda: iter([values]), top=tuple(top))


def _top_tenants(rows: Table, owed: Sequence[_Owed], top: int) -> Table:
    """The ``top`` tenants of each currency by credit owed (live over the Periods sheet)."""
    amount = f"'{PERIODS}'!{rows.span('credit_amount')}"
    tenant = f"'{PERIODS}'!{rows.span('tenant')}"
    cur = f"'{PERIODS}'!{rows.span('currency')}"
    sts = f"'{PERIODS}'!{rows.span('status')}"
    brc = f"'{PERIODS}'!{rows.span('breached')}"
    match = f"{tenant},{{tenant}},{cur},{{currency}}"
    sums: dict[tuple[str, str], list[Any]] = {}
    for credit in owed:
        entry = sums.setdefault((credit.currency, credit.tenant), [0, Decimal(0), Decimal(0)])
        entry[0] += 1
        entry[1] += credit.amount
        entry[2] += credit.amount if credit.status == OPEN else 0
    best: list[tuple[str, int, str, int, Decimal, Decimal]] = []
    for currency in sorted({c for c, _ in sums}):
        # Most owed first; ties by tenant, so the list is the same on every run.
        mine = sorted(
            ((t, v) for (c, t), v in sums.items() if c == currency), key=lambda x: (-x[1][1], x[0])
        )
        best += [(currency, i, t, v[0], v[1], v[2]) for i, (t, v) in enumerate(mine[:top], 1)]
    columns = (
        Column("currency", "Currency", "text", "code", 10),
        Column("rank", "Rank", "number", "int", 7),
        shared.TENANT,
        Column(
            "periods",
            "Breached periods",
            "formula",
            "int",
            12,
            f'COUNTIFS({match},{brc},"yes")',
        ),
        Column("credits", "Credits", "formula", "money2", 16, f"SUMIFS({amount},{match})"),
        Column(
            "claimable",
            "Still claimable",
            "formula",
            "money2",
            16,
            f'SUMIFS({amount},{match},{sts},"claim open")',
        ),
    )
    n = len(best)
    styles = [money_style(minor_unit_digits(row[0])) for row in best]
    values: dict[str, Sequence[object]] = {
        name: [row[i] for row in best]
        for i, name in enumerate(("currency", "rank", "tenant", "periods", "credits", "claimable"))
    }
    values |= {"credits:style": styles, "claimable:style": styles}
    return Table(columns=columns, rows=n, chunks=lambda: iter([values]))


def _write(plan: Plan, target: IO[bytes], top: int) -> None:
    rows = periods(plan)
    owed = _owed(plan)
    grids = {
        LIABILITY: _liability(plan, rows, owed),
        TOP: _top_tenants(rows, owed, top),
        PERIODS: rows,
        tables.TIERS: tables.credit_tiers(plan),
    }
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = LIABILITY
    sheets = {LIABILITY: first} | {
        name: wb.create_sheet(name) for name in (TOP, PERIODS, tables.TERMS, tables.TIERS)
    }
    styles = register(first)
    heights = {name: _lay_out(sheets[name], table) for name, table in grids.items()}
    for name in (LIABILITY, TOP):
        sheets[name].column_dimensions["A"].width = 18
    sheets[PERIODS].freeze_panes = "E2"
    _terms(sheets[tables.TERMS], plan)

    package(
        wb,
        plan,
        target,
        "SLA credit liability",
        {sheets[name]: (table, heights[name]) for name, table in grids.items()},
        styles,
    )
