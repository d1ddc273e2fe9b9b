"""Credit tiers and amounts: the exact availability picks a tier, the tier and caps give the credit.

Tiers are compared on the exact rational availability with the operator the contract states, so
99.9 % exactly is not ``< 99.9`` (Microsoft) but is ``<= 99.9`` (GitHub). Money is rounded once, at
the end, half-up to the currency's minor unit. Everything works on whole columns: integers too
large for 64 bits are held as Python ints in object arrays, so no comparison is ever inexact.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np
import numpy.typing as npt
import pandas as pd

from slacalc.engine.columns import (
    FIGURE,
    MONEY,
    MONEY_PLACES,
    PERCENT,
    PERCENT_PLACES,
    from_decimals,
    from_units,
)
from slacalc.model.contract import Contract, Tier
from slacalc.model.money import minor_unit_digits
from slacalc.model.terms import cap_words

Obj = npt.NDArray[np.object_]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Availability:
    """Exact availabilities as rationals ``100 × up / total`` per row (``total > 0``)."""

    up: Obj | I64  # non-negative integers: int64, or Python ints beyond it
    total: Obj | I64

    def below(self, bound: Decimal, operator: str) -> npt.NDArray[np.bool_]:
        """Rows whose availability is ``operator`` ``bound`` (``<`` or ``<=``), exactly."""
        b = Fraction(bound)
        return products_below(self.up, 100 * b.denominator, self.total, b.numerator, operator)

    def above(self, bound: Decimal, operator: str) -> npt.NDArray[np.bool_]:
        """Rows whose availability is ``operator`` ``bound`` (``>`` or ``>=``), exactly."""
        return ~self.below(bound, "<=" if operator == ">" else "<")

    def in_band(self, tier: Tier) -> npt.NDArray[np.bool_]:
        """Rows inside the tier's stated bounds (its upper and, when given, its lower bound)."""
        inside = self.below(tier.below, tier.operator)
        return (
            inside if tier.above is None else inside & self.above(tier.above, tier.above_operator)
        )

    def percent(self) -> pd.arrays.ArrowExtensionArray:
        """Availability as a ``PERCENT`` column: exact to 10 decimals, else floored (never
        flatters)."""
        return from_units(_floor_scaled(self.up, self.total, 2 + PERCENT_PLACES), PERCENT)


#: Products up to this bound are exact in int64 (the largest signed 64-bit integer).
_INT64 = np.iinfo(np.int64).max


