"""``calculate``: outages, customers and contracts in; availability, credits and claims out.

This module joins the tables (which window belongs to which subscription, how many users it hit),
hands whole arrays to :mod:`slacalc.engine.sweep`, and turns the per-period sums into the result
table with :mod:`slacalc.engine.credits` and :mod:`slacalc.engine.deadlines`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pendulum

from slacalc.engine.credits import Availability, choose_tiers, credits, seconds_to_next_tier
from slacalc.engine.deadlines import claim_deadline
from slacalc.engine.maintenance import maintenance_windows
from slacalc.engine.results import EVIDENCE_COLUMNS, EXCLUSION_COLUMNS, RESULT_COLUMNS, Results
from slacalc.engine.sweep import (
    I64,
    MAX_LICENSED_USERS,
    UNITS_DIGITS,
    UNITS_PER_USER,
    Measurement,
    Rules,
    Windows,
    distinct,
    excluded_seconds,
    measure,
    shared_overlaps,
    slots,
    split_at_edges,
    union_intervals,
)
from slacalc.errors import CalculationError, InputError, RowProblem
from slacalc.io.customers import Customers
from slacalc.io.outages import Outages, read_outages
from slacalc.model.contract import Contract, load_contract
from slacalc.model.periods import Period, parse_period, period_containing, periods_between

OutageSource = Outages | pd.DataFrame | str | Path | IO[str] | IO[bytes]
_DISPLAY_PLACES = Decimal("1e-10")


def calculate(
    outages: OutageSource,
    contract: str | Path | Contract | None = None,
    *,
    users: int | None = None,
    monthly_fee: Decimal | int | str | None = None,
    currency: str = "USD",
    periods: Iterable[str] | None = None,
    customers: Customers | pd.DataFrame | str | Path | None = None,
    cohorts: Mapping[str, int] | None = None,
    timezone: str = "UTC",
) -> Results:
    """Availability and credits per tenant, service and period.

    One customer: ``calculate(outages, "microsoft-365-exchange-online", users=1000,
    monthly_fee="8000")``. A portfolio: ``calculate(outages, customers=table)``, each tenant under
    its own contract (a ``contract`` given as well replaces every tenant's, for a what-if).
    ``periods`` adds periods to report (``"2026-03"``, ``"2026-Q1"``) besides those an outage
    touches.
    """
    table = outages if isinstance(outages, Outages) else read_outages(outages, timezone)
    custs = _customers(contract, customers, users, monthly_fee, currency, cohorts)
    given = {contract.id: contract} if isinstance(contract, Contract) else {}
    contracts = {
        cid: given.get(cid) or load_contract(cid) for cid in custs.frame["contract"].unique()
    }
    subs = _subscriptions(custs, contracts)
    headers = {field: header for header, field in table.mapping.items()}
    pairs, problems = _match(table.frame, subs, headers, single=customers is None)
    weights, more = _weights(table.frame, pairs, subs, custs.cohorts, headers)
    problems += more
    requested = tuple(periods or ())
    ids = _Ids.of(table.frame)
    groups = [
        (contracts[cid], group)
        for cid in sorted(contracts)
        for group in _groups(subs.contract == cid, weights, len(table.frame))
    ]
    with ThreadPoolExecutor(max_workers=min(len(groups), _THREADS)) as pool:
        parts = list(
            pool.map(
                lambda job: _one_contract(
                    job[0], subs, job[1], weights, table.frame, ids, requested
                ),
                groups,
            )
        )
    frames = [p.table for p in parts]
    result = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    result = result.reindex(columns=list(RESULT_COLUMNS))
    return Results(
        table=result.sort_values(["tenant", "service", "period"], kind="stable", ignore_index=True),
        evidence=lambda: _concat([p.evidence() for p in parts], EVIDENCE_COLUMNS),
        exclusions=lambda: _concat([p.exclusions() for p in parts], EXCLUSION_COLUMNS),
        rejected=tuple(sorted(table.rejected + tuple(problems), key=lambda p: p.row)),
        contracts=contracts,
        outages=table,
        customers=custs,
    )


def _concat(frames: list[pd.DataFrame], columns: tuple[str, ...]) -> pd.DataFrame:
    """The parts' rows in one table: each part is in subscription then time order, and the parts
    are contracts (by id) or contiguous ranges of subscriptions, so the whole is too."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: [] for c in columns})
    return pd.concat(frames, ignore_index=True)[list(columns)]


def _customers(
    contract: str | Path | Contract | None,
    customers: Customers | pd.DataFrame | str | Path | None,
    users: int | None,
    monthly_fee: Decimal | int | str | None,
    currency: str,
    cohorts: Mapping[str, int] | None,
) -> Customers:
    """The customers to compute: a table, or one customer given inline."""
    contract_id = None
    if contract is not None:
        contract_id = contract.id if isinstance(contract, Contract) else str(contract)
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

        customers = read_customers(customers)
    if contract_id is not None:
        frame = customers.frame.assign(contract=contract_id)
        customers = Customers(frame=frame, cohorts=customers.cohorts, rejected=customers.rejected)
    return customers


@dataclass(frozen=True)
class _Subs:
    """Subscriptions (tenant × contract) as parallel arrays; the index is the subscription id."""

    tenant: np.ndarray
    contract: np.ndarray
    service: np.ndarray
    users: I64
    fee: np.ndarray  # Decimal | None
    currency: np.ndarray


def _subscriptions(custs: Customers, contracts: Mapping[str, Contract]) -> _Subs:
    frame = custs.frame.reset_index(drop=True)
    users = frame["users"].to_numpy(dtype=np.int64)
    big = np.flatnonzero(users > MAX_LICENSED_USERS)
    if len(big):
        raise CalculationError(
            f"tenant {frame['tenant'].iloc[big[0]]!r}: more than {MAX_LICENSED_USERS:,} licensed "
            "users is beyond what slacalc computes exactly"
        )
    return _Subs(
        tenant=frame["tenant"].to_numpy(dtype=object),
        contract=frame["contract"].to_numpy(dtype=object),
        service=np.array([contracts[c].service for c in frame["contract"]], dtype=object),
        users=users,
        fee=frame["monthly_fee"].to_numpy(dtype=object),
        currency=frame["currency"].to_numpy(dtype=object),
    )


@dataclass(frozen=True)
class _Pairs:
    """Outage rows matched to subscriptions: row index and subscription index, as arrays."""

    idx: I64
    sub: I64
    tenant_of_sub: I64  # a code per subscription's tenant
    tenant_names: np.ndarray  # the tenant of each code


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
    by_sub = pd.DataFrame({"sub": np.arange(n_subs), "tenant": sub_tenant})
    accepted = [  # a row may name the service or the contract id
        by_sub.assign(service=[canonical.get(n.casefold(), -1) for n in names])
        for names in (subs.service, subs.contract)
    ]
    sub_keys = pd.concat(accepted, ignore_index=True)
    sub_keys = sub_keys[sub_keys["service"] >= 0].drop_duplicates()
    rows = pd.DataFrame({"idx": np.arange(n_rows), "tenant": rows_tenant, "service": rows_service})
    has_t = rows_tenant != blank_tenant
    has_s = rows_service != blank_service
    pieces = []
    for mask, keys, on in (
        (has_t & has_s, sub_keys, ["tenant", "service"]),
        (has_t & ~has_s, by_sub, ["tenant"]),
        (~has_t & has_s, sub_keys[["sub", "service"]].drop_duplicates(), ["service"]),
    ):
        if mask.any():
            pieces.append(rows.loc[mask, ["idx", *on]].merge(keys[["sub", *on]], on=on))
    if (~has_t & ~has_s).any():
        everyone = rows.loc[~has_t & ~has_s, ["idx"]]
        pieces.append(everyone.merge(by_sub[["sub"]], how="cross"))
    pairs = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame({"idx": [], "sub": []})
    idx = pairs["idx"].to_numpy(dtype=np.int64)
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
    result = _Pairs(idx, pairs["sub"].to_numpy(dtype=np.int64), sub_tenant, tenant_names)
    return result, problems


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

    rows = frame["row"].to_numpy(dtype=np.int64)[idx]
    tenants = subs.tenant[sub]
    cohort_of = np.asarray(names, dtype=object)[cohort_code]
    problems: list[RowProblem] = []
    bad = np.zeros(len(idx), dtype=bool)

    def reject(mask: np.ndarray, field: str, values: np.ndarray, why: Callable[[int], str]) -> None:
        for i in np.flatnonzero(mask & ~bad):
            where = f" (tenant {tenants[i]!r})" if tenants[i] else ""
            column = headers.get(field, field)
            problems.append(RowProblem(int(rows[i]), column, _text(values[i]), why(int(i)) + where))
        bad[mask] = True

    reject(
        (population < 0) & ~has_users,
        "cohort",
        cohort_of,
        lambda i: (
            f"the size of cohort {cohort_of[i]!r} is unknown: give it in the customers "
            "table (a 'cohort:<name>' column) or give affected users"
        ),
    )
    reject(
        has_users & (count > licensed),
        "affected_users",
        users,
        lambda i: f"more than the {licensed[i]} licensed users",
    )
    reject(
        has_users & (population >= 0) & (count > population),
        "affected_users",
        users,
        lambda i: f"more than the {population[i]} users of cohort {cohort_of[i]!r}",
    )
    # Users and percent agree when the users, as a percent of the population rounded half-up to
    # two decimals, are the percent as written (1 of 3 users is 33.33 %).
    safe = np.maximum(population, 1)
    as_hundredths = (2 * count * 10_000 + safe) // (2 * safe)
    reject(
        has_users & has_percent & (population > 0) & (as_hundredths != hundredths),
        "affected_percent",
        percent,
        lambda i: (
            f"disagrees with affected_users: {count[i]} of {population[i]} users is "
            f"{as_hundredths[i] // 100}.{as_hundredths[i] % 100:02d} %"
        ),
    )
    keep = ~bad
    # Cohort codes for the sweep: −1 for the whole population, else the name's code.
    sweep_code = np.where(whole, -1, cohort_code).astype(np.int64)
    return (
        _Weighted(idx[keep], sub[keep], weight[keep], sweep_code[keep], tuple(names.tolist())),
        problems,
    )


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
    ids: _Ids,
    requested: tuple[str, ...],
) -> _Part:
    """Everything for a group of subscriptions under one contract (one zone, one period kind)."""
    sub_ids = np.flatnonzero(in_contract).astype(np.int64)
    mine = in_contract[weighted.sub]
    idx, sub = weighted.idx[mine], weighted.sub[mine]
    starts = _epoch_seconds(frame["start"])[idx]
    ends = _epoch_seconds(frame["end"])[idx]
    is_excluded = (frame["excluded"] != "").to_numpy(dtype=bool)[idx]
    counts = ~is_excluded

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
    _, w_sub, _, _, w_period = split_at_edges(sub[counts], starts[counts], ends[counts], edges)
    req_idx = [next(i for i, p in enumerate(plist) if p.label == w.label) for w in wanted]
    act_sub = np.concatenate([w_sub, np.repeat(sub_ids, len(req_idx))])
    act_period = np.concatenate(
        [w_period, np.tile(np.array(req_idx, dtype=np.int64), len(sub_ids))]
    )
    n_periods = len(plist)
    keys = distinct(act_sub * n_periods + act_period)
    active = (keys // n_periods, keys % n_periods)

    # Exclusions: each subscription's excluded rows, and the contract's scheduled maintenance,
    # which is the same for every subscription: the sweep gets it only where a window meets it.
    m_start, m_end, m_reason = maintenance_windows(contract, plist[0].start, plist[-1].end)
    zero = np.zeros(len(m_start), dtype=np.int64)
    _, shared_start, shared_end = union_intervals(zero, m_start, m_end)
    shared = (shared_start, shared_end)
    own = (sub[is_excluded], starts[is_excluded], ends[is_excluded])
    met = shared_overlaps(sub[counts], starts[counts], ends[counts], shared)
    exclusions = (
        np.concatenate([own[0], met[0]]),
        np.concatenate([own[1], met[1]]),
        np.concatenate([own[2], met[2]]),
    )

    counted_cohorts = contract.counted_cohorts
    names = weighted.cohort_names
    cohort = weighted.cohort[mine][counts]
    if counted_cohorts is None:
        counted = np.ones(len(cohort), dtype=bool)
    else:
        allowed = {n.casefold() for n in counted_cohorts}
        ok = np.array([n.casefold() in allowed for n in names], dtype=bool)
        counted = np.where(cohort >= 0, ok[np.maximum(cohort, 0)] if len(ok) else False, True)
    windows = Windows(
        sub=sub[counts],
        start=starts[counts],
        end=ends[counts],
        weight=weighted.weight[mine][counts],
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
    table = _table(contract, subs, plist, m, excl, counted_idx, ids)

    def evidence() -> pd.DataFrame:
        return _evidence(contract, subs, plist, m, counted_idx, ids)

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
) -> pd.DataFrame:
    """The result rows of one contract: tier, credit and claim terms per (subscription, period)."""
    n = len(m.sub)
    sub, pi = m.sub, m.period
    period_seconds = np.array([p.seconds for p in plist], dtype=np.int64)[pi]
    period_days = np.array([p.days for p in plist], dtype=np.int64)[pi]
    months = np.array([p.months for p in plist], dtype=np.int64)[pi]
    users = subs.users[sub]
    measured = period_seconds - excl
    down_s, down_u = m.downtime_seconds, m.downtime_units
    # Exact availability = 100 × up / total, in Python ints so nothing overflows or rounds.
    if contract.method == "user_minutes":
        total = measured.astype(object) * users.astype(object) * UNITS_PER_USER
        lost = down_u.astype(object)
        per_second = users.astype(object) * UNITS_PER_USER
    else:
        total, lost = measured.astype(object), down_s.astype(object)
        per_second = np.ones(n, dtype=object)
    empty = total == 0  # a fully excluded period: nothing measured, nothing lost
    total = np.where(empty, 1, total)
    avail = Availability(up=total - lost, total=total)
    tier = choose_tiers(contract, avail)
    fees = subs.fee[sub]
    period_fee = [
        None if f is None else f * int(k) for f, k in zip(fees, months.tolist(), strict=True)
    ]
    currency = [str(c) for c in subs.currency[sub]]
    credit = credits(
        contract, tier, Availability(up=lost, total=total), period_days, period_fee, currency
    )
    margin, target = seconds_to_next_tier(
        contract, tier, avail.up, total, per_second, measured - down_s
    )
    described = np.array(["", *(t.describe() for t in contract.tiers)], dtype=object)
    deadlines = [_date(claim_deadline(contract, p)) for p in plist]
    # Period edges as one small DatetimeIndex, taken per row: no Timestamp objects per row.
    edge_seconds = [int(p.start.timestamp()) for p in plist] + [int(plist[-1].end.timestamp())]
    edge_index = (
        pd.to_datetime(edge_seconds, unit="s", utc=True).tz_convert(contract.timezone).as_unit("us")
    )
    incident_ids = _incident_ids(m, window_idx, ids, len(plist))
    return pd.DataFrame(
        {
            "tenant": subs.tenant[sub],
            "service": contract.service,
            "contract": contract.id,
            "period": [plist[i].label for i in pi.tolist()],
            "period_start": edge_index[:-1].take(pi),
            "period_end": edge_index[1:].take(pi),
            "timezone": contract.timezone,
            "period_days": period_days,
            "period_months": months,
            "licensed_users": users,
            "measured_seconds": measured,
            "measured_minutes": measured / 60,
            "excluded_seconds": excl,
            "downtime_seconds": down_s,
            "downtime_minutes": down_s / 60,
            "user_minutes": measured * users.astype(np.float64) / 60,
            "downtime_user_seconds": _decimals(down_u, UNITS_DIGITS),
            "user_minutes_lost": down_u / (60 * UNITS_PER_USER),
            "impact_user_minutes": m.impact_units / (60 * UNITS_PER_USER),
            "availability_percent": avail.percent(),
            "commitment_percent": contract.commitment_percent,
            "breached": tier >= 0,
            "tier_number": tier + 1,
            "tier": described[tier + 1],
            "credit_percent": credit.percent,
            "credit_days": credit.days,
            "credit_amount": credit.amount,
            "monthly_fee": fees,
            "period_fee": period_fee,
            "currency": currency,
            "claim_deadline": [deadlines[i] for i in pi.tolist()],
            "seconds_to_next_tier": pd.Series(margin, dtype="Int64").mask(margin < 0).array,
            "minutes_to_next_tier": [None if x < 0 else x / 60 for x in margin.tolist()],
            "next_tier": described[target + 1],
            "incident_ids": incident_ids,
        }
    )


def _decimals(units: np.ndarray, places: int) -> list[Decimal]:
    """Integers counted in ``10**-places`` as exact Decimals (``112500`` at 4 places: 11.25)."""
    whole = (units % 10**places == 0).tolist()
    return [
        Decimal(u // 10**places) if w else Decimal(u).scaleb(-places).normalize()
        for u, w in zip(units.tolist(), whole, strict=True)
    ]


def _date(day: pendulum.Date | None) -> dt.date | None:
    return None if day is None else dt.date(day.year, day.month, day.day)


@dataclass(frozen=True)
class _Ids:
    """Incident ids factorised once: a sorted code per outage row, and the id of each code."""

    codes: I64
    names: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame) -> _Ids:
        # Unsorted codes: hashing is cheap, sorting a million distinct ids is not; each group's
        # few ids are sorted when its tuple is built.
        codes, names = pd.factorize(frame["id"])
        return cls(np.asarray(codes, dtype=np.int64), np.asarray(names, dtype=object))

    def by_group(self, group: I64, rows: I64, wanted: I64) -> list[tuple[str, ...]]:
        """For each of the sorted ``wanted`` groups, the sorted distinct non-empty ids of its
        ``rows``; ``group`` and ``rows`` are pairs, grouped by row (as the sweep emits them)."""
        codes = self.codes[rows]
        keep = codes != _code_of("", self.names)
        # Pairs come in runs of one row over consecutive segments: drop repeats without a sort.
        keep[1:] &= (group[1:] != group[:-1]) | (rows[1:] != rows[:-1])
        if not keep.any():
            return [()] * len(wanted)
        width = np.int64(len(self.names))
        keys = distinct(group[keep] * width + codes[keep])
        groups, names = keys // width, self.names[keys % width].tolist()
        lo = np.searchsorted(groups, wanted, side="left").tolist()
        hi = np.searchsorted(groups, wanted, side="right").tolist()
        return [
            tuple(sorted(names[a:b])) if b - a > 1 else tuple(names[a:b])
            for a, b in zip(lo, hi, strict=True)
        ]


def _incident_ids(
    m: Measurement, window_idx: I64, ids: _Ids, n_periods: int
) -> list[tuple[str, ...]]:
    """Ids of the windows that were SLA downtime, per result row (subscription, period)."""
    owner, seg = m.window_segments
    group = m.segments.sub[seg] * n_periods + m.segments.period[seg]
    return ids.by_group(group, window_idx[owner], m.sub * n_periods + m.period)


def _evidence(
    contract: Contract,
    subs: _Subs,
    plist: list[Period],
    m: Measurement,
    window_idx: I64,
    ids: _Ids,
) -> pd.DataFrame:
    """Downtime that counted, merged into windows within each (subscription, period)."""
    seg = m.segments
    down = np.flatnonzero(seg.down)
    if len(down) == 0:
        return pd.DataFrame()
    s, a, b, p, w = (
        seg.sub[down],
        seg.start[down],
        seg.end[down],
        seg.period[down],
        seg.sla_weight[down],
    )
    new = np.ones(len(down), dtype=bool)
    new[1:] = (s[1:] != s[:-1]) | (p[1:] != p[:-1]) | (a[1:] != b[:-1])
    run = np.cumsum(new) - 1
    n = int(run[-1]) + 1
    start = a[new]
    end = np.zeros(n, dtype=np.int64)
    np.maximum.at(end, run, b)
    peak = np.zeros(n, dtype=np.int64)
    np.maximum.at(peak, run, w)
    lost = np.zeros(n, dtype=np.int64)
    np.add.at(lost, run, (b - a) * w)
    # Incident ids per merged window, through the (window, segment) pairs that were down.
    owner, wseg = m.window_segments
    pos = np.searchsorted(down, wseg)
    ids_by_run = ids.by_group(run[pos], window_idx[owner], np.arange(n, dtype=np.int64))
    return pd.DataFrame(
        {
            "tenant": subs.tenant[s[new]],
            "service": contract.service,
            "contract": contract.id,
            "period": [plist[i].label for i in p[new]],
            "start": pd.to_datetime(start, unit="s", utc=True),
            "end": pd.to_datetime(end, unit="s", utc=True),
            "minutes": (end - start) / 60,
            "peak_affected_users": peak / UNITS_PER_USER,
            "user_minutes_lost": lost / (60 * UNITS_PER_USER),
            "incident_ids": ids_by_run,
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
            "tenant": subs.tenant[s],
            "service": contract.service,
            "contract": contract.id,
            "period": [plist[i].label for i in p],
            "start": pd.to_datetime(a, unit="s", utc=True),
            "end": pd.to_datetime(b, unit="s", utc=True),
            "minutes": (b - a) / 60,
            "reason": r,
        }
    )
