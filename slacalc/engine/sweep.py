"""The downtime sweep: outage windows, exclusions and period edges in; per-period downtime out.

The preparation works on whole numpy arrays; the sweep itself is one compiled pass per
subscription (:mod:`slacalc.engine.timeline`). Times are int64 epoch seconds; affected users are
int64 *units* of 1/10,000 user (``UNITS_PER_USER``), so a whole user count and a percent with two
decimals of a population are both exact integers and no float ever decides a number.

How the rules of docs/rules.md map onto the arrays:

1. The timeline of each subscription (tenant × contract) is cut at every window edge, exclusion edge
   and period edge into elementary segments; a window covers a contiguous run of them.
2. Exclusions are unioned and subtracted segment by segment (true interval subtraction).
3. In each segment, a cohort's affected users are the largest of its active windows; cohorts add up;
   the total is never below the largest whole-population window nor above the licensed users.
   The largest is the top of a heap per cohort of the windows covering the segment, never found
   by pairing windows with segments: nested windows cost no more than disjoint ones.
4. ``user_minutes`` weighs each down second by the affected users; ``time`` counts a second as down
   when the affected share passes the contract's threshold; runs shorter than the minimum
   consecutive downtime are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

UNITS_DIGITS = 4
UNITS_PER_USER = 10**UNITS_DIGITS
"""Affected users are counted in 1/10,000 of a user: exact for percents with two decimals."""


_SHIFT = np.int64(1) << np.int64(33)  # seconds per subscription block in the composite key

I64 = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Windows:
    """Outage windows already matched to subscriptions, as parallel arrays."""

    sub: I64
    start: I64
    end: I64
    weight: I64  # affected units (UNITS_PER_USER per user)
    cohort: I64  # cohort code, -1 for the whole population
    counted: Bool  # the cohort counts toward SLA downtime under the contract


@dataclass(frozen=True, slots=True)
class Rules:
    """The contract terms the sweep needs, as plain numbers."""

    method: Literal["user_minutes", "time"]
    threshold_hundredths: int  # the threshold percent × 100 (time method)
    threshold_inclusive: bool  # '>=' rather than '>'
    minimum_seconds: int


@dataclass(frozen=True, slots=True)
class Segments:
    """Elementary segments of the timelines and what was down in each (the evidence)."""

    sub: I64
    start: I64
    end: I64
    period: I64  # index into the period edges
    sla_weight: I64  # affected units counting toward SLA downtime (0 when excluded or filtered)
    impact_weight: I64  # all affected units, exclusions and thresholds ignored
    down: Bool  # the segment is SLA downtime


@dataclass(frozen=True, slots=True)
class Measurement:
    """Per (subscription, period) sums over the segments; arrays are indexed like ``keys``."""

    sub: I64
    period: I64
    downtime_seconds: I64
    downtime_units: I64  # user-seconds × UNITS_PER_USER (full outage units for the time method)
    impact_units: I64
    segments: Segments
    window_spans: tuple[I64, I64, I64]
    """(window index, first segment, end segment) of each counting window's part in a period that
    holds some SLA downtime: a window's segments are contiguous and never cross a period edge."""


def distinct(values: I64, below: int | None = None) -> I64:
    """The sorted distinct values (a sort and a mask: faster than ``np.unique`` on int64).

    Given ``below``, a bound every value lies under (none is negative), and when it is not much
    more than the number of values, they are marked in a table of that size instead: no sort,
    and memory still of the order of the values.
    """
    if below is not None and below <= 4 * len(values):
        seen = np.zeros(below, dtype=bool)
        seen[values] = True
        return np.flatnonzero(seen).astype(np.int64)
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def union_intervals(sub: I64, start: I64, end: I64) -> tuple[I64, I64, I64]:
    """Merge overlapping or touching intervals within each subscription (gaps and islands)."""
    if len(sub) == 0:
        return sub, start, end
    order = np.lexsort((start, sub))
    s, a, b = sub[order], start[order], end[order]
    reach = np.maximum.accumulate(s * _SHIFT + b)
    new = np.ones(len(s), dtype=bool)
    new[1:] = s[1:] * _SHIFT + a[1:] > reach[:-1]
    last = np.flatnonzero(np.append(new[1:], True))
    return s[new], a[new], reach[last] - s[new] * _SHIFT


