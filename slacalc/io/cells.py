"""Whole-column checks of raw cells: text, whole numbers, percents and exact amounts.

Each reader takes a column as read (strings from CSV, native values from Excel, JSON or a
DataFrame) and returns the values with one reason per cell that cannot be used (``""`` when the
cell is fine), so the caller can reject those rows and keep the rest. The happy path is vectorised;
only the cells that fail are looked at one by one, to say why.

Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-`` or ``@``,
and not simply a number) are refused: slacalc writes these values back into workbooks and reports,
and refusing is safer than quietly changing what the user typed.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pandas as pd

from slacalc.errors import InputError
from slacalc.io.wording import advise
from slacalc.model.money import parse_amount

_FORMULA_STARTS = ("=", "+", "-", "@")
#: The largest whole number (of users) read: every whole number up to it is exact as a float64.
MAX_WHOLE = 2**53
_PLAIN_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"


@dataclass(frozen=True)
class Checked:
    """A column after its check: values (as the reader returns them) and a reason per bad cell."""

    values: pd.Series
    given: np.ndarray
    #: A reason per cell, ``""`` where fine; read-only when no cell failed (:func:`found_none`):
    #: copy it to add reasons.
    problem: np.ndarray
    #: For each cell, a number that equal values share and no other value has (None: not known).
    codes: np.ndarray | None = None
    #: Which cells have a problem, as the check returned them, when it knows without reading
    #: ``problem`` (None: read it).
    failed: np.ndarray | None = None


EXCEL_ERRORS = frozenset(
    {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)


def no_problems(n: int) -> np.ndarray:
    """An object array of ``n`` empty reasons (``""``), the start of a check's reasons per cell.

    Filled by a slice assignment, which is much cheaper than ``np.full`` with an object fill
    value; a reader builds several such arrays of a million cells per column.
    """
    problem = np.empty(n, dtype=object)
    problem[:] = ""
    return problem


def found_none(n: int) -> np.ndarray:
    """The reasons of ``n`` cells of which none failed, read-only and in no memory of their own
    (one ``""`` seen ``n`` times): a check that found nothing in a million cells need not make
    and free a million references. A caller that adds reasons copies it first."""
    return np.broadcast_to(np.array("", dtype=object), (n,))


def cell_text(value: object) -> str:
    """One cell as a user would read it: whole floats without ``.0``, missing as ``""``."""
    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, float | np.floating):
        number = float(value)
        if np.isnan(number):
            return ""
        return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    return str(value).strip()


def as_text(values: pd.Series) -> pd.Series:
    """The column as stripped text, ``""`` where missing (vectorised for string columns)."""
    values = values.reset_index(drop=True)
    if values.dtype != object and pd.api.types.is_string_dtype(values.dtype):
        return values.fillna("").str.strip()
    if values.isna().all():
        return pd.Series(np.full(len(values), "", dtype=object), dtype="str")
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "iu":
        return values.astype(str)
    return pd.Series([cell_text(v) for v in values], dtype=object)


@dataclass(frozen=True)
class Distinct:
    """A column as its distinct values, in the order they first appear, and for each cell the
    position of its value among them (``codes``).

    Most columns of an outage table hold a few values many times (tenants, services, cohorts,
    exclusions, percents): a check run once per distinct value and taken back to every cell by
    its code says exactly what the check of every cell would say, at a fraction of the cost.
    """

    values: pd.Series
    codes: np.ndarray

    def spread(self, checked: Checked, column: pd.Series) -> Checked:
        """``checked``, a check of :attr:`values`, for every cell of ``column`` (the column these
        distinct values came from). When the check kept every value as it was, the column itself
        is the checked column (no copy), and its codes still tell equal values apart."""
        codes = self.codes
        values = checked.values
        if values.dtype == self.values.dtype and values.equals(self.values):
            # values.equals treats two missing values as equal: only a column without them
            unchanged = not bool(self.values.isna().any())
        else:
            unchanged = False
        out = column.reset_index(drop=True) if unchanged else take(values, codes)
        wrong = checked.problem != ""
        if wrong.any():
            problem = no_problems(len(codes))
            failed = wrong[codes]
            problem[failed] = checked.problem[codes[failed]]
        else:  # no value failed: no cell did (no pass over the codes to say so)
            problem = found_none(len(codes))
            failed = np.zeros(len(codes), dtype=bool)
        return Checked(out, checked.given[codes], problem, codes if unchanged else None, failed)


def take(values: pd.Series, positions: np.ndarray) -> pd.Series:
    """A new column of ``values`` at ``positions`` (integers), of the same dtype: an Arrow-backed
    column by Arrow takes (pandas' own take checks the positions in a pass of its own first)."""
    array = arrow_data(values)
    if array is not None:
        return pd.Series(pd.array(_take_chunks(array, positions), dtype=values.dtype))
    if isinstance(values.dtype, np.dtype):
        return pd.Series(values.to_numpy()[positions])
    return pd.Series(values.array.take(positions))


def _take_chunks(array: Any, positions: np.ndarray) -> Any:
    """``array`` (a ``ChunkedArray``) at ``positions``. Arrow's take of a column of several
    chunks joins them into one first, a copy of the whole column even for a few positions (the
    few rows that may repeat, of a million read in blocks); positions in order are taken from
    each chunk instead."""
    pa = importlib.import_module("pyarrow")
    pc = importlib.import_module("pyarrow.compute")
    lengths = [len(chunk) for chunk in array.chunks]
    in_order = len(positions) > 1 and bool(np.all(positions[1:] >= positions[:-1]))
    if len(lengths) < 2 or not in_order or positions[0] < 0 or positions[-1] >= len(array):
        return pc.take(array, positions)  # which also refuses a position outside the column
    ends = np.cumsum(lengths)
    cuts = np.searchsorted(positions, ends)  # the positions of chunk i are cuts[i-1]:cuts[i]
    pieces, low = [], 0
    for chunk, end, high in zip(array.chunks, ends, cuts, strict=True):
        if high > low:
            pieces.append(chunk.take(positions[low:high] - (end - len(chunk))))
        low = high
    return pa.chunked_array(pieces, type=array.type)


def distinct(values: pd.Series) -> Distinct | None:
    """The distinct values of an Arrow-backed column and each cell's code, in one hash pass over
    the column (``pyarrow.compute.dictionary_encode``); None for any other column."""
    array = arrow_data(values)
    if array is None:
        return None
    pa = importlib.import_module("pyarrow")
    pc = importlib.import_module("pyarrow.compute")
    encoded = pc.dictionary_encode(array, null_encoding="encode")
    chunks = getattr(encoded, "chunks", [encoded])
    if not chunks:
        return Distinct(values.iloc[:0].reset_index(drop=True), np.zeros(0, dtype=np.intp))
    # the chunks of a chunked column share one dictionary (one memo table for the whole column)
    codes = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in chunks])
    dictionary = pa.chunked_array([chunks[-1].dictionary])
    uniques = pd.Series(pd.array(dictionary, dtype=values.dtype))
    return Distinct(uniques, codes)


