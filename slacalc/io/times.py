"""Columns of time cells to UTC instants, a column at a time; each unreadable cell gets a reason.

What is read, in this order (each step only sees the values the steps before could not read):

1. ISO 8601 with an offset or ``Z`` (``2026-03-17T14:00:00Z``, ``2026-03-17 15:00+01:00``): that
   instant. With pyarrow installed, a column of nothing else is parsed in one call.
2. ISO 8601 without an offset (``2026-03-17 14:00``, ``2026-03-17``): a local time in the column's
   zone (the caller's ``timezone``, or one named in the header such as ``Start (UTC)``).
3. Spreadsheet formats: ``2026/03/17 14:00``, ``17.03.2026 14:00`` (day first, as everywhere dots
   are used), ``17 Mar 2026 2:00 PM``, ``Mar 17, 2026 14:00``, and ``17/03/2026`` or ``03/17/2026``
   with ``/`` or ``-``. Day-first or month-first is decided once for the whole table: by the
   caller's ``dayfirst``, else by a value that settles it (a first number above 12 means day first,
   a second above 12 means month first). A table with no settling value, or with values settling
   both ways, has its unsettled values rejected rather than guessed. Two-digit years are 2000–2099.
   A trailing ``UTC``, ``GMT``, ``Z`` or offset applies to these too.
4. Excel serial dates: a plain number from 25569 to 109575 (1970-01-01 to 2200-01-01) is days
   since the workbook's epoch (1899-12-30, or 1904-01-01 for Mac workbooks), rounded to the
   millisecond; Excel's own datetime cells arrive already converted.

Every instant read, whatever its form (text, serial number, datetime object or column of any
resolution), must lie from :data:`EARLIEST` to :data:`LATEST` (1970-01-01 to 2200-01-01 UTC, both
included); anything outside is rejected by row and column, never wrapped into another century or
cut at 1970. The check happens before any conversion to nanoseconds, which is where a year such
as 2300 would silently overflow.

A local time that happens twice (clocks go back) or never (clocks go forward) is rejected unless the
caller chose ``ambiguous="earliest"|"latest"`` or ``nonexistent="shift_forward"``.
"""

from __future__ import annotations

import importlib
import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Literal

import numpy as np
import pandas as pd

from slacalc.errors import InputError
from slacalc.io.cells import EXCEL_ERRORS, arrow_data, no_problems
from slacalc.io.wording import advise, option

_OFFSET = re.compile(r"^(?:utc|gmt)?\s*(?P<sign>[+-])(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?$", re.I)


def zone_of(name: str) -> tzinfo:
    """The tzinfo of an IANA name (``Europe/Paris``), ``UTC``, ``GMT``, ``Z`` or ``+01:00``.

    Raises :class:`InputError` for anything else, with an example of what works.
    """
    text = name.strip() if isinstance(name, str) else ""
    if text.upper() in ("UTC", "GMT", "Z"):
        return UTC
    match = _OFFSET.match(text)
    if match:
        minutes = int(match["h"]) * 60 + int(match["m"] or 0)
        if minutes > 18 * 60:
            raise InputError(f"time zone {name!r}: an offset is at most 18 hours")
        sign = -1 if match["sign"] == "-" else 1
        return timezone(timedelta(minutes=sign * minutes))
    try:
        return zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise InputError(
            f"unknown time zone {name!r}: use an IANA name such as 'Europe/Paris' or "
            "'America/New_York', 'UTC', or an offset such as '+01:00'"
        ) from None


Ambiguous = Literal["raise", "earliest", "latest"]
Nonexistent = Literal["raise", "shift_forward"]

SERIAL_MIN = 25569  # 1970-01-01 in Excel's 1900 system
SERIAL_MAX = 109575  # 2200-01-01
#: The first and last instants slacalc reads (UTC); docs/limits.md.
EARLIEST = pd.Timestamp("1970-01-01", tz="UTC")
LATEST = pd.Timestamp("2200-01-01", tz="UTC")
OUT_OF_RANGE = "outside the supported range, 1970-01-01 to 2200-01-01 (UTC)"
# Naive times this far outside the range are outside it in any zone (offsets are below a day);
# nearer ones are localised first and checked exactly.
_NAIVE_FIRST = pd.Timestamp("1969-12-30")
_NAIVE_LAST = pd.Timestamp("2200-01-03")
ISO_HINT = "use ISO 8601, e.g. 2026-03-17T14:00:00Z"