def clip_intervals(
    intervals: tuple[I64, I64, I64], lo: np.int64, hi: np.int64
) -> tuple[I64, I64, I64]:
    """Keep the parts of (sub, start, end) intervals inside ``[lo, hi)``."""
    sub, start, end = intervals
    keep = (end > lo) & (start < hi)
    return sub[keep], np.maximum(start[keep], lo), np.minimum(end[keep], hi)


def split_at_edges(sub: I64, start: I64, end: I64, edges: I64) -> tuple[I64, I64, I64, I64, I64]:
    """Cut each interval at the period edges; returns (origin index, sub, start, end, period)."""
    first = np.searchsorted(edges, start, side="right") - 1
    last = np.searchsorted(edges, end, side="left") - 1
    pieces = (last - first + 1).astype(np.int64)
    origin = np.repeat(np.arange(len(sub), dtype=np.int64), pieces)
    offset = np.arange(len(origin), dtype=np.int64) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    period = first[origin] + offset
    piece_start = np.maximum(start[origin], edges[period])
    piece_end = np.minimum(end[origin], edges[period + 1])
    return origin, sub[origin], piece_start, piece_end, period


def explode(first: I64, count: I64) -> tuple[I64, I64]:
    """For ranges ``[first, first + count)``, the (range index, member) pairs, vectorised."""
    owner = np.repeat(np.arange(len(first), dtype=np.int64), count)
    base = np.repeat(np.cumsum(count) - count, count)
    member = first[owner] + np.arange(len(owner), dtype=np.int64) - base
    return owner, member


