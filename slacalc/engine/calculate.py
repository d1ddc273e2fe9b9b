"""``calculate``: outages, customers and contracts in; availability, credits and claims out.

This module joins the tables (which window belongs to which subscription, how many users it hit),
hands whole arrays to :mod:`slacalc.engine.sweep`, and turns the per-period sums into the result
table with :mod:`slacalc.engine.credits` and :mod:`slacalc.engine.deadlines`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt
import pandas as pd
import pendulum
import pyarrow as pa
import pyarrow.compute as pc

from slacalc.engine.columns import (
    DATE,
    MONEY,
    MONEY_PLACES,
    PERCENT,
    PERCENT_PLACES,
    UNITS,
    fits,
    from_units,
)
from slacalc.engine.credits import (
    Availability,
    Credits,
    Fees,
    choose_tiers,
    credits,
    fee_days,
    seconds_to_next_tier,
)
from slacalc.engine.deadlines import claim_deadline, incident_deadline
from slacalc.engine.maintenance import maintenance_windows
from slacalc.engine.one_credit import one_credit
from slacalc.engine.results import (
    EVIDENCE_COLUMNS,
    EXCLUSION_COLUMNS,
    RESULT_COLUMNS,
    Results,
    empty_table,
)
from slacalc.engine.sweep import (
    I64,
    UNITS_PER_USER,
    Measurement,
    Rules,
    Segments,
    Windows,
    distinct,
    excluded_seconds,
    explode,
    measure,
    shared_overlaps,
    slots,
    split_at_edges,
    union_intervals,
)
from slacalc.errors import CalculationError, InputError, RowProblem
from slacalc.io.customers import Customers
from slacalc.io.outages import ASSUMED_ALL, Outages, one_tenant, read_outages
from slacalc.io.wording import option
from slacalc.model.contract import Contract
from slacalc.model.limits import MAX_LICENSED_USERS
from slacalc.model.periods import Period, parse_period, period_containing, periods_between
from slacalc.model.registry import ContractRegistry, ContractSources

OutageSource = Outages | pd.DataFrame | str | Path | IO[str] | IO[bytes]
_DISPLAY_PLACES = Decimal("1e-10")


def calculate(
    outages: OutageSource,
    contract: str | Path | Contract | None = None,
    *,
    users: int | None = None,
    monthly_fee: Decimal | int | str | None = None,
    currency: str = "USD",
    periods: Iterable[str] | str | None = None,
    customers: Customers | pd.DataFrame | str | Path | None = None,
    cohorts: Mapping[str, int] | None = None,
    timezone: str = "UTC",
    contracts: ContractSources | None = None,
    tenant: str | None = None,
) -> Results:
    """Availability and credits per tenant, service and period.

    One customer: ``calculate(outages, "microsoft-365-exchange-online", users=1000,
    monthly_fee="8000")``; outages naming several tenants are refused unless ``tenant=`` picks
    the customer's rows (:func:`slacalc.io.outages.one_tenant`). A portfolio:
    ``calculate(outages, customers=table)``, each tenant under its own contract (a ``contract``
    given as well replaces every tenant's, for a what-if). ``contracts`` adds the user's own
    contracts to the bundled ones, for ids in the customers table or ``contract``: ``Contract``
    objects, ``.toml`` files, folders of them, or a
    :class:`~slacalc.model.registry.ContractRegistry`. ``periods`` adds periods to report
    (``"2026-03"``, ``"2026-Q1"``) besides those an outage touches.
    """
    registry = ContractRegistry.of(contracts)
    table = outages if isinstance(outages, Outages) else read_outages(outages, timezone)
    if customers is None:
        table = one_tenant(table, tenant)
    elif tenant is not None:
        raise InputError("tenant= picks the customer of users=; with customers= each is calculated")
    chosen = None if contract is None else registry.resolve(contract)
    custs = _customers(chosen, customers, users, monthly_fee, currency, cohorts, registry)
    contracts_by_id = _contracts_of(chosen, custs, registry)
    requested = _labels(periods)
    if customers is None:
        return _results(_prepare(table, custs, contracts_by_id, single=True), table, requested)
    return _results(_kept(table, custs, contracts_by_id), table, requested)


def calculate_moved(
    outages: Outages,
    moved: pd.DataFrame,
    contract: Contract | None,
    *,
    customers: Customers,
    contracts: ContractSources | None = None,
    periods: Iterable[str] | None = None,
) -> Results:
    """``calculate(replace(outages, frame=moved), contract, customers=customers, ...)`` for a
    ``moved`` frame that is ``outages.frame`` row for row with only ``start`` and ``end``
    changed (a what-if that lengthens windows).

    What ``calculate`` derives from everything but the times (the matching of windows to
    subscriptions, the affected users, the incident ids) is taken from the last portfolio
    calculation on the same ``outages`` and customers when there is one, so a what-if after its
    baseline pays only the sweep and the table.
    """
    if len(moved) != len(outages.frame):
        raise CalculationError("a moved outage table keeps every row of the table it moves")
    registry = ContractRegistry.of(contracts)
    chosen = None if contract is None else registry.resolve(contract)
    custs = _customers(chosen, customers, None, None, "USD", None, registry)
    contracts_by_id = _contracts_of(chosen, custs, registry)
    prepared = _kept(outages, custs, contracts_by_id)
    return _results(prepared, dataclasses.replace(outages, frame=moved), _labels(periods))


@dataclass(frozen=True)
class _Prepared:
    """What a calculation derives from its inputs before it looks at any window's times: the
    subscriptions, the outage rows matched to them with their affected units, and the incident
    ids laid out for the lists (and hashed, once a what-if asks). A what-if that only moves
    windows reuses it (:func:`calculate_moved`)."""

    customers: Customers
    contracts: Mapping[str, Contract]
    subs: _Subs
    weights: _Weighted
    problems: tuple[RowProblem, ...]
    ids: _Ids
    tenant_of_row: I64


def _prepare(
    table: Outages, custs: Customers, contracts: Mapping[str, Contract], *, single: bool
) -> _Prepared:
    headers = {field: header for header, field in table.mapping.items()}
    subs = _subscriptions(custs, contracts)
    pairs, problems = _match(table.frame, subs, headers, single=single)
    weights, more = _weights(table.frame, pairs, subs, custs.cohorts, headers)
    ids = _Ids.of(table.frame["id"])
    problems += more
    return _Prepared(custs, contracts, subs, weights, tuple(problems), ids, pairs.tenant_of_row)


@dataclass(frozen=True)
class _Kept:
    """The last portfolio's prepared inputs, the outage table (held weakly) they came from, and
    that table's columns other than the times as they were then."""

    outages: weakref.ref[Outages]
    prepared: _Prepared
    columns: pd.DataFrame
    mapping: dict[str, str]
    customers: pd.DataFrame
    cohorts: pd.DataFrame

    @staticmethod
    def of(table: Outages, prepared: _Prepared) -> _Kept:
        """Keep ``prepared`` for ``table``. The tables it came from are snapshotted without
        copying: pandas' copy-on-write keeps a snapshot as it was if its table is later edited
        in place, so such an edit is seen (and the inputs prepared again), never served stale."""
        custs = prepared.customers
        return _Kept(
            weakref.ref(table, lambda _: _forget()),
            prepared,
            _untimed(table).copy(deep=False),
            dict(table.mapping),
            custs.frame.copy(deep=False),
            custs.cohorts.copy(deep=False),
        )

    def is_of(self, table: Outages) -> bool:
        """Whether these prepared inputs came from ``table`` as it is now: the same object, with
        the same values in every column the preparation reads and the same headers (which its
        rejections name)."""
        return (
            self.outages() is table
            and self.columns.equals(_untimed(table))
            and self.mapping == table.mapping
        )

    def serves(self, table: Outages, custs: Customers, contracts: Mapping[str, Contract]) -> bool:
        """Whether these prepared inputs are those of ``table``, ``custs`` and ``contracts``."""
        return (
            self.is_of(table)
            and dict(self.prepared.contracts) == dict(contracts)
            and self.customers.equals(custs.frame)
            and self.cohorts.equals(custs.cohorts)
        )


def _untimed(table: Outages) -> pd.DataFrame:
    """The outage table's columns but the times: all a preparation reads."""
    return table.frame.drop(columns=["start", "end"])


_KEPT: list[_Kept] = []  # at most one: the last portfolio calculation's
_KEPT_LOCK = threading.RLock()  # re-entered when a weakref callback runs inside


def _kept(table: Outages, custs: Customers, contracts: Mapping[str, Contract]) -> _Prepared:
    """The prepared inputs of a portfolio, reused when the last one was of the same outage table
    (the same object: tables are never changed in place, a what-if makes a new one) and equal
    customers and contracts."""
    with _KEPT_LOCK:
        last = _KEPT[0] if _KEPT else None
    if last is not None and last.serves(table, custs, contracts):
        return last.prepared
    prepared = _prepare(table, custs, contracts, single=False)
    with _KEPT_LOCK:
        _KEPT[:] = [_Kept.of(table, prepared)]
    return prepared


def incident_keys(outages: Outages) -> tuple[I64, I64] | None:
    """Per row of ``outages``, a code for its tenant and one for its incident id (−1: no id),
    when the last portfolio calculation was on this very table: hashed once and kept with it. Else
    ``None``."""
    with _KEPT_LOCK:
        last = _KEPT[0] if _KEPT else None
    if last is None or not last.is_of(outages):
        return None
    return last.prepared.tenant_of_row, last.prepared.ids.codes


def _forget() -> None:
    """Drop the kept inputs once their outage table is gone."""
    with _KEPT_LOCK:
        _KEPT[:] = [k for k in _KEPT if k.outages() is not None]


def _results(prepared: _Prepared, table: Outages, requested: tuple[str, ...]) -> Results:
    """Measure each contract's subscriptions on ``table``'s windows; the results put together."""
    subs, weights, ids = prepared.subs, prepared.weights, prepared.ids
    contracts_by_id = prepared.contracts
    groups = [
        (contracts_by_id[cid], group)
        for cid in sorted(contracts_by_id)
        for group in _groups(subs.contract == cid, weights, len(table.frame))
    ]
    rows = _Rows.of(table.frame)
    with ThreadPoolExecutor(max_workers=_THREADS) as pool:
        parts = list(
            pool.map(
                lambda job: _one_contract(
                    job[0], subs, job[1], weights, table.frame, rows, ids, requested
                ),
                groups,
            )
        )
    frames = [p.table for p in parts if len(p.table)]
    result = pd.concat(frames, ignore_index=True) if frames else empty_table(RESULT_COLUMNS)
    result = one_credit(result[list(RESULT_COLUMNS)], contracts_by_id)
    return Results(
        table=result.sort_values(["tenant", "service", "period"], kind="stable", ignore_index=True),
        evidence=lambda: _concat([p.evidence() for p in parts], EVIDENCE_COLUMNS),
        exclusions=lambda: _concat([p.exclusions() for p in parts], EXCLUSION_COLUMNS),
        rejected=tuple(sorted(table.rejected + prepared.problems, key=lambda p: p.row)),
        contracts=contracts_by_id,
        outages=table,
        customers=prepared.customers,
    )


def _contracts_of(
    chosen: Contract | None, custs: Customers, registry: ContractRegistry
) -> dict[str, Contract]:
    """The contract of each contract id the customers name (``chosen`` is the one given by the
    caller, which replaced every customer's); no customers is an error."""
    if custs.frame.empty:
        raise _no_customers(custs)
    return {
        cid: chosen if chosen is not None and cid == chosen.id else registry.resolve(cid)
        for cid in custs.frame["contract"].unique()
    }


def _labels(periods: Iterable[str] | str | None) -> tuple[str, ...]:
    """The period labels asked for; one label may be given alone."""
    labels = (periods,) if isinstance(periods, str) else tuple(periods or ())
    for label in labels:
        if not isinstance(label, str):
            raise InputError(
                f"periods: {label!r} is not a period label such as '2026-03' or '2026-Q1'"
            )
    return labels


def _no_customers(custs: Customers) -> InputError:
    """Nothing to compute: every customer row was rejected, or the table had none."""
    if not custs.rejected:
        return InputError(f"{custs.source or 'customers'}: the customers table has no rows")
    rows = len({p.row for p in custs.rejected})
    return InputError(
        f"{custs.source or 'customers'}: all {rows} customer rows were rejected, so there is "
        "nothing to compute; the rejected rows below say why",
        custs.rejected,
    )


def _concat(frames: list[pd.DataFrame], columns: tuple[str, ...]) -> pd.DataFrame:
    """The parts' rows in one table: each part is in subscription then time order, and the parts
    are contracts (by id) or contiguous ranges of subscriptions, so the whole is too."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_table(columns)
    return pd.concat(frames, ignore_index=True)[list(columns)]


def _customers(
    contract: Contract | None,
    customers: Customers | pd.DataFrame | str | Path | None,
    users: int | None,
    monthly_fee: Decimal | int | str | None,
    currency: str,
    cohorts: Mapping[str, int] | None,
    registry: ContractRegistry,
) -> Customers:
    """The customers to compute: a table (its contract ids checked against ``registry``), or one
    customer given inline."""
    contract_id = None if contract is None else contract.id
    if customers is None:
        if contract_id is None or users is None:
            raise InputError("give a contract and users= for one customer, or customers= a table")
        return Customers.single(
            contract=contract_id,
            users=users,
            monthly_fee=monthly_fee,
            currency=currency,
            cohorts=cohorts,
        )
    if not isinstance(customers, Customers):
        from slacalc.io.customers import read_customers

        customers = read_customers(customers, known_contracts=registry)
    if contract_id is not None:
        customers = customers.under(contract_id)
    return customers


@dataclass(frozen=True)
class _Subs:
    """Subscriptions (tenant × contract) as parallel arrays; the index is the subscription id."""

    tenant: np.ndarray
    contract: np.ndarray
    service: np.ndarray
    users: I64
    fee: np.ndarray  # Decimal | None
    fee_units: I64  # the fee in thousandths (the ``MONEY`` column's unit); 0 where none
    currency: np.ndarray
    billing_day: I64  # the day of the month each customer's billing cycles start


def _subscriptions(custs: Customers, contracts: Mapping[str, Contract]) -> _Subs:
    frame = custs.frame.reset_index(drop=True)
    users = frame["users"].to_numpy(dtype=np.int64)
    big = np.flatnonzero(users > MAX_LICENSED_USERS)
    if len(big):
        raise CalculationError(
            f"tenant {frame['tenant'].iloc[big[0]]!r}: more than {MAX_LICENSED_USERS:,} licensed "
            "users is beyond what slacalc computes exactly"
        )
    fee = frame["monthly_fee"].to_numpy(dtype=object)
    fee_units = np.zeros(len(fee), dtype=np.int64)
    for i, amount in enumerate(fee.tolist()):  # one per subscription, not per result row
        if amount is None:
            continue
        if not fits(amount, MONEY_PLACES):
            raise InputError(
                f"tenant {frame['tenant'].iloc[i]!r}: monthly_fee {amount} has more than "
                f"{MONEY_PLACES} decimals, finer than any currency's minor unit"
            )
        fee_units[i] = int(amount.scaleb(MONEY_PLACES))
    return _Subs(
        tenant=frame["tenant"].to_numpy(dtype=object),
        contract=frame["contract"].to_numpy(dtype=object),
        service=_per_value(frame["contract"], lambda c: contracts[c].service),
        users=users,
        fee=fee,
        fee_units=fee_units,
        currency=frame["currency"].to_numpy(dtype=object),
        billing_day=(
            frame["billing_day"].to_numpy(dtype=np.int64)
            if "billing_day" in frame
            else np.ones(len(frame), dtype=np.int64)
        ),
    )


@dataclass(frozen=True)
class _Pairs:
    """Outage rows matched to subscriptions: row index and subscription index, as arrays."""

    idx: I64
    sub: I64
    tenant_of_sub: I64  # a code per subscription's tenant
    tenant_names: np.ndarray  # the tenant of each code
    tenant_of_row: I64  # the code of each outage row's tenant


def _match(
    frame: pd.DataFrame, subs: _Subs, headers: Mapping[str, str], *, single: bool
) -> tuple[_Pairs, list[RowProblem]]:
    """Pair every outage row with the subscriptions it applies to.

    An empty tenant applies the row to every tenant, an empty service to every service of the
    tenant (a region-wide event hits everyone). A single customer takes every row whatever its
    tenant. Strings are compared once, when they are factorised; matching runs on integer codes.
    """
    n_rows, n_subs = len(frame), len(subs.users)
    # Factorise the column itself (Arrow hashing), then place the subscriptions' tenants.
    rows_tenant, row_names = (
        pd.factorize(frame["tenant"])
        if not single
        else (np.zeros(n_rows, np.int64), np.array([""], dtype=object))
    )
    extra = pd.Index(subs.tenant).difference(pd.Index(row_names)).to_numpy(dtype=object)
    tenant_names = np.concatenate([np.asarray(row_names, dtype=object), extra])
    sub_tenant = pd.Index(tenant_names).get_indexer(subs.tenant)
    rows_tenant = np.asarray(rows_tenant, dtype=np.int64)
    service_codes, service_values = pd.factorize(frame["service"])
    folded = [str(v).casefold() for v in service_values]
    canonical = {name: i for i, name in reversed(list(enumerate(folded)))}
    rows_service = np.array([canonical[f] for f in folded], dtype=np.int64)[service_codes]
    blank_tenant = _code_of("", tenant_names)
    blank_service = canonical.get("", -2)
    # The (subscription, service code) pairs a row may name: the service or the contract id.
    n_codes = len(folded) + 1
    named = np.concatenate(
        [
            _per_value(names, lambda n: canonical.get(n.casefold(), -1))
            for names in (subs.service, subs.contract)
        ]
    ).astype(np.int64)
    key_sub = np.tile(np.arange(n_subs, dtype=np.int64), 2)
    _, first = np.unique(key_sub[named >= 0] * n_codes + named[named >= 0], return_index=True)
    kept = np.sort(first)  # in the order given, without repeats
    key_sub, key_service = key_sub[named >= 0][kept], named[named >= 0][kept]
    key_tenant = sub_tenant[key_sub]
    has_t = rows_tenant != blank_tenant
    has_s = rows_service != blank_service
    all_subs = np.arange(n_subs, dtype=np.int64)
    pieces = [
        _join(
            has_t & has_s,
            rows_tenant * n_codes + rows_service,
            key_sub,
            key_tenant * n_codes + key_service,
        ),
        _join(has_t & ~has_s, rows_tenant, all_subs, sub_tenant.astype(np.int64)),
        _join(~has_t & has_s, rows_service, key_sub, key_service),
        _join(
            ~has_t & ~has_s,
            np.zeros(n_rows, dtype=np.int64),
            all_subs,
            np.zeros(n_subs, dtype=np.int64),
        ),
    ]
    idx = np.concatenate([p[0] for p in pieces])
    pair_sub = np.concatenate([p[1] for p in pieces])
    matched = np.zeros(n_rows, dtype=bool)
    matched[idx] = True
    problems = []
    known_tenants = set(subs.tenant)
    row_numbers = frame["row"].to_numpy(dtype=np.int64)
    for i in np.flatnonzero(~matched):
        tenant = "" if single else str(frame["tenant"].iat[int(i)])
        if tenant and tenant not in known_tenants:
            column, value, why = "tenant", tenant, "unknown tenant: not in the customers table"
        else:
            column, value = "service", str(frame["service"].iat[int(i)])
            why = "unknown service: no contract of this customer covers it"
        problems.append(RowProblem(int(row_numbers[i]), headers.get(column, column), value, why))
    result = _Pairs(idx, pair_sub, sub_tenant, tenant_names, rows_tenant)
    return result, problems


def _join(mask: npt.NDArray[np.bool_], row_key: I64, sub: I64, sub_key: I64) -> tuple[I64, I64]:
    """Every (row, subscription) pair with equal keys, for the rows under ``mask``: in row
    order, and for each row in the subscriptions' given order (an inner join)."""
    rows = np.flatnonzero(mask)
    keyed = pd.Index(sub_key)
    if keyed.is_unique:  # one subscription per key (the usual case): a hash lookup
        at = keyed.get_indexer(pd.Index(row_key[rows]))
        return rows[at >= 0].astype(np.int64), sub[at[at >= 0]]
    order = np.argsort(sub_key, kind="stable")
    keys = sub_key[order]
    lo = np.searchsorted(keys, row_key[rows], "left")
    count = np.searchsorted(keys, row_key[rows], "right") - lo
    ends = np.cumsum(count)
    at = np.arange(int(ends[-1]) if len(ends) else 0) + np.repeat(lo - ends + count, count)
    return np.repeat(rows, count).astype(np.int64), sub[order[at]]


def _per_value(values: np.ndarray | pd.Series, of: Callable[[str], object]) -> np.ndarray:
    """``of`` each of ``values`` (a column of the customers table: a few distinct values over
    thousands of rows), called once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.array([of(str(value)) for value in uniques], dtype=object)[codes]


def _code_of(value: str, uniques: np.ndarray) -> int:
    hit = np.flatnonzero(uniques == value)
    return int(hit[0]) if len(hit) else -1


@dataclass(frozen=True)
class _Weighted:
    """Matched (row, subscription) pairs with their affected units."""

    idx: I64
    sub: I64
    weight: I64
    cohort: I64  # -1 for the whole population
    cohort_names: tuple[str, ...]


def _weights(
    frame: pd.DataFrame,
    pairs: _Pairs,
    subs: _Subs,
    cohorts: pd.DataFrame,
    headers: Mapping[str, str],
) -> tuple[_Weighted, list[RowProblem]]:
    """Affected units per pair: a count, a percent of the cohort or population, or all of it.

    A problem names the column as the user's file called it (``headers``: field → header).
    """
    idx, sub = pairs.idx, pairs.sub
    licensed = subs.users[sub]
    # Cohort codes over the outage rows and the cohort table together; "" is the whole population.
    row_codes, row_names = pd.factorize(frame["cohort"])
    table_cohort = cohorts["cohort"].to_numpy(dtype=object)
    extra = pd.Index(table_cohort).difference(pd.Index(row_names)).to_numpy(dtype=object)
    names = np.concatenate([np.asarray(row_names, dtype=object), extra])
    table_codes = pd.Index(names).get_indexer(table_cohort)
    blank = _code_of("", names)
    cohort_code = np.asarray(row_codes, dtype=np.int64)[idx]
    # Cohort sizes by (tenant code, cohort code).
    table_tenant = pd.Index(pairs.tenant_names).get_indexer(cohorts["tenant"].to_numpy(object))
    known = table_tenant >= 0
    size_keys = table_tenant[known] * len(names) + table_codes[known]
    size_values = cohorts["users"].to_numpy(dtype=np.int64)[known]
    lookup = pairs.tenant_of_sub[sub] * len(names) + cohort_code
    # A dense (tenant × cohort name) table of sizes: one gather per pair, no search.
    table = np.full(len(pairs.tenant_names) * len(names), -1, dtype=np.int64)
    table[size_keys] = size_values
    whole = cohort_code == blank
    sized = table[lookup]
    population = np.where(whole, licensed, sized).astype(np.int64)

    users = frame["affected_users"].to_numpy(dtype=np.float64)[idx]
    percent = frame["affected_percent"].to_numpy(dtype=np.float64)[idx]
    has_users, has_percent = ~np.isnan(users), ~np.isnan(percent)
    hundredths = np.rint(np.nan_to_num(percent) * 100).astype(np.int64)
    count = np.nan_to_num(users).astype(np.int64)
    by_users = count * UNITS_PER_USER
    by_percent = population * hundredths
    weight = np.where(
        has_users, by_users, np.where(has_percent, by_percent, population * UNITS_PER_USER)
    )

    rows = frame["row"].to_numpy(dtype=np.int64)
    problems: list[RowProblem] = []
    bad = np.zeros(len(idx), dtype=bool)

    def cohort_of(i: int) -> object:  # looked up only for the pairs a problem names
        return names[cohort_code[i]]

    def reject(
        mask: np.ndarray, field: str, value: Callable[[int], object], why: Callable[[int], str]
    ) -> None:
        for i in np.flatnonzero(mask & ~bad).tolist():
            tenant = subs.tenant[sub[i]]
            where = f" (tenant {tenant!r})" if tenant else ""
            column = headers.get(field, field)
            text = _text(value(i))
            problems.append(RowProblem(int(rows[idx[i]]), column, text, why(i) + where))
        bad[mask] = True

    reject(
        (population < 0) & ~has_users,
        "cohort",
        cohort_of,
        lambda i: (
            f"the size of cohort {cohort_of(i)!r} is unknown: give it in the customers "
            f"table (a 'cohort:<name>' column) or as {option('cohorts', f'{cohort_of(i)}=N')}, "
            "or give affected users"
        ),
    )
    reject(
        has_users & (count > licensed),
        "affected_users",
        users.item,
        lambda i: f"more than the {licensed[i]} licensed users",
    )
    reject(
        has_users & (population >= 0) & (count > population),
        "affected_users",
        users.item,
        lambda i: f"more than the {population[i]} users of cohort {cohort_of(i)!r}",
    )
    # Users and percent agree when the users, as a percent of the population rounded half-up to
    # two decimals, are the percent as written (1 of 3 users is 33.33 %).
    checked = has_users & has_percent & (population > 0)
    both = np.flatnonzero(checked)
    as_hundredths = np.zeros(len(idx), dtype=np.int64)
    as_hundredths[both] = (2 * count[both] * 10_000 + population[both]) // (2 * population[both])
    reject(
        checked & (as_hundredths != hundredths),
        "affected_percent",
        percent.item,
        lambda i: (
            f"disagrees with affected_users: {count[i]} of {population[i]} users is "
            f"{as_hundredths[i] // 100}.{as_hundredths[i] % 100:02d} %"
        ),
    )
    # Cohort codes for the sweep: −1 for the whole population, else the name's code.
    sweep_code = np.where(whole, -1, cohort_code).astype(np.int64)
    if bad.any():  # the usual case has no rejected pair: nothing to take
        keep = ~bad
        idx, sub, weight, sweep_code = idx[keep], sub[keep], weight[keep], sweep_code[keep]
    return _Weighted(idx, sub, weight, sweep_code, tuple(names.tolist())), problems


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class _Part:
    """The results of one contract; evidence and exclusions are built only when asked for."""

    table: pd.DataFrame
    evidence: Callable[[], pd.DataFrame]
    exclusions: Callable[[], pd.DataFrame]


def _epoch_seconds(column: pd.Series) -> I64:
    """A UTC datetime column as whole epoch seconds (durations are kept to the second)."""
    return np.asarray(pd.DatetimeIndex(column).as_unit("s").asi8, dtype=np.int64)


@dataclass(frozen=True)
class _Rows:
    """What every group of subscriptions reads of each outage row, taken from the table once per
    calculation rather than once per group."""

    start: I64  # epoch seconds
    end: I64
    excluded: npt.NDArray[np.bool_]
    assumed: npt.NDArray[np.bool_]  # gave no affected-user count (``users_source``)

    @staticmethod
    def of(frame: pd.DataFrame) -> _Rows:
        return _Rows(
            _epoch_seconds(frame["start"]),
            _epoch_seconds(frame["end"]),
            (frame["excluded"] != "").to_numpy(dtype=bool),
            (frame["users_source"] == ASSUMED_ALL).to_numpy(dtype=bool),
        )


_THREADS = 2
_SPLIT_AT = 200_000  # windows; below this, one thread per contract is as fast


def _groups(in_contract: np.ndarray, weighted: _Weighted, n_rows: int) -> list[np.ndarray]:
    """The contract's subscriptions, split into two contiguous halves by window count when there
    are enough windows for two threads to pay (numpy releases the GIL in the sweep)."""
    if n_rows < _SPLIT_AT or in_contract.sum() < 2:
        return [in_contract]
    ids = np.flatnonzero(in_contract)
    load = np.bincount(weighted.sub, minlength=len(in_contract))[ids].cumsum()
    cut = int(ids[min(np.searchsorted(load, load[-1] / 2), len(ids) - 2)]) + 1
    first = in_contract.copy()
    first[cut:] = False
    return [first, in_contract & ~first]


def _one_contract(
    contract: Contract,
    subs: _Subs,
    in_contract: np.ndarray,
    weighted: _Weighted,
    frame: pd.DataFrame,
    rows: _Rows,
    ids: _Ids,
    requested: tuple[str, ...],
) -> _Part:
    """Everything for a group of subscriptions under one contract (one zone, one period kind)."""
    sub_ids = np.flatnonzero(in_contract).astype(np.int64)
    mine = np.flatnonzero(in_contract[weighted.sub])
    idx, sub = weighted.idx[mine], weighted.sub[mine]
    starts, ends, is_excluded = rows.start[idx], rows.end[idx], rows.excluded[idx]
    counts = ~is_excluded
    # The windows that count, gathered once: (subscription, start, end).
    counting = (sub[counts], starts[counts], ends[counts])

    kind, tz = contract.period, contract.timezone
    try:
        wanted = [parse_period(label, kind, tz) for label in requested]
    except ValueError as exc:
        raise InputError(f"periods: {exc} (contract {contract.id})") from None
    if not counts.any() and not wanted:
        return _Part(pd.DataFrame(), pd.DataFrame, pd.DataFrame)
    first_candidates, last_candidates = [], []
    if counts.any():
        first_candidates = [period_containing(kind, tz, int(starts[counts].min()))]
        last_candidates = [period_containing(kind, tz, int(ends[counts].max()) - 1)]
    first = min([*first_candidates, *wanted], key=lambda p: p.start)
    last = max([*last_candidates, *wanted], key=lambda p: p.start)
    plist = periods_between(kind, tz, first, last)
    edges = np.array(
        [int(p.start.timestamp()) for p in plist] + [int(plist[-1].end.timestamp())], dtype=np.int64
    )

    # Active (sub, period) pairs: periods an outage touches, and every requested period.
    _, w_sub, _, _, w_period = split_at_edges(*counting, edges)
    req_idx = [next(i for i, p in enumerate(plist) if p.label == w.label) for w in wanted]
    act_sub = np.concatenate([w_sub, np.repeat(sub_ids, len(req_idx))])
    act_period = np.concatenate(
        [w_period, np.tile(np.array(req_idx, dtype=np.int64), len(sub_ids))]
    )
    n_periods = len(plist)
    keys = distinct(act_sub * n_periods + act_period, len(subs.users) * n_periods)
    active = (keys // n_periods, keys % n_periods)

    # Exclusions: each subscription's excluded rows, and the contract's scheduled maintenance,
    # which is the same for every subscription: the sweep gets it only where a window meets it.
    m_start, m_end, m_reason = maintenance_windows(contract, plist[0].start, plist[-1].end)
    zero = np.zeros(len(m_start), dtype=np.int64)
    _, shared_start, shared_end = union_intervals(zero, m_start, m_end)
    shared = (shared_start, shared_end)
    own = (sub[is_excluded], starts[is_excluded], ends[is_excluded])
    met = shared_overlaps(*counting, shared)
    exclusions = (
        np.concatenate([own[0], met[0]]),
        np.concatenate([own[1], met[1]]),
        np.concatenate([own[2], met[2]]),
    )

    counted_cohorts = contract.counted_cohorts
    names = weighted.cohort_names
    cohort = weighted.cohort[mine[counts]]
    if counted_cohorts is None:
        counted = np.ones(len(cohort), dtype=bool)
    else:
        allowed = {n.casefold() for n in counted_cohorts}
        ok = np.array([n.casefold() in allowed for n in names], dtype=bool)
        counted = np.where(cohort >= 0, ok[np.maximum(cohort, 0)] if len(ok) else False, True)
    windows = Windows(
        sub=counting[0],
        start=counting[1],
        end=counting[2],
        weight=weighted.weight[mine[counts]],
        cohort=cohort,
        counted=counted,
    )
    rules = Rules(
        method=contract.method,
        threshold_hundredths=int(contract.downtime_threshold.percent * 100),
        threshold_inclusive=contract.downtime_threshold.operator == ">=",
        minimum_seconds=int(contract.minimum_downtime_minutes * 60),
    )
    licensed_units = subs.users * UNITS_PER_USER
    m = measure(windows, exclusions, licensed_units, edges, active, rules)
    excl = excluded_seconds(own, shared, edges, active)
    counted_idx = idx[counts]
    table = _table(contract, subs, plist, m, excl, counted_idx, ids, rows.assumed)

    def evidence() -> pd.DataFrame:
        return _evidence(contract, subs, plist, m, counted_idx, ids, _Ids.of(frame["users_source"]))

    def ex_table() -> pd.DataFrame:
        touched = distinct(active[0])
        return _exclusion_table(
            contract,
            subs,
            plist,
            edges,
            active,
            (
                np.concatenate([own[0], np.repeat(touched, len(m_start))]),
                np.concatenate([own[1], np.tile(m_start, len(touched))]),
                np.concatenate([own[2], np.tile(m_end, len(touched))]),
            ),
            np.concatenate(
                [
                    frame["excluded"].to_numpy(dtype=object)[idx[is_excluded]],
                    np.tile(np.array(m_reason, dtype=object), len(touched)),
                ]
            ),
        )

    return _Part(table, evidence, ex_table)


def _table(
    contract: Contract,
    subs: _Subs,
    plist: list[Period],
    m: Measurement,
    excl: I64,
    window_idx: I64,
    ids: _Ids,
    assumed: np.ndarray,
) -> pd.DataFrame:
    """The result rows of one contract: tier, credit and claim terms per (subscription, period).

    ``assumed`` marks the outage rows that gave no affected-user count (``users_source``).
    """
    n = len(m.sub)
    sub, pi = m.sub, m.period
    period_seconds = np.array([p.seconds for p in plist], dtype=np.int64)[pi]
    period_days = np.array([p.days for p in plist], dtype=np.int64)[pi]
    months = np.array([p.months for p in plist], dtype=np.int64)[pi]
    users = subs.users[sub]
    measured = period_seconds - excl
    down_s, down_u = m.downtime_seconds, m.downtime_units
    if contract.partial_minutes == "dropped":
        down_s = _whole_minutes(m, len(plist))
    # Exact availability = 100 × up / total: user-units fit in int64 (model.limits), and the
    # comparisons check per row that their products do (credits.products_below).
    if contract.method == "user_minutes":
        total = measured * users * UNITS_PER_USER
        lost = down_u
        per_second = users * UNITS_PER_USER
    else:
        total, lost = measured, down_s
        per_second = np.ones(n, dtype=np.int64)
    empty = total == 0  # a fully excluded period: nothing measured, nothing lost
    total = np.where(empty, 1, total)
    avail = Availability(up=total - lost, total=total)
    has_fee = np.array([f is not None for f in subs.fee], dtype=bool)[sub]
    fee_units = subs.fee_units[sub]
    period_fee = Fees(fee_units * months, MONEY_PLACES, has_fee, subs.currency[sub])
    none = np.zeros(0, dtype=np.int64)
    first_down = _first_downtime(m, len(plist)) if _any_incident_clock(contract) else (none, none)
    # Each period is measured under the text in force on its first day (rule: versions by date).
    text_of_period = np.array(
        [contract.version_index(p.start.date()) for p in plist], dtype=np.int64
    )
    text_of_row = text_of_period[pi]
    versions: list[str | None] = [None] * (len(contract.versions) + 1)  # per text, as rows use
    tier = np.full(n, -1, dtype=np.int64)
    margin = np.full(n, -1, dtype=np.int64)
    target = np.full(n, -1, dtype=np.int64)
    parts: list[tuple[I64, Credits]] = []
    words = [""]  # the tiers of every text described, each row's tier and next tier as indices
    tier_word = np.zeros(n, dtype=np.int64)
    next_word = np.zeros(n, dtype=np.int64)
    commitment = np.zeros(n, dtype=np.int64)
    deadline = np.zeros(n, dtype=np.int32)  # days since 1970-01-01 (date32), where has_deadline
    has_deadline = np.zeros(n, dtype=bool)
    for text_index in np.unique(text_of_row).tolist():
        terms = contract.text(int(text_index))
        rows = np.flatnonzero(text_of_row == text_index)
        part = Availability(up=avail.up[rows], total=total[rows])
        tier[rows] = choose_tiers(terms, part)
        days = fee_days(terms, period_days[rows], months[rows])
        credit = credits(
            terms,
            tier[rows],
            Availability(up=lost[rows], total=total[rows]),
            days,
            period_fee.take(rows),
        )
        margin[rows], target[rows] = seconds_to_next_tier(
            terms, tier[rows], part.up, part.total, per_second[rows], (measured - down_s)[rows]
        )
        if terms.partial_minutes == "dropped":  # more outage counts only in whole minutes
            margin[rows] = np.where(margin[rows] > 0, -(-margin[rows] // 60) * 60, margin[rows])
        described = np.arange(len(words) - 1, len(words) + len(terms.tiers), dtype=np.int64)
        described[0] = 0
        words += [t.describe() for t in terms.tiers]
        tier_word[rows] = described[tier[rows] + 1]
        next_word[rows] = described[target[rows] + 1]
        commitment[rows] = int(terms.commitment_percent.scaleb(PERCENT_PLACES))
        versions[text_index] = terms.source.version
        parts.append((rows, credit))
        if terms.claim.from_incident:
            found = _incident_deadlines(
                terms, sub[rows] * len(plist) + pi[rows], first_down, subs.billing_day[sub[rows]]
            )
            deadline[rows], has_deadline[rows] = _epoch_days(found)
        else:
            by_period: list[dt.date | None] = [None] * len(plist)
            for k in np.unique(pi[rows]).tolist():
                by_period[k] = _date(claim_deadline(terms, plist[k]))
            on_day, known = _epoch_days(by_period)
            deadline[rows], has_deadline[rows] = on_day[pi[rows]], known[pi[rows]]
    credit = _joined(parts)
    # Period edges as one small DatetimeIndex, taken per row: no Timestamp objects per row.
    edge_seconds = [int(p.start.timestamp()) for p in plist] + [int(plist[-1].end.timestamp())]
    edge_index = (
        pd.to_datetime(edge_seconds, unit="s", utc=True).tz_convert(contract.timezone).as_unit("us")
    )
    # Ids of the windows that were SLA downtime, and those that assumed their whole population.
    span_row = _span_rows(m, len(plist))
    span_window = window_idx[m.window_spans[0]]
    incident_ids = ids.by_group(span_row, span_window, n)
    users_assumed = _users_assumed(span_row, assumed[span_window], n)
    return pd.DataFrame(
        {
            "tenant": _tenants(subs.tenant, sub),
            "service": _texts([contract.service], np.zeros(n, dtype=np.int64)),
            "contract": _texts([contract.id], np.zeros(n, dtype=np.int64)),
            "period": _texts([p.label for p in plist], pi),
            "period_start": edge_index[:-1].take(pi),
            "period_end": edge_index[1:].take(pi),
            "timezone": _texts([contract.timezone], np.zeros(n, dtype=np.int64)),
            "period_days": period_days,
            "period_months": months,
            "licensed_users": users,
            "measured_seconds": measured,
            "measured_minutes": measured / 60,
            "excluded_seconds": excl,
            "downtime_seconds": down_s,
            "downtime_minutes": down_s / 60,
            "user_minutes": measured * users.astype(np.float64) / 60,
            "downtime_user_seconds": from_units(down_u, UNITS),
            "user_minutes_lost": down_u / (60 * UNITS_PER_USER),
            "impact_user_minutes": m.impact_units / (60 * UNITS_PER_USER),
            "availability_percent": avail.percent(),
            "commitment_percent": from_units(commitment, PERCENT),
            "terms_version": _texts(versions, text_of_row),
            "breached": tier >= 0,
            "tier_number": tier + 1,
            "tier": _texts(words, tier_word),
            "credit_percent": credit.percent,
            "credit_days": credit.days,
            "credit_amount": credit.amount,
            "credit_limited_by": credit.limited_by,
            "monthly_fee": from_units(fee_units, MONEY, has_fee),
            "period_fee": from_units(fee_units * months, MONEY, has_fee),
            "currency": period_fee.currency,
            "claim_deadline": pd.arrays.ArrowExtensionArray(
                pa.array(deadline, mask=~has_deadline, type=pa.int32()).view(DATE)
            ),
            "seconds_to_next_tier": pd.Series(margin, dtype="Int64").mask(margin < 0).array,
            "minutes_to_next_tier": _minutes_or_none(margin),
            "next_tier": _texts(words, next_word),
            "incident_ids": pd.arrays.ArrowExtensionArray(incident_ids),
            "users_assumed": users_assumed,
        }
    )


def _minutes_or_none(seconds: I64) -> npt.NDArray[np.float64] | list[None]:
    """Seconds as minutes, missing where negative: floats with NaN where some are given, as
    pandas makes a list of floats and ``None``; all ``None`` (an object column) where none is.
    A float division of whole seconds below 2**53 is Python's ``x / 60`` exactly."""
    if not (seconds >= 0).any():
        return [None] * len(seconds)
    return np.where(seconds < 0, np.nan, seconds / 60)


def _any_incident_clock(contract: Contract) -> bool:
    """Whether any text of the contract starts its claim clock at the incident."""
    return any(contract.text(i).claim.from_incident for i in range(len(contract.versions) + 1))


def _incident_deadlines(
    contract: Contract, keys: I64, first_down: tuple[I64, I64], billing_day: I64
) -> list[dt.date | None]:
    """Claim deadlines of a clock that starts at the first counted downtime of each row's period
    (``keys``: subscription × periods + period); one calendar computation per distinct local day
    and billing day. A row without downtime has no deadline."""
    known, first = first_down
    at = np.minimum(np.searchsorted(known, keys), max(len(known) - 1, 0))
    hit = (known[at] == keys) if len(known) else np.zeros(len(keys), dtype=bool)
    seconds = np.where(hit, first[at] if len(known) else 0, 0)
    days = pd.to_datetime(seconds, unit="s", utc=True).tz_convert(contract.timezone)
    memo: dict[tuple[int, int, int, int], dt.date | None] = {}
    out: list[dt.date | None] = []
    for h, y, m, d, b in zip(
        hit.tolist(), days.year, days.month, days.day, billing_day.tolist(), strict=True
    ):
        if not h:
            out.append(None)
            continue
        key = (int(y), int(m), int(d), int(b))
        if key not in memo:
            memo[key] = _date(incident_deadline(contract, pendulum.date(*key[:3]), key[3]))
        out.append(memo[key])
    return out


def _first_downtime(m: Measurement, n_periods: int) -> tuple[I64, I64]:
    """The epoch second the first counted downtime began, per key (subscription × periods +
    period): the sorted keys and their first seconds."""
    seg = m.segments
    down = np.flatnonzero(seg.down)
    keys, inverse = np.unique(seg.sub[down] * n_periods + seg.period[down], return_inverse=True)
    first = np.full(len(keys), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, inverse, seg.start[down])
    return keys.astype(np.int64), first


def _joined(parts: list[tuple[I64, Credits]]) -> Credits:
    """The credit columns of every text of a contract, put back in row order."""
    if len(parts) == 1:
        return parts[0][1]
    order = pa.array(np.argsort(np.concatenate([rows for rows, _ in parts]), kind="stable"))

    def column(pick: str) -> pd.arrays.ArrowExtensionArray:
        whole = pa.concat_arrays([pa.array(getattr(c, pick)) for _, c in parts])
        return pd.arrays.ArrowExtensionArray(whole.take(order))

    limited = np.concatenate([np.array(c.limited_by, dtype=object) for _, c in parts])
    return Credits(
        column("percent"), column("days"), column("amount"), limited[order.to_numpy()].tolist()
    )


def _texts(names: Sequence[str | None], at: I64) -> pd.api.extensions.ExtensionArray:
    """A text column of ``names[at]`` made in Arrow from the few distinct names: no Python
    string object per row."""
    column: pd.api.extensions.ExtensionArray = pd.array(
        pa.array(names, type=pa.string()).take(pa.array(at)), dtype="str"
    )
    return column


def _tenants(names: np.ndarray, at: I64) -> pd.api.extensions.ExtensionArray:
    """The tenants ``names[at]`` as a text column; a single customer's blank tenant is missing,
    not ``""``."""
    return _texts([name or None for name in names.tolist()], at)


def _epoch_days(days: list[dt.date | None]) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.bool_]]:
    """Dates as days since 1970-01-01 (``date32``'s unit) and whether each is given."""
    epoch = dt.date(1970, 1, 1).toordinal()
    ordinals = [0 if d is None else d.toordinal() - epoch for d in days]
    return np.array(ordinals, dtype=np.int32), np.array([d is not None for d in days], dtype=bool)


