"""Outage windows in: read, validate and normalise them, so every row is counted, excluded or rejected.

The normalised table (``Outages.frame``) is what the engine reads; its columns are:

=================  ==========================  ===============================================
column             dtype                       meaning
=================  ==========================  ===============================================
``row``            int64                       the row number as the user sees it (file line)
``id``             str ("" if none)            incident id, e.g. ``EX1256020``
``tenant``         str ("" if none)            customer; "" for a single customer
``service``        str ("" if none)            service; "" means the contract's service
``cohort``         str ("" = whole population) user group the window hit
``start``/``end``  datetime64[ns, UTC]         the window, ``start < end``
``affected_users`` float64 (NaN if not given)  whole users hit
``affected_percent`` float64 (NaN if not given) percent of the cohort/population hit, ≤ 2 decimals
``excluded``       str ("" if it counts)       why the window does not count
=================  ==========================  ===============================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from slacalc.errors import InputError

COLUMNS = (
    "row",
    "id",
    "tenant",
    "service",
    "cohort",
    "start",
    "end",
    "affected_users",
    "affected_percent",
    "excluded",
)
TEXT_COLUMNS = ("id", "tenant", "service", "cohort", "excluded")


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why one input row was rejected: where it is, what it held, what is wrong with it."""

    row: int
    column: str
    value: str
    problem: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column!r} ({self.value!r}): {self.problem}"


@dataclass(frozen=True)
class Outages:
    """A validated outage table, with the rows that were rejected and how the input was read."""

    frame: pd.DataFrame
    rejected: tuple[RowProblem, ...] = ()
    timezone: str = "UTC"
    mapping: dict[str, str] = field(default_factory=dict)
    rows_read: int = 0
    source: str = ""

    @property
    def counted(self) -> pd.DataFrame:
        """Rows that count as outages."""
        return self.frame[self.frame["excluded"] == ""]

    @property
    def excluded(self) -> pd.DataFrame:
        """Rows that do not count, each with its reason in ``excluded``."""
        return self.frame[self.frame["excluded"] != ""]


def empty_frame() -> pd.DataFrame:
    """A normalised outage table with no rows."""
    return normalise_frame(pd.DataFrame({c: [] for c in COLUMNS}))


def normalise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Give an already-valid table the exact dtypes of the normalised layout."""
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    out["row"] = np.asarray(frame["row"], dtype=np.int64)
    for name in TEXT_COLUMNS:
        out[name] = pd.Series(frame[name], dtype=object).fillna("").astype(str).to_numpy()
    for name in ("start", "end"):
        out[name] = pd.to_datetime(frame[name].to_numpy(), utc=True).as_unit("ns")
    for name in ("affected_users", "affected_percent"):
        out[name] = pd.to_numeric(frame[name], errors="raise").astype(np.float64).to_numpy()
    return out[list(COLUMNS)]


def _problems_for(raw: pd.DataFrame, rows: np.ndarray, timezone: str) -> tuple[pd.DataFrame, list[RowProblem]]:
    """Validate canonical columns row by row as whole columns; return the good rows and the problems."""
    problems: list[RowProblem] = []
    bad = np.zeros(len(raw), dtype=bool)

    def reject(mask: np.ndarray, column: str, values: pd.Series, problem: str) -> None:
        for i in np.flatnonzero(mask & ~bad):
            problems.append(RowProblem(int(rows[i]), column, str(values.iloc[i]), problem))
        bad[mask] = True

    times: dict[str, pd.Series] = {}
    for name in ("start", "end"):
        text = raw[name] if name in raw else pd.Series([None] * len(raw))
        parsed = _parse_times(text, timezone)
        reject(parsed.isna().to_numpy(), name, text, "not a date and time (use ISO 8601)")
        times[name] = parsed
    order = (times["end"] <= times["start"]).fillna(False).to_numpy(dtype=bool)
    reject(order, "end", raw.get("end", pd.Series([""] * len(raw))), "end is not after start")
    out = pd.DataFrame({"row": rows})
    for name in ("affected_users", "affected_percent"):
        values = raw[name] if name in raw else pd.Series([np.nan] * len(raw))
        number = pd.to_numeric(values, errors="coerce").astype(np.float64)
        given = values.notna() & (values.astype(str).str.strip() != "")
        reject((given & number.isna()).to_numpy(), name, values, "not a number")
        if name == "affected_users":
            reject((given & (number < 0)).to_numpy(), name, values, "negative users")
            reject((given & (number % 1 != 0)).to_numpy(), name, values, "not a whole number")
        else:
            reject((given & ((number < 0) | (number > 100))).to_numpy(), name, values, "outside 0–100")
            hundredths = number * 100
            reject(
                (given & (np.abs(hundredths - np.rint(hundredths)) > 1e-6)).to_numpy(),
                name,
                values,
                "more than 2 decimal places",
            )
        out[name] = number.where(given, np.nan).to_numpy()
    for name in TEXT_COLUMNS:
        values = raw[name] if name in raw else pd.Series([""] * len(raw))
        out[name] = values.fillna("").astype(str).str.strip().to_numpy()
    out["start"], out["end"] = times["start"].to_numpy(), times["end"].to_numpy()
    return out[~bad], sorted(problems, key=lambda p: p.row)


def _parse_times(values: pd.Series, timezone: str) -> pd.Series:
    """Parse each value; aware times keep their offset, naive ones are read in ``timezone``."""
    parsed = [pd.NaT] * len(values)
    for i, value in enumerate(values):
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError):
            continue
        if pd.isna(stamp):
            continue
        try:
            stamp = stamp.tz_localize(timezone, ambiguous="raise", nonexistent="raise") if stamp.tzinfo is None else stamp
        except Exception:
            continue
        parsed[i] = stamp.tz_convert("UTC")
    return pd.Series(pd.to_datetime(parsed, utc=True), index=values.index)


def read_outages(
    source: pd.DataFrame | str | Path | IO[str] | IO[bytes], timezone: str = "UTC"
) -> Outages:
    """Read outage windows from a DataFrame or a CSV file; naive times are read in ``timezone``."""
    if isinstance(source, Outages):
        return source
    if isinstance(source, pd.DataFrame):
        raw = source.reset_index(drop=True)
        rows = np.arange(1, len(raw) + 1)
        origin = "DataFrame"
    else:
        try:
            raw = pd.read_csv(source, dtype=str, keep_default_na=False)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            raise InputError(f"{source}: cannot read as CSV: {exc}") from None
        rows = np.arange(2, len(raw) + 2)
        origin = str(source)
    unknown = [c for c in raw.columns if c not in COLUMNS]
    if unknown:
        raise InputError(f"{origin}: unknown columns {unknown}; expected some of {list(COLUMNS[1:])}")
    good, problems = _problems_for(raw, rows, timezone)
    return Outages(
        frame=normalise_frame(good),
        rejected=tuple(problems),
        timezone=timezone,
        mapping={c: c for c in raw.columns},
        rows_read=len(raw),
        source=origin,
    )
