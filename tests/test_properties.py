"""Invariants of the engine, checked on random outage tables (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import slacalc
from tests.conftest import variant

EX = "microsoft-365-exchange-online"
BASE = pd.Timestamp("2026-03-01T00:00:00Z")
MONTH = 31 * 24 * 3600

window = st.tuples(
    st.integers(0, MONTH - 60),  # start second within March
    st.integers(1, 3 * 24 * 3600),  # duration
    st.one_of(st.none(), st.integers(0, 80)),  # affected users (the smallest cohort has 80)
    st.sampled_from(["", "mobile", "mac"]),
)


def table(rows: list[tuple[int, int, int | None, str]], shift: int = 0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [f"W{i}" for i in range(len(rows))],  # distinct: identical rows are duplicates
            "start": [BASE + pd.Timedelta(seconds=s + shift) for s, _, _, _ in rows],
            "end": [BASE + pd.Timedelta(seconds=s + d + shift) for s, d, _, _ in rows],
            "affected_users": [u for _, _, u, _ in rows],
            "cohort": [c for _, _, _, c in rows],
        }
    )


def run(rows: list[tuple[int, int, int | None, str]], contract: object = EX) -> pd.DataFrame:
    r = slacalc.calculate(
        table(rows),
        contract,  # type: ignore[arg-type]
        users=200,
        monthly_fee="1000",
        cohorts={"mobile": 120, "mac": 80},
        periods=["2026-03"],
    )
    assert not r.rejected
    return r.to_frame().set_index("period")


def availability(frame: pd.DataFrame) -> dict[str, Decimal]:
    return {str(k): Decimal(v) for k, v in frame["availability_percent"].items()}


@settings(max_examples=35, deadline=None)
@given(st.lists(window, max_size=8))
def test_availability_stays_between_0_and_100(rows: list[tuple[int, int, int | None, str]]) -> None:
    for value in availability(run(rows)).values():
        assert 0 <= value <= 100


@settings(max_examples=35, deadline=None)
@given(st.lists(window, max_size=6), window)
def test_adding_an_outage_never_raises_availability_nor_lowers_the_credit(
    rows: list[tuple[int, int, int | None, str]], extra: tuple[int, int, int | None, str]
) -> None:
    before, after = run(rows), run([*rows, extra])
    for period, value in availability(before).items():
        assert availability(after)[period] <= value
        assert after.loc[period, "credit_amount"] >= before.loc[period, "credit_amount"]


@settings(max_examples=35, deadline=None)
@given(st.lists(window, min_size=1, max_size=6), st.data())
def test_splitting_a_window_into_two_adjacent_ones_changes_nothing(
    rows: list[tuple[int, int, int | None, str]], data: st.DataObject
) -> None:
    start, duration, users, cohort = rows[0]
    if duration < 2:
        return
    cut = data.draw(st.integers(1, duration - 1))
    split = [(start, cut, users, cohort), (start + cut, duration - cut, users, cohort), *rows[1:]]
    a, b = run(rows), run(split)
    per_window = ["incident_ids", "users_assumed"]  # they name or count the windows themselves
    pd.testing.assert_frame_equal(
        a.drop(columns=per_window), b.drop(columns=per_window), check_exact=True
    )


@settings(max_examples=25, deadline=None)
@given(st.lists(window, max_size=6), st.integers(-12, 12))
def test_shifting_every_time_and_the_zone_together_changes_nothing(
    rows: list[tuple[int, int, int | None, str]], hours: int
) -> None:
    # Etc/GMT-5 is UTC+5: local midnight comes 5 hours earlier in UTC.
    zone = f"Etc/GMT{-hours:+d}" if hours else "UTC"
    shifted = variant(EX, timezone=zone, id="ex-shifted")
    r = slacalc.calculate(
        table(rows, shift=-hours * 3600),
        shifted,
        users=200,
        cohorts={"mobile": 120, "mac": 80},
        periods=["2026-03"],
    )
    moved = r.to_frame().set_index("period")
    base = run(rows)
    cols = ["measured_seconds", "downtime_seconds", "user_minutes_lost", "availability_percent"]
    pd.testing.assert_frame_equal(moved[cols], base[cols], check_exact=True)


@settings(max_examples=35, deadline=None)
@given(st.lists(window, max_size=6), st.integers(0, MONTH - 60), st.integers(1, 86_400))
def test_an_exclusion_never_adds_downtime_and_over_a_full_outage_never_lowers_availability(
    rows: list[tuple[int, int, int | None, str]], at: int, length: int
) -> None:
    plain = table(rows).assign(excluded="")
    exclusion = pd.DataFrame(
        {
            "id": ["X"],
            "start": [BASE + pd.Timedelta(seconds=at)],
            "end": [BASE + pd.Timedelta(seconds=at + length)],
            "affected_users": [None],
            "cohort": [""],
            "excluded": ["maintenance"],
        }
    )
    full = exclusion.assign(excluded="", id="F")
    kwargs = {"users": 200, "cohorts": {"mobile": 120, "mac": 80}, "periods": ["2026-03"]}

    def frame(data: pd.DataFrame) -> pd.DataFrame:
        return slacalc.calculate(data, EX, **kwargs).to_frame().set_index("period")  # type: ignore[arg-type]

    before = frame(plain)
    after = frame(pd.concat([plain, exclusion], ignore_index=True))
    for period in before.index:
        assert after.loc[period, "user_minutes_lost"] <= before.loc[period, "user_minutes_lost"]
    # Excluding time that was a full outage removes only down time: availability cannot fall.
    down = frame(pd.concat([plain, full], ignore_index=True))
    excluded = frame(pd.concat([plain, full, exclusion], ignore_index=True))
    for period in down.index:
        assert (
            excluded.loc[period, "availability_percent"] >= down.loc[period, "availability_percent"]
        )


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, MONTH - 60), st.integers(1, 86_400)), max_size=6))
def test_user_weighting_with_everyone_affected_equals_the_time_method(
    spans: list[tuple[int, int]],
) -> None:
    rows = [(s, d, None, "") for s, d in spans]
    timed = variant(EX, method="time", id="ex-time-prop")
    a, b = run(rows), run(rows, timed)
    assert availability(a) == availability(b)


WEEKLY = {"every": "week", "weekday": "tuesday", "start": "01:00", "duration_minutes": 300}
# The Tuesdays of March 2026 (3, 10, 17, 24, 31) from 01:00 to 06:00 UTC, written as rows.
MAINTENANCE_ROWS = pd.DataFrame(
    {
        "id": [f"M{d}" for d in (3, 10, 17, 24, 31)],
        "start": [pd.Timestamp(f"2026-03-{d:02d}T01:00Z") for d in (3, 10, 17, 24, 31)],
        "end": [pd.Timestamp(f"2026-03-{d:02d}T06:00Z") for d in (3, 10, 17, 24, 31)],
        "affected_users": [None] * 5,
        "cohort": [""] * 5,
        "excluded": ["maintenance"] * 5,
    }
)


@settings(max_examples=25, deadline=None)
@given(st.lists(window, max_size=6), st.lists(window, max_size=2))
def test_scheduled_maintenance_counts_like_the_same_windows_given_as_excluded_rows(
    rows: list[tuple[int, int, int | None, str]], excluded: list[tuple[int, int, int | None, str]]
) -> None:
    base = table(rows).assign(excluded="")
    own = table(excluded).assign(excluded="customer", id=[f"X{i}" for i in range(len(excluded))])
    kwargs = {"users": 200, "cohorts": {"mobile": 120, "mac": 80}, "periods": ["2026-03"]}
    scheduled = variant(EX, maintenance=[WEEKLY], id="ex-weekly")
    a = slacalc.calculate(pd.concat([base, own], ignore_index=True), scheduled, **kwargs)
    b = slacalc.calculate(pd.concat([base, own, MAINTENANCE_ROWS], ignore_index=True), EX, **kwargs)
    cols = [
        "measured_seconds",
        "excluded_seconds",
        "downtime_seconds",
        "user_minutes_lost",
        "availability_percent",
        "credit_percent",
    ]
    left, right = a.to_frame().set_index("period"), b.to_frame().set_index("period")
    pd.testing.assert_frame_equal(left.loc[["2026-03"], cols], right.loc[["2026-03"], cols])
