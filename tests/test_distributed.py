"""The Dask path (slacalc.distributed) gives exactly the pandas path's results on a real cluster.

A ``dask.distributed`` LocalCluster of two single-threaded worker processes runs
``calculate_dask`` on the benchmark workload (small), with rows that exercise the edges of the
shuffle: a window without a tenant (it applies to every tenant, so every partition needs it), an
unknown tenant and a bad row (their problems must name the input's row numbers).
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest

import slacalc
from benchmarks import generate

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from slacalc.distributed import calculate_dask  # noqa: E402

pytestmark = pytest.mark.slow

EXCLUSION_ORDER = ["tenant", "period", "start", "end", "reason"]


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    # pyproject turns every warning into an error, and at dask/distributed 2026.8 starting and
    # stopping this cluster raises none: no filter is needed. The dashboard takes a free port
    # (":0"): None means the default 8787, whose "Port 8787 is already in use" UserWarning failed
    # this fixture whenever another run on the machine held that port.
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    with cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def workload() -> tuple[pd.DataFrame, slacalc.Customers]:
    work = generate.generate(6_000, n_tenants=60)
    frame = work.outages
    odd = frame.iloc[:3].copy()
    odd["tenant"] = ["", "nobody", "t00007"]  # every tenant; unknown; a row whose end is early
    odd.loc[odd.index[2], "end"] = odd["start"].iloc[2] - pd.Timedelta(minutes=5)
    frame = pd.concat([frame.iloc[:2_500], odd, frame.iloc[2_500:]], ignore_index=True)
    return frame, work.customers


@pytest.mark.parametrize("workload_kind", ["1m", "time"])
def test_dask_results_equal_the_pandas_path(
    client: object, workload: tuple[pd.DataFrame, slacalc.Customers], workload_kind: str
) -> None:
    frame, customers = workload
    contract = generate.contract_for(workload_kind)
    want = slacalc.calculate(frame, contract, customers=customers, periods=generate.PERIODS)
    got = calculate_dask(
        dd.from_pandas(frame, npartitions=5),
        contract,
        customers=customers,
        periods=generate.PERIODS,
        partitions=3,
    )
    assert len(want.table) == 60 * 12
    pd.testing.assert_frame_equal(got.table, want.table)
    assert got.rejected == want.rejected
    assert [p.row for p in got.rejected] == [2_502, 2_503]  # the input's row numbers
    pd.testing.assert_frame_equal(got.evidence, want.evidence)
    pd.testing.assert_frame_equal(
        got.exclusions.sort_values(EXCLUSION_ORDER, ignore_index=True),
        want.exclusions.sort_values(EXCLUSION_ORDER, ignore_index=True),
    )
    assert got.outages.rows_read == want.outages.rows_read == len(frame)


def test_one_customer_is_computed_in_this_process(
    client: object, workload: tuple[pd.DataFrame, slacalc.Customers]
) -> None:
    frame, _ = workload
    mine = frame[frame["tenant"] == "t00003"].drop(columns=["tenant"]).reset_index(drop=True)
    want = slacalc.calculate(mine, "microsoft-365-exchange-online", users=500, monthly_fee="4000")
    # Through slacalc.calculate itself: a Dask DataFrame is dispatched to calculate_dask.
    got = slacalc.calculate(
        dd.from_pandas(mine, npartitions=2),
        "microsoft-365-exchange-online",
        users=500,
        monthly_fee="4000",
    )
    pd.testing.assert_frame_equal(got.table, want.table)


def test_a_customers_table_naming_a_contract_passed_in(
    client: object, workload: tuple[pd.DataFrame, slacalc.Customers]
) -> None:
    frame, customers = workload
    mine = generate.contract_for("1m")  # not bundled: known only through contracts=
    named = slacalc.Customers(
        frame=customers.frame.assign(contract=mine.id), cohorts=customers.cohorts
    )
    want = slacalc.calculate(frame, customers=named, contracts=[mine], periods=generate.PERIODS)
    got = calculate_dask(
        dd.from_pandas(frame, npartitions=5),
        customers=named,
        contracts=[mine],
        periods=generate.PERIODS,
        partitions=3,
    )
    assert set(got.table["contract"]) == {mine.id}
    pd.testing.assert_frame_equal(got.table, want.table)


def test_evidence_is_fetched_from_the_cluster_only_while_it_is_open(
    workload: tuple[pd.DataFrame, slacalc.Customers],
) -> None:
    # The evidence stays on the workers until read (most portfolio runs need the table alone), so
    # reading it once the cluster is gone says so, instead of a scheduler's "missing dependency".
    frame, customers = workload
    contract = generate.contract_for("1m")
    want = slacalc.calculate(frame, contract, customers=customers, periods=generate.PERIODS)
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
    )
    with cluster, distributed.Client(cluster):
        read, unread = (
            calculate_dask(
                dd.from_pandas(frame, npartitions=3),
                contract,
                customers=customers,
                periods=generate.PERIODS,
                partitions=2,
            )
            for _ in range(2)
        )
        pd.testing.assert_frame_equal(read.evidence, want.evidence)
    pd.testing.assert_frame_equal(read.evidence, want.evidence)  # kept once fetched
    pd.testing.assert_frame_equal(unread.table, want.table)
    with pytest.raises(slacalc.SlacalcError, match=r"read results\.exclusions while the cluster"):
        unread.exclusions  # noqa: B018
