"""The benchmark workload (benchmarks/generate.py): seeded, shaped as issue 6 says, valid input.

Also checks slacalc against the benchmark's pure-Python peer (benchmarks/plain_python.py) on a small
sample of that workload: an independent implementation of docs/rules.md, so a speed change to
the engine that moves any number on the benchmark data fails here.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import slacalc
from benchmarks import generate, plain_python
from slacalc.report.values import records

N_TENANTS = 40
N_WINDOWS = 4_000


@pytest.fixture(scope="module")
def work() -> generate.Workload:
    return generate.generate(N_WINDOWS, n_tenants=N_TENANTS)


def test_the_same_seed_gives_the_same_data(work: generate.Workload) -> None:
    again = generate.generate(N_WINDOWS, n_tenants=N_TENANTS)
    pd.testing.assert_frame_equal(work.outages, again.outages)
    pd.testing.assert_frame_equal(work.customers.frame, again.customers.frame)
    pd.testing.assert_frame_equal(work.customers.cohorts, again.customers.cohorts)
    other = generate.generate(N_WINDOWS, n_tenants=N_TENANTS, seed=generate.SEED + 1)
    assert not other.outages["start"].equals(work.outages["start"])


def test_customers_have_three_cohorts_that_add_up_to_their_users(work: generate.Workload) -> None:
    frame, cohorts = work.customers.frame, work.customers.cohorts
    assert list(frame.columns) == ["row", "tenant", "contract", "users", "monthly_fee", "currency"]
    assert frame["tenant"].is_unique
    assert all(isinstance(fee, Decimal) for fee in frame["monthly_fee"])
    per_tenant = cohorts.groupby("tenant")["users"].agg(["count", "sum", "min"])
    assert (per_tenant["count"] == 3).all()
    assert (per_tenant["min"] >= 1).all()
    users = frame.set_index("tenant")["users"]
    assert per_tenant["sum"].equals(users.loc[per_tenant.index].rename("sum"))


def test_windows_follow_the_stated_distribution() -> None:
    frame = generate.generate(50_000, n_tenants=200).outages
    minutes = (frame["end"] - frame["start"]).dt.total_seconds() / 60
    # Log-normal with a median of 30 minutes, capped at 5 days, clipped at the end of the year.
    assert 28 <= minutes.median() <= 32
    assert minutes.max() <= 5 * 24 * 60
    assert (minutes > 0).all()
    assert frame["start"].min() >= generate.YEAR_START
    assert frame["end"].max() <= generate.YEAR_END
    # Starts spread over the year: each month of 2026 in Los Angeles holds 6–11 % of them.
    months = frame["start"].dt.tz_convert(generate.ZONE).dt.month.value_counts(normalize=True)
    assert len(months) == 12
    assert months.between(0.06, 0.11).all()
    assert 0.19 <= (frame["cohort"] == "").mean() <= 0.21
    assert 0.017 <= (frame["excluded"] != "").mean() <= 0.023
    given = frame["affected_users"].notna() | frame["affected_percent"].notna()
    assert 0.68 <= given.mean() <= 0.72
    assert not (frame["affected_users"].notna() & frame["affected_percent"].notna()).any()


def test_read_outages_takes_every_row_and_the_csv_reads_back_the_same(
    work: generate.Workload, tmp_path: Path
) -> None:
    from_frame = slacalc.read_outages(work.outages)
    assert from_frame.rejected == ()
    assert len(from_frame.frame) == N_WINDOWS
    path = tmp_path / "outages.csv"
    generate.write_csv(work.outages, path)
    from_csv = slacalc.read_outages(path)
    assert from_csv.rejected == ()
    columns = [c for c in from_frame.frame.columns if c != "row"]  # a CSV's rows start at line 2
    pd.testing.assert_frame_equal(from_csv.frame[columns], from_frame.frame[columns])


def test_the_benchmark_contracts_are_the_issue_s() -> None:
    exchange = generate.contract_for("1m")
    assert (exchange.method, exchange.timezone) == ("user_minutes", "America/Los_Angeles")
    (weekly,) = exchange.maintenance
    assert (weekly.every, weekly.weekday, weekly.start, weekly.duration_minutes) == (
        "week",
        "sunday",
        "02:00",
        120,
    )
    workspace = generate.contract_for("time")
    assert (workspace.method, workspace.timezone) == ("time", "America/Los_Angeles")


@pytest.mark.parametrize("workload", ["1m", "time"])
def test_slacalc_equals_the_plain_python_peer_on_the_benchmark_data(
    work: generate.Workload, workload: str
) -> None:
    contract = generate.contract_for(workload)
    outages = slacalc.read_outages(work.outages)
    results = slacalc.calculate(
        outages, contract, customers=work.customers, periods=generate.PERIODS
    )
    plain = plain_python.calculate(
        plain_python.windows_from_frame(outages.frame),
        plain_python.customers_from_tables(work.customers.frame, work.customers.cohorts),
        contract,
    )
    table = results.table
    assert len(table) == N_TENANTS * 12 == len(plain)
    assert table["breached"].any()  # the sample reaches the credit tiers
    for rec in records(table):
        want = plain[(rec["tenant"], rec["period"])]
        assert rec["measured_seconds"] == want.measured_seconds
        assert rec["downtime_seconds"] == want.downtime_seconds
        assert rec["downtime_user_seconds"] == want.downtime_user_seconds
        assert rec["availability_percent"] == plain_python.display_percent(want.availability)
        assert (rec["credit_percent"], rec["credit_days"]) == (
            want.credit_percent,
            want.credit_days,
        )
        assert str(rec["credit_amount"]) == str(want.credit_amount)
    assert np.isin(table["period"], generate.PERIODS).all()
