"""What the table sheets hold: their columns, the formulas, and the engine's values cached in them.

The Calculation sheet redoes the engine's arithmetic in formulas, one row per tenant, service and
period, so a person can audit it and try a what-if. The tier is chosen on whole numbers, as the
engine chooses it on exact fractions: a tier ``< B`` applies when

    downtime × 10,000 × Scale  >  measured × Allowed        (``<=``: at least)

where *downtime* is in ten-thousandths of a second (time method) or of a user-second (user-minute
method), *measured* in seconds or user-seconds, and ``Allowed = (100 − B) × 100 × Scale`` is a
whole number (Scale = 1 for boundaries with up to two decimals: 99.9 % → Allowed 10). Every side
is a whole number below 2**53, which a spreadsheet's doubles hold exactly, so 99.9 % exactly is
not below 99.9 % in Excel either, however the division ``(user-minutes − downtime) / user-minutes``
happens to round. A band's lower bound ``> A`` (``>=``: at least) is the mirror image,
``measured × Allowed(A) > downtime × 10,000 × Scale(A)``; a band without one reaches down to the
next tier. Each row is measured under the dated text of its contract in force on the period's
first day ("Terms" column), and the tier and term tables hold one entry per text.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import cached_property

import numpy as np
import pandas as pd

from slacalc.engine.results import Results
from slacalc.errors import RowProblem
from slacalc.excel import _columns as shared
from slacalc.excel._styles import money_style
from slacalc.excel._xml import Cell, Column, Table, column_letter
from slacalc.model.contract import Contract
from slacalc.model.money import minor_unit_digits
from slacalc.model.terms import claimed_under
from slacalc.report.customer import Customer
from slacalc.report.terms import contract_terms, downtime_words
from slacalc.report.totals import Totals, deadline_status, totals
from slacalc.report.values import missing

SUMMARY = "Summary"
LETTERS = "Claim letters"
CALCULATION = "Calculation"
DOWNTIME = "Downtime counted"
EXCLUDED = "Excluded time"
WINDOWS = "Outage windows"
REJECTED = "Rejected rows"
TERMS = "Contract terms"
TIERS = "Credit tiers"
ASSUMPTIONS = "Assumptions"

#: Rows turned into XML at a time: bounds memory whatever the size of the results.
CHUNK = 8192
#: Downtime and fractions of users are counted in ten-thousandths, as the engine counts them.
UNITS = 10_000

#: Rows of the Contract terms sheet (one column per contract); the Calculation's formulas look up
#: the credit kind, the caps and the minimum credit here.
TERMS_ROWS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("provider", "Provider"),
    ("service", "Service"),
    ("commitment", "Commitment (availability %)"),
    ("period", "Measurement period"),
    ("timezone", "Time zone of the periods"),
    ("method", "How availability is measured"),
    ("threshold", "A minute counts as down when"),
    ("minimum_downtime", "Minimum consecutive downtime that counts (minutes)"),
    ("cohorts", "User groups whose downtime counts"),
    ("maintenance", "Scheduled maintenance (excluded)"),
    ("tiers", "Credit tiers"),
    ("kind", "Credit kind"),
    ("cap_percent", "Cap: percent of the period fee"),
    ("cap_days", "Cap: days of service"),
    ("minimum", "Minimum credit (no credit at or below it)"),
    ("minimum_currency", "Minimum credit applies to fees in"),
    ("claim", "Claim deadline"),
    ("how", "How to claim"),
    ("url", "Source address"),
    ("version", "Terms version"),
    ("confidence", "Source confidence"),
    ("unverified", "Unverified terms"),
    ("notes", "Notes"),
    ("claim_group", "One credit across contracts (claim group)"),
)
TERMS_ROW = {key: i + 2 for i, (key, _) in enumerate(TERMS_ROWS)}

_EPOCH = np.datetime64("1899-12-30T00:00:00", "s")
_KIND_UNIT = {
    "percent": "% of the period fee",
    "days": "days of service",
    "multiple": "× the fees for the down time",
}


def texts(values: pd.Series, *, repeated: bool = True) -> list[str]:
    """A text column as a list of str, empty cells as "" (kept as Python str, not Arrow).

    ``repeated=False`` for a column of mostly distinct values (ids): hashing would not pay.
    """
    if repeated and len(values) >= 256:
        # Most text columns repeat a few values (tenants, periods, reasons): hash them in
        # Arrow and make each distinct str once, instead of a Python object per cell.
        codes, uniques = pd.factorize(values)
        if len(uniques) * 4 <= len(values):
            names = [v if type(v) is str else str(v) for v in uniques.tolist()]
            names.append("")  # code -1: empty
            return list(map(names.__getitem__, codes.tolist()))
    return [v if type(v) is str else "" if missing(v) else str(v) for v in values.tolist()]


def ids_text(ids: object) -> str:
    """Incident ids as one cell's text."""
    if type(ids) is tuple:
        try:
            return ", ".join(ids)  # ids are text: no str() per id
        except TypeError:
            return ", ".join(str(i) for i in ids)
    if missing(ids) or not ids:
        return ""
    if isinstance(ids, str):
        return ids
    return ", ".join(str(i) for i in ids)  # type: ignore[attr-defined]


def _exact_units(
    method: str, measured: int, users: int, down_s: int, down_us: object
) -> tuple[int, int]:
    """(measured, downtime × 10,000) as whole numbers, in seconds or user-seconds."""
    if method == "time":
        return measured, down_s * UNITS
    return measured * users, int(Decimal(str(down_us)) * UNITS)


def availability(total: int, lost: int) -> float:
    """The exact availability of ``total`` and ``lost`` (10,000ths), as the nearest double
    (Python divides whole numbers with correct rounding)."""
    if total == 0:
        return 100.0
    return 100 * (total * UNITS - lost) / (total * UNITS)


def _number(value: object) -> object:
    """A result cell as a number for the sheet, or ``None``."""
    return None if missing(value) else value


