"""Customers: who has which contract, how many licensed users, what fee, and each cohort's size.

``Customers.frame`` has one row per tenant and contract (a subscription): ``row`` (int64),
``tenant`` (str), ``contract`` (str id or path), ``users`` (int64, licensed seats), ``monthly_fee``
(``Decimal`` or ``None``), ``currency`` (str), ``billing_day`` (int64, the day of the month its
billing cycles start; 1 when not given). ``Customers.cohorts`` has one row per tenant and
cohort: ``tenant``, ``cohort``, ``users`` (int64).

:func:`read_customers` reads such a table from CSV, ``.xlsx``, JSON or a DataFrame with the same
formats, limits and row checks as outages. Cohort sizes are columns named ``cohort:<name>`` (in
JSON also ``{"cohorts": {"Outlook Mobile": 120}}``). Rules decided here:

* A tenant may hold several contracts, one row each (AWS's region-level and volume-level SLAs,
  two service levels of one Azure service). The same tenant and contract on two rows rejects both
  rows: which one is right cannot be known. Cohorts belong to the tenant: its rows may repeat a
  cohort's size but not differ on it.
* ``contract`` must be a bundled contract id (or one of ``known_contracts``, e.g. a
  :class:`~slacalc.model.registry.ContractRegistry` of the user's contracts); a path inside a
  table is refused, so an uploaded table cannot make slacalc read files. An empty contract (or no
  contract column) means "the contract given to ``calculate``".
* ``monthly_fee`` is read by :func:`slacalc.model.money.parse_amount`, the rules the CLI and the
  app use too (``1,200.00`` yes, the ambiguous ``1,200`` no), into a Decimal, never through a
  float; Excel numeric cells (binary floats) are taken by their shortest decimal form. An empty
  fee is ``None``.
* ``currency`` is an ISO 4217 code a fee is paid in, upper-cased; empty means USD.
* ``billing_day`` is a whole day of the month from 1 to 28; empty means calendar-month cycles.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

import numpy as np
import pandas as pd

from slacalc.errors import InputError, RowProblem
from slacalc.io.cells import (
    Checked,
    as_text,
    cell_text,
    check_amount,
    check_text,
    check_whole,
    first_rows,
)
from slacalc.io.headers import (
    TENANT_SPELLINGS,
    Fields,
    MissingColumnError,
    holds,
    map_headers,
    suggest_missing,
)
from slacalc.io.numbers import choose, in_format, number_format
from slacalc.io.tables import TableSource, read_table
from slacalc.model.contract import list_contracts
from slacalc.model.limits import MAX_LICENSED_USERS
from slacalc.model.money import currency_code, fee_problem, parse_amount

#: The fields of a customers table and the header spellings each is recognised by.
CUSTOMER_FIELDS = Fields(
    spellings={
        "tenant": TENANT_SPELLINGS,
        "contract": ("contract id", "sla", "sla id", "plan", "agreement", "contract name"),
        "users": (
            "licensed users",
            "licenses",
            "licences",
            "seats",
            "licensed seats",
            "user count",
            "number of users",
            "users licensed",
            "subscribed users",
            "population",
        ),
        "monthly_fee": (
            "fee",
            "monthly fee amount",
            "monthly price",
            "price",
            "monthly amount",
            "amount",
            "mrr",
            "monthly charge",
            "monthly cost",
            "fee per month",
            "monthly service fee",
        ),
        "currency": ("ccy", "cur", "currency code"),
        "billing_day": (
            "billing cycle day",
            "bill day",
            "billing cycle start day",
            "cycle day",
        ),
    }
)
#: The fields that hold numbers, read in the table's number format.
_NUMBERS = ("users", "monthly_fee", "billing_day")
_COHORT_COLUMN = re.compile(r"^\s*cohorts?\s*:\s*(?P<name>.+?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Customers:
    """A validated customers table and the rows that were rejected from it."""

    frame: pd.DataFrame
    cohorts: pd.DataFrame
    rejected: tuple[RowProblem, ...] = ()
    mapping: dict[str, str] = field(default_factory=dict)
    rows_read: int = 0
    source: str = ""
    ignored_columns: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        """Rows read, kept and rejected: ``kept + rejected == rows_read``."""
        rejected = len({p.row for p in self.rejected})
        return {"rows_read": self.rows_read, "kept": len(self.frame), "rejected": rejected}

    def under(self, contract: str) -> Customers:
        """Every tenant under ``contract`` (a what-if); refused when a tenant holds several
        contracts, which would then measure it twice under one."""
        frame = self.frame.assign(contract=contract)
        twice = frame["tenant"].duplicated()
        if twice.any():
            tenant = frame["tenant"][twice].iloc[0]
            rows = first_rows(frame["row"][frame["tenant"] == tenant].tolist())
            raise InputError(
                f"contract {contract!r} for every tenant: tenant {tenant!r} holds several "
                f"contracts (customers rows {rows}) and would be measured twice under one; "
                "calculate without a contract, or keep one row per tenant"
            )
        return Customers(frame=frame, cohorts=self.cohorts, rejected=self.rejected)

    @classmethod
    def single(
        cls,
        *,
        contract: str,
        users: int,
        monthly_fee: Decimal | int | str | None = None,
        currency: str = "USD",
        tenant: str = "",
        cohorts: Mapping[str, int] | None = None,
    ) -> Customers:
        """One customer given inline (``users=``, ``monthly_fee=``) rather than as a table."""
        if isinstance(users, bool) or not isinstance(users, int | np.integer) or users <= 0:
            raise InputError(f"users: {users!r} is not a positive whole number of licensed users")
        if users > MAX_LICENSED_USERS:
            raise InputError(
                f"users: {users:,} is more than the {MAX_LICENSED_USERS:,} licensed users "
                "slacalc computes exactly"
            )
        try:
            fee = None if monthly_fee is None else parse_amount(monthly_fee)
        except InputError as exc:
            raise InputError(f"monthly_fee: {exc}") from None
        if fee is not None and (why := fee_problem(fee)):
            raise InputError(f"monthly_fee: {monthly_fee!r} is {why}")
        if not isinstance(currency, str) or not re.fullmatch(r"[A-Za-z]{3}", currency):
            raise InputError(
                f"currency: {currency!r} is not a three-letter currency code such as USD"
            )
        try:
            sizes = dict(cohorts or {})
        except (TypeError, ValueError):
            raise InputError("cohorts: give a mapping of cohort name to its users") from None
        for name, size in sizes.items():
            if isinstance(size, bool) or not isinstance(size, int | np.integer) or size < 0:
                raise InputError(f"cohorts: size of {name!r} ({size!r}) is not a whole number")
            if size > users:
                raise InputError(
                    f"cohorts: {name!r} has {size} users, more than the {users} licensed"
                )
        frame = pd.DataFrame(
            {
                "row": np.array([1], dtype=np.int64),
                "tenant": [tenant],
                "contract": [contract],
                "users": np.array([users], dtype=np.int64),
                "monthly_fee": pd.Series([fee], dtype=object),
                "currency": [currency_code(currency)],
                "billing_day": np.array([1], dtype=np.int64),
            }
        )
        cohort_frame = pd.DataFrame(
            {
                "tenant": [tenant] * len(sizes),
                "cohort": list(sizes),
                "users": np.array(list(sizes.values()), dtype=np.int64),
            }
        )
        return cls(frame=frame, cohorts=cohort_frame)


def read_customers(
    source: TableSource | Customers,
    *,
    sheet: str | int | None = None,
    known_contracts: Collection[str] | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> Customers:
    """Read a customers table: ``tenant``, ``contract``, ``users``, ``monthly_fee``, ``currency``
    and ``cohort:<name>`` sizes, from CSV, ``.xlsx`` or JSON (path, bytes or open file) or a
    DataFrame.

    ``known_contracts`` adds contract ids to the bundled ones (a ``ContractRegistry`` is a
    collection of its ids). ``decimal``, ``thousands`` and ``columns`` are those of
    :func:`~slacalc.io.outages.read_outages`: how numbers are written (a decimal comma is
    detected when the table settles it) and which header is which field. Rows that cannot be used
    are in
    ``rejected``; an input that cannot be used at all raises :class:`InputError`.
    """
    if isinstance(source, Customers):
        return source
    table = read_table(
        source, sheet=sheet, wanted=holds(CUSTOMER_FIELDS, ("tenant", "users"), columns)
    )
    cohort_at = {
        pos: m["name"]
        for pos, header in enumerate(table.headers)
        if (m := _COHORT_COLUMN.match(header))
    }
    fmt = number_format(decimal, thousands)
    header_map = map_headers(
        table.headers, CUSTOMER_FIELDS, table.source, keep=cohort_at, columns=columns
    )
    if table.headers or len(table.cells):
        for name in ("tenant", "users"):
            if name not in header_map.fields:
                missing = suggest_missing(table.headers, CUSTOMER_FIELDS, name)
                raise MissingColumnError(f"{table.source}: {missing}", name, table.headers)
    n = len(table.cells)
    rows = table.rows
    found: list[tuple[int, str, str, str, str]] = []
    bad = np.zeros(n, dtype=bool)

    def column(name: str) -> pd.Series:
        if name in header_map.fields:
            return table.cells[header_map.fields[name]].reset_index(drop=True)
        return pd.Series([None] * n, dtype=object)

    number_columns = {
        **{name: header_map.fields[name] for name in _NUMBERS if name in header_map.fields},
        **{f"cohort:{name}": pos for pos, name in cohort_at.items()},
    }
    fmt, note = choose(fmt, [table.cells[pos] for pos in number_columns.values()])
    marks: dict[str, np.ndarray] = {}
    plain: dict[str, pd.Series] = {}
    for name, pos in number_columns.items():
        if fmt is not None:
            plain[name], marks[name] = in_format(table.cells[pos], fmt)

    def number(name: str, check: Callable[[pd.Series], Checked]) -> Checked:
        """A number column checked in the table's format (raw when it has none)."""
        if name in plain:
            checked = check(plain[name])
        elif name in number_columns:
            checked = check(table.cells[number_columns[name]].reset_index(drop=True))
        else:
            checked = check(column(name))
        if name in marks:
            wrong = marks[name] != ""
            checked.values[wrong] = np.nan if checked.values.dtype.kind == "f" else None
            # a new array of reasons: the check's own may be read-only (found_none)
            return replace(checked, problem=np.where(wrong, marks[name], checked.problem))
        return checked

    def reject(name: str, header: str, raw: pd.Series, problem: np.ndarray) -> None:
        for i in np.flatnonzero(problem != ""):
            found.append((int(rows[i]), header, cell_text(raw.iloc[i]), str(problem[i]), name))
            bad[i] = True

    def header(name: str) -> str:
        return header_map.header(name) if name in header_map.fields else name

    tenant = check_text(column("tenant"))
    contracts = check_text(column("contract"))
    problem = tenant.problem.copy()
    problem[(problem == "") & ~tenant.given] = "no tenant"
    # A tenant may hold several contracts, one row each; the same pair twice is ambiguous.
    pair = pd.MultiIndex.from_arrays([tenant.values.to_numpy(), contracts.values.to_numpy()])
    repeated = (problem == "") & tenant.given & pair.duplicated(keep=False)
    for (owner, held), group in pd.Series(np.flatnonzero(repeated)).groupby(
        [tenant.values.to_numpy()[repeated], contracts.values.to_numpy()[repeated]]
    ):
        listed = first_rows(int(rows[i]) for i in group)
        under = f"contract {held!r}" if held else "no contract"
        for i in group:
            problem[i] = (
                f"tenant {owner!r} with {under} is on rows {listed}; keep one row per tenant "
                "and contract"
            )
    reject("tenant", header("tenant"), column("tenant"), problem)

    allowed = set(list_contracts(unverified=True)) | {str(c) for c in (known_contracts or ())}
    problem = contracts.problem.copy()
    unknown = (problem == "") & contracts.given & ~contracts.values.isin(allowed).to_numpy()
    for i in np.flatnonzero(unknown):
        problem[i] = _unknown_contract(str(contracts.values.iloc[i]), allowed)
    reject("contract", header("contract"), column("contract"), problem)

    users = number("users", lambda v: check_whole(v, "users", formatted=fmt is not None))
    problem = users.problem.copy()
    problem[(problem == "") & ~users.given] = "no licensed users"
    problem[(problem == "") & (users.values.to_numpy() == 0)] = "zero licensed users"
    beyond = (problem == "") & (users.values.to_numpy() > MAX_LICENSED_USERS)
    problem[beyond] = (
        f"more than the {MAX_LICENSED_USERS:,} licensed users slacalc computes exactly"
    )
    reject("users", header("users"), column("users"), problem)
    seats = users.values.to_numpy(dtype=np.float64)

    fee = number("monthly_fee", check_amount)
    problem = fee.problem.copy()
    for i, amount in enumerate(fee.values):
        if amount is not None and not problem[i]:
            problem[i] = fee_problem(amount)
    reject("monthly_fee", header("monthly_fee"), column("monthly_fee"), problem)

    currency = as_text(column("currency")).str.upper()
    currency = currency.where(currency != "", "USD")
    problem = np.full(n, "", dtype=object)
    for code in currency.unique():
        try:
            currency_code(code)
        except InputError as exc:
            problem[(currency == code).to_numpy(dtype=bool)] = str(exc)
    reject("currency", header("currency"), column("currency"), problem)

    # The day of the month the customer's billing cycles start (AWS-style claim clocks count
    # billing cycles); 1 to 28 so every month has it; empty means calendar months.
    billing = number("billing_day", lambda v: check_whole(v, "days", formatted=fmt is not None))
    problem = billing.problem.copy()
    day = billing.values.to_numpy(dtype=np.float64)
    outside = (problem == "") & billing.given & ((day < 1) | (day > 28))
    problem[outside] = "not a day of the month from 1 to 28"
    reject("billing_day", header("billing_day"), column("billing_day"), problem)
    billing_day = np.where(np.isnan(day) | (problem != ""), 1, day).astype(np.int64)

    # A cohort is the tenant's: it fits in the fewest licensed users of any of its contracts.
    fewest = pd.Series(seats).groupby(tenant.values.to_numpy()).transform("min").to_numpy()
    sizes: list[tuple[int, str, pd.Series]] = []
    seen_names: dict[str, str] = {}
    for pos, name in cohort_at.items():
        if name.casefold() in seen_names:
            raise InputError(
                f"{table.source}: columns {seen_names[name.casefold()]!r} and "
                f"{table.headers[pos]!r} name the same cohort; keep one"
            )
        seen_names[name.casefold()] = table.headers[pos]
        raw = table.cells[pos].reset_index(drop=True)
        size = number(
            f"cohort:{name}", lambda v: check_whole(v, "users", formatted=fmt is not None)
        )
        problem = size.problem.copy()
        counts = size.values.to_numpy(dtype=np.float64)
        above = (problem == "") & size.given & ~np.isnan(fewest) & (counts > fewest)
        for i in np.flatnonzero(above):
            problem[i] = f"{int(counts[i])} users, more than the {int(fewest[i])} licensed"
        _conflicting_sizes(problem, size.given, counts, tenant.values, rows, name)
        reject(f"cohort:{name}", table.headers[pos], raw, problem)
        sizes.append((pos, name, size.values))

    keep = np.flatnonzero(~bad)
    frame = pd.DataFrame(
        {
            "row": np.asarray(rows[keep], dtype=np.int64),
            "tenant": tenant.values.iloc[keep].to_numpy(dtype=object),
            "contract": contracts.values.iloc[keep].to_numpy(dtype=object),
            "users": seats[keep].astype(np.int64),
            "monthly_fee": pd.Series(list(fee.values.iloc[keep]), dtype=object),
            "currency": currency.iloc[keep].to_numpy(dtype=object),
            "billing_day": billing_day[keep],
        }
    )
    cohort_rows: dict[tuple[str, str], int] = {}  # a tenant's rows may repeat a size
    for i in keep:
        for _, name, values in sizes:
            value = values.iloc[i]
            if not np.isnan(value):
                cohort_rows[str(tenant.values.iloc[i]), name] = int(value)
    cohorts = pd.DataFrame(
        {
            "tenant": pd.Series([t for t, _ in cohort_rows], dtype=object),
            "cohort": pd.Series([c for _, c in cohort_rows], dtype=object),
            "users": np.array(list(cohort_rows.values()), dtype=np.int64),
        }
    )
    found.sort(
        key=lambda item: (item[0], table.headers.index(item[1]) if item[1] in table.headers else 99)
    )
    problems = [*table.rejected, *(RowProblem(r, c, v, p, f) for r, c, v, p, f in found)]
    notes = [*table.notes, note] if note else list(table.notes)
    if header_map.ignored:
        notes.append(f"columns not used: {header_map.describe_ignored()}")
    mapping = header_map.mapping
    mapping.update({table.headers[pos]: f"cohort:{name}" for pos, name in cohort_at.items()})
    return Customers(
        frame=frame,
        cohorts=cohorts,
        rejected=tuple(problems),
        mapping=mapping,
        rows_read=table.rows_read,
        source=table.source,
        ignored_columns=header_map.ignored_headers(),
        notes=tuple(notes),
    )


