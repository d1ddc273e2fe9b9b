"""Credit tiers and amounts: the exact availability picks a tier, the tier and caps give the credit.

Tiers are compared on the exact rational availability with the operator the contract states, so
99.9 % exactly is not ``< 99.9`` (Microsoft) but is ``<= 99.9`` (GitHub). Money is rounded once, at
the end, half-up to the currency's minor unit. Everything works on whole columns: integers too
large for 64 bits are held as Python ints in object arrays, so no comparison is ever inexact.
"""

from __future__ import annotations

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

    up: Obj  # Python ints
    total: Obj  # Python ints

    def below(self, bound: Decimal, operator: str) -> npt.NDArray[np.bool_]:
        """Rows whose availability is ``operator`` ``bound`` (``<`` or ``<=``), exactly."""
        b = Fraction(bound)
        left = self.up * (100 * b.denominator)
        right = self.total * b.numerator
        return np.asarray(left < right if operator == "<" else left <= right, dtype=bool)

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
        scaled = (self.up * (100 * 10**PERCENT_PLACES)) // self.total  # at most 100 × 10**10
        return from_units(np.asarray(scaled, dtype=np.int64), PERCENT)


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


def credits(
    contract: Contract,
    tier: I64,
    lost: Availability,
    period_days: I64,
    fee: list[Decimal | None],
    currency: list[str],
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
    amounts, below_minimum = _amounts(contract, ratio_num, ratio_den, fee, currency)
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
    contract: Contract,
    ratio_num: Obj,
    ratio_den: Obj,
    fee: list[Decimal | None],
    currency: list[str],
) -> tuple[pd.arrays.ArrowExtensionArray, list[int]]:
    """fee × ratio per row, half-up to the minor unit once; the contract's minimum applies.

    The amounts come out as integers of the ``MONEY`` column's unit (a thousandth), so the column
    is built straight from them. Also the rows whose credit the minimum took to zero.
    """
    n = len(fee)
    known = [i for i, f in enumerate(fee) if f is not None]
    units = np.zeros(n, dtype=np.int64)
    valid = np.zeros(n, dtype=bool)
    dropped: list[int] = []
    if not known:
        return from_units(units, MONEY, valid), []
    idx = np.array(known, dtype=np.int64)
    # A portfolio repeats each tenant's fee and currency on every period: convert each once.
    ratio_of = {f: f.as_integer_ratio() for f in set(fee) if f is not None}
    digits_of = {c: minor_unit_digits(c) for c in set(currency)}
    pairs = [ratio_of[f] for f in (fee[i] for i in known) if f is not None]
    fee_num = np.array([p[0] for p in pairs], dtype=object)
    fee_den = np.array([p[1] for p in pairs], dtype=object)
    digits = np.array([digits_of[currency[i]] for i in known], dtype=np.int64)
    scale = (10**digits).astype(object)
    p = fee_num * ratio_num[idx] * scale
    q = fee_den * ratio_den[idx]
    minor = (2 * p + q) // (2 * q)
    minimum = contract.minimum_credit
    if minimum is not None:
        same = np.array([currency[i] == contract.minimum_credit_currency for i in known])
        floor = np.array([int(minimum * s) for s in scale.tolist()], dtype=object)
        under = same & (minor > 0) & (minor * 1 <= floor)
        dropped = [known[j] for j in np.flatnonzero(under).tolist()]
        minor = np.where(under, 0, minor)
    # Minor units (a cent) → thousandths: times 10 ** (3 − the currency's digits).
    units[idx] = np.asarray(minor * (10 ** (MONEY_PLACES - digits)).astype(object), dtype=np.int64)
    valid[idx] = True
    return from_units(units, MONEY, valid), dropped


def _decimal(value: Fraction) -> Decimal:
    """A tier or cap figure to the ``FIGURE`` column's 10 places (exact when it has no more)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal(1).scaleb(-PERCENT_PLACES)
    )


def seconds_to_next_tier(
    contract: Contract,
    tier: I64,
    up: Obj,
    total: Obj,
    per_second: Obj,
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
        b = Fraction(t.below)
        # After x seconds: 100·(up − x·per_second)/total  op  b
        #   ⇔  x·per_second·100·den  >(=)  100·den·up − num·total
        need = 100 * b.denominator * up[rows] - b.numerator * total[rows]
        step = 100 * b.denominator * per_second[rows]
        x = need // step + 1 if t.operator == "<" else -((-need) // step)
        x = np.maximum(np.asarray(x, dtype=object), minimum)
        fits = np.asarray(x <= up_seconds[rows], dtype=bool)
        seconds[rows[fits]] = np.asarray(x[fits], dtype=np.int64)
        target[rows[fits]] = index
    return seconds, target
