"""Decimal money and percentages: one way to build them, one place that rounds.

Floats may measure, never bill: every amount and every number that decides a tier goes through
:func:`to_decimal`, and money is rounded once, half-up, to the currency's minor unit by
:func:`round_money`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from fractions import Fraction
from functools import cache

from babel.numbers import get_currency_precision, list_currencies

from slacalc.errors import InputError

#: ISO 4217 codes that name no money a fee is paid in (ISO lists no minor unit for them):
#: "no currency", testing, precious metals, bond-market units and the IMF's and others' units.
_NOT_MONEY = frozenset(
    {"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"}
)
FIND_CURRENCY_CODES = (
    "valid codes are listed at https://www.iso.org/iso-4217-currency-codes.html "
    "(or in Python: babel.numbers.list_currencies())"
)


@cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies()) - _NOT_MONEY


def currency_code(text: str) -> str:
    """``text`` as an ISO 4217 currency code a fee can be paid in (upper-cased).

    Raises :class:`InputError` naming the code and where the valid codes are listed.
    """
    code = str(text).strip().upper()
    if code in _NOT_MONEY:
        why = "names no money a fee is paid in"
    elif code not in _currencies():
        why = "is not an ISO 4217 code"
    else:
        return code
    raise InputError(f"currency {text!r} {why}; {FIND_CURRENCY_CODES}")


#: The largest fee slacalc takes has this many digits before the decimal point, and at most
#: ``MAX_FEE_PLACES`` after it: every product and sum of such amounts is exact in ``money()``.
MAX_FEE_DIGITS = 36
MAX_FEE_PLACES = 12
_MONEY_PRECISION = 80  # digits: a fee × a quarter's months, summed over 10^12 rows, fits


def money() -> AbstractContextManager[Context]:
    """A Decimal context wide enough that no arithmetic on accepted amounts ever rounds.

    Python's default context keeps 28 significant digits, so a 30-digit fee times 3 months
    would silently lose its cents; every Decimal product or sum of money runs inside this one.
    """
    return localcontext(prec=_MONEY_PRECISION, rounding=ROUND_HALF_UP)


def fee_problem(amount: Decimal) -> str:
    """Why ``amount`` cannot be a fee ("" when it can): too large, or finer than any money."""
    if not amount.is_finite() or amount < 0:
        return "not an amount of zero or more"
    if amount and amount.adjusted() >= MAX_FEE_DIGITS:
        return f"more than {MAX_FEE_DIGITS} digits before the decimal point"
    if amount and -amount.normalize().as_tuple().exponent > MAX_FEE_PLACES:  # type: ignore[operator]
        return f"more than {MAX_FEE_PLACES} decimal places"
    return ""


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
    """Digits after the decimal point in ``currency``: 0 for JPY and XOF, 3 for KWD.

    The figures are the Unicode CLDR's (through babel), which follow ISO 4217 except where a
    currency's smallest coin is no longer used (HUF, IDR, COP and IQD have 0 there). An unknown
    code raises :class:`InputError`.
    """
    return int(get_currency_precision(currency_code(currency)))


def round_money(amount: Decimal | Fraction, currency: str) -> Decimal:
    """Round ``amount`` half-up to the minor unit of ``currency``: the only rounding of money."""
    if isinstance(amount, Fraction):
        # Exact half-up on the rational value, so no intermediate Decimal rounding sneaks in.
        scale = 10 ** minor_unit_digits(currency)
        scaled = amount * scale
        units = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
        if scaled < 0:
            units = -((-scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator))
        with money():
            return Decimal(units).scaleb(-minor_unit_digits(currency))
    with money():
        return amount.quantize(Decimal(1).scaleb(-minor_unit_digits(currency)))


def fraction_of(value: Decimal) -> Fraction:
    """The exact rational value of a finite Decimal."""
    return Fraction(value)
