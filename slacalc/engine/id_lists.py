"""The incident ids of each result row (or evidence window) in text order, in compiled code.

Ids are hashed once per calculation, in the order they first come, not sorted: sorting every
distinct id of a portfolio (a million of them) as text costs more than the lists need. Here the
(group, id) pairs are put in group order by counting, and only each group's few ids are sorted,
by their UTF-8 bytes (byte order is code-point order: Python's ``sorted`` on the same strings),
with repeats dropped. Compiled like the sweep (:func:`slacalc.engine.timeline.compiled`: cached
on disk, the GIL released), and imported, as the sweep is, on the first calculation.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from slacalc.engine.timeline import I64, Int, compiled

U8 = npt.NDArray[np.uint8]
_RUN = 16  # groups up to this size are sorted by insertion, larger ones merged from such runs


@compiled
def _before(offsets: I64, data: U8, a: Int, b: Int) -> bool:
    """Whether id ``a``'s bytes come before id ``b``'s (a prefix before what it begins)."""
    i, j = offsets[a], offsets[b]
    end_i, end_j = offsets[a + 1], offsets[b + 1]
    while i < end_i and j < end_j:
        if data[i] != data[j]:
            return bool(data[i] < data[j])
        i += 1
        j += 1
    return bool(end_i - i < end_j - j)


@compiled
def _sort_texts(codes: I64, lo: Int, hi: Int, offsets: I64, data: U8, scratch: I64) -> None:
    """Sort ``codes[lo:hi]`` by their ids' text, stably: insertion into runs of ``_RUN``, then
    the runs merged (through ``scratch``), so a group of any size costs O(k log k) comparisons."""
    for s in range(lo, hi, _RUN):
        e = min(s + _RUN, hi)
        for i in range(s + 1, e):
            c = codes[i]
            j = i - 1
            while j >= s and _before(offsets, data, c, codes[j]):
                codes[j + 1] = codes[j]
                j -= 1
            codes[j + 1] = c
    width = _RUN
    while width < hi - lo:
        for s in range(lo, hi, 2 * width):
            m, e = min(s + width, hi), min(s + 2 * width, hi)
            left, right, k = s, m, s
            while left < m and right < e:
                if _before(offsets, data, codes[right], codes[left]):
                    scratch[k] = codes[right]
                    right += 1
                else:
                    scratch[k] = codes[left]
                    left += 1
                k += 1
            while left < m:
                scratch[k] = codes[left]
                left += 1
                k += 1
            while right < e:
                scratch[k] = codes[right]
                right += 1
                k += 1
        codes[lo:hi] = scratch[lo:hi]
        width *= 2


@compiled
def ordered_ids(slot: I64, code: I64, n_groups: Int, offsets: I64, data: U8) -> tuple[I64, I64]:
    """For pairs (``slot``: a group in ``0 … n_groups−1``, ``code``: an id), how many distinct
    ids each group holds and the ids, group after group, each group's in text order.
    ``offsets``/``data`` are the ids' UTF-8 bytes (Arrow's string layout, offsets as int64)."""
    counts = np.zeros(n_groups, dtype=np.int64)
    for g in slot:
        counts[g] += 1
    begin = np.zeros(n_groups + 1, dtype=np.int64)
    for g in range(n_groups):
        begin[g + 1] = begin[g] + counts[g]
    at = begin[:-1].copy()
    ordered = np.empty(len(code), dtype=np.int64)
    for i in range(len(code)):
        ordered[at[slot[i]]] = code[i]
        at[slot[i]] += 1
    scratch = np.empty(len(code), dtype=np.int64)
    out = np.empty(len(code), dtype=np.int64)
    kept = 0
    for g in range(n_groups):
        lo, hi = begin[g], begin[g + 1]
        if hi - lo > 1:
            _sort_texts(ordered, lo, hi, offsets, data, scratch)
        counts[g] = 0
        for i in range(lo, hi):  # equal ids are now side by side: keep the first of each
            if i == lo or ordered[i] != ordered[i - 1]:
                out[kept] = ordered[i]
                kept += 1
                counts[g] += 1
    return counts, out[:kept]