@dataclass(frozen=True)
class Book:
    """What every workbook's sheets share: the result rows, their contracts, when and by whom.

    The claim and liability workbooks (:class:`Plan`) and the error-rate workbook build their
    Contract terms, Credit tiers and tier formulas from this, and judge deadlines by its ``now``.
    """

    now: dt.datetime  # aware
    contracts: tuple[Contract, ...]  # sorted by id
    version: str
    table: pd.DataFrame  # the result rows, in the engine's order

    @cached_property
    def _by_id(self) -> dict[str, Contract]:
        return {c.id: c for c in self.contracts}

    def contract(self, contract_id: str) -> Contract:
        """The contract of a result row."""
        return self._by_id[contract_id]

    def today(self, zone: str) -> dt.date:
        """Today in ``zone`` as of ``now``: deadlines are days in the contract's zone."""
        return self.now.astimezone(zoneinfo.ZoneInfo(zone)).date()

    @cached_property
    def texts(self) -> tuple[tuple[str, Contract], ...]:
        """Every contract's texts as (label, terms): the current text, then each dated one."""
        return tuple((terms_label(c, i), c.text(i)) for c in self.contracts for i in _text_order(c))

    @property
    def tier_rows(self) -> int:
        """Rows of the Credit tiers table."""
        return sum(len(terms.tiers) for _, terms in self.texts)

    def tiers_range(self, column: str) -> str:
        """A column of the Credit tiers table, absolute."""
        last = max(self.tier_rows + 1, 2)
        return f"'{TIERS}'!${column}$2:${column}${last}"

    def tier_formula(self) -> str:
        """The formula of the tier number (0: none) from ``{exact_total}``, ``{exact_lost}``
        and ``{terms}``: the lowest band whose upper and lower bounds both hold.

        Bands do not overlap, and one without a lower bound reaches down to the next tier.
        """
        key = self.tiers_range
        return (
            f"IF({{exact_total}}=0,0,SUMPRODUCT(MAX(({key('B')}={{terms}})*"
            f"(({{exact_lost}}*{key('I')}-{{exact_total}}*{key('J')})>={key('K')})*"
            f"(({{exact_total}}*{key('O')}-{{exact_lost}}*{key('N')})>={key('P')})*{key('C')})))"
        )

    def tier_pays_formula(self) -> str:
        """The formula of what tier ``{tier_no}`` of the row's ``{terms}`` pays (0: none)."""
        key = self.tiers_range
        return (
            f"IF({{tier_no}}=0,0,SUMPRODUCT(({key('B')}={{terms}})*"
            f"({key('C')}={{tier_no}})*{key('F')}))"
        )

    def term(self, key: str) -> str:
        """A formula fragment: term ``key`` of the row's text, from the Contract terms sheet."""
        last = _last_letter(len(self.texts))
        row = TERMS_ROW[key]
        return (
            f"INDEX('{TERMS}'!$B${row}:${last}${row},MATCH({{terms}},'{TERMS}'!$B$1:${last}$1,0))"
        )


@dataclass(frozen=True)
class Plan(Book):
    """Everything the claim and liability workbooks are built from."""

    results: Results = field(kw_only=True)
    customer: Customer = field(default_factory=Customer, kw_only=True)  # named in the letters
    locale: str = field(default="en_US", kw_only=True)  # how the letters write amounts

    @classmethod
    def of(
        cls,
        results: Results,
        now: dt.datetime,
        version: str,
        *,
        customer: Customer | None = None,
        locale: str = "en_US",
    ) -> Plan:
        """The plan of ``results`` made at ``now`` (aware) by slacalc ``version``, its letters
        naming ``customer`` and writing amounts for ``locale``."""
        contracts = tuple(results.contracts[k] for k in sorted(results.contracts))
        return cls(
            now=now,
            contracts=contracts,
            version=version,
            table=results.table,
            results=results,
            customer=customer or Customer(),
            locale=locale,
        )


def _text_order(contract: Contract) -> list[int]:
    """The texts of ``contract`` as :meth:`Contract.text` numbers them: current first."""
    return list(range(len(contract.versions) + 1))


def terms_label(contract: Contract, index: int) -> str:
    """How the sheets name text ``index`` of ``contract``: its id for the current text, else the
    id and the day the next text took over (``microsoft-teams-phone before 2021-12-01``)."""
    if index == 0:
        return contract.id
    return f"{contract.id} before {contract.versions[index - 1].until.isoformat()}"


def _last_letter(index: int) -> str:
    return column_letter(max(index, 1))


def _chunks(frame: pd.DataFrame) -> Iterator[pd.DataFrame]:
    for start in range(0, len(frame), CHUNK):
        yield frame.iloc[start : start + CHUNK]


def _chunks_from(frame: pd.DataFrame) -> Iterator[tuple[int, pd.DataFrame]]:
    for start in range(0, len(frame), CHUNK):
        yield start, frame.iloc[start : start + CHUNK]


def serials_utc(stamps: pd.Series) -> list[float]:
    """Aware timestamps as Excel serials of their UTC wall clock."""
    values = pd.DatetimeIndex(stamps).tz_convert("UTC").tz_localize(None).as_unit("s")
    return _serial_list(values.to_numpy())


def wall_clock(stamps: pd.Series, zones: Sequence[str]) -> np.ndarray:
    """Aware timestamps as naive ``datetime64[s]`` wall clocks in each row's zone."""
    index = pd.DatetimeIndex(stamps)
    out = np.zeros(len(index), dtype="datetime64[s]")
    zone_array = np.asarray(zones, dtype=object)
    for zone in sorted(set(zone_array.tolist())):
        mask = zone_array == zone
        local = index[mask].tz_convert(zone).tz_localize(None).as_unit("s")
        out[mask] = local.to_numpy()
    return out


def serials_local(stamps: pd.Series, zones: Sequence[str]) -> list[float]:
    """Aware timestamps as Excel serials of the wall clock in each row's zone."""
    return _serial_list(wall_clock(stamps, zones))


