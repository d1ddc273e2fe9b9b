"""The downtime sweep: outage windows, exclusions and period edges in; per-period downtime out.

Everything here works on whole numpy arrays. Times are int64 epoch seconds; affected users are int64
*units* of 1/10,000 user (``UNITS_PER_USER``), so a whole user count and a percent with two decimals
of a population are both exact integers and no float ever decides a number.

How the rules of docs/rules.md map onto the arrays:

1. The timeline of each subscription (tenant × contract) is cut at every window edge, exclusion edge
   and period edge into elementary segments; a window covers a contiguous run of them.
2. Exclusions are unioned and subtracted segment by segment (true interval subtraction).
3. In each segment, a cohort's affected users are the largest of its active windows; cohorts add up;
   the total is never below the largest whole-population window nor above the licensed users.
   The largest is found with a segment tree over each window's range of segments, never by
   pairing windows with segments: nested windows cost no more than disjoint ones.
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


def distinct(values: I64) -> I64:
    """The sorted distinct values (a sort and a mask: faster than ``np.unique`` on int64)."""
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


def cover_max(first: I64, last: I64, weight: I64, n: int) -> I64:
    """Per slot of ``0 … n−1``, the largest ``weight`` of the ranges ``[first, last)`` covering it
    (0 where none does).

    A segment tree with "raise to at least" range updates: each range lands on at most two nodes
    per level, then every node hands its value down to its children. So the work is
    O((N + n) log n) and the memory O(N + n) whatever the overlap: a thousand windows nested
    inside each other cost what a thousand disjoint ones do.
    """
    size = 1 << max(n - 1, 0).bit_length()
    tree = np.zeros(2 * size, dtype=np.int64)
    live = first < last
    lo, hi, w = first[live] + size, last[live] + size, weight[live]
    while len(lo):
        odd = (lo & 1).astype(bool)
        np.maximum.at(tree, lo[odd], w[odd])
        lo = lo + odd
        odd = (hi & 1).astype(bool)
        hi = hi - odd
        np.maximum.at(tree, hi[odd], w[odd])
        lo, hi = lo >> 1, hi >> 1
        live = lo < hi
        lo, hi, w = lo[live], hi[live], w[live]
    level = 2
    while level < 2 * size:
        parents = np.repeat(tree[level // 2 : level], 2)
        np.maximum(tree[level : 2 * level], parents, out=tree[level : 2 * level])
        level *= 2
    return tree[size : size + n]


def _cohort_total(cohort: I64, first: I64, last: I64, weight: I64, n: int) -> I64:
    """Per segment of ``0 … n−1``: the sum over cohorts of each cohort's largest weight among its
    ranges ``[first, last)`` covering the segment.

    Each cohort's largest weight changes only at its own range ends, so it is computed on those
    points alone (:func:`cover_max` over all cohorts side by side) and then spread over the
    segments as steps: no table of segments × cohorts and no segment × window pairs.
    """
    if len(cohort) == 0:
        return np.zeros(n, dtype=np.int64)
    width = np.int64(n + 1)
    a, b = cohort * width + first, cohort * width + last
    points = distinct(np.concatenate([a, b]))
    local = cover_max(
        np.searchsorted(points, a).astype(np.int64),
        np.searchsorted(points, b).astype(np.int64),
        weight,
        len(points) - 1,
    )
    # A local piece with a weight lies inside one cohort's points, so its ends are segment edges.
    step = np.zeros(n + 1, dtype=np.int64)
    np.add.at(step, points[:-1] % width, local)
    np.add.at(step, points[1:] % width, -local)
    return np.cumsum(step[:-1])


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
    covering every window, and ``active`` the (sub, period) pairs to report.
    """
    ex_sub, ex_start, ex_end = union_intervals(*clip_intervals(exclusions, edges[0], edges[-1]))
    active_sub, active_period = active
    # Every subscription's timeline is cut at its windows, its exclusions and the period edges.
    edge_sub = distinct(active_sub)
    points = np.concatenate(
        [
            windows.sub * _SHIFT + windows.start,
            windows.sub * _SHIFT + windows.end,
            ex_sub * _SHIFT + ex_start,
            ex_sub * _SHIFT + ex_end,
            (edge_sub[:, None] * _SHIFT + edges[None, :]).ravel(),
        ]
    )
    bounds = distinct(points)
    seg_sub = bounds[:-1] // _SHIFT
    seg_start = bounds[:-1] - seg_sub * _SHIFT
    seg_end = bounds[1:] - seg_sub * _SHIFT
    n = len(seg_start)
    real = (bounds[1:] // _SHIFT) == seg_sub  # a segment never spans two subscriptions
    duration = np.where(real, seg_end - seg_start, 0).astype(np.int64)

    # The segments each window covers, as a range [w_first, w_last) of segment indices. Windows
    # are taken in start order: sorted queries make searchsorted cache-friendly.
    by_start = np.argsort(windows.sub * _SHIFT + windows.start, kind="stable")
    w_sub, w_start, w_end = windows.sub[by_start], windows.start[by_start], windows.end[by_start]
    weight, cohort = windows.weight[by_start], windows.cohort[by_start]
    w_first = np.searchsorted(bounds, w_sub * _SHIFT + w_start).astype(np.int64)
    w_last = np.searchsorted(bounds, w_sub * _SHIFT + w_end).astype(np.int64)
    whole = cohort < 0
    part = ~whole
    sla_part = part & windows.counted[by_start]

    def cohorts(rows: Bool) -> I64:
        return _cohort_total(cohort[rows], w_first[rows], w_last[rows], weight[rows], n)

    whole_max = cover_max(w_first[whole], w_last[whole], weight[whole], n)
    all_cohorts = cohorts(part)
    # Every cohort counts under the usual contract: the same sums, computed once.
    sla_cohorts = all_cohorts if sla_part.sum() == part.sum() else cohorts(sla_part)
    cap = licensed_units[seg_sub]
    impact_weight = np.minimum(np.maximum(all_cohorts, whole_max), cap)
    sla_weight = np.minimum(np.maximum(sla_cohorts, whole_max), cap)

    # Exclusions: coverage count over segments (the union never overlaps itself).
    cover = np.zeros(n + 1, dtype=np.int64)
    np.add.at(cover, np.searchsorted(bounds, ex_sub * _SHIFT + ex_start), 1)
    np.add.at(cover, np.searchsorted(bounds, ex_sub * _SHIFT + ex_end), -1)
    excluded = np.cumsum(cover)[:n] > 0

    if rules.method == "time":
        # share % > t  ⇔  units × 10,000 > (t × 100) × licensed units  ⇔  units > (t × 100) × users
        limit = rules.threshold_hundredths * (cap // UNITS_PER_USER)
        down = sla_weight >= limit if rules.threshold_inclusive else sla_weight > limit
        down &= sla_weight > 0
    else:
        down = sla_weight > 0
    down &= ~excluded & real & (duration > 0)
    if rules.minimum_seconds > 0:
        down &= _long_enough(down, seg_sub, duration, rules.minimum_seconds)
    sla_weight = np.where(down, sla_weight, 0)
    if rules.method == "time":
        sla_weight = np.where(down, cap, 0)  # a down minute counts as a full outage

    period = np.clip(np.searchsorted(edges, seg_start, side="right") - 1, 0, len(edges) - 2)
    # Segments are in (subscription, time) order, so each (subscription, period) is one run of
    # them: sum each run exactly in int64 (reduceat) and place the runs, not every segment.
    head = np.ones(n, dtype=bool)
    head[1:] = (seg_sub[1:] != seg_sub[:-1]) | (period[1:] != period[:-1])
    heads = np.flatnonzero(head)
    slot, hit = slots(active, len(edges) - 1, seg_sub[heads], period[heads])
    downtime_seconds = np.zeros(len(active_sub), dtype=np.int64)
    downtime_units = np.zeros(len(active_sub), dtype=np.int64)
    impact_units = np.zeros(len(active_sub), dtype=np.int64)
    for out, per_segment in (  # ``duration`` is 0 on the gaps between subscriptions
        (downtime_seconds, np.where(down, duration, 0)),
        (downtime_units, duration * sla_weight),
        (impact_units, duration * impact_weight),
    ):
        if len(heads):
            np.add.at(out, slot[hit], np.add.reduceat(per_segment, heads)[hit])

    # Each counting window's part in each period, kept where it holds some SLA downtime. A part
    # that starts or ends where its window does starts or ends on the window's own segment.
    origin, piece_sub, piece_start, piece_end, _ = split_at_edges(w_sub, w_start, w_end, edges)
    piece_first, piece_last = w_first[origin], w_last[origin]
    for piece, at, own in ((piece_first, piece_start, w_start), (piece_last, piece_end, w_end)):
        cut = np.flatnonzero(at != own[origin])
        piece[cut] = np.searchsorted(bounds, piece_sub[cut] * _SHIFT + at[cut])
    down_before = np.concatenate([[0], np.cumsum(down)])
    held = (down_before[piece_last] > down_before[piece_first]) & (sla_part | whole)[origin]
    return Measurement(
        sub=active_sub,
        period=active_period,
        downtime_seconds=downtime_seconds,
        downtime_units=downtime_units,
        impact_units=impact_units,
        segments=Segments(
            sub=seg_sub,
            start=seg_start,
            end=seg_end,
            period=period,
            sla_weight=sla_weight,
            impact_weight=impact_weight,
            down=down,
        ),
        window_spans=(by_start[origin[held]], piece_first[held], piece_last[held]),
    )


def _long_enough(down: Bool, sub: I64, duration: I64, minimum: int) -> Bool:
    """True for down segments in a run of consecutive downtime of at least ``minimum`` seconds."""
    n = len(down)
    run_start = np.ones(n, dtype=bool)
    run_start[1:] = (down[1:] != down[:-1]) | (sub[1:] != sub[:-1])
    run = np.cumsum(run_start) - 1
    length = np.zeros(int(run[-1]) + 1 if n else 0, dtype=np.int64)
    np.add.at(length, run, duration)
    return np.asarray(length[run] >= minimum, dtype=bool)


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