def fingerprints(values: pd.Series) -> np.ndarray | None:
    """A 64-bit number per cell of an Arrow text column without missing values, equal for equal
    texts (unequal texts may share one), read off the Arrow buffers without hashing the text:
    its length and its first and last 8 bytes. None for any other column.

    A pre-filter before an exact comparison: cells whose fingerprint no other cell has hold a
    text no other cell holds. A column of a million ids (most of them distinct) is fingerprinted
    in a fraction of the time a hash table of its values takes.
    """
    array = arrow_text(values)
    if array is None or array.null_count:
        return None
    chunk = array.combine_chunks()
    if not len(chunk):
        return np.zeros(0, dtype=np.uint64)
    offsets, data = _text_buffers(chunk)
    # 8 zero bytes either side, so that a word at any text's start or end stays in the buffer
    padded = np.zeros(len(data) + 16, dtype=np.uint8)
    padded[8 : 8 + len(data)] = data
    # the little-endian 64-bit word at every byte offset (a view, no copy)
    words = np.ndarray((len(padded) - 7,), dtype="<u8", buffer=padded.data, strides=(1,))
    length = np.diff(offsets).astype(np.uint64)
    first = words[offsets[:-1] + 8]  # bytes from the start: keep the text's own (low) bytes
    short = length < 8
    kept = np.left_shift(np.uint64(1), np.minimum(length, np.uint64(7)) * np.uint64(8))
    first = np.where(short, first & (kept - np.uint64(1)), first)
    last = np.where(short, np.uint64(0), words[offsets[1:]])  # the 8 bytes before the end
    mixed = first * np.uint64(0x9E3779B97F4A7C15) ^ last * np.uint64(0xC2B2AE3D27D4EB4F)
    return np.asarray(mixed ^ length * np.uint64(0x165667B19E3779F9), dtype=np.uint64)


