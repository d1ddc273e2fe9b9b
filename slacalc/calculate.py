"""``calculate``: outages, customers and contracts in; availability, credits and claims out.

This module joins the tables (which window belongs to which subscription, how many users it hit),
hands whole arrays to :mod:`slacalc.availability`, and turns the per-period sums into the result
table with :mod:`slacalc.credits` and :mod:`slacalc.claims`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pendulum

from slacalc.availability import (
    I64,
    MAX_LICENSED_USERS,
    UNITS_PER_USER,
    Measurement,
    Rules,
    Windows,
    excluded_seconds,
    measure,
    split_at_edges,
    union_intervals,
)
from slacalc.claims import claim_deadline, seconds_to_next_tier
from slacalc.contract import Contract, load_contract
from slacalc.credits import Availability, choose_tiers, credits
from slacalc.customers import Customers
from slacalc.errors import CalculationError, InputError
from slacalc.maintenance import maintenance_windows
from slacalc.outages import Outages, RowProblem, read_outages
from slacalc.periods import Period, make_period, parse_period, period_containing, periods_between
from slacalc.results import EVIDENCE_COLUMNS, EXCLUSION_COLUMNS, RESULT_COLUMNS, Results

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
    pairs, problems = _match(table.frame, subs, single=customers is None)
    weights, more = _weights(table.frame, pairs, subs, custs.cohorts, contracts)
    problems += more
    requested = tuple(periods or ())
    parts = [
        _one_contract(contracts[cid], subs, weights, table.frame, requested)
        for cid in sorted(contracts)
    ]
    frames = [p.table for p in parts]
    result = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    result = result.reindex(columns=list(RESULT_COLUMNS))
    return Results(
        table=result.sort_values(["tenant", "service", "period"], kind="stable", ignore_index=True),
        evidence=_concat([p.evidence for p in parts], EVIDENCE_COLUMNS),
        exclusions=_concat([p.exclusions for p in parts], EXCLUSION_COLUMNS),
        rejected=tuple(sorted(table.rejected + tuple(problems), key=lambda p: p.row)),
        contracts=contracts,
        outages=table,
        customers=custs,
    )


def _concat(frames: list[pd.DataFrame], columns: tuple[str, ...]) -> pd.DataFrame:
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
        from slacalc.customers import read_customers

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


def _match(
    frame: pd.DataFrame, subs: _Subs, *, single: bool
) -> tuple[pd.DataFrame, list[RowProblem]]:
    """Pair every outage row with the subscriptions it applies to.

    An empty tenant applies the row to every tenant, an empty service to every service of the tenant
    (a region-wide event hits everyone). A single customer takes every row whatever its tenant.
    """
    sub_keys = pd.DataFrame(
        {
            "sub": np.arange(len(subs.users), dtype=np.int64),
            "tenant": subs.tenant,
            "service_key": [s.casefold() for s in subs.service],
        }
    )
    by_id = pd.DataFrame(
        {
            "sub": sub_keys["sub"],
            "tenant": sub_keys["tenant"],
            "service_key": [str(c).casefold() for c in subs.contract],
        }
    )
    sub_keys = pd.concat([sub_keys, by_id], ignore_index=True).drop_duplicates()
    rows = pd.DataFrame(
        {
            "idx": np.arange(len(frame), dtype=np.int64),
            "tenant": "" if single else frame["tenant"].to_numpy(dtype=object),
            "service_key": frame["service"].str.casefold().to_numpy(dtype=object),
        }
    )
    pieces = []
    has_t, has_s = rows["tenant"] != "", rows["service_key"] != ""
    for mask, on in (
        (has_t & has_s, ["tenant", "service_key"]),
        (has_t & ~has_s, ["tenant"]),
        (~has_t & has_s, ["service_key"]),
    ):
        pieces.append(rows.loc[mask, ["idx", *on]].merge(sub_keys[["sub", *on]], on=on))
    both_empty = rows.loc[~has_t & ~has_s, ["idx"]]
    pieces.append(both_empty.merge(sub_keys[["sub"]].drop_duplicates(), how="cross"))
    pairs = pd.concat(pieces, ignore_index=True).drop_duplicates(["idx", "sub"])
    pairs = pairs.sort_values(["idx", "sub"], ignore_index=True)[["idx", "sub"]]
    problems = []
    unmatched = np.setdiff1d(rows["idx"].to_numpy(), pairs["idx"].to_numpy())
    known_tenants = set(subs.tenant)
    row_numbers = frame["row"].to_numpy(dtype=np.int64)
    tenants = frame["tenant"].to_numpy(dtype=object)
    services = frame["service"].to_numpy(dtype=object)
    for i in unmatched:
        tenant = str(tenants[i])
        if not single and tenant and tenant not in known_tenants:
            column, value, why = "tenant", tenant, "unknown tenant: not in the customers table"
        else:
            column, value = "service", str(services[i])
            why = "unknown service: no contract of this customer covers it"
        problems.append(RowProblem(int(row_numbers[i]), column, value, why))
    return pairs, problems


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
    pairs: pd.DataFrame,
    subs: _Subs,
    cohorts: pd.DataFrame,
    contracts: Mapping[str, Contract],
) -> tuple[_Weighted, list[RowProblem]]:
    """Affected units per pair: a count, a percent of the cohort or population, or all of it."""
    idx = pairs["idx"].to_numpy(dtype=np.int64)
    sub = pairs["sub"].to_numpy(dtype=np.int64)
    cohort_name = frame["cohort"].to_numpy(dtype=object)[idx]
    licensed = subs.users[sub]
    sizes = pd.DataFrame({"tenant": subs.tenant[sub], "cohort": cohort_name})
    sized = sizes.merge(
        cohorts.rename(columns={"users": "size"}), on=["tenant", "cohort"], how="left"
    )["size"].to_numpy(dtype=np.float64)
    whole = cohort_name == ""
    population = np.where(whole, licensed, np.nan_to_num(sized, nan=-1)).astype(np.int64)
    users = frame["affected_users"].to_numpy(dtype=np.float64)[idx]
    percent = frame["affected_percent"].to_numpy(dtype=np.float64)[idx]
    has_users, has_percent = ~np.isnan(users), ~np.isnan(percent)
    hundredths = np.rint(np.nan_to_num(percent) * 100).astype(np.int64)
    by_users = np.nan_to_num(users).astype(np.int64) * UNITS_PER_USER
    by_percent = population * hundredths
    weight = np.where(
        has_users, by_users, np.where(has_percent, by_percent, population * UNITS_PER_USER)
    )

    rows = frame["row"].to_numpy(dtype=np.int64)[idx]
    tenants = subs.tenant[sub]
    problems: list[RowProblem] = []
    bad = np.zeros(len(idx), dtype=bool)

    def reject(mask: np.ndarray, column: str, values: np.ndarray, why: str) -> None:
        for i in np.flatnonzero(mask & ~bad):
            where = f" (tenant {tenants[i]!r})" if tenants[i] else ""
            problems.append(RowProblem(int(rows[i]), column, _text(values[i]), why + where))
        bad[mask] = True

    no_size = (population < 0) & ~has_users
    reject(
        no_size,
        "cohort",
        cohort_name,
        "cohort size unknown: give it in the customers table or give affected_users",
    )
    too_many = has_users & (
        by_users > np.where(population >= 0, population, licensed) * UNITS_PER_USER
    )
    reject(too_many, "affected_users", users, "more users than the cohort or the licensed users")
    disagree = has_users & has_percent & (population >= 0) & (by_users != by_percent)
    reject(disagree, "affected_percent", percent, "affected_users and affected_percent disagree")
    counted_names = sorted({str(c) for c in cohort_name if c})
    code = {name: i for i, name in enumerate(counted_names)}
    cohort_code = np.array([code.get(c, -1) if c else -1 for c in cohort_name], dtype=np.int64)
    keep = ~bad
    _ = contracts
    return (
        _Weighted(idx[keep], sub[keep], weight[keep], cohort_code[keep], tuple(counted_names)),
        problems,
    )


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class _Part:
    table: pd.DataFrame
    evidence: pd.DataFrame
    exclusions: pd.DataFrame


def _seconds(stamps: pd.Series | np.ndarray) -> I64:
    values = pd.DatetimeIndex(stamps).as_unit("s").asi8
    return np.asarray(values, dtype=np.int64)


def _one_contract(
    contract: Contract,
    subs: _Subs,
    weighted: _Weighted,
    frame: pd.DataFrame,
    requested: tuple[str, ...],
) -> _Part:
    """Everything for the subscriptions under one contract (one zone, one period kind)."""
    in_contract = subs.contract == contract.id
    sub_ids = np.flatnonzero(in_contract).astype(np.int64)
    mine = in_contract[weighted.sub]
    idx, sub = weighted.idx[mine], weighted.sub[mine]
    starts = _seconds(frame["start"].to_numpy()[idx]) if len(idx) else np.zeros(0, np.int64)
    ends = _seconds(frame["end"].to_numpy()[idx]) if len(idx) else np.zeros(0, np.int64)
    is_excluded = frame["excluded"].to_numpy(dtype=object)[idx] != ""
    counts = ~is_excluded

    kind, tz = contract.period, contract.timezone
    wanted = [parse_period(label, kind, tz) for label in requested]
    if not counts.any() and not wanted:
        return _Part(pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    instants = [*starts[counts].tolist(), *(ends[counts] - 1).tolist()]
    first_candidates = [period_containing(kind, tz, min(instants))] if instants else []
    last_candidates = [period_containing(kind, tz, max(instants))] if instants else []
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
    keys = np.unique(act_sub * n_periods + act_period)
    active = (keys // n_periods, keys % n_periods)

    # Exclusions: excluded rows and the contract's scheduled maintenance, per subscription.
    m_start, m_end, m_reason = maintenance_windows(contract, plist[0].start, plist[-1].end)
    touched = np.unique(active[0])
    ex_sub = np.concatenate([sub[is_excluded], np.repeat(touched, len(m_start))])
    ex_start = np.concatenate([starts[is_excluded], np.tile(m_start, len(touched))])
    ex_end = np.concatenate([ends[is_excluded], np.tile(m_end, len(touched))])
    exclusions = (ex_sub, ex_start, ex_end)

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
    excl = excluded_seconds(exclusions, edges, active)
    table = _table(contract, subs, plist, m, excl, idx[counts], frame)
    evidence = _evidence(contract, subs, plist, m, idx[counts], frame)
    ex_table = _exclusion_table(
        contract,
        subs,
        plist,
        edges,
        exclusions,
        active,
        sub,
        is_excluded,
        frame,
        idx,
        m_reason,
        touched,
    )
    return _Part(table, evidence, ex_table)


def _table(
    contract: Contract,
    subs: _Subs,
    plist: list[Period],
    m: Measurement,
    excl: I64,
    window_idx: I64,
    frame: pd.DataFrame,
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
    starts = [pd.Timestamp(p.start.isoformat()).tz_convert(contract.timezone) for p in plist]
    ends = [pd.Timestamp(p.end.isoformat()).tz_convert(contract.timezone) for p in plist]
    ids = _incident_ids(m, window_idx, frame, len(plist))
    user_units = measured.astype(object) * users.astype(object)
    return pd.DataFrame(
        {
            "tenant": subs.tenant[sub],
            "service": contract.service,
            "contract": contract.id,
            "period": [plist[i].label for i in pi.tolist()],
            "period_start": [starts[i] for i in pi.tolist()],
            "period_end": [ends[i] for i in pi.tolist()],
            "timezone": contract.timezone,
            "licensed_users": users,
            "measured_seconds": measured,
            "measured_minutes": _decimals(measured.astype(object), 60),
            "excluded_seconds": excl,
            "downtime_seconds": down_s,
            "downtime_minutes": _decimals(down_s.astype(object), 60),
            "user_minutes": _decimals(user_units, 60),
            "downtime_user_seconds": _decimals(down_u.astype(object), UNITS_PER_USER),
            "user_minutes_lost": _decimals(down_u.astype(object), 60 * UNITS_PER_USER),
            "impact_user_minutes": _decimals(m.impact_units.astype(object), 60 * UNITS_PER_USER),
            "availability_percent": avail.percent(),
            "commitment_percent": contract.commitment_percent,
            "breached": tier >= 0,
            "tier": described[tier + 1],
            "credit_percent": credit.percent,
            "credit_days": credit.days,
            "credit_amount": credit.amount,
            "period_fee": period_fee,
            "currency": currency,
            "claim_deadline": [deadlines[i] for i in pi.tolist()],
            "minutes_to_next_tier": [
                None if x < 0 else v
                for x, v in zip(margin.tolist(), _decimals(margin.astype(object), 60), strict=True)
            ],
            "next_tier": described[target + 1],
            "incident_ids": [
                ids.get(key, ()) for key in zip(sub.tolist(), pi.tolist(), strict=True)
            ],
        }
    )


def _decimals(num: np.ndarray, den: int, places: int = 6) -> list[Decimal]:
    """``num / den`` per row as Decimal: exact when it has at most ``places`` decimals, else
    rounded half-even to ``places`` (used for minutes, which only measure)."""
    scaled = num * 10**places
    q, r = scaled // den, scaled % den
    up = (2 * r > den) | ((2 * r == den) & (q % 2 == 1))
    q = np.where(up, q + 1, q)
    whole = num % den == 0
    out = []
    for value, is_whole, is_exact in zip(
        q.tolist(), whole.tolist(), (r == 0).tolist(), strict=True
    ):
        if is_whole:
            out.append(Decimal(value // 10**places))
        elif is_exact:
            out.append(Decimal(value).scaleb(-places).normalize())
        else:
            out.append(Decimal(value).scaleb(-places))
    return out


def _date(day: pendulum.Date | None) -> dt.date | None:
    return None if day is None else dt.date(day.year, day.month, day.day)


def _ids_by_group(group: I64, ids: np.ndarray) -> dict[int, tuple[str, ...]]:
    """The sorted distinct non-empty ids of each group, without a loop over the pairs."""
    keep = ids != ""
    if not keep.any():
        return {}
    pairs = pd.DataFrame({"group": group[keep], "id": ids[keep].astype(str)})
    pairs = pairs.drop_duplicates().sort_values(["group", "id"], kind="stable")
    keys = pairs["group"].to_numpy(dtype=np.int64)
    cuts = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    chunks = np.split(pairs["id"].to_numpy(dtype=object), cuts)
    firsts = keys[np.concatenate([[0], cuts])]
    return {int(k): tuple(chunk.tolist()) for k, chunk in zip(firsts, chunks, strict=True)}


def _incident_ids(
    m: Measurement, window_idx: I64, frame: pd.DataFrame, n_periods: int
) -> dict[tuple[int, int], tuple[str, ...]]:
    """Ids of the windows that were SLA downtime, per (subscription, period)."""
    owner, seg = m.window_segments
    ids = frame["id"].to_numpy(dtype=object)[window_idx[owner]]
    group = m.segments.sub[seg] * n_periods + m.segments.period[seg]
    by_group = _ids_by_group(group, ids)
    return {(k // n_periods, k % n_periods): v for k, v in by_group.items()}


def _evidence(
    contract: Contract,
    subs: _Subs,
    plist: list[Period],
    m: Measurement,
    window_idx: I64,
    frame: pd.DataFrame,
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
    ids_by_run = _ids_by_group(run[pos], frame["id"].to_numpy(dtype=object)[window_idx[owner]])
    return pd.DataFrame(
        {
            "tenant": subs.tenant[s[new]],
            "service": contract.service,
            "contract": contract.id,
            "period": [plist[i].label for i in p[new]],
            "start": pd.to_datetime(start, unit="s", utc=True),
            "end": pd.to_datetime(end, unit="s", utc=True),
            "minutes": _decimals((end - start).astype(object), 60),
            "peak_affected_users": _decimals(peak.astype(object), UNITS_PER_USER),
            "user_minutes_lost": _decimals(lost.astype(object), 60 * UNITS_PER_USER),
            "incident_ids": [ids_by_run.get(r, ()) for r in range(n)],
        }
    )


def _exclusion_table(
    contract: Contract,
    subs: _Subs,
    plist: list[Period],
    edges: I64,
    exclusions: tuple[I64, I64, I64],
    active: tuple[I64, I64],
    sub: I64,
    is_excluded: np.ndarray,
    frame: pd.DataFrame,
    idx: I64,
    m_reason: list[str],
    touched: I64,
) -> pd.DataFrame:
    """Excluded time per period, clipped to the reported periods, with the reason for each piece."""
    reasons = np.concatenate(
        [
            frame["excluded"].to_numpy(dtype=object)[idx[is_excluded]],
            np.tile(np.array(m_reason, dtype=object), len(touched)),
        ]
    )
    ex_sub, ex_start, ex_end = exclusions
    lo, hi = edges[0], edges[-1]
    keep = (ex_end > lo) & (ex_start < hi)
    origin, s, a, b, p = split_at_edges(
        ex_sub[keep], np.maximum(ex_start[keep], lo), np.minimum(ex_end[keep], hi), edges
    )
    n_periods = len(edges) - 1
    wanted = set((active[0] * n_periods + active[1]).tolist())
    shown = np.array([int(x) in wanted for x in s * n_periods + p], dtype=bool)
    if not shown.any():
        return pd.DataFrame()
    r = reasons[keep][origin][shown]
    s, a, b, p = s[shown], a[shown], b[shown], p[shown]
    _ = union_intervals
    return pd.DataFrame(
        {
            "tenant": subs.tenant[s],
            "service": contract.service,
            "contract": contract.id,
            "period": [plist[i].label for i in p],
            "start": pd.to_datetime(a, unit="s", utc=True),
            "end": pd.to_datetime(b, unit="s", utc=True),
            "minutes": _decimals((b - a).astype(object), 60),
            "reason": r,
        }
    )


_ = make_period
