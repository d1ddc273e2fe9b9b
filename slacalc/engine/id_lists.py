"""The incident ids of each result row (or evidence window) in text order, in compiled code.

Ids are neither hashed nor sorted as a whole: numbering or sorting every distinct id of a
portfolio (a million of them) costs more than the lists need. The (group, row) pairs are put in
group order by counting, and only each group's few ids are sorted, by their UTF-8 bytes (byte
order is code-point order: Python's ``sorted`` on the same strings), the same id given by several
rows kept once. Each id's first eight bytes as an integer (:func:`prefixes`) decide most
comparisons without reading the strings. Compiled like the sweep
(:func:`slacalc.engine.timeline.compiled`: cached on disk, the GIL released), and imported, as the
sweep is, on the first calculation.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from slacalc.engine.timeline import I64, Int, compiled

U8 = npt.NDArray[np.uint8]
U64 = npt.NDArray[np.uint64]
_RUN = 16  # groups up to this size are sorted by insertion, larger ones merged from such runs


@compiled
def prefixes(offsets: I64, data: U8) -> U64:
    """Each string's first eight UTF-8 bytes, big-endian and padded with zero bytes, as an
    unsigned integer: where two differ, integer order is the strings' byte order."""
    n = len(offsets) - 1
    out = np.zeros(n, dtype=np.uint64)
    for i in range(n):
        key = np.uint64(0)
        for k in range(8):
            byte = data[offsets[i] + k] if offsets[i] + k < offsets[i + 1] else 0
            key = (key << np.uint64(8)) | np.uint64(byte)
        out[i] = key
    return out


@compiled
def _before(key: U64, code: I64, offsets: I64, data: U8, x: Int, y: Int) -> bool:
    """Whether the id at position ``x`` comes before the one at ``y`` (``code``: their rows): by
    their prefixes, and where those are equal by their bytes (a string before the longer ones it
    begins)."""
    if key[x] != key[y]:
        return bool(key[x] < key[y])
    i, j = offsets[code[x]], offsets[code[y]]
    end_i, end_j = offsets[code[x] + 1], offsets[code[y] + 1]
    while i < end_i and j < end_j:
        if data[i] != data[j]:
            return bool(data[i] < data[j])
        i += 1
        j += 1
    return bool(end_i - i < end_j - j)


@compiled
def _move(key: U64, code: I64, to: Int, other_key: U64, other_code: I64, at: Int) -> None:
    key[to], code[to] = other_key[at], other_code[at]


@compiled
def _sort_texts(
    key: U64, code: I64, lo: Int, hi: Int, offsets: I64, data: U8, spare: tuple[U64, I64]
) -> None:
    """Sort positions ``lo … hi−1`` of ``key`` and ``code`` by text, stably: insertion into runs
    of ``_RUN``, then the runs merged through ``spare``, so a group of any size costs
    O(k log k) comparisons."""
    spare_key, spare_code = spare
    for s in range(lo, hi, _RUN):
        e = min(s + _RUN, hi)
        for i in range(s + 1, e):
            j = i
            while j > s and _before(key, code, offsets, data, j, j - 1):
                key[j], key[j - 1] = key[j - 1], key[j]
                code[j], code[j - 1] = code[j - 1], code[j]
                j -= 1
    width = _RUN
    while width < hi - lo:
        for s in range(lo, hi, 2 * width):
            m, e = min(s + width, hi), min(s + 2 * width, hi)
            left, right, k = s, m, s
            while left < m or right < e:
                if left == m or (right < e and _before(key, code, offsets, data, right, left)):
                    _move(spare_key, spare_code, k, key, code, right)
                    right += 1
                else:
                    _move(spare_key, spare_code, k, key, code, left)
                    left += 1
                k += 1
        key[lo:hi], code[lo:hi] = spare_key[lo:hi], spare_code[lo:hi]
        width *= 2


@compiled
def ordered_ids(
    slot: I64, code: I64, n_groups: Int, prefix: U64, offsets: I64, data: U8
) -> tuple[I64, I64]:
    """For pairs (``slot``: a group in ``0 … n_groups−1``, ``code``: the row of an id), how many
    distinct ids each group holds and a row of each, group after group, each group's in text
    order. ``offsets``/``data`` are the rows' UTF-8 bytes (Arrow's string layout, offsets as
    int64), ``prefix`` their :func:`prefixes`."""
    counts = np.zeros(n_groups, dtype=np.int64)
    for g in slot:
        counts[g] += 1
    begin = np.zeros(n_groups + 1, dtype=np.int64)
    for g in range(n_groups):
        begin[g + 1] = begin[g] + counts[g]
    at = begin[:-1].copy()
    ordered = np.empty(len(code), dtype=np.int64)
    key = np.empty(len(code), dtype=np.uint64)
    for i in range(len(code)):
        ordered[at[slot[i]]] = code[i]
        key[at[slot[i]]] = prefix[code[i]]
        at[slot[i]] += 1
    spare = (np.empty(len(code), dtype=np.uint64), np.empty(len(code), dtype=np.int64))
    out = np.empty(len(code), dtype=np.int64)
    kept = 0
    for g in range(n_groups):
        lo, hi = begin[g], begin[g + 1]
        if hi - lo > 1:
            _sort_texts(key, ordered, lo, hi, offsets, data, spare)
        counts[g] = 0
        for i in range(lo, hi):  # equal ids are now side by side: keep the first of each
            if i == lo or _before(key, ordered, offsets, data, i - 1, i):
                out[kept] = ordered[i]
                kept += 1
                counts[g] += 1
    return counts, out[:kept]
