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

from slacalc.model.contract import Contract
from slacalc.model.money import minor_unit_digits, money

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

    def percent(self, places: int = 10) -> list[Decimal]:
        """Availability for display: exact to ``places`` decimals, else floored (never flatters)."""
        scaled = (self.up * (100 * 10**places)) // self.total
        exact = (self.up * (100 * 10**places)) % self.total == 0
        return [
            _plain(Decimal(int(q)).scaleb(-places)) if e else Decimal(int(q)).scaleb(-places)
            for q, e in zip(scaled.tolist(), exact.tolist(), strict=True)
        ]


def _plain(value: Decimal) -> Decimal:
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value  # type: ignore[operator]


def choose_tiers(contract: Contract, availability: Availability) -> I64:
    """Per row, the index of the most severe tier the availability falls under, or −1."""
    chosen = np.full(len(availability.up), -1, dtype=np.int64)
    for index, tier in enumerate(contract.tiers):
        chosen[availability.below(tier.below, tier.operator)] = index
    return chosen


@dataclass(frozen=True, slots=True)
class Credits:
    """Credit columns, one entry per row."""

    percent: list[Decimal | None]  # of the period's fee, after caps (percent and multiple kinds)
    days: list[Decimal | None]  # days of service, after caps (days kind)
    amount: list[Decimal | None]  # money, rounded once; None where no fee was given


def credits(
    contract: Contract,
    tier: I64,
    lost: Availability,
    period_days: I64,
    fee: list[Decimal | None],
    currency: list[str],
) -> Credits:
    """The credit of each row under ``contract`` (rule 6: caps, minimum, one rounding).

    ``lost`` holds the lost share as ``100 × down / total`` (so 100 − availability), which the
    Slack-style ``credit_multiple`` tiers multiply.
    """
    n = len(tier)
    kind = contract.credit_kind
    # The credit as a rational share of the period's fee, per row: ratio_num / ratio_den.
    ratio_num = np.zeros(n, dtype=object)
    ratio_den = np.ones(n, dtype=object)
    shown: list[Decimal | None] = [None] * n
    for index, t in enumerate(contract.tiers):
        rows = np.flatnonzero(tier == index)
        if len(rows) == 0:
            continue
        for days_in_period in np.unique(period_days[rows]).tolist():
            sel = rows[period_days[rows] == days_in_period]
            if kind == "multiple":
                share = _capped_multiple(contract, t.credit, lost, sel, int(days_in_period))
                for i, value in zip(sel.tolist(), share, strict=True):
                    ratio_num[i], ratio_den[i] = value.numerator, value.denominator * 100
                    shown[i] = _decimal(value)
                continue
            value = _capped(contract, Fraction(t.credit), int(days_in_period))
            ratio = value / 100 if kind == "percent" else value / int(days_in_period)
            ratio_num[sel], ratio_den[sel] = ratio.numerator, ratio.denominator
            figure = _decimal(value)  # one figure per tier and period length, not per row
            for i in sel.tolist():
                shown[i] = figure
    filled: list[Decimal | None] = [s if s is not None else Decimal(0) for s in shown]
    nothing: list[Decimal | None] = [None] * n
    percent, days = (nothing, filled) if kind == "days" else (filled, nothing)
    return Credits(percent, days, _amounts(contract, ratio_num, ratio_den, fee, currency))


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


def _capped_multiple(
    contract: Contract, multiple: Decimal, lost: Availability, rows: I64, period_days: int
) -> list[Fraction]:
    """Slack: the multiple times the lost share of the fee, as percents, after caps."""
    m = Fraction(multiple)
    return [
        _capped(contract, m * 100 * Fraction(int(u), int(t)), period_days)
        for u, t in zip(lost.up[rows].tolist(), lost.total[rows].tolist(), strict=True)
    ]


def _amounts(
    contract: Contract,
    ratio_num: Obj,
    ratio_den: Obj,
    fee: list[Decimal | None],
    currency: list[str],
) -> list[Decimal | None]:
    """fee × ratio per row, half-up to the minor unit once; the contract's minimum applies."""
    out: list[Decimal | None] = [None] * len(fee)
    known = [i for i, f in enumerate(fee) if f is not None]
    if not known:
        return out
    idx = np.array(known, dtype=np.int64)
    # A portfolio repeats each tenant's fee and currency on every period: convert each once.
    ratio_of = {f: f.as_integer_ratio() for f in set(fee) if f is not None}
    digits_of = {c: minor_unit_digits(c) for c in set(currency)}
    pairs = [ratio_of[f] for f in (fee[i] for i in known) if f is not None]
    fee_num = np.array([p[0] for p in pairs], dtype=object)
    fee_den = np.array([p[1] for p in pairs], dtype=object)
    digits = np.array([digits_of[currency[i]] for i in known], dtype=np.int64)
    scale = np.array([10 ** int(d) for d in digits], dtype=object)
    p = fee_num * ratio_num[idx] * scale
    q = fee_den * ratio_den[idx]
    minor = (2 * p + q) // (2 * q)
    minimum = contract.minimum_credit
    if minimum is not None:
        same = np.array([currency[i] == contract.minimum_credit_currency for i in known])
        floor = np.array([int(minimum * s) for s in scale.tolist()], dtype=object)
        minor = np.where(same & (minor * 1 <= floor), 0, minor)
    made: dict[tuple[int, int], Decimal] = {}  # most rows share an amount (zero, or a tier's)
    with money():  # a credit of any accepted fee keeps every digit
        for i, units, d in zip(known, minor.tolist(), digits.tolist(), strict=True):
            key = (units, d)
            amount = made.get(key)
            if amount is None:
                amount = made[key] = Decimal(int(units)).scaleb(-int(d))
            out[i] = amount
    return out


def _decimal(value: Fraction) -> Decimal:
    """A tier or cap figure as Decimal (exact for terminating values, else 10 places)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return _plain(exact) if Fraction(exact) == value else exact.quantize(Decimal("1e-10"))


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
    ``per_second`` from ``up``; it must fit in the ``up_seconds`` that were not down yet.
    """
    n = len(tier)
    seconds = np.full(n, -1, dtype=np.int64)
    target = np.full(n, -1, dtype=np.int64)
    minimum = max(1, int(np.ceil(float(contract.minimum_downtime_minutes) * 60)))
    for index, t in enumerate(contract.tiers):
        rows = np.flatnonzero(tier + 1 == index)
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
