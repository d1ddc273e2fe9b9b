"""Decimal money and percentages: one way to build them, one place that rounds.

Floats may measure, never bill: every amount a user gives goes through :func:`parse_amount` (one
set of rules for the CLI, the tables and the app), and money is rounded once, half-up, to the
currency's minor unit by :func:`round_money`.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
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
MAX_FEE_DIGITS = 15
MAX_FEE_PLACES = 3  # the results' money column holds thousandths (KWD, BHD)
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


#: The largest amount slacalc takes: 15 digits before the decimal point, 6 after. Every amount
#: then has at most 21 digits, so sums of a million of them stay inside Decimal's default 28-digit
#: context and no digit is lost.
MAX_WHOLE_DIGITS, MAX_DECIMAL_PLACES = MAX_FEE_DIGITS, 6

#: Text read at once: digits, maybe a point and 1, 2 or 4+ decimals (never three: see below).
_PLAIN = re.compile(r"[0-9]+(?:\.(?:[0-9]{1,2}|[0-9]{4,}))?")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})


def parse_amount(value: object) -> Decimal:
    """An amount of money as an exact Decimal, by the one set of rules every front end uses.

    ``value`` is text as typed (a CLI argument, a table cell, an app field), or a number a reader
    already holds: a ``Decimal`` or ``int`` as it is, a ``float`` (an Excel cell) by its shortest
    repr, never its binary value. Text is digits with at most one decimal separator, ``.`` or
    ``,``, and thousands grouped only where that cannot be misread:

    * ``1200``, ``1200.50``, ``1200,50``, ``0,99``: no grouping; the separator is the decimal one.
    * ``1,200.00``, ``1.200,00``: both separators; the last is the decimal one, the other groups
      thousands (groups of three).
    * ``1 200``, ``1 200,00``, ``1 200.00``: spaces group thousands (no-break spaces too).
    * ``1,200,000``, ``1.200.000``: one separator repeated groups thousands.
    * ``1,200`` and ``1.200`` are refused: one separator before exactly three digits reads as
      1200 in some countries and 1.2 in others. Write ``1200``, ``1,200.00`` or ``1.2``.

    Refused too: signs other than a leading ``-`` (negative amounts are refused by name),
    exponents (``1e3``), currency symbols, other characters; infinities and NaN; more than
    :data:`MAX_WHOLE_DIGITS` digits before the decimal point or :data:`MAX_DECIMAL_PLACES` after.
    Every refusal is an :class:`~slacalc.errors.InputError` whose message says what to write.
    The rules with examples: docs/amounts.md.
    """
    if isinstance(value, bool):
        raise InputError(f"{value!r} is not an amount")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    elif isinstance(value, str):
        amount = _from_text(value)
    else:
        raise InputError(f"{value!r} is not an amount")
    return _bounded(amount, value)


def _bounded(amount: Decimal, given: object) -> Decimal:
    shown = given if isinstance(given, str) else str(given)
    if not amount.is_finite():
        raise InputError(f"{shown!r} is not a finite amount")
    if amount < 0:
        raise InputError(f"{shown!r} is a negative amount")
    if amount >= Decimal(10) ** MAX_WHOLE_DIGITS:
        raise InputError(
            f"{shown!r} has more than {MAX_WHOLE_DIGITS} digits before the decimal point, "
            "beyond what slacalc keeps exact"
        )
    if amount != amount.quantize(Decimal(1).scaleb(-MAX_DECIMAL_PLACES)):
        raise InputError(
            f"{shown!r} has more than {MAX_DECIMAL_PLACES} decimal places; round the amount"
        )
    return amount


def _from_text(text: str) -> Decimal:
    body = text.translate(_SPACES).strip()
    if _PLAIN.fullmatch(body):
        return Decimal(body)
    if body.startswith("-") and body[1:].strip():
        _from_text(body[1:])  # a well-formed amount after the sign: say it is negative
        raise InputError(f"{text!r} is a negative amount")
    if not re.fullmatch(r"[0-9](?:[0-9., ]*[0-9])?", body):
        raise InputError(f"{text!r} is not an amount: write digits, e.g. 1200.00 or 1 200,00")
    marks = [c for c in body if c in ",."]
    if " " in body:
        if len(marks) > 1:
            raise InputError(f"{text!r} groups thousands two ways; use spaces or marks, not both")
        whole, _, frac = body.replace(",", ".").partition(".")
        return _grouped(text, whole, " ", frac)
    if len(set(marks)) == 2:
        point = body[max(body.rfind(","), body.rfind("."))]
        group = "," if point == "." else "."
        whole, _, frac = body.rpartition(point)
        if point in whole:
            raise InputError(f"{text!r} has more than one decimal separator {point!r}")
        return _grouped(text, whole, group, frac)
    if len(marks) > 1:
        return _grouped(text, body, marks[0], "")
    whole, mark, frac = body.partition(marks[0]) if marks else (body, "", "")
    if len(frac) == 3 and len(whole) <= 3 and not whole.startswith("0"):
        other = "." if mark == "," else ","
        decimals = frac.rstrip("0")  # the small reading, written so that it is not ambiguous
        small = f"{whole}.{decimals}{'0' if len(decimals) == 3 else ''}".rstrip(".")
        raise InputError(
            f"{text!r} is ambiguous: {whole}{frac} or {whole}.{frac}? Write {whole}{frac} or "
            f"{small}, or give the decimals as well ({body}{other}00)"
        )
    return Decimal(f"{whole}.{frac}" if frac else whole)


def _grouped(text: str, whole: str, group: str, frac: str) -> Decimal:
    """``whole`` must be thousands grouped by ``group``: 1 to 3 digits, then groups of 3."""
    if not re.fullmatch(rf"[0-9]{{1,3}}(?:{re.escape(group)}[0-9]{{3}})+", whole):
        raise InputError(
            f"{text!r} is not an amount: thousands are grouped in threes, e.g. 1,200.00 or 1 200,00"
        )
    digits = whole.replace(group, "")
    return Decimal(f"{digits}.{frac}" if frac else digits)


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
