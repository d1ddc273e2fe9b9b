"""The sweep's compiled pass: one subscription's timeline at a time, in int64 throughout.

:func:`slacalc.engine.sweep.measure` prepares the arrays and reads the results; this module walks
each subscription once, in compiled code (numba), so nothing is sorted or searched over the whole
portfolio at once:

1. its cut points (window edges, exclusion edges, period edges) are merged from streams that are
   already sorted, and consecutive distinct points are its elementary segments;
2. a max-heap per cohort (and one for the whole population) holds the windows covering the
   current segment: a window is pushed where it starts and popped lazily once its end is reached,
   so nested windows cost no more than disjoint ones (O(N log N) time, O(N) memory);
3. each segment's weights, exclusion and downtime are decided by the rules of docs/rules.md, runs
   shorter than the contract's minimum are dropped, and the sums go to the active
   (subscription, period) pairs;
4. each counting window's part in each period is kept where it holds some downtime.

The functions are compiled on first use and the machine code is cached on disk (numba's
``cache=True``: beside this module, or in the user's cache folder when that is not writable; where
neither is, in no folder, see :func:`compiled`), so a new process loads it instead of compiling
again. They release the GIL, so the two halves of a
portfolio that ``calculate`` sweeps in two threads run on two cores.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import numba
import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from numba.core.dispatcher import Dispatcher

I64 = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]
Int = int | np.int64

_F = TypeVar("_F", bound=Callable[..., Any])
_FAR = 1 << 62  # beyond any epoch second and any subscription number


def compiled(function: _F) -> Dispatcher[_F]:
    """Compile ``function`` with numba, its machine code cached on disk. Where no folder can hold
    the cache (a read-only install and no writable home, as in some containers, where numba
    refuses ``cache=True`` with a ``RuntimeError``), it is compiled in each process instead."""
    try:
        compiled = numba.njit(cache=True, nogil=True)(function)
    except RuntimeError:
        compiled = numba.njit(nogil=True)(function)
    return compiled


@compiled
def _push(weight: I64, end: I64, base: Int, size: Int, w: Int, e: Int) -> Int:
    """Push (w, e) onto the max-heap (by weight) at ``base``; returns its new size."""
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if weight[base + parent] >= w:
            break
        weight[base + i] = weight[base + parent]
        end[base + i] = end[base + parent]
        i = parent
    weight[base + i] = w
    end[base + i] = e
    return size + 1


@compiled
def _pop(weight: I64, end: I64, base: Int, size: Int) -> Int:
    """Remove the top of the max-heap at ``base``; returns its new size."""
    size -= 1
    w, e = weight[base + size], end[base + size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and weight[base + child + 1] > weight[base + child]:
            child += 1
        if weight[base + child] <= w:
            break
        weight[base + i] = weight[base + child]
        end[base + i] = end[base + child]
        i = child
    if size > 0:
        weight[base + i] = w
        end[base + i] = e
    return size


@compiled
def _bounds(
    starts: I64, ends: I64, by_end: I64, ex_start: I64, ex_end: I64, edges: I64, out: I64
) -> Int:
    """Merge the sorted streams of one subscription's cut points into ``out``, each value once:
    window starts, window ends in ``by_end`` order, the exclusions (sorted and disjoint, so their
    starts and ends interleave in order) and the period edges. Returns how many."""
    n_w, n_x, n_e = len(starts), 2 * len(ex_start), len(edges)
    qs = qe = qx = qg = 0
    n = 0
    while qs < n_w or qe < n_w or qx < n_x or qg < n_e:
        v = _FAR
        if qs < n_w:
            v = min(v, starts[qs])
        if qe < n_w:
            v = min(v, ends[by_end[qe]])
        if qx < n_x:
            v = min(v, ex_start[qx >> 1] if qx & 1 == 0 else ex_end[qx >> 1])
        if qg < n_e:
            v = min(v, edges[qg])
        out[n] = v
        n += 1
        while qs < n_w and starts[qs] == v:
            qs += 1
        while qe < n_w and ends[by_end[qe]] == v:
            qe += 1
        while qx < n_x and (ex_start[qx >> 1] if qx & 1 == 0 else ex_end[qx >> 1]) == v:
            qx += 1
        while qg < n_e and edges[qg] == v:
            qg += 1
    return n


@compiled
def _drop_short_runs(down: Bool, start: I64, end: I64, lo: Int, hi: Int, minimum: Int) -> None:
    """Clear the down segments of ``lo … hi−1`` that belong to a run of consecutive downtime
    shorter than ``minimum`` seconds."""
    k = lo
    while k < hi:
        if not down[k]:
            k += 1
            continue
        j, length = k, 0
        while j < hi and down[j]:
            length += end[j] - start[j]
            j += 1
        if length < minimum:
            down[k:j] = False
        k = j


@compiled
def _channels(
    windows: tuple[I64, ...], counted: Bool, lo: Int, hi: Int, same: bool, scratch: tuple[I64, ...]
) -> Int:
    """Number the cohorts of windows ``lo … hi−1`` from 0 and lay out one heap per channel:
    channel 0 holds the whole-population windows, 1 + c every window of local cohort c, and
    1 + n + c (unless ``same``) its counted ones. Returns n, the number of local cohorts."""
    start, end, _, cohort = windows
    local, size, base, top = scratch[0], scratch[1], scratch[2], scratch[3]
    n_local = 0
    for i in range(lo, hi):
        c = cohort[i]
        if c >= 0 and local[c] < 0:
            local[c] = n_local
            n_local += 1
    n_channels = 1 + 2 * n_local
    size[:n_channels] = 0
    top[:n_channels] = 0
    for i in range(lo, hi):
        if start[i] < end[i]:
            c = cohort[i]
            if c < 0:
                size[0] += 1
            else:
                size[1 + local[c]] += 1
                if not same and counted[i]:
                    size[1 + n_local + local[c]] += 1
    at = 0
    for c in range(n_channels):
        base[c] = at
        at += size[c]
        size[c] = 0
    return n_local


@compiled
def _levels(
    windows: tuple[I64, ...],
    counted: Bool,
    lo: Int,
    hi: Int,
    by_end: I64,
    exclusions: tuple[I64, I64],
    bounds: I64,
    offset: Int,
    rule: tuple[Int, Int, Int, bool, bool, bool],
    scratch: tuple[I64, ...],
    segments: tuple[I64, I64, I64, I64, I64, I64],
    down: Bool,
) -> None:
    """Sweep one subscription's segments ``offset … offset + len(bounds) − 2``: their weights
    (the cohorts' largest windows, summed, raised to the largest whole-population window, capped
    at the licensed units), whether they are down before the minimum-run rule, and the first and
    end segment of each window."""
    start, end, weight, cohort = windows
    ex_start, ex_end = exclusions
    s, cap, limit, by_time, inclusive, same = rule
    local, size, base, top, heap_weight, heap_end, touched, first, last = scratch
    seg_sub, seg_start, seg_end, _, sla_weight, impact_weight = segments
    n_local = _channels(windows, counted, lo, hi, same, scratch)
    whole = all_sum = sla_sum = 0
    qs, qe, qx = lo, 0, 0
    n_seg = len(bounds) - 1
    for k in range(n_seg + 1):
        b = bounds[k]
        n_touched = 0
        while qs < hi and start[qs] == b:  # windows starting here join their channels' heaps
            first[qs] = offset + k
            if b < end[qs]:
                c = cohort[qs]
                ch = 0 if c < 0 else 1 + local[c]
                size[ch] = _push(heap_weight, heap_end, base[ch], size[ch], weight[qs], end[qs])
                touched[n_touched] = ch
                n_touched += 1
                if c >= 0 and not same and counted[qs]:
                    ch = 1 + n_local + local[c]
                    size[ch] = _push(heap_weight, heap_end, base[ch], size[ch], weight[qs], end[qs])
                    touched[n_touched] = ch
                    n_touched += 1
            qs += 1
        while qe < hi - lo and end[by_end[qe]] == b:  # windows ending here touch their channels
            i = by_end[qe]
            last[i] = offset + k
            if start[i] < b:
                c = cohort[i]
                touched[n_touched] = 0 if c < 0 else 1 + local[c]
                n_touched += 1
                if c >= 0 and not same and counted[i]:
                    touched[n_touched] = 1 + n_local + local[c]
                    n_touched += 1
            qe += 1
        for t in range(n_touched):  # ended windows leave the top; each sum follows its tops
            ch = touched[t]
            while size[ch] > 0 and heap_end[base[ch]] <= b:
                size[ch] = _pop(heap_weight, heap_end, base[ch], size[ch])
            now = heap_weight[base[ch]] if size[ch] > 0 else 0
            if ch == 0:
                whole = now
            elif ch <= n_local:
                all_sum += now - top[ch]
            else:
                sla_sum += now - top[ch]
            top[ch] = now
        if k == n_seg:
            break
        while qx < len(ex_start) and ex_end[qx] <= b:
            qx += 1
        excluded = qx < len(ex_start) and ex_start[qx] <= b
        sla = min(max(all_sum if same else sla_sum, whole), cap)
        hit = sla > 0
        if by_time:  # share > t %  ⇔  units > (t × 100) × users, with ``limit`` that product
            hit = hit and (sla >= limit if inclusive else sla > limit)
        g = offset + k
        seg_sub[g], seg_start[g], seg_end[g] = s, b, bounds[k + 1]
        sla_weight[g] = sla
        impact_weight[g] = min(max(all_sum, whole), cap)
        down[g] = hit and not excluded
    for i in range(lo, hi):
        if cohort[i] >= 0:
            local[cohort[i]] = -1


@compiled
def _sums(
    lo: Int,
    hi: Int,
    edges: I64,
    by_time: bool,
    cap: Int,
    active_period: I64,
    segments: tuple[I64, I64, I64, I64, I64, I64],
    down: Bool,
    sums: tuple[I64, I64, I64],
    down_before: I64,
) -> None:
    """For segments ``lo … hi−1`` of one subscription: each one's period, its final SLA weight
    (0 unless down; the whole population under the ``time`` method), the sums of the active
    pairs ``active_period`` (the subscription's, sorted) and how many segments before each are
    down (``down_before``, from ``lo``)."""
    _, seg_start, seg_end, seg_period, sla_weight, impact_weight = segments
    down_seconds, down_units, impact_units = sums
    n_periods = len(edges) - 1
    after, slot = 0, 0
    down_before[0] = 0
    for g in range(lo, hi):
        b = seg_start[g]
        while after < len(edges) and edges[after] <= b:
            after += 1
        p = min(max(after - 1, 0), n_periods - 1)
        seg_period[g] = p
        if not down[g]:
            sla_weight[g] = 0
        elif by_time:  # a down second counts as a full outage
            sla_weight[g] = cap
        down_before[g - lo + 1] = down_before[g - lo] + (1 if down[g] else 0)
        while slot < len(active_period) and active_period[slot] < p:
            slot += 1
        if slot < len(active_period) and active_period[slot] == p:
            duration = seg_end[g] - b
            if down[g]:
                down_seconds[slot] += duration
            down_units[slot] += duration * sla_weight[g]
            impact_units[slot] += duration * impact_weight[g]


@compiled
def _parts(
    windows: tuple[I64, ...],
    counted: Bool,
    lo: Int,
    hi: Int,
    edges: I64,
    edge_at: I64,
    scratch: tuple[I64, ...],
    offset: Int,
    down_before: I64,
    kept: tuple[I64, I64, I64],
    n_kept: Int,
) -> Int:
    """Append each counting window's part in each period, as (window, first segment, end
    segment), where it holds some downtime; ``edge_at`` is each period edge's segment. Returns
    the new count."""
    start, end, _, cohort = windows
    first, last = scratch[7], scratch[8]
    part_window, part_first, part_last = kept
    for i in range(lo, hi):
        if start[i] >= end[i] or not (cohort[i] < 0 or counted[i]):
            continue
        for p in range(
            np.searchsorted(edges, start[i], side="right") - 1,
            np.searchsorted(edges, end[i], side="left"),
        ):
            f = first[i] if edges[p] <= start[i] else edge_at[p]
            t = last[i] if edges[p + 1] >= end[i] else edge_at[p + 1]
            if down_before[t - offset] > down_before[f - offset]:
                part_window[n_kept], part_first[n_kept], part_last[n_kept] = i, f, t
                n_kept += 1
    return n_kept


@compiled
def start_order(sub: I64, start: I64, n_subs: Int) -> I64:
    """The order of windows by (subscription, start), ties in input order (a stable sort): the
    subscriptions by counting, then each one's few windows by a merge sort."""
    head = np.zeros(n_subs + 1, np.int64)
    for s in sub:
        head[s + 1] += 1
    head = np.cumsum(head)
    order = np.empty(len(sub), np.int64)
    at = head[:-1].copy()
    for i in range(len(sub)):
        order[at[sub[i]]] = i
        at[sub[i]] += 1
    for s in range(n_subs):
        lo, hi = head[s], head[s + 1]
        if hi - lo > 1:
            mine = order[lo:hi]
            order[lo:hi] = mine[np.argsort(start[mine], kind="mergesort")]
    return order


