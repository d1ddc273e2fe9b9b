"""Decimal money and percentages: one way to build them, one place that rounds.

Floats may measure, never bill: every amount and every number that decides a tier goes through
:func:`to_decimal`, and money is rounded once, half-up, to the currency's minor unit by
:func:`round_money`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

#: Minor-unit digits of currencies whose minor unit is not the usual two (ISO 4217).
_MINOR_UNITS: dict[str, int] = {
    "BHD": 3,
    "CLP": 0,
    "IQD": 3,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "OMR": 3,
    "PYG": 0,
    "TND": 3,
    "UGX": 0,
    "VND": 0,
}

ROUNDING_RULE = "half-up to the currency's minor unit, once, after caps and minimums"


def to_decimal(value: object) -> Decimal:
    """Return ``value`` as an exact Decimal; floats go through their shortest repr, not binary."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    try:
        return Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not a number") from exc


def minor_unit_digits(currency: str) -> int:
    """Digits after the decimal point in ``currency`` (2 unless ISO 4217 says otherwise)."""
    return _MINOR_UNITS.get(currency.upper(), 2)


def round_money(amount: Decimal | Fraction, currency: str) -> Decimal:
    """Round ``amount`` half-up to the minor unit of ``currency``: the only rounding of money."""
    if isinstance(amount, Fraction):
        # Exact half-up on the rational value, so no intermediate Decimal rounding sneaks in.
        scale = 10 ** minor_unit_digits(currency)
        scaled = amount * scale
        units = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
        if scaled < 0:
            units = -((-scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator))
        return Decimal(units).scaleb(-minor_unit_digits(currency))
    quantum = Decimal(1).scaleb(-minor_unit_digits(currency))
    return amount.quantize(quantum, rounding=ROUND_HALF_UP)


def fraction_of(value: Decimal) -> Fraction:
    """The exact rational value of a finite Decimal."""
    return Fraction(value)
