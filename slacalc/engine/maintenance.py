"""Recurring scheduled-maintenance windows of a contract, laid out as instants in its time zone."""

from __future__ import annotations

import numpy as np
import pendulum

from slacalc.engine.sweep import I64
from slacalc.model.contract import Contract, Maintenance

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def maintenance_reason(window: Maintenance) -> str:
    """The reason the excluded time of a scheduled-maintenance window carries."""
    return f"scheduled maintenance{': ' + window.description if window.description else ''}"


def maintenance_windows(
    contract: Contract, start: pendulum.DateTime, end: pendulum.DateTime
) -> tuple[I64, I64, list[str]]:
    """Every maintenance window of ``contract`` that starts in ``[start, end)`` (minus one window's
    length, so one running into ``start`` is kept), as epoch seconds with a reason for each."""
    starts: list[int] = []
    ends: list[int] = []
    reasons: list[str] = []
    tz = contract.timezone
    for window in contract.maintenance:
        hour, minute = (int(x) for x in window.start.split(":"))
        reason = maintenance_reason(window)
        day = start.in_timezone(tz).date().subtract(days=8 if window.every == "week" else 32)
        last = end.in_timezone(tz).date()
        while day <= last:
            if window.every == "week":
                hit = _WEEKDAYS[day.weekday()] == window.weekday
            else:
                hit = day.day == window.day
            if hit:
                local = pendulum.datetime(day.year, day.month, day.day, hour, minute, tz=tz)
                begin = int(local.timestamp())
                starts.append(begin)
                ends.append(begin + window.duration_minutes * 60)
                reasons.append(reason)
            day = day.add(days=1)
    return np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64), reasons