@compiled
def sweep(
    windows: tuple[I64, I64, I64, I64, I64],
    counted: Bool,
    exclusions: tuple[I64, I64, I64],
    active: tuple[I64, I64],
    cap: I64,
    limit: I64,
    edges: I64,
    shift: Int,
    rule: tuple[bool, bool, Int, bool],
) -> tuple[Any, ...]:
    """Sweep every subscription's timeline once.

    ``windows`` (sub, start, end, weight, cohort) come sorted by (subscription, start), with
    ``counted`` beside them; ``exclusions`` (sub, start, end) unioned and sorted the same way;
    ``active`` (sub, period) pairs sorted. ``cap`` (licensed units) and ``limit`` (the ``time``
    method's threshold in units) are per subscription; ``rule`` is (by time, threshold inclusive,
    minimum seconds, every cohort window counts). Returns the segments (sub, start, end, period,
    SLA weight, impact weight), whether each is down, the sums per active pair (down seconds,
    SLA units, impact units) and the kept window parts (window, first segment, end segment), as
    :class:`slacalc.engine.sweep.Measurement` documents them.
    """
    w_sub, w_start, w_end, w_weight, w_cohort = windows
    ex_sub, ex_start, ex_end = exclusions
    active_sub, active_period = active
    by_time, inclusive, minimum, same = rule
    n_w, n_x, n_a, n_e = len(w_sub), len(ex_sub), len(active_sub), len(edges)
    n_active_subs = 0
    for j in range(n_a):
        if j == 0 or active_sub[j] != active_sub[j - 1]:
            n_active_subs += 1
    room = 2 * n_w + 2 * n_x + n_e * n_active_subs  # at most this many distinct cut points
    segments = (
        np.empty(room, np.int64),
        np.empty(room, np.int64),
        np.empty(room, np.int64),
        np.empty(room, np.int64),
        np.empty(room, np.int64),
        np.empty(room, np.int64),
    )
    seg_sub, seg_start, seg_end, seg_period, sla_weight, impact_weight = segments
    down = np.empty(room, np.bool_)
    sums = (np.zeros(n_a, np.int64), np.zeros(n_a, np.int64), np.zeros(n_a, np.int64))
    n_parts: Int = 0
    n_codes: Int = 1
    for i in range(n_w):
        if w_start[i] < w_end[i]:
            n_parts += (
                np.searchsorted(edges, w_end[i], side="left")
                - np.searchsorted(edges, w_start[i], side="right")
                + 1
            )
        n_codes = max(n_codes, w_cohort[i] + 1)
    kept = (np.empty(n_parts, np.int64), np.empty(n_parts, np.int64), np.empty(n_parts, np.int64))
    n_kept: Int = np.int64(0)  # not a literal 0: the helpers are compiled once, for int64
    channels = 2 * n_w + 1
    scratch = (
        np.full(n_codes, -1, np.int64),  # each cohort code's local number, −1 outside
        np.zeros(channels, np.int64),  # heap size per channel
        np.zeros(channels, np.int64),  # heap base per channel
        np.zeros(channels, np.int64),  # top weight per channel
        np.empty(channels, np.int64),  # heap weights
        np.empty(channels, np.int64),  # heap ends
        np.empty(2 * channels, np.int64),  # channels touched at one cut point
        np.empty(n_w, np.int64),  # each window's first segment
        np.empty(n_w, np.int64),  # each window's end segment
    )
    points = np.empty(room, np.int64)
    down_before = np.empty(room + 1, np.int64)
    edge_at = np.empty(n_e, np.int64)
    iw = ix = ia = np.int64(0)
    offset: Int = np.int64(0)  # the index of the subscription's first segment
    previous: Int = np.int64(-1)
    bounds_end: Int = np.int64(0)
    while iw < n_w or ix < n_x or ia < n_a:
        s = _FAR
        if iw < n_w:
            s = min(s, w_sub[iw])
        if ix < n_x:
            s = min(s, ex_sub[ix])
        if ia < n_a:
            s = min(s, active_sub[ia])
        iw2, ix2, ia2 = iw, ix, ia
        while iw2 < n_w and w_sub[iw2] == s:
            iw2 += 1
        while ix2 < n_x and ex_sub[ix2] == s:
            ix2 += 1
        while ia2 < n_a and active_sub[ia2] == s:
            ia2 += 1
        by_end = np.argsort(w_end[iw:iw2]) + iw
        n_bounds = _bounds(
            w_start[iw:iw2],
            w_end,
            by_end,
            ex_start[ix:ix2],
            ex_end[ix:ix2],
            edges if ia2 > ia else edges[:0],
            points,
        )
        bounds = points[:n_bounds]
        if previous >= 0:  # the gap from the previous subscription's last point to this first one
            g = offset - 1
            seg_sub[g], seg_start[g] = previous, bounds_end
            seg_end[g] = bounds[0] + (s - previous) * shift
            after = int(np.searchsorted(edges, bounds_end, side="right"))
            seg_period[g] = min(max(after - 1, 0), n_e - 2)
            sla_weight[g] = impact_weight[g] = 0
            down[g] = False
        n_seg = n_bounds - 1
        _levels(
            (w_start, w_end, w_weight, w_cohort),
            counted,
            iw,
            iw2,
            by_end,
            (ex_start[ix:ix2], ex_end[ix:ix2]),
            bounds,
            offset,
            (s, cap[s], limit[s], by_time, inclusive, same),
            scratch,
            segments,
            down,
        )
        if minimum > 0:
            _drop_short_runs(down, seg_start, seg_end, offset, offset + n_seg, minimum)
        _sums(
            offset,
            offset + n_seg,
            edges,
            by_time,
            cap[s],
            active_period[ia:ia2],
            segments,
            down,
            (sums[0][ia:ia2], sums[1][ia:ia2], sums[2][ia:ia2]),
            down_before,
        )
        for p in range(n_e):
            edge_at[p] = offset + np.searchsorted(bounds, edges[p], side="left")
        n_kept = _parts(
            (w_start, w_end, w_weight, w_cohort),
            counted,
            iw,
            iw2,
            edges,
            edge_at,
            scratch,
            offset,
            down_before,
            kept,
            n_kept,
        )
        previous, bounds_end = s, bounds[n_seg]
        offset += n_bounds
        iw, ix, ia = iw2, ix2, ia2
    n = max(offset - 1, 0)
    return (
        (
            seg_sub[:n],
            seg_start[:n],
            seg_end[:n],
            seg_period[:n],
            sla_weight[:n],
            impact_weight[:n],
        ),
        down[:n],
        sums,
        (kept[0][:n_kept], kept[1][:n_kept], kept[2][:n_kept]),
    )
