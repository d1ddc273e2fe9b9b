"""The integer join that pairs outage rows with subscriptions (``calculate._join``)."""

from __future__ import annotations

import numpy as np

from slacalc.engine.calculate import _join


def test_join_pairs_equal_keys_in_row_then_subscription_order() -> None:
    row_key = np.array([5, 7, 5, 5], dtype=np.int64)
    sub_key = np.array([9, 5, 5], dtype=np.int64)
    subs = np.array([10, 11, 12], dtype=np.int64)
    mask = np.array([True, True, True, False])  # row 3 is not asked about
    rows, paired = _join(mask, row_key, subs, sub_key)
    # Rows 0 and 2 have key 5: subscriptions 11 and 12 (key 5), in their given order; row 1's
    # key 7 has none.
    assert rows.tolist() == [0, 0, 2, 2]
    assert paired.tolist() == [11, 12, 11, 12]
    none, nothing = _join(np.zeros(4, dtype=bool), row_key, subs, sub_key)
    assert none.tolist() == []
    assert nothing.tolist() == []


def test_join_with_one_subscription_per_key_keeps_row_order() -> None:
    # Unique subscription keys take the hash lookup: the same pairs as the sorted join.
    row_key = np.array([7, 5, 9, 5], dtype=np.int64)
    sub_key = np.array([5, 7], dtype=np.int64)
    rows, paired = _join(np.ones(4, dtype=bool), row_key, np.array([20, 21]), sub_key)
    assert rows.tolist() == [0, 1, 3]
    assert paired.tolist() == [21, 20, 20]
