"""The peer an engineer would otherwise write: the rules of docs/rules.md as plain per-row Python.

No numpy, no pandas: loops over rows, ``datetime`` with ``zoneinfo``, a dict per tenant,
``Fraction`` for users and ``Decimal`` for money. It follows the same rules as slacalc (periods in
the contract's zone with DST, splitting at period edges, true subtraction of excluded windows and
scheduled maintenance, the overlap rule, user-minutes or time with a threshold, exact tiers, capped
credits rounded once half-up), so the benchmark can check that both give identical numbers on a
sample.

Each (tenant, period) is swept over its elementary intervals: cut at every window and exclusion
edge, then in each interval the active windows are found by scanning the tenant's windows. That is
quadratic per tenant-month, which is what a straightforward implementation does; with about eight
windows per tenant-month it is not what dominates.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from slacalc.model.contract import Contract

UTC = dt.UTC
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ZERO_DIGIT_CURRENCIES = {"CLP", "ISK", "JPY", "KRW", "PYG", "UGX", "VND"}
_THREE_DIGIT_CURRENCIES = {"BHD", "IQD", "JOD", "KWD", "OMR", "TND"}


@dataclass(frozen=True)
class Window:
    """One outage row as the plain implementation holds it."""

    tenant: str
    cohort: str  # "" = whole population
    start: dt.datetime  # aware, UTC
    end: dt.datetime
    affected_users: float | None
    affected_percent: float | None
    excluded: str


@dataclass(frozen=True)
class Customer:
    """One row of the customers table, with its cohort sizes."""

    tenant: str
    users: int
    monthly_fee: Decimal
    currency: str
    cohorts: Mapping[str, int]


@dataclass(frozen=True)
class Result:
    """What the plain implementation reports per (tenant, period)."""

    measured_seconds: int
    downtime_seconds: int
    downtime_user_seconds: Fraction
    availability: Fraction
    credit_percent: Decimal | None
    credit_days: Decimal | None
    credit_amount: Decimal


def month_start(year: int, month: int, zone: ZoneInfo) -> dt.datetime:
    """Midnight on the first of the month in ``zone``, as a UTC instant."""
    return dt.datetime(year, month, 1, tzinfo=zone).astimezone(UTC)


def periods_of_year(year: int, zone: ZoneInfo) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """Calendar months of ``year`` in ``zone`` (DST included): label → (start, end) in UTC."""
    out = {}
    for month in range(1, 13):
        nxt = (year + 1, 1) if month == 12 else (year, month + 1)
        out[f"{year}-{month:02d}"] = (month_start(year, month, zone), month_start(*nxt, zone))
    return out


def maintenance(
    contract: Contract, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The contract's recurring maintenance windows overlapping ``[start, end)``, in UTC."""
    zone = ZoneInfo(contract.timezone)
    out = []
    for rule in contract.maintenance:
        hour, minute = (int(x) for x in rule.start.split(":"))
        length = dt.timedelta(minutes=rule.duration_minutes)
        day = start.astimezone(zone).date() - dt.timedelta(days=8 if rule.every == "week" else 32)
        last = end.astimezone(zone).date()
        while day <= last:
            hit = (
                _WEEKDAYS[day.weekday()] == rule.weekday
                if rule.every == "week"
                else day.day == rule.day
            )
            if hit:
                local = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
                begin = local.astimezone(UTC)
                if begin < end and begin + length > start:
                    out.append((begin, begin + length))
            day += dt.timedelta(days=1)
    return out


def affected(window: Window, customer: Customer) -> Fraction:
    """Users the window hit: a count, a percent of its cohort or population, or all of them."""
    population = customer.cohorts[window.cohort] if window.cohort else customer.users
    if window.affected_users is not None:
        return Fraction(int(window.affected_users))
    if window.affected_percent is not None:
        return Fraction(Decimal(repr(window.affected_percent))) * population / 100
    return Fraction(population)


def _seconds(a: dt.datetime, b: dt.datetime) -> int:
    return int((b - a).total_seconds())