_CLOCK = (
    r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?"
)
_ZONE_SUFFIX = re.compile(
    r"^(?P<base>.*\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?)\s*"
    r"(?P<zone>Z|UTC|GMT|(?:UTC|GMT)?\s*[+-]\d{1,2}(?::?\d{2})?)$",
    re.IGNORECASE,
)
_AWARE = r"\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[Zz]|UTC|GMT|[+-]\d{2}(?::?\d{2})?)$"
_NUMERIC_DATE = re.compile(
    r"^(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})[/.\-](?P<y>\d{4}|\d{2})"
    r"(?:[ T,]+(?P<t>.+))?$"
)
_YMD = re.compile(r"^(?P<y>\d{4})[/.\-](?P<mo>\d{1,2})[/.\-](?P<d>\d{1,2})(?:[ T]+(?P<t>.+))?$")
_DAY_MONTH_NAME = re.compile(
    r"^(?:[A-Za-z]+\.?,?\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)?[\s\-]+(?P<mon>[A-Za-z]{3,9})\.?[\s\-,]+"
    r"(?P<y>\d{4}|\d{2})(?:(?:[ T,]|\s+at\s+)+(?P<t>.+))?$"
)
_MONTH_NAME_DAY = re.compile(
    r"^(?:[A-Za-z]+\.?,?\s+)?(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+"
    r"(?P<y>\d{4})(?:(?:[ T,]|\s+at\s+)+(?P<t>.+))?$"
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


@dataclass(frozen=True)
class ParsedTimes:
    """One column read: UTC instants (NaT where empty or unreadable) and a reason per bad cell;
    ``failed`` says which cells have one (no pass over the reasons to find them)."""

    utc: pd.Series
    empty: np.ndarray
    problem: np.ndarray
    naive: np.ndarray
    serial: np.ndarray
    failed: np.ndarray


def check_policy(ambiguous: str, nonexistent: str) -> None:
    """Refuse an unknown DST policy with the choices that exist."""
    if ambiguous not in ("raise", "earliest", "latest"):
        raise InputError(
            f"{option('ambiguous', ambiguous)}: choose 'raise', 'earliest' or 'latest'"
        )
    if nonexistent not in ("raise", "shift_forward"):
        raise InputError(f"{option('nonexistent', nonexistent)}: choose 'raise' or 'shift_forward'")


def parse_instant(
    value: object, zone: str, *, what: str, ambiguous: Ambiguous = "raise"
) -> pd.Timestamp:
    """One instant given by a caller (e.g. ``as_of``): aware as is, naive read in ``zone``."""
    series = pd.Series([value], dtype=object)
    parsed = parse_times(series, zone, dayfirst=None, ambiguous=ambiguous, nonexistent="raise")
    if parsed.empty[0] or parsed.problem[0]:
        why = parsed.problem[0] or "empty"
        raise InputError(f"{option(what, value)}: {why}")
    return pd.Timestamp(parsed.utc.iloc[0])


def infer_dayfirst(columns: Sequence[pd.Series]) -> bool | None:
    """Day first (True), month first (False), or None: no value settles it, or values disagree."""
    day = month = False
    for values in columns:
        text = _text_values(values)
        if text is None:
            continue
        # Only values with a separator as 2nd or 3rd character can be d/m/y (cheap, vectorised).
        maybe = _separator_second_or_third(text)
        if not maybe.any():
            continue
        parts = text[maybe].str.extract(_NUMERIC_DATE.pattern)
        slash = parts["sep"].isin(["/", "-"]).fillna(False)
        a = pd.to_numeric(parts["a"][slash], errors="coerce")
        b = pd.to_numeric(parts["b"][slash], errors="coerce")
        day |= bool(((a > 12) & (b <= 12)).any())
        month |= bool(((b > 12) & (a <= 12)).any())
    return True if day and not month else False if month and not day else None


def _separator_second_or_third(text: pd.Series) -> np.ndarray:
    """Which values have ``/``, ``.`` or ``-`` as their 2nd or 3rd character."""
    array = arrow_data(text)
    if array is not None:
        pc = importlib.import_module("pyarrow.compute")
        # one RE2 pass over the Arrow column; (?s) so that "." is any character, as in a slice
        found = pc.fill_null(pc.match_substring_regex(array, r"(?s)^..?[/.\-]"), False)
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
    sliced = text.str.slice(1, 3).str.contains(r"[/.\-]")
    return np.asarray(sliced.fillna(False).to_numpy(dtype=bool), dtype=bool)


def parse_times(
    values: pd.Series,
    zone: str,
    *,
    dayfirst: bool | None,
    ambiguous: Ambiguous,
    nonexistent: Nonexistent,
    serial_epoch: pd.Timestamp | None = None,
) -> ParsedTimes:
    """Read a column of time cells; ``zone`` is where naive times are."""
    n = len(values)
    values = values.reset_index(drop=True)
    out = _Out(n)
    fast = _arrow_aware(values)
    if fast is not None:
        return fast
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        out.put(np.arange(n), values.dt.tz_convert("UTC"))
        out.empty[:] = values.isna().to_numpy()
        return out.done()
    if pd.api.types.is_datetime64_dtype(values.dtype):
        positions = np.arange(n)
        out.empty[:] = values.isna().to_numpy()
        _localise(out, positions, values, zone, ambiguous, nonexistent)
        return out.done()
    text = _text_values(values)
    if text is not None:
        _parse_text(out, np.arange(n), text, zone, dayfirst, ambiguous, nonexistent, serial_epoch)
        return out.done()
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        numbers = values.astype(np.float64)
        out.empty[:] = numbers.isna().to_numpy()
        _parse_serial(
            out,
            np.flatnonzero(~out.empty),
            numbers[~out.empty],
            zone,
            ambiguous,
            nonexistent,
            serial_epoch,
        )
        return out.done()
    _parse_objects(out, values, zone, dayfirst, ambiguous, nonexistent, serial_epoch)
    return out.done()


class _Out:
    """The arrays being filled in, by position."""

    def __init__(self, n: int) -> None:
        self.ns = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
        self.empty = np.zeros(n, dtype=bool)
        self.problem = no_problems(n)
        self.failures = False  # whether fail() was called: else no reason needs looking for
        self.naive = np.zeros(n, dtype=bool)
        self.serial = np.zeros(n, dtype=bool)

    def put(self, positions: np.ndarray, utc: pd.Series | pd.DatetimeIndex) -> None:
        index = pd.DatetimeIndex(utc)
        ok = ~np.asarray(index.isna(), dtype=bool)
        # compared in the column's own resolution: nanoseconds overflow outside 1677-2262
        far = ok & np.asarray((index < EARLIEST) | (index > LATEST), dtype=bool)
        self.fail(positions[far], OUT_OF_RANGE)
        ok &= ~far
        self.ns[positions[ok]] = index[ok].as_unit("ns").asi8

    def fail(self, positions: np.ndarray, why: str | np.ndarray) -> None:
        self.problem[positions] = why
        self.failures = True

    def done(self) -> ParsedTimes:
        missing = np.iinfo(np.int64).min
        far = (self.ns != missing) & ((self.ns < EARLIEST.value) | (self.ns > LATEST.value))
        failed = self.problem != "" if self.failures else np.zeros(len(self.ns), dtype=bool)
        self.problem[far & ~failed] = OUT_OF_RANGE
        failed |= far
        ns = np.where(failed, missing, self.ns)
        utc = pd.Series(pd.DatetimeIndex(ns.view("M8[ns]")).tz_localize("UTC"))
        return ParsedTimes(utc, self.empty, self.problem, self.naive, self.serial, failed)


def parse_aware_column(values: pd.Series) -> ParsedTimes | None:
    """What :func:`parse_times` gives for a column of only ISO times with offsets (or empty), read
    in one pyarrow cast; None for any other column. No value of such a column is d/m/y, so
    :func:`infer_dayfirst` need not look at it."""
    return _arrow_aware(values.reset_index(drop=True))


def _arrow_aware(values: pd.Series) -> ParsedTimes | None:
    """All-or-nothing pyarrow cast of an Arrow string column holding only offset times."""
    array = arrow_data(values)
    if array is None:
        return None
    try:
        pa = importlib.import_module("pyarrow")
        pc = importlib.import_module("pyarrow.compute")
        cast = pc.cast(array, pa.timestamp("ns", "UTC"))
    except Exception:
        return None
    stamps = pd.Series(cast.to_numpy(zero_copy_only=False)).to_numpy(dtype="M8[ns]")
    # what _Out.done gives for these instants, without filling its arrays first: none is naive
    # or a serial date, and only an instant outside EARLIEST-LATEST fails
    empty = np.isnat(stamps)
    ns = stamps.view(np.int64)
    far = ~empty & ((ns < EARLIEST.value) | (ns > LATEST.value))
    problem = no_problems(len(stamps))
    if far.any():
        problem[far] = OUT_OF_RANGE
        stamps = np.where(far, np.datetime64("NaT", "ns"), stamps)
    utc = pd.Series(pd.DatetimeIndex(stamps).tz_localize("UTC"))
    naive, serial = np.zeros(len(stamps), dtype=bool), np.zeros(len(stamps), dtype=bool)
    return ParsedTimes(utc, empty, problem, naive, serial, far)


def _text_values(values: pd.Series) -> pd.Series | None:
    """The column as stripped text ("" for missing) if it holds only text, else None."""
    if values.dtype == object:
        if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
            return None
        return values.astype("str").where(values.notna(), "").str.strip()
    if pd.api.types.is_string_dtype(values.dtype):
        return values.fillna("").str.strip()
    return None


def _parse_text(
    out: _Out,
    positions: np.ndarray,
    text: pd.Series,
    zone: str,
    dayfirst: bool | None,
    ambiguous: Ambiguous,
    nonexistent: Nonexistent,
    serial_epoch: pd.Timestamp | None,
) -> None:
    text = text.reset_index(drop=True)
    empty = (text == "").to_numpy(dtype=bool)
    out.empty[positions[empty]] = True
    numeric = text.str.fullmatch(r"\d+(?:\.\d+)?").fillna(False).to_numpy(dtype=bool)
    if numeric.any():
        numbers = pd.to_numeric(text[numeric], errors="coerce").astype(np.float64)
        _parse_serial(out, positions[numeric], numbers, zone, ambiguous, nonexistent, serial_epoch)
    rest = ~empty & ~numeric
    aware = rest & text.str.contains(_AWARE, regex=True).fillna(False).to_numpy(dtype=bool)
    naive = rest & ~aware
    if aware.any():
        subset = text[aware]
        quick = pd.to_datetime(subset, format="ISO8601", utc=True, errors="coerce")
        ok = quick.notna().to_numpy(dtype=bool)
        out.put(positions[aware][ok], quick[ok])
        if (~ok).any():
            _parse_offset_text(out, positions[aware][~ok], subset[~ok], dayfirst)
    if naive.any():
        stamps, why = _naive_text(text[naive], dayfirst)
        bad = why != ""
        out.fail(positions[naive][bad], why[bad])
        good = positions[naive][~bad]
        _localise(out, good, pd.Series(stamps[~bad]), zone, ambiguous, nonexistent)


def _parse_offset_text(
    out: _Out, positions: np.ndarray, text: pd.Series, dayfirst: bool | None
) -> None:
    """Spreadsheet-style text with a zone suffix: read the local part, then apply the offset."""
    parts = text.str.extract(_ZONE_SUFFIX.pattern, flags=re.IGNORECASE)
    base = parts["base"].fillna("")
    stamps, why = _naive_text(base, dayfirst)
    offsets = np.array([_offset_minutes(z) for z in parts["zone"].fillna("")], dtype=object)
    for i, position in enumerate(positions):
        if why[i] or offsets[i] is None:
            out.fail(np.array([position]), why[i] or f"not a date and time; {ISO_HINT}")
            continue
        stamp = pd.Timestamp(stamps[i]) - pd.Timedelta(minutes=int(offsets[i]))
        out.ns[position] = stamp.as_unit("ns").value


def _offset_minutes(zone: str) -> int | None:
    try:
        info = zone_of(zone)
    except InputError:
        return None
    delta = info.utcoffset(None) if isinstance(info, timezone) else None
    return None if delta is None else int(delta.total_seconds() // 60)


def _naive_text(text: pd.Series, dayfirst: bool | None) -> tuple[np.ndarray, np.ndarray]:
    """Naive timestamps from text without a zone, and a reason ("" if read) per value."""
    text = text.reset_index(drop=True)
    n = len(text)
    why = no_problems(n)
    first = pd.to_datetime(text, format="ISO8601", errors="coerce")
    far = _far_naive(first)
    why[far] = OUT_OF_RANGE
    first = first.where(~far)
    todo = first.isna().to_numpy(dtype=bool) & ~far
    stamps = first.to_numpy(dtype="M8[ns]").copy()
    if not todo.any():
        return stamps, why
    for pattern in (_YMD, _NUMERIC_DATE, _DAY_MONTH_NAME, _MONTH_NAME_DAY):
        if not todo.any():
            break
        idx = np.flatnonzero(todo)
        parts = text.iloc[idx].str.extract(pattern.pattern)
        hit = parts.notna().any(axis=1).to_numpy(dtype=bool) & parts["y"].notna().to_numpy()
        if not hit.any():
            continue
        parts = parts[hit]
        got, reason = _assemble(parts, pattern, dayfirst)
        where = idx[hit]
        stamps[where] = got.to_numpy(dtype="M8[ns]")
        why[where] = reason
        todo[where] = False
    leftover = np.flatnonzero(todo)
    for i in leftover:
        value = str(text.iloc[i])
        why[i] = (
            f"the cell holds the spreadsheet error {value}"
            if value.upper() in EXCEL_ERRORS
            else f"not a date and time slacalc can read; {ISO_HINT}"
        )
    return stamps, why


def _far_naive(stamps: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Which naive stamps (of any resolution) are outside the range in every time zone."""
    index = pd.DatetimeIndex(stamps)
    return np.asarray((index < _NAIVE_FIRST) | (index > _NAIVE_LAST), dtype=bool)


def _assemble(
    parts: pd.DataFrame, pattern: re.Pattern[str], dayfirst: bool | None
) -> tuple[pd.Series, np.ndarray]:
    """Components from a regex match to timestamps; impossible dates and unsettled orders fail."""
    n = len(parts)
    why = no_problems(n)
    year = pd.to_numeric(parts["y"], errors="coerce").to_numpy(dtype=np.float64)
    year = np.where(year < 100, year + 2000, year)
    far = (year < _NAIVE_FIRST.year) | (year > _NAIVE_LAST.year)
    why[far] = OUT_OF_RANGE
    if pattern is _NUMERIC_DATE:
        a = pd.to_numeric(parts["a"], errors="coerce").to_numpy(dtype=np.float64)
        b = pd.to_numeric(parts["b"], errors="coerce").to_numpy(dtype=np.float64)
        dots = (parts["sep"] == ".").to_numpy(dtype=bool)
        own_day = (a > 12) & (b <= 12)
        own_month = (b > 12) & (a <= 12)
        if dayfirst is None:
            first_day = dots | own_day
            unsettled = ~dots & ~own_day & ~own_month
            why[unsettled] = (
                "day and month could be either way round; write ISO 8601 (2026-03-17) or "
                + advise(("dayfirst", True), ("dayfirst", False))
            )
        else:
            first_day = dots | np.full(n, dayfirst)
        day = np.where(first_day, a, b)
        month = np.where(first_day, b, a)
    else:
        day = pd.to_numeric(parts["d"], errors="coerce").to_numpy(dtype=np.float64)
        if "mon" in parts:
            month = np.array(
                [_MONTHS.get(str(m).lower().rstrip("."), np.nan) for m in parts["mon"]],
                dtype=np.float64,
            )
        else:
            month = pd.to_numeric(parts["mo"], errors="coerce").to_numpy(dtype=np.float64)
    clock = parts["t"].fillna("").str.strip().str.extract(rf"^{_CLOCK}$")
    has_time = parts["t"].notna().to_numpy(dtype=bool)
    hour = pd.to_numeric(clock["h"], errors="coerce").fillna(0).to_numpy(dtype=np.float64)
    minute = pd.to_numeric(clock["mi"], errors="coerce").fillna(0).to_numpy(dtype=np.float64)
    second = pd.to_numeric(clock["s"], errors="coerce").fillna(0).to_numpy(dtype=np.float64)
    fraction = clock["f"].fillna("").str.ljust(9, "0").str.slice(0, 9)
    nanos = pd.to_numeric(fraction.where(fraction != "", "0"), errors="coerce").fillna(0)
    ampm = clock["ampm"].fillna("").str.lower().str.replace(".", "", regex=False).to_numpy()
    bad_clock = has_time & clock["h"].isna().to_numpy(dtype=bool)
    twelve = ampm != ""
    bad_clock |= twelve & ((hour < 1) | (hour > 12))
    hour = np.where(twelve, hour % 12 + np.where(ampm == "pm", 12, 0), hour)
    frame = pd.DataFrame(
        {"year": year, "month": month, "day": day, "hour": hour, "minute": minute, "second": second}
    )
    invalid = (
        far
        | frame.isna().any(axis=1).to_numpy(dtype=bool)
        | (hour > 23)
        | (minute > 59)
        | (second > 59)
        | (month < 1)
        | (month > 12)
    )
    frame.loc[invalid] = [2000, 1, 1, 0, 0, 0]
    stamps = pd.to_datetime(frame.astype(np.int64), errors="coerce")
    stamps = stamps + pd.to_timedelta(nanos.to_numpy(dtype=np.int64), unit="ns")
    impossible = invalid | bad_clock | stamps.isna().to_numpy(dtype=bool)
    why[impossible & (why == "")] = f"not a real date and time; {ISO_HINT}"
    return stamps.where(why == "", pd.NaT), why


def _localise(
    out: _Out,
    positions: np.ndarray,
    stamps: pd.Series,
    zone: str,
    ambiguous: Ambiguous,
    nonexistent: Nonexistent,
) -> None:
    """Read naive stamps as local times in ``zone``; DST gaps and repeats follow the policy."""
    if len(positions) == 0:
        return
    far = _far_naive(stamps)
    out.fail(positions[far], OUT_OF_RANGE)
    stamps = pd.Series(pd.DatetimeIndex(stamps.where(~far)).as_unit("ns"))
    present = stamps.notna().to_numpy(dtype=bool)
    out.naive[positions[present]] = True
    info = zone_of(zone)
    if isinstance(info, timezone):
        out.put(positions, stamps.dt.tz_localize(info).dt.tz_convert("UTC"))
        return
    local = stamps.dt.tz_localize(info, ambiguous="NaT", nonexistent="NaT")
    hole = local.isna().to_numpy(dtype=bool) & present
    out.put(positions[~hole], local[~hole].dt.tz_convert("UTC"))
    if not hole.any():
        return
    gap = stamps[hole]
    early = gap.dt.tz_localize(info, ambiguous=np.ones(len(gap), dtype=bool), nonexistent="NaT")
    late = gap.dt.tz_localize(info, ambiguous=np.zeros(len(gap), dtype=bool), nonexistent="NaT")
    twice = early.notna().to_numpy(dtype=bool)
    where = positions[hole]
    if twice.any():
        if ambiguous == "raise":
            for pos, stamp in zip(where[twice], gap[twice], strict=True):
                out.fail(
                    np.array([pos]),
                    f"{stamp:%Y-%m-%d %H:%M} happens twice in {zone} (clocks go back); give an "
                    f"offset, or {advise(('ambiguous', 'earliest'), ('ambiguous', 'latest'))}",
                )
        else:
            chosen = early if ambiguous == "earliest" else late
            out.put(where[twice], chosen[twice].dt.tz_convert("UTC"))
    never = ~twice
    if never.any():
        if nonexistent == "raise":
            for pos, stamp in zip(where[never], gap[never], strict=True):
                out.fail(
                    np.array([pos]),
                    f"{stamp:%Y-%m-%d %H:%M} does not exist in {zone} (clocks go forward); give "
                    f"an offset, or {advise(('nonexistent', 'shift_forward'))}",
                )
        else:
            shifted = gap[never].dt.tz_localize(info, ambiguous="NaT", nonexistent="shift_forward")
            out.put(where[never], shifted.dt.tz_convert("UTC"))


def _parse_serial(
    out: _Out,
    positions: np.ndarray,
    numbers: pd.Series,
    zone: str,
    ambiguous: Ambiguous,
    nonexistent: Nonexistent,
    serial_epoch: pd.Timestamp | None,
) -> None:
    """Excel serial day numbers, as local times in ``zone``."""
    if len(positions) == 0:
        return
    days = numbers.to_numpy(dtype=np.float64)
    inside = (days >= SERIAL_MIN) & (days < SERIAL_MAX + 1)
    out.fail(
        positions[~inside],
        f"a number, not a date and time (Excel serial dates are read from {SERIAL_MIN} to "
        f"{SERIAL_MAX}); {ISO_HINT}",
    )
    epoch = serial_epoch if serial_epoch is not None else pd.Timestamp("1899-12-30")
    millis = np.rint(days[inside] * 86_400_000).astype(np.int64)
    # in milliseconds: the days since 1899 as nanoseconds would overflow past 2192
    stamps = pd.Series(epoch.to_datetime64().astype("M8[ms]") + millis.astype("m8[ms]"))
    out.serial[positions[inside]] = True
    _localise(out, positions[inside], stamps, zone, ambiguous, nonexistent)


def _parse_objects(
    out: _Out,
    values: pd.Series,
    zone: str,
    dayfirst: bool | None,
    ambiguous: Ambiguous,
    nonexistent: Nonexistent,
    serial_epoch: pd.Timestamp | None,
) -> None:
    """A column of mixed values (Excel, JSON, an object DataFrame): each kind in one batch."""
    kinds = np.array([_kind(v) for v in values], dtype=object)
    out.empty[kinds == "empty"] = True
    for kind in ("text", "number", "naive", "aware"):
        where = np.flatnonzero(kinds == kind)
        if len(where) == 0:
            continue
        subset = values.iloc[where]
        if kind == "text":
            text = pd.Series([str(v).strip() for v in subset], dtype=object)
            _parse_text(out, where, text, zone, dayfirst, ambiguous, nonexistent, serial_epoch)
        elif kind == "number":
            numbers = pd.Series([float(v) for v in subset], dtype=np.float64)
            _parse_serial(out, where, numbers, zone, ambiguous, nonexistent, serial_epoch)
        elif kind == "naive":
            stamps = pd.Series([_as_datetime(v) for v in subset], dtype="M8[ns]")
            _localise(out, where, stamps, zone, ambiguous, nonexistent)
        else:
            out.put(where, pd.Series(pd.to_datetime(list(subset), utc=True)))
    for kind, why in (
        ("time", "a time of day without a date"),
        ("duration", "a duration, not a date and time"),
        ("bool", "TRUE/FALSE, not a date and time"),
        ("other", f"not a date and time; {ISO_HINT}"),
        ("range", OUT_OF_RANGE),
    ):
        out.fail(np.flatnonzero(kinds == kind), why)


_EARLIEST = _NAIVE_FIRST.to_pydatetime()
_LATEST = _NAIVE_LAST.to_pydatetime()


def _kind(value: object) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return "empty"
    if isinstance(value, str):
        return "text" if value.strip() else "empty"
    if isinstance(value, bool | np.bool_):
        return "bool"
    if isinstance(value, datetime | pd.Timestamp):
        if not _EARLIEST < value.replace(tzinfo=None) < _LATEST:
            return "range"
        return "naive" if value.tzinfo is None else "aware"
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return "empty"
        seconds = value.astype("datetime64[s]")
        inside = _NAIVE_FIRST.to_datetime64() <= seconds <= _NAIVE_LAST.to_datetime64()
        return "naive" if inside else "range"
    if isinstance(value, date):
        return "naive"
    if isinstance(value, time):
        return "time"
    if isinstance(value, timedelta | pd.Timedelta):
        return "duration"
    if isinstance(value, int | float | Decimal | np.integer | np.floating):
        number = float(value)
        return "number" if np.isfinite(number) else "other"
    return "other"


def _as_datetime(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


def describe_zone(zone: str) -> str:
    """The zone as shown to a user (``UTC`` or an IANA name)."""
    info: tzinfo = zone_of(zone)
    return "UTC" if info is UTC else zone