def _text_buffers(chunk: Any) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (int64, one more than the cells: where each text starts and ends) and the
    UTF-8 bytes of one non-empty Arrow text array, as views of its buffers."""
    wide = str(chunk.type) == "large_string"
    _, offsets_buffer, data_buffer = chunk.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64 if wide else np.int32)
    offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1].astype(np.int64)
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0)
    return offsets, np.asarray(data, dtype=np.uint8)


def _starts_with(text: pd.Series, starts: tuple[str, ...]) -> np.ndarray:
    """Which cells of ``text`` (stripped, nothing missing) start with one of ``starts`` (ASCII
    characters): for an Arrow column, read off each text's first byte (no multi-byte character
    starts with an ASCII byte) instead of one pass over the column per character."""
    array = arrow_text(text)
    if array is None or array.null_count:
        return np.asarray(text.str.startswith(starts).fillna(False).to_numpy(dtype=bool))
    table = np.zeros(256, dtype=bool)
    table[[ord(c) for c in starts]] = True
    parts = [np.zeros(0, dtype=bool)]
    for chunk in array.chunks:
        out = np.zeros(len(chunk), dtype=bool)
        if len(chunk):
            offsets, data = _text_buffers(chunk)
            full = offsets[1:] > offsets[:-1]
            out[full] = table[data[offsets[:-1][full]]]
        parts.append(out)
    return np.concatenate(parts)


def each_distinct(
    check: Callable[[pd.Series], Checked], values: pd.Series, found: Distinct | None = None
) -> Checked:
    """``check(values)`` for a check that looks at each cell on its own: run once per distinct
    value of an Arrow-backed column (``found``, or found here) and spread to every cell."""
    if found is None:
        found = distinct(values)
    if found is None:
        return check(values)
    return found.spread(check(found.values), values)


def check_text(values: pd.Series, found: Distinct | None = None) -> Checked:
    """Free text (ids, tenants, services, cohorts): refuse formulas and spreadsheet errors."""
    return each_distinct(text_cells, values, found)


def text_cells(values: pd.Series) -> Checked:
    """:func:`check_text` of every cell, without looking for the distinct values first (for a
    check that runs on distinct values already)."""
    text = as_text(values)
    suspect = np.flatnonzero(_starts_with(text, (*_FORMULA_STARTS, "#")))
    problem = no_problems(len(text)) if len(suspect) else found_none(len(text))
    failed = np.zeros(len(text), dtype=bool)
    for i in suspect:
        problem[i] = text_problem(str(text.iloc[i]))
        failed[i] = problem[i] != ""
    return Checked(text, (text != "").to_numpy(dtype=bool), problem, failed=failed)


def text_problem(value: str) -> str:
    """Why a text value cannot be kept, or ``""``."""
    if value.upper() in EXCEL_ERRORS:
        return f"the cell holds the spreadsheet error {value.upper()}"
    if len(value) > 1 and value.startswith(_FORMULA_STARTS):
        try:
            Decimal(value)
        except InvalidOperation:
            return (
                f"starts with {value[0]!r}, so a spreadsheet would run it as a formula; remove "
                "that character"
            )
    return ""


def check_exclusion(values: pd.Series, reason: str, found: Distinct | None = None) -> Checked:
    """An exclusion column: yes/no, or a reason that names a kind of exclusion.

    ``no``/``false``/``n``/``0``/``none``/``-``/empty count the window; ``yes``/``true``/``y``/
    ``1``/``x`` exclude it with ``reason``; text naming a kind of exclusion (:data:`REASON_WORDS`:
    ``maintenance``, ``planned``, ``customer``, ``force-majeure``...) excludes it with that text.
    Anything else (``N/A``, ``0.0``, ``not excluded``) is refused: read as a reason it would drop
    the window from the measurement, and the user may have meant the opposite.
    """
    return each_distinct(lambda cells: _exclusion_cells(cells, reason), values, found)


def _exclusion_cells(values: pd.Series, reason: str) -> Checked:
    """:func:`check_exclusion` of every cell."""
    checked = text_cells(values)
    lower = checked.values.str.lower()
    problem = checked.problem.copy()
    verdicts = {word: _exclusion_verdict(word) for word in lower.unique()}
    verdicts[reason.lower()] = "yes"  # the reader's own words for "excluded", read back
    verdict = lower.map(verdicts).to_numpy(dtype=object)
    text = checked.values.where(verdict != "count", "")
    text = text.where(verdict != "yes", reason)
    unknown = (verdict == "unknown") & (problem == "")
    problem[unknown] = NOT_AN_EXCLUSION
    text = text.where(~unknown, "")
    return Checked(text, (text != "").to_numpy(dtype=bool), problem)


#: Why an exclusion cell is refused.
NOT_AN_EXCLUSION = (
    "not a recognised exclusion: write yes/no (true/false, y/n, 1/0, x or empty) or a reason "
    "naming its kind (maintenance, planned, customer, force-majeure, third-party, beta...); "
    "free text goes in an exclusion_reason column"
)
#: Yes/no as exports in English, German, French and Spanish write them.
FALSY = frozenset({"", "no", "n", "false", "0", "none", "-", "nein", "falsch", "non", "faux"})
TRUTHY = frozenset({"yes", "y", "true", "1", "x", "ja", "j", "wahr", "oui", "vrai", "si", "sí"})
#: Words that make a cell a reason to exclude a window (the exclusions of published SLAs).
REASON_WORDS = frozenset(
    {
        "maintenance",
        "planned",
        "scheduled",
        "emergency",
        "upgrade",
        "customer",
        "client",
        "force majeure",
        "third party",
        "3rd party",
        "beta",
        "alpha",
        "preview",
        "trial",
        "abuse",
        "misuse",
        "quota",
        "throttling",
        "suspension",
        "suspended",
        "testing",
        "unsupported",
        "misconfiguration",
        "outside control",
        "disaster",
        "exclusion",
        "exempt",
        "wartung",
        "wartungsfenster",
        "geplant",
        "mantenimiento",
        "programado",
        "planificado",
    }
)
_NEGATIONS = frozenset({"not", "no", "non", "never", "none", "without", "n/a", "na"})


def _exclusion_verdict(lower: str) -> str:
    """``count``, ``yes`` (excluded, no reason), ``reason`` or ``unknown`` for a lower-case cell."""
    if lower in FALSY:
        return "count"
    if lower in TRUTHY:
        return "yes"
    words = re.sub(r"[^0-9a-z/]+", " ", lower).split()
    if _NEGATIONS.intersection(words):
        return "unknown"
    pairs = {" ".join(words[i : i + 2]) for i in range(len(words) - 1)}
    return "reason" if REASON_WORDS.intersection(words) or REASON_WORDS & pairs else "unknown"


def check_whole(
    values: pd.Series, what: str, found: Distinct | None = None, *, formatted: bool = False
) -> Checked:
    """Whole numbers of zero or more (``120``, ``120.0``); float64 values, NaN where not given.

    ``formatted``: the cells were translated from a number format given or detected
    (:mod:`slacalc.io.numbers`), so a point in them is a decimal point. Otherwise ``1.000`` is
    refused as ambiguous (1000 with a thousands point, or 1), as an amount is (docs/amounts.md).
    """
    return each_distinct(lambda cells: _whole(cells, what, formatted), values, found)


def _whole(values: pd.Series, what: str, formatted: bool) -> Checked:
    split = _split_numbers(values, _WHOLE_TEXT, _whole_floats)
    if split is None:
        return _whole_cells(values, what, formatted)
    return _merge(values, split, lambda cells: _whole_cells(cells, what, formatted))


def _whole_cells(values: pd.Series, what: str, formatted: bool) -> Checked:
    """:func:`check_whole` cell by cell from the text: the general path, and why a cell fails."""
    text = as_text(values)
    given = (text != "").to_numpy(dtype=bool)
    problem = no_problems(len(text))
    if not given.any():
        return Checked(pd.Series(np.full(len(text), np.nan)), given, problem)
    number = pd.to_numeric(text.where(given, None), errors="coerce").astype(np.float64)
    numbers = number.to_numpy(dtype=np.float64, copy=True)
    bad = given & ~np.isfinite(numbers)
    for i in np.flatnonzero(bad):
        cell = str(text.iloc[i])
        if _GROUPED.fullmatch(cell):  # 1,200.00 or 1 200: read as parse_amount reads amounts
            try:
                amount = parse_amount(cell)
            except InputError as exc:
                problem[i] = f"{exc}; or {advise(('thousands', ','), ('decimal', ','))}"
                continue
            numbers[i] = float(amount)
            bad[i] = False
            continue
        problem[i] = _not_a_number(cell, f"a whole number of {what}")
        if cell.endswith("%") and what == "users":
            problem[i] = (
                "a percent in a column of users; put it in an affected_percent column "
                "(header 'affected_percent' or 'Percent')"
            )
    ok = given & ~bad
    negative = ok & (numbers < 0)
    problem[negative] = f"negative {what}"
    with np.errstate(invalid="ignore"):  # NaN and inf are already "bad" and not looked at
        fractional = ok & ~negative & (np.mod(numbers, 1) != 0)
    problem[fractional] = f"not a whole number of {what}"
    pointed = fractional
    if not formatted:  # 1.000 is as ambiguous as 1.200, though it reads as a whole 1
        pointed = ok & ~negative & text.str.contains(".", regex=False).to_numpy(dtype=bool)
    for i in np.flatnonzero(pointed):
        problem[i] = _grouped_whole(str(text.iloc[i])) or problem[i]
    huge = ok & (numbers > MAX_WHOLE)
    problem[huge] = f"too many {what} to count exactly"
    numbers = np.where(problem != "", np.nan, numbers)
    return Checked(pd.Series(numbers), given, problem)


def check_percent(values: pd.Series, found: Distinct | None = None) -> Checked:
    """Percents from 0 to 100 with at most 2 decimals (``12.5``, ``12.5 %``); float64, NaN if none.

    The decimals are counted on the text, not on a float: ``12.345`` is refused, ``12.50`` is not.
    """
    return each_distinct(_percent, values, found)


def _percent(values: pd.Series) -> Checked:
    split = _split_numbers(values, _PERCENT_TEXT, _percent_floats)
    if split is None:
        return _percent_cells(values)
    checked = _merge(values, split, _percent_cells)
    numbers, _, fast = split
    outside = fast & (numbers > 100)  # the fast text is never negative; 100.01–999.99 get here
    if outside.any():
        checked.problem[outside] = "outside 0–100 %"
        checked.values[outside] = np.nan
    return checked


def _percent_cells(values: pd.Series) -> Checked:
    """:func:`check_percent` cell by cell from the text: the general path, and why a cell fails."""
    text = as_text(values)
    given = (text != "").to_numpy(dtype=bool)
    problem = no_problems(len(text))
    if not given.any():
        return Checked(pd.Series(np.full(len(text), np.nan)), given, problem)
    text = text.str.replace(r"\s*%$", "", regex=True)
    number = pd.to_numeric(text.where(given, None), errors="coerce").astype(np.float64)
    numbers = number.to_numpy(dtype=np.float64)
    bad = given & ~np.isfinite(numbers)
    for i in np.flatnonzero(bad):
        problem[i] = _not_a_number(str(text.iloc[i]), "a percent")
    ok = given & ~bad
    outside = ok & ((numbers < 0) | (numbers > 100))
    problem[outside] = "outside 0–100 %"
    fine = ok & ~outside
    short = text.str.fullmatch(r"\+?\d*(?:\.\d{0,2}0*)?").fillna(False).to_numpy(dtype=bool)
    for i in np.flatnonzero(fine & ~short):
        if _decimals(str(text.iloc[i])) > 2:
            problem[i] = "more than 2 decimal places; round the percent"
    number[problem != ""] = np.nan
    return Checked(number, given, problem)


# The fast path of the number checks. A column is split, vectorised, into blank cells, cells whose
# value is certainly fine (plain ASCII digits in text, or typed floats that pass a numeric test
# equivalent to the text rules), and the rest; only the rest go through the per-cell path above,
# which says why they fail (or accepts them: the fast tests are strict, never looser than it).

#: Text the fast path takes as a whole number: up to 15 ASCII digits (below 2**53).
_WHOLE_TEXT = r"^[0-9]{1,15}$"
#: Text the fast path takes as a percent: 0–999 with at most 2 decimals (then range-checked).
_PERCENT_TEXT = r"^[0-9]{1,3}(?:\.[0-9]{1,2}0{0,20})?(?: {0,8}%)?$"

_Split = tuple[np.ndarray, np.ndarray, np.ndarray]


def _whole_floats(numbers: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        whole = (numbers >= 0) & (numbers <= MAX_WHOLE) & (np.floor(numbers) == numbers)
    return np.asarray(whole, dtype=bool)


def _percent_floats(numbers: np.ndarray) -> np.ndarray:
    # x is exactly the double nearest k/100 for a whole k: the text of x (its repr) then has at
    # most 2 decimals, as the text rule wants; anything else is left to the per-cell path.
    with np.errstate(invalid="ignore", over="ignore"):
        cents = np.rint(numbers * 100)
        cents_only = (numbers >= 0) & (numbers <= 100) & (cents / 100 == numbers)
    return np.asarray(cents_only, dtype=bool)


def _split_numbers(
    values: pd.Series, pattern: str, accept: Callable[[np.ndarray], np.ndarray]
) -> _Split | None:
    """``(numbers, blank, fast)`` for an Arrow text or a float64 column, else None.

    ``numbers`` holds the value of the ``fast`` cells (NaN elsewhere); ``blank`` cells hold nothing.
    """
    if isinstance(values.dtype, np.dtype) and values.dtype.kind == "f":
        numbers = values.to_numpy(dtype=np.float64)
        blank = np.isnan(numbers)
        fast = ~blank & np.isfinite(numbers) & accept(numbers)
        return np.where(fast, numbers + 0.0, np.nan), blank, fast
    array = arrow_text(values)
    if array is None:
        return None
    pa = importlib.import_module("pyarrow")
    pc = importlib.import_module("pyarrow.compute")
    blank = pc.fill_null(pc.equal(array, ""), True).to_numpy(zero_copy_only=False)
    if pattern == _WHOLE_TEXT:  # the same test without a regex: 1-15 ASCII digits, 4x faster
        length = pc.binary_length(array)
        digits = pc.and_(pc.ascii_is_decimal(array), pc.less_equal(length, 15))
        fast = pc.fill_null(digits, False)
    else:
        fast = pc.fill_null(pc.match_substring_regex(array, pattern), False)
    text = pc.if_else(fast, array, None)
    if pc.any(pc.match_substring(text, "%")).as_py():
        text = pc.replace_substring_regex(text, " *%$", "")
    numbers = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    return (
        np.asarray(numbers, dtype=np.float64),
        np.asarray(blank, dtype=bool),
        np.asarray(fast.to_numpy(zero_copy_only=False), dtype=bool),
    )


def _merge(values: pd.Series, split: _Split, cells: Callable[[pd.Series], Checked]) -> Checked:
    """The fast split, with the cells it did not settle checked one by one by ``cells``."""
    numbers, blank, fast = split
    given = ~blank
    problem = no_problems(len(numbers))
    rest = np.flatnonzero(~blank & ~fast)
    if len(rest):
        numbers = numbers.copy()
        slow = cells(values.reset_index(drop=True).iloc[rest])
        numbers[rest] = slow.values.to_numpy(dtype=np.float64)
        given[rest] = slow.given
        problem[rest] = slow.problem
    return Checked(pd.Series(numbers), given, problem)


def arrow_data(values: pd.Series) -> Any:
    """The pyarrow ``ChunkedArray`` behind an Arrow-backed column, or None for any other column.

    Read through pyarrow's public ``__arrow_array__`` protocol, which an Arrow-backed pandas array
    answers with the data it holds (no copy); NumPy-backed columns are left to pandas.
    """
    dtype = values.dtype
    storage = str(getattr(dtype, "storage", "")) if isinstance(dtype, pd.StringDtype) else ""
    if not (isinstance(dtype, pd.ArrowDtype) or storage.startswith("pyarrow")):
        return None
    return values.array.__arrow_array__()


def arrow_text(values: pd.Series) -> Any:
    """The pyarrow string array behind an Arrow-backed text column, or None."""
    array = arrow_data(values)
    if array is None:
        return None
    pa = importlib.import_module("pyarrow")
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return None
    return array


def check_amount(values: pd.Series) -> Checked:
    """Exact amounts of zero or more as Decimals, by :func:`~slacalc.model.money.parse_amount`:
    text by its rules, numbers a reader already holds (Excel, JSON) by their shortest form."""
    text = as_text(values)
    given = (text != "").to_numpy(dtype=bool)
    out: list[Decimal | None] = []
    problem = no_problems(len(text))
    for i, (value, raw) in enumerate(zip(text, values, strict=True)):
        if not value:
            out.append(None)
            continue
        number = isinstance(raw, Decimal | int | float) and not isinstance(raw, bool)
        try:
            out.append(parse_amount(raw if number else value))
        except InputError as exc:
            problem[i] = _spreadsheet_error(value) or str(exc)
            out.append(None)
    return Checked(pd.Series(out, dtype=object), given, problem)


def _decimals(text: str) -> int:
    try:
        exponent = Decimal(text).normalize().as_tuple().exponent
    except InvalidOperation:
        return 99
    return max(0, -exponent) if isinstance(exponent, int) else 99


def _spreadsheet_error(value: str) -> str:
    """The message for a cell holding a spreadsheet error (``#N/A``), else ``""``."""
    if value.upper() in EXCEL_ERRORS:
        return f"the cell holds the spreadsheet error {value.upper()}"
    return ""


#: Digits grouped by marks or spaces (``1,200.00``, ``1 200``), which pandas does not read.
_GROUPED = re.compile(r"[0-9][0-9]*(?:[.,\u00a0\u202f\u2009 ][0-9]+)+")


def _grouped_whole(value: str) -> str:
    """Why ``1.200`` is not read as a count: it is 1200 with a thousands point, or 1.2."""
    if not re.fullmatch(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+", value):
        return ""
    return (
        f"{value!r} is ambiguous: {value.replace('.', '')} with '.' for thousands, or a "
        f"fraction? Write {value.replace('.', '')}, or "
        f"{advise(('thousands', '.'), ('decimal', ','))}"
    )


def _not_a_number(value: str, wanted: str) -> str:
    if error := _spreadsheet_error(value):
        return error
    if "," in value and value.replace(",", "").replace(".", "").isdigit():
        return (
            f"not {wanted}: write it without thousands separators, with '.' for decimals, or "
            f"{advise(('decimal', ','), ('thousands', ','))} to say how it is written"
        )
    return f"not {wanted}"


def first_rows(rows: Iterable[int], limit: int = 5) -> str:
    """``"2, 5, 9"`` or ``"2, 5, 9, 11, 12 and 3 more"``."""
    items = list(rows)
    shown = ", ".join(str(r) for r in items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"
