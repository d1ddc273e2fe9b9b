"""Numbers as a locale writes them: decimal commas, thousands separators, ``12,5 %``.

A German export writes 1200 users as ``1.200`` and twelve and a half percent as ``12,5 %``. The
readers take the separators the way ``pandas.read_csv`` names them (``decimal=``, ``thousands=``;
on the command line ``--decimal`` and ``--thousands``), or detect them when the table settles it,
and turn such cells into plain text (``1200``, ``12.5 %``) before the usual checks of
:mod:`slacalc.io.cells` and :func:`~slacalc.model.money.parse_amount` read them. So every number
still goes through one set of rules; only the marks are translated.

Detection looks at the text cells of a table's number columns. A cell settles the decimal mark
when it can be read one way only (the rules of docs/amounts.md): ``12,5`` or ``1.200,00`` say the
decimal mark is a comma, ``12.5`` or ``1,200.00`` a point; ``1.200`` alone says nothing. The
thousands mark is then the other one. Cells of both kinds, or none, detect nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from slacalc.errors import InputError
from slacalc.io.cells import as_text, no_problems
from slacalc.io.wording import option

#: Marks a thousands separator may be (spaces: also the no-break spaces of French exports).
THOUSANDS_MARKS = (".", ",", " ", "'")
DECIMAL_MARKS = (".", ",")
_SPACES = {"\u00a0": " ", "\u202f": " ", "\u2009": " "}
_SPACE_TABLE = str.maketrans(_SPACES)
_PERCENT = r"(?P<pct>\s*%)?"


def _settled(decimal: str, group: str) -> re.Pattern[str]:
    """Cells that can only be read with ``decimal`` as the decimal mark (docs/amounts.md)."""
    d, g = re.escape(decimal), re.escape(group)
    return re.compile(
        rf"(?:[0-9]+{d}(?:[0-9]{{1,2}}|[0-9]{{4,}})|0{d}[0-9]+"
        rf"|[0-9]{{1,3}}(?:{g}[0-9]{{3}})+{d}[0-9]+|[0-9]{{1,3}}(?:{g}[0-9]{{3}}){{2,}})"
        r"(?:\s*%)?"
    )


_DECIMAL_COMMA = _settled(",", ".")
_DECIMAL_POINT = _settled(".", ",")


@dataclass(frozen=True)
class NumberFormat:
    """The decimal mark and the thousands mark (None: none) numbers are written with."""

    decimal: str = "."
    thousands: str | None = None

    def __post_init__(self) -> None:
        if self.decimal not in DECIMAL_MARKS:
            raise InputError(f"{option('decimal', self.decimal)}: the decimal mark is '.' or ','")
        if self.thousands is not None and self.thousands not in THOUSANDS_MARKS:
            raise InputError(
                f"{option('thousands', self.thousands)}: the thousands mark is one of "
                + ", ".join(repr(m) for m in THOUSANDS_MARKS)
            )
        if self.thousands == self.decimal:
            raise InputError(
                f"{option('decimal', self.decimal)} and {option('thousands', self.thousands)}: "
                "the two marks must differ"
            )

    def describe(self) -> str:
        """``"',' for decimals and '.' for thousands"``."""
        group = f" and {self.thousands!r} for thousands" if self.thousands else ""
        return f"{self.decimal!r} for decimals{group}"

    def _pattern(self) -> re.Pattern[str]:
        if self.thousands:
            group = re.escape(self.thousands)
            whole = rf"(?P<whole>[0-9]{{1,3}}(?:{group}[0-9]{{3}})+|[0-9]+)"
        else:
            whole = r"(?P<whole>[0-9]+)"
        return re.compile(rf"^{whole}(?:{re.escape(self.decimal)}(?P<frac>[0-9]+))?{_PERCENT}$")


def number_format(decimal: str | None, thousands: str | None) -> NumberFormat | None:
    """The format a caller gave (either mark may be left out), or None when it gave neither.

    A decimal comma alone implies a point for thousands, and the reverse, as in every locale
    that uses one of them for decimals.
    """
    if decimal is None and thousands is None:
        return None
    if decimal is None:
        decimal = "," if thousands == "." else "."
    if thousands is None:
        thousands = "." if decimal == "," else ","
    return NumberFormat(decimal, thousands)


def plain(values: pd.Series, fmt: NumberFormat) -> tuple[pd.Series, np.ndarray]:
    """The cells written in ``fmt`` as plain text (``1.200`` → ``1200``, ``12,5 %`` → ``12.5 %``).

    Cells that are not text (an Excel number) are kept as they are; text that is not a number
    written in ``fmt`` but holds one of its marks gets a reason (``""`` elsewhere), so ``1,200.5``
    under ``decimal=','`` is refused rather than read one way or another.
    """
    values = values.reset_index(drop=True)
    text = as_text(values).astype(object).str.translate(_SPACE_TABLE)
    is_text = _is_text(values)
    parts = text.str.extract(fmt._pattern())
    matched = parts["whole"].notna().to_numpy(dtype=bool) & is_text
    whole = parts["whole"].fillna("")
    if fmt.thousands:
        whole = whole.str.replace(fmt.thousands, "", regex=False)
    frac = parts["frac"].fillna("")
    converted = whole + frac.where(frac == "", "." + frac) + parts["pct"].fillna("")
    out = values.astype(object).where(~matched, converted)
    marks = {fmt.decimal, fmt.thousands or fmt.decimal}
    mark_class = "[" + "".join(re.escape(m) for m in sorted(marks)) + "]"
    has_mark = text.str.contains(mark_class, regex=True).fillna(False).to_numpy(dtype=bool)
    problem = no_problems(len(values))
    problem[is_text & ~matched & has_mark] = f"not a number written with {fmt.describe()}"
    return out, problem


def _is_text(values: pd.Series) -> np.ndarray:
    if values.dtype != object:
        return np.full(len(values), pd.api.types.is_string_dtype(values.dtype), dtype=bool)
    return np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))


def detect(columns: Iterable[pd.Series]) -> tuple[NumberFormat, str] | None:
    """A decimal comma when the text cells of ``columns`` show one and none shows a decimal
    point, with a cell that shows it; else None (a decimal point is the default reading).

    No cell settles both (the two patterns differ in their last mark, or in which mark
    repeats), so the answer is: the first cell that settles a comma, if no cell settles a point.
    Only cells that hold the mark a pattern needs are tried against it (a comma, or two points
    for ``1.200.000``; the reverse for a point), each distinct cell once.
    """
    comma = ""
    points: list[pd.Series] = []
    for values in columns:
        if values.dtype != object and not pd.api.types.is_string_dtype(values.dtype):
            continue
        text = values[_is_text(values)].astype("str").str.strip()  # only text settles it
        marked = text.str.contains(r"[0-9][.,][0-9]", regex=True).fillna(False)
        cells = pd.Series(text[marked.to_numpy(dtype=bool)].unique(), dtype="str")
        commas = cells.str.count(",").to_numpy()
        dots = cells.str.count(r"\.").to_numpy()
        if not comma:
            comma = _first(cells[(commas > 0) | (dots > 1)], _DECIMAL_COMMA)
        points.append(cells[(dots > 0) | (commas > 1)])
    if not comma or any(_first(cells, _DECIMAL_POINT) for cells in points):
        return None
    return NumberFormat(",", "."), comma


def _first(cells: pd.Series, pattern: re.Pattern[str]) -> str:
    """The first cell, its spaces made plain, that ``pattern`` reads whole; ``""`` if none."""
    plain_cells = (str(cell).translate(_SPACE_TABLE) for cell in cells)
    return next((cell for cell in plain_cells if pattern.fullmatch(cell)), "")


def in_format(values: pd.Series, fmt: NumberFormat | None) -> tuple[pd.Series, np.ndarray]:
    """``values`` as plain text when a format is given (see :func:`plain`), with a reason per
    cell that is not written in it; unchanged, with no reasons, when ``fmt`` is None."""
    if fmt is None:
        return values.reset_index(drop=True), no_problems(len(values))
    return plain(values, fmt)


def choose(
    given: NumberFormat | None, columns: Iterable[pd.Series]
) -> tuple[NumberFormat | None, str]:
    """The format to read ``columns`` in: the caller's, else a detected one with a note saying
    so (``""`` when nothing was detected)."""
    if given is not None:
        return given, ""
    found = detect(columns)
    if found is None:
        return None, ""
    fmt, cell = found
    return fmt, (
        f"numbers read with {fmt.describe()} (detected from {cell!r}; "
        f"{option('decimal', '.')} says otherwise)"
    )