def _conflicting_sizes(
    problem: np.ndarray,
    given: np.ndarray,
    counts: np.ndarray,
    tenants: pd.Series,
    rows: np.ndarray,
    cohort: str,
) -> None:
    """Mark the rows of a tenant (one per contract) that give one cohort different sizes: a
    cohort is a group of the tenant's users, so its size cannot depend on the contract."""
    sized = np.flatnonzero((problem == "") & given)
    owners = tenants.to_numpy()[sized]
    for name, group in pd.Series(sized).groupby(owners):
        if len(set(counts[group.to_numpy()].tolist())) > 1:
            listed = first_rows(int(rows[i]) for i in group)
            for i in group:
                problem[i] = (
                    f"tenant {name!r} gives cohort {cohort!r} different sizes on rows {listed}; "
                    "a cohort's size is the tenant's, give it once"
                )


def _unknown_contract(value: str, allowed: set[str]) -> str:
    if "/" in value or "\\" in value or value.lower().endswith(".toml"):
        return "a path; a customers table names contracts by id (see `slacalc contracts`)"
    near = sorted(a for a in allowed if a.casefold() == value.casefold())
    hint = f" (did you mean {near[0]!r}?)" if near else "; see `slacalc contracts` for the ids"
    return f"unknown contract{hint}"