def sweep(
    windows: list[tuple[dt.datetime, dt.datetime, str, Fraction]],
    exclusions: list[tuple[dt.datetime, dt.datetime]],
    start: dt.datetime,
    end: dt.datetime,
    customer: Customer,
    contract: Contract,
) -> tuple[int, int, Fraction]:
    """Excluded seconds, downtime seconds and downtime user-seconds of one tenant-period."""
    edges = {start, end}
    for a, b, _, _ in windows:
        edges.update((a, b))
    for a, b in exclusions:
        edges.update((max(a, start), min(b, end)))
    cuts = sorted(e for e in edges if start <= e <= end)
    counted = (
        None
        if contract.counted_cohorts is None
        else {c.casefold() for c in contract.counted_cohorts}
    )
    threshold = Fraction(contract.downtime_threshold.percent)
    inclusive = contract.downtime_threshold.operator == ">="
    excluded = downtime = 0
    lost = Fraction(0)
    down_runs: list[list[int]] = []  # [seconds, user-seconds] of consecutive downtime
    previous_down = False
    for a, b in itertools.pairwise(cuts):
        length = _seconds(a, b)
        if any(x <= a and b <= y for x, y in exclusions):
            excluded += length
            previous_down = False
            continue
        by_cohort: dict[str, Fraction] = {}
        whole = Fraction(0)
        for x, y, cohort, users in windows:
            if x <= a and b <= y:
                if cohort == "":
                    whole = max(whole, users)
                elif counted is None or cohort.casefold() in counted:
                    by_cohort[cohort] = max(by_cohort.get(cohort, Fraction(0)), users)
        down_users = min(max(sum(by_cohort.values(), Fraction(0)), whole), customer.users)
        if contract.method == "time":
            share = down_users * 100 / customer.users
            is_down = down_users > 0 and (share >= threshold if inclusive else share > threshold)
            weight = Fraction(customer.users)
        else:
            is_down = down_users > 0
            weight = down_users
        if not is_down:
            previous_down = False
            continue
        if not previous_down:
            down_runs.append([0, 0])
        down_runs[-1][0] += length
        down_runs[-1][1] += weight * length
        previous_down = True
    minimum = int(contract.minimum_downtime_minutes * 60)
    for seconds, user_seconds in down_runs:
        if seconds >= minimum:
            downtime += seconds
            lost += user_seconds
    return excluded, downtime, lost


def _digits(currency: str) -> int:
    if currency in _ZERO_DIGIT_CURRENCIES:
        return 0
    return 3 if currency in _THREE_DIGIT_CURRENCIES else 2


def credit(
    contract: Contract,
    availability: Fraction,
    fee: Decimal,
    currency: str,
    days_in_period: int,
) -> tuple[Decimal | None, Decimal | None, Decimal]:
    """(credit percent, credit days, amount) for a period, with caps, minimum and one rounding."""
    quantum = Decimal(1).scaleb(-_digits(currency))
    tier = None
    for t in contract.tiers:
        below = Fraction(t.below)
        if availability < below if t.operator == "<" else availability <= below:
            tier = t
    days_kind = contract.tiers[0].kind == "days"
    if tier is None:
        zero = Decimal(0)
        return (
            (None, zero, zero.quantize(quantum))
            if days_kind
            else (zero, None, zero.quantize(quantum))
        )
    percent: Fraction | None = None
    days: Fraction | None = None
    if tier.kind == "percent":
        percent = Fraction(tier.credit)
    elif tier.kind == "multiple":
        percent = Fraction(tier.credit) * (100 - availability)
    else:
        days = Fraction(tier.credit)
    cap = contract.cap
    if percent is not None and cap.percent is not None:
        percent = min(percent, Fraction(cap.percent))
    if cap.days is not None:
        if days is not None:
            days = min(days, Fraction(cap.days))
        if percent is not None:
            percent = min(percent, Fraction(cap.days) * 100 / days_in_period)
    exact = (
        Fraction(fee) * percent / 100
        if percent is not None
        else Fraction(fee) * (days or 0) / days_in_period
    )
    amount = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        quantum, rounding=ROUND_HALF_UP
    )
    if contract.minimum_credit is not None and amount <= contract.minimum_credit:
        amount = Decimal(0).quantize(quantum)
    as_decimal = _terminating
    return (
        None if percent is None else as_decimal(percent),
        None if days is None else as_decimal(days),
        amount,
    )


