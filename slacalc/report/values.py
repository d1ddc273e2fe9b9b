"""Result cells as plain Python values: the edge where typed columns meet formatting code.

The result table's decimals are Arrow columns of a fixed scale (money to three places, percents
to ten; see :mod:`slacalc.engine.columns`). Here each becomes the Python ``Decimal`` a person
reads: money at its currency's minor unit (``2000.00 USD``, ``1000 JPY``), other figures without
the padding zeros (``99.9``, ``25``). Missing cells of every kind are ``None``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pandas as pd

from slacalc.engine.columns import missing
from slacalc.model.money import minor_unit_digits

__all__ = ["MONEY_COLUMNS", "cell", "figure", "missing", "money", "plain", "records"]

#: Money columns: shown at the minor unit of the row's ``currency``.
MONEY_COLUMNS = frozenset({"credit_amount", "monthly_fee", "period_fee"})


def figure(value: Decimal) -> Decimal:
    """A decimal without padding zeros and never in exponent form: ``99.9000000000`` → ``99.9``."""
    plain = value.normalize()
    exponent = plain.as_tuple().exponent
    return plain.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else plain


def money(value: Decimal, currency: str) -> Decimal:
    """An amount at its currency's minor unit (exact: the column holds no finer digit)."""
    return value.quantize(Decimal(1).scaleb(-minor_unit_digits(currency)))


def cell(name: str, value: object, currency: str = "") -> object:
    """One result cell as a Python value (see the module's docstring)."""
    if missing(value):
        return None
    if isinstance(value, Decimal):
        return money(value, currency) if name in MONEY_COLUMNS and currency else figure(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def records(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The rows of a result table as dicts of Python values, one conversion per column."""
    names = [str(c) for c in (frame.columns if columns is None else columns)]
    currencies = (
        [str(c) for c in frame["currency"].tolist()] if "currency" in frame else [""] * len(frame)
    )
    cells = {
        name: [cell(name, v, c) for v, c in zip(frame[name].tolist(), currencies, strict=True)]
        for name in names
    }
    return [{name: cells[name][i] for name in names} for i in range(len(frame))]


def plain(value: Any) -> Any:
    """A cell as JSON data: decimals as exact strings, dates and times ISO, id lists as lists.

    Floats (minutes, which only measure; their exact seconds are integer columns) stay numbers.
    """
    if missing(value):
        return None
    if isinstance(value, Decimal):
        return format(figure(value) if value.as_tuple().exponent > 0 else value, "f")  # type: ignore[operator]
    if isinstance(value, bool):
        return value
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return plain(value.item())
    return value