def _serial_list(values: np.ndarray) -> list[float]:
    seconds = (values.astype("datetime64[s]") - _EPOCH).astype(np.int64)
    days = seconds / 86_400
    out: list[float] = days.tolist()
    for i in np.flatnonzero(seconds % 86_400 == 0).tolist():  # whole days: written as ints
        out[i] = int(out[i])
    return out


# --------------------------------------------------------------------------------------------
# Calculation
# --------------------------------------------------------------------------------------------


def calculation(plan: Plan) -> Table:
    """One row per tenant, service and period, with the engine's arithmetic as live formulas."""
    columns = (
        shared.TENANT,
        shared.SERVICE,
        shared.CONTRACT,
        shared.PERIOD,
        Column("method", "Method", "text", "text", 13),
        Column("period_start", "Period start (contract zone)", "datetime", "datetime", 19),
        Column("period_end", "Period end (contract zone)", "datetime", "datetime", 19),
        shared.TIMEZONE,
        shared.DAYS,
        Column("months", "Months in period", "number", "int", 8),
        Column("excluded_seconds", "Excluded seconds (engine)", "number", "engine_int", 11),
        Column(
            "measured_seconds", "Measured seconds (after exclusions)", "number", "int_input", 13
        ),
        Column(
            "measured_minutes",
            "Measured minutes",
            "formula",
            "minutes",
            12,
            "{measured_seconds}/60",
        ),
        Column("users", "Licensed users", "number", "int_input", 11),
        Column(
            "user_minutes", "User-minutes", "formula", "minutes", 15, "{measured_minutes}*{users}"
        ),
        Column("downtime_minutes", "Downtime minutes", "number", "minutes", 12),
        Column("downtime_user_minutes", "Downtime user-minutes", "number", "minutes", 15),
        Column(
            "exact_total",
            "Measured, whole (seconds or user-seconds)",
            "formula",
            "exact",
            16,
            'IF({method}="time",{measured_seconds},{measured_seconds}*{users})',
        ),
        Column(
            "exact_lost",
            "Downtime, whole (10,000ths of a second or user-second)",
            "formula",
            "exact",
            18,
            'IF({method}="time",ROUND({downtime_minutes}*60,0)*10000,'
            "ROUND({downtime_user_minutes}*600000,0))",
        ),
        Column(
            "availability",
            "Availability %",
            "formula",
            "availability",
            14,
            'IF({method}="time",IF({measured_minutes}=0,100,'
            "({measured_minutes}-{downtime_minutes})*100/{measured_minutes}),"
            "IF({user_minutes}=0,100,({user_minutes}-{downtime_user_minutes})*100/{user_minutes}))",
        ),
        *credit_columns(plan),
        *shared.ENGINE_CHECK,
        Column(
            "impact_user_minutes",
            "Engine: impact user-minutes (all users hit)",
            "number",
            "engine_minutes",
            15,
        ),
        Column(
            "next_tier_minutes",
            "Engine: minutes of full outage to next tier",
            "number",
            "engine_minutes",
            13,
        ),
        Column("next_tier", "Engine: next tier", "text", "engine_text", 26),
        shared.TERMS,
        shared.CLAIMED_UNDER,
    )

    def chunks() -> Iterator[Mapping[str, Sequence[object]]]:
        for part in _chunks(plan.table):
            yield calculation_cells(plan, part)

    return Table(columns=columns, rows=len(plan.table), chunks=chunks)


def credit_columns(book: Book) -> tuple[Column, ...]:
    """From the tier to the credit amount, as live formulas over the Credit tiers and Contract
    terms sheets: they read the row's ``{exact_total}``, ``{exact_lost}``, ``{terms}``,
    ``{days}``, ``{months}`` and ``{claimed_under}``."""
    key = book.tiers_range
    term = book.term
    return (
        shared.tier_no(book.tier_formula()),
        shared.BREACHED,
        Column(
            "tier",
            "Tier",
            "formula",
            "text",
            26,
            f'IF({{tier_no}}=0,"",INDEX({key("H")},MATCH({{terms}}&"#"&{{tier_no}},{key("A")},0)))',
        ),
        Column(
            "tier_pays",
            "Tier pays",
            "formula",
            "general",
            8,
            book.tier_pays_formula(),
        ),
        Column("kind", "Credit kind", "formula", "text", 9, term("kind")),
        Column("cap_percent", "Cap: % of fee", "formula", "general", 8, term("cap_percent")),
        Column("cap_days", "Cap: days", "formula", "general", 8, term("cap_days")),
        Column("minimum", "Minimum credit", "formula", "general", 9, term("minimum")),
        Column(
            "minimum_currency",
            "Minimum applies in",
            "formula",
            "text",
            9,
            term("minimum_currency"),
        ),
        shared.credit_percent(),
        shared.credit_days(),
        Column("monthly_fee", "Monthly fee", "number", "money2_input", 13),
        Column(
            "period_fee",
            "Period fee",
            "formula",
            "money2",
            13,
            'IF({monthly_fee}="","",{monthly_fee}*{months})',
        ),
        shared.DIGITS,
        Column(
            "credit_amount",
            "Credit amount",
            "formula",
            "money2",
            13,
            shared.CREDIT_AMOUNT,
        ),
        shared.CURRENCY,
    )