def _terminating(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact if Fraction(exact) == value else exact.quantize(Decimal("1e-10"))


def display_percent(value: Fraction) -> Decimal:
    """An availability for display: exact when it terminates, else floored to 10 places."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    if Fraction(exact) == value:
        return exact.normalize()
    return exact.quantize(Decimal("1e-10"), rounding=ROUND_FLOOR)


def calculate(
    rows: Iterable[Window],
    customers: Iterable[Customer],
    contract: Contract,
    year: int = 2026,
) -> dict[tuple[str, str], Result]:
    """Availability and credit per (tenant, month of ``year``) under ``contract`` (monthly only)."""
    if contract.period != "month":
        raise ValueError("the plain implementation measures calendar months only")
    zone = ZoneInfo(contract.timezone)
    periods = periods_of_year(year, zone)
    by_tenant: dict[str, list[Window]] = {}
    for row in rows:
        by_tenant.setdefault(row.tenant, []).append(row)
    results = {}
    for customer in customers:
        mine = by_tenant.get(customer.tenant, [])
        for label, (start, end) in periods.items():
            windows = []
            exclusions = maintenance(contract, start, end)
            for w in mine:
                if w.end <= start or w.start >= end:
                    continue
                a, b = max(w.start, start), min(w.end, end)
                if w.excluded:
                    exclusions.append((a, b))
                else:
                    windows.append((a, b, w.cohort, affected(w, customer)))
            excluded, down, lost = sweep(windows, exclusions, start, end, customer, contract)
            measured = _seconds(start, end) - excluded
            if contract.method == "user_minutes":
                total = measured * customer.users
                availability = 100 * (total - lost) / total if total else Fraction(100)
            else:
                availability = (
                    Fraction(100 * (measured - down), measured) if measured else Fraction(100)
                )
            days = (end.astimezone(zone).date() - start.astimezone(zone).date()).days
            percent, credit_days, amount = credit(
                contract, availability, customer.monthly_fee, customer.currency, days
            )
            results[(customer.tenant, label)] = Result(
                measured_seconds=measured,
                downtime_seconds=down,
                downtime_user_seconds=lost,
                availability=availability,
                credit_percent=percent,
                credit_days=credit_days,
                credit_amount=amount,
            )
    return results


def windows_from_frame(frame: object) -> list[Window]:
    """An outage DataFrame's rows (docs/rules.md columns) as :class:`Window` records (not timed)."""
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    out = []
    for rec in frame.to_dict("records"):
        users, percent = rec["affected_users"], rec["affected_percent"]
        out.append(
            Window(
                tenant=str(rec["tenant"]),
                cohort=str(rec["cohort"]),
                start=rec["start"].to_pydatetime().astimezone(UTC),
                end=rec["end"].to_pydatetime().astimezone(UTC),
                affected_users=None if pd.isna(users) else float(users),
                affected_percent=None if pd.isna(percent) else float(percent),
                excluded=str(rec["excluded"]),
            )
        )
    return out


def customers_from_tables(frame: object, cohorts: object) -> list[Customer]:
    """A slacalc customers frame and cohorts frame as :class:`Customer` records (not timed)."""
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    assert isinstance(cohorts, pd.DataFrame)
    sizes: dict[str, dict[str, int]] = {}
    for rec in cohorts.to_dict("records"):
        sizes.setdefault(str(rec["tenant"]), {})[str(rec["cohort"])] = int(rec["users"])
    return [
        Customer(
            tenant=str(rec["tenant"]),
            users=int(rec["users"]),
            monthly_fee=Decimal(rec["monthly_fee"]),
            currency=str(rec["currency"]),
            cohorts=sizes.get(str(rec["tenant"]), {}),
        )
        for rec in frame.to_dict("records")
    ]
