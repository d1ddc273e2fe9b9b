"""The sweep's array helpers (``slacalc.engine.sweep``)."""

from __future__ import annotations

import numpy as np
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