def credit_cells(
    book: Book, part: pd.DataFrame, contracts: Sequence[Contract]
) -> dict[str, Sequence[object]]:
    """The cells of :func:`credit_columns` and :data:`~._columns.ENGINE_CHECK` for the result
    rows ``part``, each measured under the text in ``contracts``: the engine's values."""
    tiers = texts(part["tier"])
    tier_no = [int(v) for v in part["tier_number"].tolist()]
    currencies = texts(part["currency"])
    digits = [minor_unit_digits(c) for c in currencies]
    period_fee = [_number(v) for v in part["period_fee"].tolist()]
    monthly = [_number(v) for v in part["monthly_fee"].tolist()]
    credit_amount = [_number(v) for v in part["credit_amount"].tolist()]
    percent = [_number(v) for v in part["credit_percent"].tolist()]
    credit_days = [_number(v) for v in part["credit_days"].tolist()]
    money = [money_style(d) for d in digits]
    return {
        "tier_no": tier_no,
        "breached": ["yes" if n else "no" for n in tier_no],
        "tier": tiers,
        "tier_pays": [
            c.tiers[n - 1].credit if n else 0 for c, n in zip(contracts, tier_no, strict=True)
        ],
        "kind": [c.credit_kind for c in contracts],
        "cap_percent": [_or_none(c.cap.percent) for c in contracts],
        "cap_days": [_or_none(c.cap.days) for c in contracts],
        "minimum": [_or_none(c.minimum_credit) for c in contracts],
        "minimum_currency": [c.minimum_credit_currency for c in contracts],
        "claimed_under": claimed_under_cells(book, part),
        "credit_percent": ["" if v is None else v for v in percent],
        "credit_days": ["" if v is None else v for v in credit_days],
        "monthly_fee": monthly,
        "monthly_fee:style": [money_style(d, "_input") for d in digits],
        "period_fee": ["" if v is None else v for v in period_fee],
        "period_fee:style": money,
        "digits": digits,
        "credit_amount": ["" if v is None else v for v in credit_amount],
        "credit_amount:style": money,
        "currency": currencies,
        "engine_availability": part["availability_percent"].tolist(),
        "engine_tier": tiers,
        "engine_credit": credit_amount,
        "engine_credit:style": [money_style(d, "engine") for d in digits],
        "check": ["matches engine"] * len(part),
    }


def calculation_cells(plan: Plan, part: pd.DataFrame) -> dict[str, Sequence[object]]:
    contracts = [plan.contract(c) for c in part["contract"].tolist()]
    zones = texts(part["timezone"])
    local_start = wall_clock(part["period_start"], zones)
    local_end = wall_clock(part["period_end"], zones)
    days_list = [int(v) for v in part["period_days"].tolist()]
    months_list = [int(v) for v in part["period_months"].tolist()]
    measured = [int(v) for v in part["measured_seconds"].tolist()]
    users = [int(v) for v in part["licensed_users"].tolist()]
    down_s = [int(v) for v in part["downtime_seconds"].tolist()]
    methods = [c.method for c in contracts]
    exact = [
        _exact_units(m, t, u, d, du)
        for m, t, u, d, du in zip(
            methods, measured, users, down_s, part["downtime_user_seconds"].tolist(), strict=True
        )
    ]
    # The text in force on the period's first day in the contract's zone, as the engine picks it.
    text_no = [
        c.version_index(d.date())
        for c, d in zip(contracts, local_start.astype(dt.datetime).tolist(), strict=True)
    ]
    contracts = [c.text(i) for c, i in zip(contracts, text_no, strict=True)]
    is_user = [m == "user_minutes" for m in methods]
    return {
        "tenant": texts(part["tenant"]),
        "service": texts(part["service"]),
        "contract": texts(part["contract"]),
        "period": texts(part["period"]),
        "method": methods,
        "period_start": _serial_list(local_start),
        "period_end": _serial_list(local_end),
        "timezone": zones,
        "days": days_list,
        "months": months_list,
        "excluded_seconds": [int(v) for v in part["excluded_seconds"].tolist()],
        "measured_seconds": measured,
        "measured_minutes": [t / 60 for t in measured],
        "users": users,
        "users:style": ["int_input" if u else "int" for u in is_user],
        "user_minutes": [t * u / 60 for t, u in zip(measured, users, strict=True)],
        "downtime_minutes": part["downtime_minutes"].tolist(),
        "downtime_minutes:style": ["minutes" if u else "minutes_input" for u in is_user],
        "downtime_user_minutes": part["user_minutes_lost"].tolist(),
        "downtime_user_minutes:style": ["minutes_input" if u else "minutes" for u in is_user],
        "exact_total": [t for t, _ in exact],
        "exact_lost": [lost for _, lost in exact],
        "availability": [availability(t, lost) for t, lost in exact],
        **credit_cells(plan, part, contracts),
        "impact_user_minutes": [_number(v) for v in part["impact_user_minutes"].tolist()],
        "next_tier_minutes": [_number(v) for v in part["minutes_to_next_tier"].tolist()],
        "next_tier": texts(part["next_tier"]),
        "terms": [
            terms_label(plan.contract(c), i)
            for c, i in zip(part["contract"].tolist(), text_no, strict=True)
        ],
    }


def claimed_under_cells(plan: Book, part: pd.DataFrame) -> list[str]:
    """Per result row, the contract whose credit was kept instead of the row's, or ""."""
    reasons = texts(part["credit_limited_by"])
    out = [""] * len(reasons)
    for i in (i for i, why in enumerate(reasons) if why):  # most rows name no rule
        out[i] = claimed_under(reasons[i], plan.contract(str(part["contract"].iat[i])).claim_group)
    return out


def _or_none(value: Decimal | None) -> object:
    return "none" if value is None else value


# --------------------------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------------------------


def summary(plan: Plan, calc: Table) -> Table:
    """One row per tenant, service and period, linked to the Calculation rows; totals on top."""
    return linked_summary(
        plan,
        calc,
        (shared.TENANT, shared.SERVICE, shared.CONTRACT, shared.PERIOD),
        (Column("incident_ids", "Incident ids", "text", "text"),),
        lambda part, _: _summary_values(plan, part),
    )