def products_below(
    left: Obj | I64, times: int, right: Obj | I64, by: int, operator: str
) -> npt.NDArray[np.bool_]:
    """Per row, ``left × times < right × by`` (``operator`` ``<``, or ``<=``), exactly, for
    non-negative integer columns and factors. In int64 where both products provably fit (a bound
    checked per row), in Python integers for the rows where one might not."""
    out = np.zeros(len(left), dtype=bool)
    fits = np.zeros(len(left), dtype=bool)
    if left.dtype != object and right.dtype != object:
        fits = (left <= _INT64 // max(times, 1)) & (right <= _INT64 // max(by, 1))
        a, b = left[fits] * times, right[fits] * by
        out[fits] = a < b if operator == "<" else a <= b
    if not fits.all():
        rest = ~fits
        a, b = left[rest].astype(object) * times, right[rest].astype(object) * by
        out[rest] = np.asarray(a < b if operator == "<" else a <= b, dtype=bool)
    return out


def _floor_scaled(up: Obj | I64, total: Obj | I64, digits: int) -> I64:
    """Per row ``up × 10**digits // total`` for ``0 ≤ up ≤ total``: long division in int64, four
    digits at a time, where ``total × 10**4`` fits; in Python integers elsewhere."""
    out = np.zeros(len(up), dtype=np.int64)
    fits = np.zeros(len(up), dtype=bool)
    if up.dtype != object and total.dtype != object and digits % 4 == 0:
        fits = (total <= _INT64 // 10**4) & (up <= total)
        t = total[fits]
        q, r = up[fits] // t, up[fits] % t
        for _ in range(digits // 4):
            q, r = q * 10**4 + (r * 10**4) // t, (r * 10**4) % t
        out[fits] = q
    rest = np.flatnonzero(~fits)
    if len(rest):
        exact = (up[rest].astype(object) * 10**digits) // total[rest].astype(object)
        out[rest] = np.asarray(exact, dtype=np.int64)
    return out


def choose_tiers(contract: Contract, availability: Availability) -> I64:
    """Per row, the index of the tier whose band holds the availability, or −1 (none does).

    A tier without a lower bound reaches down to the next tier, so a later (lower) match replaces
    an earlier one; a stated lower bound leaves the gap the contract leaves (GitHub: exactly
    99.0 % is neither "greater than 99.0 %" nor "less than 99.0 %", and pays nothing).
    """
    chosen = np.full(len(availability.up), -1, dtype=np.int64)
    for index, tier in enumerate(contract.tiers):
        chosen[availability.in_band(tier)] = index
    return chosen


@dataclass(frozen=True, slots=True)
class Credits:
    """Credit columns, one entry per row (typed: see :mod:`slacalc.engine.columns`)."""

    percent: pd.arrays.ArrowExtensionArray  # of the period's fee, after caps (percent, multiple)
    days: pd.arrays.ArrowExtensionArray  # days of service, after caps (days kind)
    amount: pd.arrays.ArrowExtensionArray  # money, rounded once; missing where no fee was given
    limited_by: list[str]  # the rule that lowered the tier's credit ("" when none did)


@dataclass(frozen=True, slots=True)
class Fees:
    """The fee each row's credit is a share of (its period's), exact: ``units / 10**places`` of
    its currency, where ``known``."""

    units: I64 | Obj  # int64, or Python ints where a fee is beyond it; 0 where none
    places: int
    known: npt.NDArray[np.bool_]
    currency: Obj  # ISO codes

    @classmethod
    def of(cls, fee: Sequence[Decimal | None], currency: Sequence[str]) -> Fees:
        """Fees given as decimals (``None``: no fee), each distinct one converted once."""
        distinct = {f for f in fee if f is not None}
        places = max((_places(f) for f in distinct), default=0)
        units_of = {f: int(f.scaleb(places)) for f in distinct}
        units = np.array([0 if f is None else units_of[f] for f in fee], dtype=object)
        known = np.array([f is not None for f in fee], dtype=bool)
        with contextlib.suppress(OverflowError):  # else kept as Python ints
            units = units.astype(np.int64)
        return cls(units, places, known, np.asarray(list(currency), dtype=object))

    def take(self, rows: I64) -> Fees:
        """The fees of ``rows``."""
        return Fees(self.units[rows], self.places, self.known[rows], self.currency[rows])


def _places(value: Decimal) -> int:
    """The decimals a finite decimal is written with (none for ``1E+3``)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def credits(
    contract: Contract,
    tier: I64,
    lost: Availability,
    period_days: I64,
    fee: Fees,
) -> Credits:
    """The credit of each row under ``contract`` (rule 6: caps, minimum, one rounding).

    ``period_days`` is the number of days the period's fee pays for: the calendar days of the
    period, or the contract's ``day_value_days`` per month (see :func:`fee_days`).

    ``lost`` holds the lost share as ``100 × down / total`` (so 100 − availability), which the
    Slack-style ``credit_multiple`` tiers multiply.
    """
    n = len(tier)
    kind = contract.credit_kind
    # The credit as a rational share of the period's fee, per row: ratio_num / ratio_den.
    ratio_num = np.zeros(n, dtype=object)
    ratio_den = np.ones(n, dtype=object)
    shown = np.full(n, Decimal(0), dtype=object)
    limited = [""] * n
    for index, t in enumerate(contract.tiers):
        rows = np.flatnonzero(tier == index)
        if len(rows) == 0:
            continue
        for days_in_period in np.unique(period_days[rows]).tolist():
            sel = rows[period_days[rows] == days_in_period]
            if kind == "multiple":
                m = Fraction(t.credit)
                for i in sel.tolist():
                    asked = m * 100 * Fraction(int(lost.up[i]), int(lost.total[i]))
                    value = _capped(contract, asked, int(days_in_period))
                    ratio_num[i], ratio_den[i] = value.numerator, value.denominator * 100
                    shown[i] = _decimal(value)
                    limited[i] = cap_words(contract.cap) if value < asked else ""
                continue
            value = _capped(contract, Fraction(t.credit), int(days_in_period))
            ratio = value / 100 if kind == "percent" else value / int(days_in_period)
            ratio_num[sel], ratio_den[sel] = ratio.numerator, ratio.denominator
            shown[sel] = _decimal(value)  # one figure per tier and period length, not per row
            why = cap_words(contract.cap) if value < t.credit else ""
            for i in sel.tolist():
                limited[i] = why
    filled = from_decimals(shown, FIGURE)
    nothing = from_decimals(np.full(n, None, dtype=object), FIGURE)
    percent, days = (nothing, filled) if kind == "days" else (filled, nothing)
    amounts, below_minimum = _amounts(contract, ratio_num, ratio_den, fee)
    for i in below_minimum:
        limited[i] = (
            f"minimum credit: only credits above {contract.minimum_credit} "
            f"{contract.minimum_credit_currency} are issued"
        )
    return Credits(percent, days, amounts, limited)


def fee_days(contract: Contract, period_days: I64, period_months: I64) -> I64:
    """Days of service the period's fee pays for: what one day of a days-of-service credit (or of
    a cap in days) is worth. The calendar days, unless the contract values a day as the monthly
    fee divided by ``day_value_days``."""
    if contract.day_value_days is None:
        return period_days
    return np.asarray(period_months * contract.day_value_days, dtype=np.int64)


def _capped(contract: Contract, credit: Fraction, period_days: int) -> Fraction:
    """A tier's percent (or days) after the contract's caps."""
    cap = contract.cap
    if contract.credit_kind == "days":
        return min(credit, Fraction(cap.days)) if cap.days is not None else credit
    if cap.percent is not None:
        credit = min(credit, Fraction(cap.percent))
    if cap.days is not None:
        credit = min(credit, Fraction(cap.days) * 100 / period_days)
    return credit


def _amounts(
    contract: Contract, ratio_num: Obj, ratio_den: Obj, fee: Fees
) -> tuple[pd.arrays.ArrowExtensionArray, list[int]]:
    """fee × ratio per row, half-up to the minor unit once; the contract's minimum applies.

    The amounts come out as integers of the ``MONEY`` column's unit (a thousandth), so the column
    is built straight from them. Also the rows whose credit the minimum took to zero.
    """
    n = len(ratio_num)
    units = np.zeros(n, dtype=np.int64)
    if not fee.known.any():
        return from_units(units, MONEY, fee.known), []
    codes, names = pd.factorize(fee.currency)
    digits_of = np.array([minor_unit_digits(c) for c in names], dtype=np.int64)
    digits = digits_of[codes]
    scale = 10**digits
    # minor = round(units / 10**places × num / den × 10**digits), half-up: (2p + q) // 2q.
    minor = np.zeros(n, dtype=np.int64)
    fits = np.zeros(n, dtype=bool)
    num, den = _int64(ratio_num, 2**31), _int64(ratio_den, 2**31)
    if num is not None and den is not None and fee.units.dtype != object and fee.places <= 9:
        q = 10**fee.places * den
        times = scale * num
        fits = fee.known & (fee.units <= 2**61 // np.maximum(times, 1)) & (q <= 2**61)
        p = fee.units[fits] * times[fits]
        minor[fits] = (2 * p + q[fits]) // (2 * q[fits])
    rest = np.flatnonzero(fee.known & ~fits)
    if len(rest):  # in Python integers, exact however large
        p = fee.units[rest].astype(object) * ratio_num[rest] * scale[rest].astype(object)
        q = 10**fee.places * ratio_den[rest]
        minor[rest] = np.asarray((2 * p + q) // (2 * q), dtype=np.int64)
    dropped: list[int] = []
    minimum = contract.minimum_credit
    if minimum is not None:
        floor = np.array([int(minimum * 10**d) for d in digits_of.tolist()], dtype=np.int64)[codes]
        same = fee.currency == contract.minimum_credit_currency
        under = fee.known & same & (minor > 0) & (minor <= floor)
        dropped = np.flatnonzero(under).tolist()
        minor[under] = 0
    # Minor units (a cent) → thousandths: times 10 ** (3 − the currency's digits).
    units[fee.known] = (minor * 10 ** (MONEY_PLACES - digits))[fee.known]
    return from_units(units, MONEY, fee.known), dropped


def _int64(values: Obj, bound: int) -> I64 | None:
    """Python integers as int64 when every one is below ``bound`` in size, else ``None``."""
    try:
        small = values.astype(np.int64)
    except OverflowError:
        return None
    return small if bool((np.abs(small) < bound).all()) else None


def _decimal(value: Fraction) -> Decimal:
    """A tier or cap figure to the ``FIGURE`` column's 10 places (exact when it has no more)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal(1).scaleb(-PERCENT_PLACES)
    )


def seconds_to_next_tier(
    contract: Contract,
    tier: I64,
    up: Obj | I64,
    total: Obj | I64,
    per_second: Obj | I64,
    up_seconds: I64,
) -> tuple[I64, I64]:
    """Seconds of extra full outage that move each row to its next tier, and that tier (−1: none).

    The availability is ``100 × up / total`` and each extra second of full outage takes
    ``per_second`` from ``up``; it must fit in the ``up_seconds`` that were not down yet. The next
    tier is the first one below the current whose band still reaches under the availability: a
    band whose stated lower bound the availability does not pass lies wholly above it (GitHub at
    exactly 99.0 % is past the 10 % band; the next tier is the 25 % one).
    """
    n = len(tier)
    seconds = np.full(n, -1, dtype=np.int64)
    target = np.full(n, -1, dtype=np.int64)
    minimum = max(1, int(np.ceil(float(contract.minimum_downtime_minutes) * 60)))
    now = Availability(up=up, total=total)
    following = tier + 1
    for index, t in enumerate(contract.tiers):
        if t.above is not None:
            passed = ~now.above(t.above, t.above_operator)
            following[(following == index) & passed] = index + 1
    for index, t in enumerate(contract.tiers):
        rows = np.flatnonzero(following == index)
        if len(rows) == 0 or t.kind == "multiple":
            continue
        x = _seconds_below((up[rows], total[rows], per_second[rows]), t, minimum, up_seconds[rows])
        hit = x >= 0
        seconds[rows[hit]] = x[hit]
        target[rows[hit]] = index
    return seconds, target


def _seconds_below(
    now: tuple[Obj | I64, Obj | I64, Obj | I64], tier: Tier, minimum: int, room: I64
) -> I64:
    """Per row, the least seconds ``x ≥ minimum`` of extra full outage that take the
    availability ``100 × up / total`` into the tier's band (each second takes ``per_second``
    from ``up``), or −1 when that is more than the ``room`` seconds still up.

    After x seconds: 100·(up − x·per_second)/total  op  num/den
    ⇔  x·per_second·100·den  >(=)  100·den·up − num·total.
    In int64 for the rows whose products provably fit, in Python integers for the rest.
    """
    up, total, per_second = now
    b = Fraction(tier.below)
    k, m = 100 * b.denominator, b.numerator
    out = np.full(len(up), -1, dtype=np.int64)
    fits = np.zeros(len(up), dtype=bool)
    if up.dtype != object and total.dtype != object and per_second.dtype != object:
        fits = (
            (up <= _INT64 // (2 * k))
            & (total <= _INT64 // (2 * max(m, 1)))
            & (per_second <= _INT64 // k)
        )
        need, step = k * up[fits] - m * total[fits], k * per_second[fits]
        x = need // step + 1 if tier.operator == "<" else -((-need) // step)
        x = np.maximum(x, minimum)
        out[fits] = np.where(x <= room[fits], x, -1)
    rest = np.flatnonzero(~fits)
    if len(rest):
        u, t, p = (c[rest].astype(object) for c in now)
        need, step = k * u - m * t, k * p
        x = need // step + 1 if tier.operator == "<" else -((-need) // step)
        x = np.maximum(np.asarray(x, dtype=object), minimum)
        ok = np.asarray(x <= room[rest], dtype=bool)
        out[rest[ok]] = np.asarray(x[ok], dtype=np.int64)
    return out
