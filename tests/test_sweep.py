"""The sweep's array helpers (``slacalc.engine.sweep``)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from slacalc.engine import sweep


@given(st.lists(st.integers(0, 30), max_size=40), st.integers(0, 200))
def test_distinct_by_table_or_by_sort_gives_the_sorted_distinct_values(
    values: list[int], spare: int
) -> None:
    """With a bound (a table of that many slots when it is small enough) or without (a sort)."""
    array = np.array(values, dtype=np.int64)
    expected = sorted(set(values))
    assert sweep.distinct(array).tolist() == expected
    got = sweep.distinct(array, 31 + spare)
    assert got.dtype == np.int64
    assert got.tolist() == expected


def test_distinct_worked_by_hand() -> None:
    # 5, 1, 5, 3, 1 → 1, 3, 5; bound 6 ≤ 4 × 5 values, so by the table.
    assert sweep.distinct(np.array([5, 1, 5, 3, 1], dtype=np.int64), 6).tolist() == [1, 3, 5]


def test_the_compiled_sweep_is_compiled_once_whatever_the_arrays_layout() -> None:
    """Read-only or int32 inputs give the same measurement and reuse the one compiled version:
    numba would otherwise compile again (seconds) in the middle of a user's calculation."""
    from slacalc.engine import timeline

    def arrays(kind: type[np.integer], writable: bool) -> sweep.Measurement:
        def a(*values: int) -> np.ndarray:
            out = np.array(values, dtype=kind)
            out.setflags(write=writable)
            return out

        # One whole-population window of 3 users from 10 s to 40 s, an exclusion from 20 s to
        # 25 s, one period 0 … 100 s, 10 licensed users: 25 s down × 3 users = 75 user-seconds.
        return sweep.measure(
            sweep.Windows(a(0), a(10), a(40), a(30_000), a(-1), np.array([True])),
            (a(0), a(20), a(25)),
            a(100_000),
            a(0, 100),
            (a(0), a(0)),
            sweep.Rules("user_minutes", 0, False, 0),
        )

    plain = arrays(np.int64, True)
    compiled = len(timeline.sweep.signatures), len(timeline.start_order.signatures)
    odd = arrays(np.int32, False)
    assert (len(timeline.sweep.signatures), len(timeline.start_order.signatures)) == compiled
    for m in (plain, odd):
        assert m.downtime_seconds.tolist() == [25]
        assert m.downtime_units.tolist() == [25 * 30_000]  # 75 user-seconds in 1/10,000 users
        assert m.impact_units.tolist() == [30 * 30_000]  # impact ignores the exclusion


def test_without_a_folder_for_the_cache_the_sweep_compiles_uncached(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """numba refuses ``cache=True`` with a RuntimeError where no folder is writable (a read-only
    install and no home, as in some containers): the kernel is then compiled without a disk
    cache rather than failing the import."""
    import numba

    from slacalc.engine import timeline

    real = numba.njit

    def refusing(**options: object) -> object:
        if options.get("cache"):
            raise RuntimeError("cannot cache function: no locator available")
        return real(**options)

    monkeypatch.setattr(numba, "njit", refusing)

    def twice(x: int) -> int:
        return 2 * x

    compiled = timeline.compiled(twice)
    assert compiled(21) == 42
    assert compiled.signatures  # compiled by numba, not run as plain Python