def linked_summary(
    book: Book,
    calc: Table,
    lead: tuple[Column, ...],
    tail: tuple[Column, ...],
    cells: Callable[[pd.DataFrame, int], Mapping[str, Sequence[object]]],
    noun: str = "period",
) -> Table:
    """The Summary: one row per result row, its figures linked to the same row of the
    Calculation; the ``lead`` columns (what the row is) first, ``tail`` last, and the totals per
    currency on top. ``cells`` gives the values of ``lead``, ``tail`` and the availability of a
    chunk of result rows and the position of its first;
    ``noun`` is what the subtitle counts the rows as."""
    currencies = sorted(set(texts(book.table["currency"]))) if len(book.table) else []
    top_rows = 4 + len(currencies) + 1  # title, subtitle, blank, totals header, totals, blank
    header_row = top_rows + 1
    offset = calc.header_row - header_row

    def link(name: str) -> str:
        return f"{CALCULATION}!${calc.letter(name)}${{r2}}"

    columns = (
        *lead,
        Column(
            "availability", "Availability %", "formula", "availability", 14, link("availability")
        ),
        Column("commitment", "Commitment %", "number", "boundary", 12),
        Column("breached", "Breached", "formula", "code", 9, link("breached")),
        Column("tier", "Tier", "formula", "text", 26, link("tier")),
        Column(
            "credit_percent", "Credit % of fee", "formula", "percent", 10, link("credit_percent")
        ),
        Column("credit_days", "Credit days", "formula", "general", 8, link("credit_days")),
        Column("credit_amount", "Credit amount", "formula", "money2", 14, link("credit_amount")),
        shared.CURRENCY,
        Column("claim_deadline", "Claim deadline", "date", "date", 15),
        shared.DAYS_LEFT,
        shared.STATUS,
        *tail,
    )
    shell = Table(
        columns=columns, rows=len(book.table), chunks=lambda: iter(()), top=((),) * top_rows
    )

    def chunks() -> Iterator[Mapping[str, Sequence[object]]]:
        for start, part in _chunks_from(book.table):
            yield {**_summary_cells(book, part), **cells(part, start)}

    top = _summary_top(book, shell, currencies, noun)
    return Table(columns=columns, rows=len(book.table), chunks=chunks, top=top, offset=offset)


def status_cells(plan: Book, part: pd.DataFrame) -> tuple[list[object], list[str], list[str]]:
    """Per row: breached ("yes"/"no"), days left to the claim deadline, and the claim status."""
    breached = ["yes" if bool(b) else "no" for b in part["breached"].tolist()]
    found = deadline_status(part, todays(plan, part))
    days_left: list[object] = ["" if missing(d) else int(d) for d in found["days_left"].tolist()]
    return days_left, breached, [str(s) for s in found["status"].tolist()]


def _summary_cells(book: Book, part: pd.DataFrame) -> dict[str, Sequence[object]]:
    """The Summary's cells every workbook fills alike: the engine's credit and claim status."""
    days_left, breached, status = status_cells(book, part)
    currencies = texts(part["currency"])
    return {
        "commitment": part["commitment_percent"].tolist(),
        "breached": breached,
        "tier": texts(part["tier"]),
        "credit_percent": _blank(part["credit_percent"]),
        "credit_days": _blank(part["credit_days"]),
        "credit_amount": _blank(part["credit_amount"]),
        "credit_amount:style": [money_style(minor_unit_digits(c)) for c in currencies],
        "currency": currencies,
        "claim_deadline": [None if missing(d) else d for d in part["claim_deadline"].tolist()],
        "days_left": days_left,
        "status": status,
    }


def _summary_values(plan: Plan, part: pd.DataFrame) -> dict[str, Sequence[object]]:
    methods = [plan.contract(c).method for c in part["contract"].tolist()]
    exact = [
        _exact_units(m, int(t), int(u), int(d), du)
        for m, t, u, d, du in zip(
            methods,
            part["measured_seconds"].tolist(),
            part["licensed_users"].tolist(),
            part["downtime_seconds"].tolist(),
            part["downtime_user_seconds"].tolist(),
            strict=True,
        )
    ]
    return {
        "tenant": texts(part["tenant"]),
        "service": texts(part["service"]),
        "contract": texts(part["contract"]),
        "period": texts(part["period"]),
        "availability": [availability(t, lost) for t, lost in exact],
        "incident_ids": [ids_text(i) for i in part["incident_ids"].tolist()],
    }


def _blank(values: pd.Series) -> list[object]:
    """A result column with empty cells as "" (what the formulas give for "not applicable")."""
    return ["" if missing(v) else v for v in values.tolist()]


def summary_totals(plan: Book) -> dict[str, Totals]:
    """Per currency: periods, breached periods, credits, and credits still claimable or lapsed."""
    table = plan.table
    return {k[0]: t for k, t in totals(table, todays(plan, table)).items()}


def todays(plan: Book, part: pd.DataFrame) -> dict[str, dt.date]:
    """Today's date in each zone of ``part`` (a claim deadline is a day in the contract's zone)."""
    return {str(z): plan.today(str(z)) for z in part["timezone"].unique()}


