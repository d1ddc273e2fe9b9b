"""Any overlap pattern costs O(N log N) time and O(N) memory: windows nested inside each other.

N windows in one tenant, window i from t0 + i s to t1 − i s, all inside the outermost one. Their
downtime is the outer window; the users of the whole population at a moment are the largest
count among the windows active then.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import slacalc
from slacalc.engine import sweep
from tests.limits import run_limited

N = 30_000
CHILD = textwrap.dedent(
    """
    import numpy as np, pandas as pd, slacalc
    n = int(__import__("sys").argv[1])
    i = np.arange(n)
    t0 = pd.Timestamp("2026-03-10T00:00:00Z")
    nested = pd.DataFrame({
        "id": [f"N{k % 3}" for k in i],
        "start": t0 + pd.to_timedelta(i, unit="s"),
        "end": t0 + pd.Timedelta(days=1) - pd.to_timedelta(i, unit="s"),
        "affected_users": 1 + i % 7,
    })
    outages = pd.concat(
        [nested.assign(tenant="whole", cohort=""), nested.assign(tenant="cohort", cohort="m")]
    )
    customers = pd.DataFrame({
        "tenant": ["whole", "cohort"],
        "contract": "microsoft-365-exchange-online",
        "users": 1000,
        "monthly_fee": "8000",
        "cohort:m": 500,
    })
    r = slacalc.calculate(outages, customers=customers)
    for row in r.to_frame().itertuples():
        print(row.tenant, row.downtime_seconds, row.downtime_user_seconds, row.incident_ids)
    print(len(r.evidence), len(r.rejected))
    """
)


def test_thirty_thousand_nested_windows_in_little_time_and_memory() -> None:
    code, out, err, peak = run_limited([str(N)], cpu_seconds=30, script=CHILD)
    assert code == 0, err
    # At d seconds from either edge the windows 0…d are active: the largest count is
    # 1 + min(d, 6). So 2 s each at 1, 2, …, 6 users and 86,400 − 12 s at 7 users:
    # 2 × 21 + 7 × 86,388 = 604,758 user-seconds; the downtime is the outer day, 86,400 s.
    ids = "['N0', 'N1', 'N2']"
    assert out.splitlines() == [
        f"cohort 86400 604758.0000 {ids}",  # user-seconds exact to a ten-thousandth of a user
        f"whole 86400 604758.0000 {ids}",
        "2 0",  # one merged evidence window per tenant; nothing rejected
    ]
    assert peak <= 1 << 30, f"peak resident memory {peak / 2**20:.0f} MiB"


def test_nested_windows_in_process_match_the_hand_worked_figures() -> None:
    """The same rule on 50 windows, close enough to read: 2 × 21 + 7 × (86,400 − 12)."""
    t0 = pd.Timestamp("2026-03-10T00:00:00Z")
    outages = pd.DataFrame(
        {
            "start": [t0 + pd.Timedelta(seconds=i) for i in range(50)],
            "end": [t0 + pd.Timedelta(days=1, seconds=-i) for i in range(50)],
            "affected_users": [1 + i % 7 for i in range(50)],
        }
    )
    r = slacalc.calculate(outages, "microsoft-365-exchange-online", users=1000)
    row = r.to_frame().iloc[0]
    assert (row["downtime_seconds"], row["downtime_user_seconds"]) == (86_400, 604_758)
    # 604,758 of 1,000 × 2,678,400 user-seconds lost → 99.97742092293…%, floored at 10 places.
    assert row["availability_percent"] == Decimal("99.9774209229")


ranges = st.lists(
    st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(0, 9), st.integers(0, 3)),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(ranges, st.integers(1, 45))
def test_the_segment_tree_equals_the_largest_weight_counted_slot_by_slot(
    rows: list[tuple[int, int, int, int]], n: int
) -> None:
    """cover_max and the per-cohort sum against the rule applied one slot at a time."""
    spans = [(min(a, b, n), min(max(a, b), n), w, c) for a, b, w, c in rows]

    def largest(k: int, cohort: int | None = None) -> int:
        hits = [w for lo, hi, w, c in spans if lo <= k < hi and cohort in (None, c)]
        return max(hits, default=0)

    first, last, weight, cohort = np.array(spans, dtype=np.int64).reshape(-1, 4).T
    assert sweep.cover_max(first, last, weight, n).tolist() == [largest(k) for k in range(n)]
    summed = [sum(largest(k, g) for g in range(4)) for k in range(n)]
    assert sweep._cohort_total(cohort, first, last, weight, n).tolist() == summed