def measure(
    windows: Windows,
    exclusions: tuple[I64, I64, I64],
    licensed_units: I64,
    edges: I64,
    active: tuple[I64, I64],
    rules: Rules,
) -> Measurement:
    """Sweep every subscription's timeline once and sum downtime per (subscription, period).

    ``exclusions`` are (sub, start, end) intervals, ``edges`` the sorted period edges (epoch s)
    covering every window, and ``active`` the sorted (sub, period) pairs to report. The sweep
    itself is compiled (:mod:`slacalc.engine.timeline`); numba is imported on the first
    calculation, not with slacalc.
    """
    from slacalc.engine.timeline import start_order, sweep

    sub, start, end, weight, cohort = (
        _plain(a) for a in (windows.sub, windows.start, windows.end, windows.weight, windows.cohort)
    )
    counted = np.require(windows.counted, np.bool_, _LAYOUT)
    licensed_units, edges = _plain(licensed_units), _plain(edges)
    ex = union_intervals(*(_plain(a) for a in clip_intervals(exclusions, edges[0], edges[-1])))
    by_start = start_order(sub, start, len(licensed_units))
    cohort, counted = cohort[by_start], counted[by_start]
    # share % > t  ⇔  units × 10,000 > (t × 100) × licensed units  ⇔  units > (t × 100) × users
    limit = rules.threshold_hundredths * (licensed_units // UNITS_PER_USER)
    same = bool(np.all(counted | (cohort < 0)))  # every cohort counts: SLA sums = impact sums
    segments, down, sums, (window, first, last) = sweep(
        (sub[by_start], start[by_start], end[by_start], weight[by_start], cohort),
        counted,
        ex,
        (_plain(active[0]), _plain(active[1])),
        licensed_units,
        limit,
        edges,
        int(_SHIFT),
        (rules.method == "time", rules.threshold_inclusive, rules.minimum_seconds, same),
    )
    seg_sub, seg_start, seg_end, period, sla_weight, impact_weight = segments
    return Measurement(
        sub=active[0],
        period=active[1],
        downtime_seconds=sums[0],
        downtime_units=sums[1],
        impact_units=sums[2],
        segments=Segments(
            sub=seg_sub,
            start=seg_start,
            end=seg_end,
            period=period,
            sla_weight=sla_weight,
            impact_weight=impact_weight,
            down=down,
        ),
        window_spans=(by_start[window], first, last),
    )


_LAYOUT: tuple[Literal["C_CONTIGUOUS"], Literal["WRITEABLE"]] = ("C_CONTIGUOUS", "WRITEABLE")


def _plain(values: I64) -> I64:
    """``values`` as int64 in C order and writable, copied only if they are not: the compiled
    sweep is compiled once, for that layout (numba compiles again for any other)."""
    return np.require(values, np.int64, _LAYOUT)


def slots(active: tuple[I64, I64], n_periods: int, sub: I64, period: I64) -> tuple[I64, Bool]:
    """Where each (sub, period) sits among the sorted active pairs, and whether it is one."""
    wanted = active[0] * n_periods + active[1]
    group = sub * n_periods + period
    if len(wanted) == 0:
        return np.zeros(len(group), dtype=np.int64), np.zeros(len(group), dtype=bool)
    slot = np.minimum(np.searchsorted(wanted, group), len(wanted) - 1).astype(np.int64)
    return slot, wanted[slot] == group


def _meetings(start: I64, end: I64, shared: tuple[I64, I64]) -> tuple[I64, I64]:
    """(interval, shared interval) index pairs that overlap; ``shared`` is sorted and disjoint,
    so each interval meets one contiguous run of it."""
    s_start, s_end = shared
    first = np.searchsorted(s_end, start, side="right").astype(np.int64)
    last = np.searchsorted(s_start, end, side="left").astype(np.int64)
    return explode(first, np.maximum(last - first, 0))


def shared_overlaps(
    sub: I64, start: I64, end: I64, shared: tuple[I64, I64]
) -> tuple[I64, I64, I64]:
    """The ``shared`` intervals (sorted, disjoint, the same for every subscription, such as a
    contract's maintenance) that overlap some interval of each subscription, once per
    subscription: the sweep needs their edges only where there is something to cut."""
    s_start, s_end = shared
    owner, k = _meetings(start, end, shared)
    width = np.int64(len(s_start))
    keys = distinct(sub[owner] * width + k)
    return keys // width, s_start[keys % width], s_end[keys % width]


def excluded_seconds(
    exclusions: tuple[I64, I64, I64],
    shared: tuple[I64, I64],
    edges: I64,
    active: tuple[I64, I64],
) -> I64:
    """Seconds of each active (sub, period) covered by its own exclusions or the shared ones.

    |own ∪ shared| = |shared| + |own| − |own ∩ shared|, so the shared intervals are summed once
    per period rather than once per subscription.
    """
    n_periods = len(edges) - 1
    out = np.zeros(len(active[0]), dtype=np.int64)
    zero = np.zeros(len(shared[0]), dtype=np.int64)
    _, _, a, b, period = split_at_edges(
        *clip_intervals((zero, *shared), edges[0], edges[-1]), edges
    )
    per_period = np.zeros(n_periods, dtype=np.int64)
    np.add.at(per_period, period, b - a)
    out += per_period[active[1]]
    own = union_intervals(*clip_intervals(exclusions, edges[0], edges[-1]))
    overlap = _overlaps(own, shared)
    for sign, (s, a, b) in ((1, own), (-1, overlap)):
        _, s, a, b, period = split_at_edges(s, a, b, edges)
        slot, hit = slots(active, n_periods, s, period)
        np.add.at(out, slot[hit], sign * (b - a)[hit])
    return out


def _overlaps(own: tuple[I64, I64, I64], shared: tuple[I64, I64]) -> tuple[I64, I64, I64]:
    """The pieces where each (disjoint) own interval meets the (disjoint) shared intervals."""
    sub, start, end = own
    s_start, s_end = shared
    owner, k = _meetings(start, end, shared)
    return sub[owner], np.maximum(start[owner], s_start[k]), np.minimum(end[owner], s_end[k])