def _date(day: pendulum.Date | None) -> dt.date | None:
    return None if day is None else dt.date(day.year, day.month, day.day)


@dataclass(frozen=True)
class _Ids:
    """Incident ids as Arrow lays out strings, one per outage row: ``offsets`` into UTF-8
    ``data``, whether each row has an id (not missing, not empty), and each id's first eight
    bytes (``prefix``). The compiled lists (:mod:`slacalc.engine.id_lists`) read them to put
    each list in text order; nothing is hashed unless ``codes`` is asked for."""

    column: pa.StringArray
    offsets: I64
    data: npt.NDArray[np.uint8]
    prefix: npt.NDArray[np.uint64]  # each id's first eight bytes (id_lists.prefixes)
    present: npt.NDArray[np.bool_]

    @classmethod
    def of(cls, column: pd.Series) -> _Ids:
        from slacalc.engine.id_lists import prefixes

        values = pa.array(column, type=pa.string())
        if isinstance(values, pa.ChunkedArray):  # what a column of several chunks gives back
            values = values.combine_chunks()
        _, offset_buffer, data_buffer = values.buffers()
        n, at = len(values), values.offset
        offsets = np.frombuffer(offset_buffer, dtype=np.int32)[at : at + n + 1].astype(np.int64)
        data = np.frombuffer(data_buffer if data_buffer else b"\0", dtype=np.uint8)
        data.setflags(write=False)  # as b"\0" is: one compiled signature, lent buffer or not
        present = np.diff(offsets) > 0
        if values.null_count:
            present &= values.is_valid().to_numpy(zero_copy_only=False)
        return cls(values, offsets, data, prefixes(offsets, data), present)

    @functools.cached_property
    def codes(self) -> I64:
        """A code per row, equal where the ids are (−1: no id): hashed in Arrow when first asked
        for (a what-if groups windows by incident), then kept with these ids."""
        encoded = pc.dictionary_encode(self.column)
        codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
        return np.where(self.present, codes, -1).astype(np.int64)

    def by_group(self, group: I64, rows: I64, n_groups: int) -> pa.ListArray:
        """For each group ``0 … n_groups−1``, the distinct ids of its ``rows`` in text order;
        ``group`` (−1: none) and ``rows`` are pairs, grouped by row (as the sweep emits them)."""
        from slacalc.engine.id_lists import ordered_ids

        keep = self.present[rows] & (group >= 0)
        # Pairs come in runs of one row over consecutive segments: drop repeats without a sort.
        keep[1:] &= (group[1:] != group[:-1]) | (rows[1:] != rows[:-1])
        counts, ordered = ordered_ids(
            group[keep], rows[keep], n_groups, self.prefix, self.offsets, self.data
        )
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        return pa.ListArray.from_arrays(pa.array(offsets), self.column.take(pa.array(ordered)))


