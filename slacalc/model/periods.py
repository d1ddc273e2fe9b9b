"""Measurement periods (calendar months or quarters) in a contract's own time zone, DST included.

March 2026 in ``America/Los_Angeles`` starts at 08:00 UTC on 1 March and ends at 07:00 UTC on
1 April, so it holds 44,580 minutes, not 44,640. Everything here is calendar arithmetic done with
pendulum; the engine receives the period edges as epoch seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import pendulum

PeriodKind = Literal["month", "quarter"]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Period:
    """One measurement period: ``[start, end)`` in the contract's zone."""

    label: str
    start: pendulum.DateTime
    end: pendulum.DateTime

    @property
    def seconds(self) -> int:
        """Length of the period in seconds (DST-aware)."""
        return int(self.end.timestamp()) - int(self.start.timestamp())

    @property
    def days(self) -> int:
        """Calendar days in the period."""
        return (self.end.date() - self.start.date()).days

    @property
    def months(self) -> int:
        """Calendar months in the period (1 or 3)."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month

    @property
    def last_day(self) -> pendulum.Date:
        """The last calendar day inside the period."""
        return self.end.date().subtract(days=1)


#: The years a period may be in: windows are read from 1970-01-01 to 2200-01-01 (docs/limits.md).
FIRST_YEAR = 1970
LAST_YEAR = 2199


def _start_of(kind: PeriodKind, year: int, month: int, tz: str) -> pendulum.DateTime:
    if kind == "quarter":
        month = 3 * ((month - 1) // 3) + 1
    return pendulum.datetime(year, month, 1, tz=tz)


def _step(kind: PeriodKind) -> int:
    return 3 if kind == "quarter" else 1


def label_of(kind: PeriodKind, start: pendulum.DateTime) -> str:
    """``"2026-03"`` for a month, ``"2026-Q1"`` for a quarter."""
    if kind == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def make_period(kind: PeriodKind, start: pendulum.DateTime) -> Period:
    """The period of ``kind`` that begins at ``start`` (already a period edge).

    The end is the next period's first midnight on the calendar, not ``start`` plus months:
    pendulum's month arithmetic keeps the UTC offset's minutes across a change of the zone's
    standard offset (Kiritimati's -10:40 to -10:00 in 1979 made every later edge 00:40).
    """
    months = start.year * 12 + start.month - 1 + _step(kind)
    end = pendulum.datetime(months // 12, months % 12 + 1, 1, tz=start.timezone)
    return Period(label_of(kind, start), start, end)


def parse_period(label: str, kind: PeriodKind, tz: str) -> Period:
    """Read a label such as ``"2026-03"`` or ``"2026-Q1"``; a month label names its quarter."""
    text = label.strip()
    if m := _QUARTER.match(text):
        year, month = int(m.group(1)), 3 * (int(m.group(2)) - 1) + 1
        if kind == "month":
            raise ValueError(f"period {label!r} is a quarter but the contract measures months")
    elif m := _MONTH.match(text):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"period {label!r} has no month {month}")
    else:
        raise ValueError(f"period {label!r} is not like '2026-03' or '2026-Q1'")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(
            f"period {label!r} is outside the years slacalc computes, {FIRST_YEAR} to {LAST_YEAR}"
        )
    return make_period(kind, _start_of(kind, year, month, tz))


def period_containing(kind: PeriodKind, tz: str, epoch_seconds: int) -> Period:
    """The period that contains the instant ``epoch_seconds``."""
    local = pendulum.from_timestamp(epoch_seconds, tz=tz)
    return make_period(kind, _start_of(kind, local.year, local.month, tz))


def periods_between(kind: PeriodKind, tz: str, first: Period, last: Period) -> list[Period]:
    """Every period from ``first`` to ``last`` inclusive, in order."""
    out = [first]
    while out[-1].end <= last.start:
        out.append(make_period(kind, out[-1].end))
    return out
