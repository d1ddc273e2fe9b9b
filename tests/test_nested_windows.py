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


#: Windows of two subscriptions on a 0…40 s timeline cut into periods at 0, 15, 28 and 40 s:
#: (sub, start, length, affected units, cohort or −1 for the whole population, counted).
windows = st.lists(
    st.tuples(
        st.integers(0, 1),
        st.integers(0, 39),
        st.integers(0, 12),
        st.integers(1, 9).map(lambda k: k * 1_000),
        st.integers(-1, 2),
        st.booleans(),
    ),
    max_size=25,
)
exclusions = st.lists(
    st.tuples(st.integers(0, 1), st.integers(0, 39), st.integers(1, 8)), max_size=3
)
EDGES = (0, 15, 28, 40)
CAP = (20_000, 10_000)  # licensed units (2 users and 1): low enough that the cap is reached


@settings(max_examples=150, deadline=None)
@given(
    windows,
    exclusions,
    st.sampled_from(["user_minutes", "time"]),
    st.integers(0, 10_000),  # the threshold percent × 100
    st.booleans(),
    st.integers(0, 4),
)
def test_the_sweep_equals_the_rule_applied_second_by_second(
    rows: list[tuple[int, int, int, int, int, bool]],
    excluded: list[tuple[int, int, int]],
    method: str,
    threshold: int,
    inclusive: bool,
    minimum: int,
) -> None:
    """measure against the rules of docs/rules.md worked one second at a time: in each second a
    cohort's users are its largest active window, cohorts add up, the total is at least the largest
    whole-population window and at most the licensed users; excluded seconds are never down; the
    time method counts a second when the share passes the threshold; shorter runs than the
    minimum do not count. Nested, touching, empty and uncounted windows all occur."""
    spans = [(s, a, min(a + n, 40), w, c, k or c < 0) for s, a, n, w, c, k in rows]
    cut = [(s, a, min(a + n, 40)) for s, a, n in excluded]

    def level(sub: int, t: int, counted_only: bool) -> int:
        on = [(w, c, k) for s, a, b, w, c, k in spans if s == sub and a <= t < b]
        by_cohort: dict[int, int] = {}
        for w, c, k in on:
            if c >= 0 and (k or not counted_only):
                by_cohort[c] = max(by_cohort.get(c, 0), w)
        whole = max([w for w, c, _ in on if c < 0], default=0)
        return min(max(sum(by_cohort.values()), whole), CAP[sub])

    def down_seconds(sub: int) -> list[bool]:
        limit = threshold * (CAP[sub] // sweep.UNITS_PER_USER)  # share > t %  ⇔  units > t × users
        out = []
        for t in range(40):
            sla = level(sub, t, counted_only=True)
            hit = sla > 0 and (method != "time" or (sla >= limit if inclusive else sla > limit))
            out.append(hit and not any(s == sub and a <= t < b for s, a, b in cut))
        # Runs of consecutive downtime shorter than the minimum do not count.
        t = 0
        while t < 40:
            if not out[t]:
                t += 1
                continue
            end = t
            while end < 40 and out[end]:
                end += 1
            if end - t < minimum:
                out[t:end] = [False] * (end - t)
            t = end
        return out

    active = [(s, p) for s in (0, 1) for p in range(3)]
    m = sweep.measure(
        sweep.Windows(
            *(np.array([r[i] for r in spans], dtype=np.int64) for i in (0, 1, 2, 3, 4)),
            counted=np.array([r[5] for r in spans], dtype=bool),
        ),
        tuple(np.array([r[i] for r in cut], dtype=np.int64) for i in range(3)),
        np.array(CAP, dtype=np.int64),
        np.array(EDGES, dtype=np.int64),
        tuple(np.array(x, dtype=np.int64) for x in zip(*active, strict=True)),
        sweep.Rules(method, threshold, inclusive, minimum),  # type: ignore[arg-type]
    )
    for i, (sub, p) in enumerate(active):
        seconds = range(EDGES[p], EDGES[p + 1])
        down = down_seconds(sub)
        expected = (
            sum(down[t] for t in seconds),
            sum(
                (CAP[sub] if method == "time" else level(sub, t, counted_only=True))
                for t in seconds
                if down[t]
            ),
            sum(level(sub, t, counted_only=False) for t in seconds),
        )
        got = (m.downtime_seconds[i], m.downtime_units[i], m.impact_units[i])
        assert tuple(int(x) for x in got) == expected
    # The window parts kept are those of counting windows over some down second, per period.
    kept = {
        (int(w), int(m.segments.period[f]))
        for w, f in zip(m.window_spans[0], m.window_spans[1], strict=True)
    }
    assert kept == {
        (i, p)
        for i, (s, a, b, _, _, k) in enumerate(spans)
        for p in range(3)
        if k and any(down_seconds(s)[t] for t in range(max(a, EDGES[p]), min(b, EDGES[p + 1])))
    }