def _summary_top(
    plan: Book, shell: Table, currencies: list[str], noun: str
) -> tuple[tuple[Cell | None, ...], ...]:
    table = plan.table
    n, breached = len(table), int(table["breached"].sum()) if len(table) else 0
    tenants = table["tenant"].nunique() if n else 0
    made = plan.now.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    subtitle = (
        f"{n:,} {noun}{'s' if n != 1 else ''} of {tenants:,} tenant{'s' if tenants != 1 else ''}, "
        f"{breached:,} breached. Made {made} by slacalc {plan.version}. Figures are live: they "
        f"follow the Calculation sheet; days left count from today."
    )
    # The totals sit above the table columns they add up: counts over Period and Breached,
    # money over Credit amount, Claim deadline (still claimable) and Status (lapsed).
    where = {
        "currency": "tenant",
        "periods": "period",
        "breached": "breached",
        "credits": "credit_amount",
        "claimable": "claim_deadline",
        "passed": "status",
    }
    labels = {
        "currency": "Totals by currency",
        "periods": f"{noun.capitalize()}s",
        "breached": "Breached",
        "credits": "Credits",
        "claimable": "Still claimable",
        "passed": "Deadline passed",
    }
    at = {key: [c.name for c in shell.columns].index(col) for key, col in where.items()}
    width = len(shell.columns)

    def line(cells: Mapping[str, Cell], fill: str | None = None) -> tuple[Cell | None, ...]:
        by_index = {at[k]: c for k, c in cells.items()}
        blank = Cell("blank", None, fill) if fill else None
        return tuple(by_index.get(i, blank) for i in range(width))

    rows: list[tuple[Cell | None, ...]] = [
        (Cell("text", "SLA credits: summary", "title"),),
        (Cell("text", subtitle, "subtitle"),),
        (),
        line({k: Cell("text", v, "header") for k, v in labels.items()}, "header"),
    ]
    cur, amt, brc, sts = (
        shell.span("currency"),
        shell.span("credit_amount"),
        shell.span("breached"),
        shell.span("status"),
    )
    totals = summary_totals(plan)
    col = column_letter(at["currency"])
    for i, currency in enumerate(currencies):
        r = 5 + i
        t = totals[currency]
        money = money_style(minor_unit_digits(currency), "_bold")
        key = f"${col}{r}"
        rows.append(
            line(
                {
                    "currency": Cell("text", currency, "bold"),
                    "periods": Cell("formula", t.periods, "int", f"COUNTIF({cur},{key})"),
                    "breached": Cell(
                        "formula", t.breached, "int", f'COUNTIFS({cur},{key},{brc},"yes")'
                    ),
                    "credits": Cell("formula", t.credits, money, f"SUMIFS({amt},{cur},{key})"),
                    "claimable": Cell(
                        "formula",
                        t.claimable,
                        money,
                        f'SUMIFS({amt},{cur},{key},{sts},"claim open")',
                    ),
                    "passed": Cell(
                        "formula",
                        t.passed,
                        money,
                        f'SUMIFS({amt},{cur},{key},{sts},"deadline passed")',
                    ),
                }
            )
        )
    rows.append(())
    return tuple(rows)


# --------------------------------------------------------------------------------------------
# Credit tiers
# --------------------------------------------------------------------------------------------


def credit_tiers(plan: Book) -> Table:
    """Every text's tiers, with the whole-number form of each bound the formulas compare.

    A band without a lower bound has Scale, Allowed and Strict 0 there: ``0 >= 0`` always holds.
    """
    scale = (
        'IF({bound}="",0,IF(ROUND({bound},2)={bound},1,IF(ROUND({bound},3)={bound},10,'
        "IF(ROUND({bound},4)={bound},100,IF(ROUND({bound},5)={bound},1000,10000)))))"
    )
    columns = (
        Column("key", "Key", "formula", "text", 34, '{terms}&"#"&{tier_no}'),
        Column("terms", "Terms (contract, dated text)", "text", "text"),
        Column("tier_no", "Tier no.", "number", "int", 7),
        Column("operator", "Applies when availability is", "text", "text_input", 13),
        Column("boundary", "Boundary %", "number", "boundary_input", 11),
        Column("pays", "Pays", "number", "figure_input", 8),
        Column("unit", "Unit", "text", "text", 26),
        Column("words", "Tier (as the contract states it)", "text", "text", 32),
        Column("scale", "Scale", "formula", "int", 8, scale.replace("bound", "boundary")),
        Column("allowed", "Allowed", "formula", "int", 10, "ROUND((100-{boundary})*100*{scale},0)"),
        Column("strict", "Strict", "formula", "int", 7, 'IF({operator}="<",1,0)'),
        Column("above_operator", "And availability is", "text", "text_input", 11),
        Column("above", "Lower bound %", "number", "boundary_input", 11),
        Column("above_scale", "Lower: Scale", "formula", "int", 8, scale.replace("bound", "above")),
        Column(
            "above_allowed",
            "Lower: Allowed",
            "formula",
            "int",
            10,
            "ROUND((100-N({above}))*100*{above_scale},0)",
        ),
        Column(
            "above_strict",
            "Lower: Strict",
            "formula",
            "int",
            7,
            'IF({above}="",0,IF({above_operator}=">",1,0))',
        ),
    )
    rows: dict[str, list[object]] = {c.name: [] for c in columns}
    for label, terms in plan.texts:
        for i, tier in enumerate(terms.tiers, start=1):
            scale_no, allowed = boundary_integers(tier.below)
            lower = (0, 0) if tier.above is None else boundary_integers(tier.above)
            rows["key"].append(f"{label}#{i}")
            rows["terms"].append(label)
            rows["tier_no"].append(i)
            rows["operator"].append(tier.operator)
            rows["boundary"].append(tier.below)
            rows["pays"].append(tier.credit)
            rows["unit"].append(_KIND_UNIT[tier.kind])
            rows["words"].append(tier.describe())
            rows["scale"].append(scale_no)
            rows["allowed"].append(allowed)
            rows["strict"].append(1 if tier.operator == "<" else 0)
            rows["above_operator"].append("" if tier.above is None else tier.above_operator)
            rows["above"].append(tier.above)
            rows["above_scale"].append(lower[0])
            rows["above_allowed"].append(lower[1])
            rows["above_strict"].append(int(tier.above is not None and tier.above_operator == ">"))
    return Table(columns=columns, rows=plan.tier_rows, chunks=lambda: iter([rows]))


def boundary_integers(boundary: Decimal) -> tuple[int, int]:
    """(Scale, Allowed) of a boundary: ``Allowed = (100 − boundary) × 100 × Scale``, whole."""
    places = max(0, -int(boundary.normalize().as_tuple().exponent))
    scale = 10 ** min(max(places - 2, 0), 4)
    allowed = ((100 - boundary) * 100 * scale).to_integral_value(rounding=ROUND_HALF_UP)
    return scale, int(allowed)


# --------------------------------------------------------------------------------------------
# Evidence
# --------------------------------------------------------------------------------------------

#: Every row; evidence longer than a sheet holds continues on further sheets, a slice each.
ALL = slice(None)