def _span_rows(m: Measurement, n_periods: int) -> I64:
    """The result row (index into ``m.sub``/``m.period``) of each window span, −1 where its
    (subscription, period) is not reported."""
    _, first, _ = m.window_spans
    row, hit = slots((m.sub, m.period), n_periods, m.segments.sub[first], m.segments.period[first])
    return np.where(hit, row, -1)


def _down_runs(seg: Segments) -> tuple[I64, I64, npt.NDArray[np.bool_]]:
    """The down segments, the run each belongs to (consecutive downtime of one subscription in
    one period) and where each run begins."""
    down = np.flatnonzero(seg.down)
    s, a, b, p = seg.sub[down], seg.start[down], seg.end[down], seg.period[down]
    new = np.ones(len(down), dtype=bool)
    new[1:] = (s[1:] != s[:-1]) | (p[1:] != p[:-1]) | (a[1:] != b[:-1])
    return down, np.cumsum(new) - 1, new


def _whole_minutes(m: Measurement, n_periods: int) -> I64:
    """Downtime seconds per result row with each run of downtime cut to whole minutes, for a
    contract whose text does not count partial minutes."""
    seg = m.segments
    down, run, new = _down_runs(seg)
    if len(down) == 0:
        return m.downtime_seconds
    seconds = np.zeros(int(run[-1]) + 1, dtype=np.int64)
    np.add.at(seconds, run, seg.end[down] - seg.start[down])
    key = seg.sub[down][new] * n_periods + seg.period[down][new]
    row = np.searchsorted(m.sub * n_periods + m.period, key)
    out = np.zeros(len(m.sub), dtype=np.int64)
    np.add.at(out, row, seconds // 60 * 60)
    return out


def _users_assumed(span_row: I64, assumed_span: np.ndarray, n_rows: int) -> I64:
    """Per result row, how many of its downtime windows gave no affected-user count and so count
    their whole population (``users_source`` "assumed all"): ``assumed_span`` marks those of the
    window spans, ``span_row`` (:func:`_span_rows`) is each span's row."""
    row = span_row[assumed_span & (span_row >= 0)]
    return np.bincount(row, minlength=n_rows).astype(np.int64)


def _evidence(
    contract: Contract,
    subs: _Subs,
    plist: list[Period],
    m: Measurement,
    window_idx: I64,
    ids: _Ids,
    sources_of: _Ids,
) -> pd.DataFrame:
    """Downtime that counted, merged into windows within each (subscription, period), with the
    incident ids and the sources of the affected users (``users_source``) of its windows."""
    seg = m.segments
    down, run, new = _down_runs(seg)
    if len(down) == 0:
        return pd.DataFrame()
    s, a, b, p, w = (
        seg.sub[down],
        seg.start[down],
        seg.end[down],
        seg.period[down],
        seg.sla_weight[down],
    )
    n = int(run[-1]) + 1
    start = a[new]
    end = np.zeros(n, dtype=np.int64)
    np.maximum.at(end, run, b)
    peak = np.zeros(n, dtype=np.int64)
    np.maximum.at(peak, run, w)
    lost = np.zeros(n, dtype=np.int64)
    np.add.at(lost, run, (b - a) * w)
    # Incident ids per merged window: a window's span meets a contiguous range of merged windows,
    # from the one holding its first down segment to the one holding its last.
    owner, first, last = m.window_spans
    first_run = run[np.searchsorted(down, first)]
    last_run = run[np.searchsorted(down, last) - 1]
    span, runs = explode(first_run, last_run - first_run + 1)
    ids_by_run = ids.by_group(runs, window_idx[owner[span]], n)
    sources = sources_of.by_group(runs, window_idx[owner[span]], n)
    return pd.DataFrame(
        {
            "tenant": _tenants(subs.tenant, s[new]),
            "service": contract.service,
            "contract": contract.id,
            "period": [plist[i].label for i in p[new]],
            "start": pd.to_datetime(start, unit="s", utc=True),
            "end": pd.to_datetime(end, unit="s", utc=True),
            "minutes": (end - start) / 60,
            "peak_affected_users": from_units(peak, UNITS),
            "user_minutes_lost": lost / (60 * UNITS_PER_USER),
            "incident_ids": pd.arrays.ArrowExtensionArray(ids_by_run),
            "users_source": pd.arrays.ArrowExtensionArray(sources),
        }
    )


def _exclusion_table(
    contract: Contract,
    subs: _Subs,
    plist: list[Period],
    edges: I64,
    active: tuple[I64, I64],
    exclusions: tuple[I64, I64, I64],
    reasons: np.ndarray,
) -> pd.DataFrame:
    """Excluded time per period, clipped to the reported periods, with the reason for each piece."""
    ex_sub, ex_start, ex_end = exclusions
    lo, hi = edges[0], edges[-1]
    keep = (ex_end > lo) & (ex_start < hi)
    origin, s, a, b, p = split_at_edges(
        ex_sub[keep], np.maximum(ex_start[keep], lo), np.minimum(ex_end[keep], hi), edges
    )
    _, shown = slots(active, len(edges) - 1, s, p)
    if not shown.any():
        return pd.DataFrame()
    r = reasons[keep][origin][shown]
    s, a, b, p = s[shown], a[shown], b[shown], p[shown]
    order = np.lexsort((b, a, s))  # subscription, then time: the order of the evidence
    r, s, a, b, p = r[order], s[order], a[order], b[order], p[order]
    return pd.DataFrame(
        {
            "tenant": _tenants(subs.tenant, s),
            "service": contract.service,
            "contract": contract.id,
            "period": [plist[i].label for i in p],
            "start": pd.to_datetime(a, unit="s", utc=True),
            "end": pd.to_datetime(b, unit="s", utc=True),
            "minutes": (b - a) / 60,
            "reason": r,
        }
    )
