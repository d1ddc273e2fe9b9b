"""Typed result columns: exact Arrow decimals, dates and id lists, built without a loop per row.

The result tables keep exact numbers exact and still let pandas compute on them
(``df["credit_amount"].sum()`` is exact to the cent; ``groupby(...).sum()`` too). The Arrow types,
and why each is wide enough for every value the model accepts:

* ``PERCENT`` ``decimal128(13, 10)``: availability and commitment, 0 to 100 with 10 decimals. The
  engine's availability is exact to 10 decimals or floored (never flatters); a contract's
  commitment is validated to at most 10 decimals.
* ``FIGURE`` ``decimal128(38, 10)``: a credit in percent of the fee or in days of service, exact
  when it has at most 10 decimals, else rounded to 10 (a display figure: the amount is computed
  from the exact rational credit, not from this column).
* ``MONEY`` ``decimal128(38, 3)``: amounts and fees to three decimals, the largest minor unit in
  ISO 4217 (BHD, KWD, ...), so every currency's amounts are exact; a fee needing more decimals
  is refused when the customers are read into the calculation.
* ``UNITS`` ``decimal128(38, 4)``: user counts and user-seconds in the engine's 1/10,000-user
  units (``sweep.UNITS_DIGITS``).
* ``DATE`` ``date32`` and ``IDS`` ``list<string>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from slacalc.engine.sweep import UNITS_DIGITS

PERCENT = pa.decimal128(13, 10)
FIGURE = pa.decimal128(38, 10)
MONEY = pa.decimal128(38, 3)
UNITS = pa.decimal128(38, UNITS_DIGITS)
DATE = pa.date32()
IDS = pa.list_(pa.string())

#: The verdict on a period, the same columns in the same order in every result table (outage
#: windows' ``RESULT_COLUMNS``, error rates' ``ERROR_RATE_COLUMNS``): availability against the
#: commitment and the text in force, the tier and its credit, the fee it is a share of, and the
#: claim deadline.
VERDICT_COLUMNS = (
    "availability_percent",
    "commitment_percent",
    "terms_version",
    "breached",
    "tier_number",
    "tier",
    "credit_percent",
    "credit_days",
    "credit_amount",
    "credit_limited_by",
    "monthly_fee",
    "period_fee",
    "currency",
    "claim_deadline",
)

#: Decimal places of :data:`PERCENT` and :data:`FIGURE`.
PERCENT_PLACES = 10
#: Decimal places of :data:`MONEY`.
MONEY_PLACES = 3


def from_units(
    units: npt.NDArray[np.int64],
    kind: pa.Decimal128Type,
    valid: npt.NDArray[np.bool_] | None = None,
) -> pd.arrays.ArrowExtensionArray:
    """Integers counted in ``10**-kind.scale`` as an exact decimal column (``valid``: not null).

    The 128-bit values are the 64-bit integers sign-extended, laid out as Arrow stores them, so no
    Python object is made per row.
    """
    values = np.ascontiguousarray(units, dtype=np.int64)
    wide = np.empty((len(values), 2), dtype=np.int64)
    wide[:, 0] = values
    wide[:, 1] = values >> 63  # the sign, as the high word
    nulls = 0 if valid is None else int(len(values) - np.count_nonzero(valid))
    bitmap = None
    if nulls:
        assert valid is not None
        bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    array = pa.Array.from_buffers(kind, len(values), [bitmap, pa.py_buffer(wide)], null_count=nulls)
    return pd.arrays.ArrowExtensionArray(array)


def from_decimals(
    values: Sequence[Decimal | None] | npt.NDArray[np.object_], kind: pa.DataType
) -> pd.arrays.ArrowExtensionArray:
    """Decimals (``None``: missing) as a typed column, converting each distinct value once."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    distinct = pa.array(list(uniques), type=kind)
    taken = distinct.take(pa.array(codes, mask=codes < 0))
    return pd.arrays.ArrowExtensionArray(taken)


def typed(values: Sequence[object], kind: pa.DataType) -> pd.arrays.ArrowExtensionArray:
    """Python values (dates, id tuples, ``None``) as an Arrow column of ``kind``."""
    return pd.arrays.ArrowExtensionArray(pa.array(values, type=kind))


def missing(value: object) -> bool:
    """Whether a cell is empty: ``None``, ``pd.NA``, ``NaT`` or a float NaN (the one test)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value


def fits(value: Decimal, places: int) -> bool:
    """Whether ``value`` has at most ``places`` decimals (so a column of that scale holds it)."""
    if not value.is_finite():
        return False
    exponent = value.normalize().as_tuple().exponent
    return isinstance(exponent, int) and -exponent <= places