def _rows(frame: pd.DataFrame, part: slice) -> pd.DataFrame:
    """The rows of ``frame`` in ``part``: the frame itself when that is all of it (no copy)."""
    start, stop, _ = part.indices(len(frame))
    return frame if (start, stop) == (0, len(frame)) else frame.iloc[start:stop]


def evidence_sizes(plan: Plan) -> dict[str, int]:
    """Rows of each evidence table."""
    results = plan.results
    return {
        DOWNTIME: len(results.evidence),
        EXCLUDED: len(results.exclusions),
        WINDOWS: len(results.outages.frame),
        REJECTED: len(results.rejected) + len(results.customers.rejected),
    }


def _zones_of(plan: Plan, frame: pd.DataFrame) -> list[str]:
    return [plan.contract(c).timezone for c in texts(frame["contract"])]


class _Texts:
    """Text columns of a whole frame, each distinct value made a Python str once.

    Hashing a column once (in Arrow) beats converting every chunk's cells: evidence columns
    repeat a few values (tenants, periods, reasons) over a million rows. A column with mostly
    distinct values is converted chunk by chunk instead. Codes are int32: 4 bytes a cell.
    """

    def __init__(self, frame: pd.DataFrame, names: Sequence[str]) -> None:
        self.coded: dict[str, tuple[np.ndarray, list[str]]] = {}
        for name in names:
            codes, uniques = pd.factorize(frame[name])
            if len(uniques) * 4 <= len(frame):
                distinct = [v if type(v) is str else str(v) for v in uniques.tolist()]
                distinct.append("")  # code -1: an empty cell
                self.coded[name] = (codes.astype(np.int32), distinct)

    def of(self, part: pd.DataFrame, name: str, start: int) -> list[str]:
        """Column ``name`` of ``part``, the rows of the frame from ``start``."""
        if name not in self.coded:
            return texts(part[name])
        codes, distinct = self.coded[name]
        return list(map(distinct.__getitem__, codes[start : start + len(part)].tolist()))

    def zones(self, plan: Plan, part: pd.DataFrame, start: int) -> list[str]:
        """Each row's contract's time zone."""
        if "contract" not in self.coded:
            return _zones_of(plan, part)
        codes, distinct = self.coded["contract"]
        zones = [plan.contract(c).timezone if c else "" for c in distinct]
        return list(map(zones.__getitem__, codes[start : start + len(part)].tolist()))


#: The columns every per-period window sheet starts with (downtime that counted, excluded time).
_PERIOD_WINDOW_COLUMNS = (
    shared.TENANT,
    shared.SERVICE,
    shared.CONTRACT,
    shared.PERIOD,
    Column("start_utc", "Start (UTC)", "datetime", "datetime", 19),
    Column("end_utc", "End (UTC)", "datetime", "datetime", 19),
    Column("start_local", "Start (contract zone)", "datetime", "datetime", 19),
    Column("end_local", "End (contract zone)", "datetime", "datetime", 19),
    shared.TIMEZONE,
    Column("minutes", "Minutes", "number", "minutes", 11),
)
_PERIOD_WINDOW_TEXTS = ("tenant", "service", "contract", "period")


def _period_window_cells(
    plan: Plan, text: _Texts, part: pd.DataFrame, start: int
) -> dict[str, Sequence[object]]:
    """The cells of ``_PERIOD_WINDOW_COLUMNS`` for one chunk of rows."""
    zones = text.zones(plan, part, start)
    return {
        **{name: text.of(part, name, start) for name in _PERIOD_WINDOW_TEXTS},
        "start_utc": serials_utc(part["start"]),
        "end_utc": serials_utc(part["end"]),
        "start_local": serials_local(part["start"], zones),
        "end_local": serials_local(part["end"], zones),
        "timezone": zones,
        "minutes": part["minutes"].tolist(),
    }


def downtime(plan: Plan, part: slice = ALL) -> Table:
    """The downtime that counted, clipped to each period and merged, with incident ids."""
    frame = _rows(plan.results.evidence, part)
    columns = (
        *_PERIOD_WINDOW_COLUMNS,
        Column("users", "Peak affected users", "number", "general", 11),
        Column("user_minutes", "User-minutes lost", "number", "minutes", 14),
        Column("incident_ids", "Incident ids", "text", "text"),
    )

    def chunks() -> Iterator[Mapping[str, Sequence[object]]]:
        text = _Texts(frame, _PERIOD_WINDOW_TEXTS)
        for start, part in _chunks_from(frame):
            yield {
                **_period_window_cells(plan, text, part, start),
                "users": part["peak_affected_users"].tolist(),
                "user_minutes": part["user_minutes_lost"].tolist(),
                "incident_ids": [ids_text(i) for i in part["incident_ids"].tolist()],
            }

    return Table(columns=columns, rows=len(frame), chunks=chunks)


def excluded(plan: Plan, part: slice = ALL) -> Table:
    """Time removed from measurement (excluded windows, scheduled maintenance), with reasons."""
    frame = _rows(plan.results.exclusions, part)
    columns = (*_PERIOD_WINDOW_COLUMNS, Column("reason", "Reason", "text", "text"))

    def chunks() -> Iterator[Mapping[str, Sequence[object]]]:
        text = _Texts(frame, (*_PERIOD_WINDOW_TEXTS, "reason"))
        for start, part in _chunks_from(frame):
            yield {
                **_period_window_cells(plan, text, part, start),
                "reason": text.of(part, "reason", start),
            }

    return Table(columns=columns, rows=len(frame), chunks=chunks)


def windows(plan: Plan, part: slice = ALL) -> Table:
    """The outage windows as read from the input, normalised, one row per input row."""
    outages = plan.results.outages
    frame = _rows(outages.frame, part)
    zone = outages.timezone
    local = zone != "UTC"
    columns = [
        Column("row", "Input row", "number", "int", 8),
        Column("id", "Incident id", "text", "text"),
        shared.TENANT,
        shared.SERVICE,
        Column("cohort", "Cohort", "text", "text"),
        Column("start_utc", "Start (UTC)", "datetime", "datetime", 19),
        Column("end_utc", "End (UTC)", "datetime", "datetime", 19),
    ]
    if local:
        columns += [
            Column("start_local", f"Start ({zone})", "datetime", "datetime", 19),
            Column("end_local", f"End ({zone})", "datetime", "datetime", 19),
        ]
    columns += [
        Column("affected_users", "Affected users", "number", "general", 10),
        Column("affected_percent", "Affected %", "number", "general", 10),
        Column("excluded", "Excluded because", "text", "text"),
    ]
    words = outages.evidence
    if words:  # a provider's feed: its own words for each window, as a claim quotes them
        columns.append(Column("evidence", "The feed's words", "text", "text_wrap", 80))

    def chunks() -> Iterator[Mapping[str, Sequence[object]]]:
        text = _Texts(frame, ("tenant", "service", "cohort", "excluded"))
        for start, part in _chunks_from(frame):
            values: dict[str, Sequence[object]] = {
                "row": [int(v) for v in part["row"].tolist()],
                "id": texts(part["id"], repeated=False),
                "tenant": text.of(part, "tenant", start),
                "service": text.of(part, "service", start),
                "cohort": text.of(part, "cohort", start),
                "start_utc": list(serials_utc(part["start"])),
                "end_utc": list(serials_utc(part["end"])),
                "affected_users": _wholes(part["affected_users"]),
                "affected_percent": _numbers(part["affected_percent"]),
                "excluded": text.of(part, "excluded", start),
            }
            if words:
                values["evidence"] = [words.get(int(r), "") for r in part["row"].tolist()]
            if local:
                values["start_local"] = list(serials_local(part["start"], [zone] * len(part)))
                values["end_local"] = list(serials_local(part["end"], [zone] * len(part)))
            yield values

    return Table(columns=tuple(columns), rows=len(frame), chunks=chunks)


def _numbers(values: pd.Series) -> list[object]:
    """A number column as a list, empty cells as None (NaN found at once for a float column)."""
    if values.dtype != np.float64:
        return [_number(v) for v in values.tolist()]
    array = values.to_numpy()
    out: list[object] = array.tolist()
    for i in np.flatnonzero(np.isnan(array)).tolist():
        out[i] = None
    return out


def _wholes(values: pd.Series) -> list[object]:
    """Like :func:`_whole` per value: counts as ints, other numbers as they are, empty as None."""
    if values.dtype != np.float64:
        return [_whole(v) for v in values.tolist()]
    array = values.to_numpy()
    out = _numbers(values)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(array) & (array == np.floor(array))
    for i in np.flatnonzero(whole).tolist():
        out[i] = int(array[i])
    return out


def _whole(value: object) -> object:
    if missing(value):
        return None
    number = float(str(value))
    return int(number) if number.is_integer() else number


def rejected(plan: Plan, part: slice = ALL) -> Table:
    """Every input row that could not be used, with the column and the problem."""
    return problems_table(
        (
            [("outages", p) for p in plan.results.rejected]
            + [("customers", p) for p in plan.results.customers.rejected]
        )[part]
    )


def problems_table(problems: Sequence[tuple[str, RowProblem]]) -> Table:
    """The Rejected rows sheet: each (input table, problem) with its row, column and value."""
    columns = (
        Column("table", "Table", "text", "text", 10),
        Column("row", "Row", "number", "int", 7),
        Column("column", "Column", "text", "text"),
        Column("value", "Value", "text", "text"),
        Column("problem", "Problem", "text", "text"),
    )
    rows: dict[str, list[object]] = {
        "table": [t for t, _ in problems],
        "row": [p.row for _, p in problems],
        "column": [p.column for _, p in problems],
        "value": [p.value for _, p in problems],
        "problem": [p.problem for _, p in problems],
    }
    return Table(columns=columns, rows=len(problems), chunks=lambda: iter([rows]))


# --------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------


def percent_text(value: object, places: int = 6) -> str:
    """An availability for reading: floored (never flattering), never 100 unless exactly 100."""
    number = Decimal(str(value))
    if number == 100:
        return "100"
    shown = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_FLOOR)
    return format(shown.normalize(), "f")


def _reflow(text: str) -> str:
    """Text wrapped by hand in a contract file, rejoined where a line breaks mid-sentence."""
    return re.sub(r"(?<![\n.:;!?])\n(?!\n)", " ", text.strip())


def terms_values(contract: Contract) -> dict[str, object]:
    """The Contract terms column of ``contract``: numbers where formulas read them, else words."""
    words = {t.key: t.words for t in contract_terms(contract)}
    return {
        "name": contract.name,
        "provider": contract.provider,
        "service": contract.service,
        "commitment": contract.commitment_percent,
        "period": f"calendar {contract.period}",
        "timezone": contract.timezone,
        "method": f"{words['method']}: {words['availability']}",
        "threshold": downtime_words(contract),
        "minimum_downtime": contract.minimum_downtime_minutes,
        "cohorts": ", ".join(contract.counted_cohorts) if contract.counted_cohorts else "all",
        "maintenance": words.get("maintenance", "none"),
        "tiers": words["tiers"],
        "kind": contract.credit_kind,
        "cap_percent": _or_none(contract.cap.percent),
        "cap_days": _or_none(contract.cap.days),
        "minimum": _or_none(contract.minimum_credit),
        "minimum_currency": contract.minimum_credit_currency,
        "claim": words["claim"],
        "how": contract.claim.how,
        "url": contract.source.url,
        "version": contract.source.version,
        "confidence": contract.source.confidence,
        "unverified": "\n".join(contract.unverified) or "none",
        "notes": "\n".join(
            _reflow(p) for p in (contract.notes.strip(), contract.source.notes) if p
        ),
        "claim_group": words.get("one credit", "none"),
    }
