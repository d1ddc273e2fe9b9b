"""A count written ``1.000`` is 1000 with a thousands point or 1 with three decimals: without a
number format given or detected it is refused, as ``1.200`` is and as an amount ``1.000`` is
(docs/amounts.md), never read silently as one. Before, ``1.000`` passed as a whole number 1: a
German metrics export of a month's clean GET intervals counted one request in each."""

from __future__ import annotations

import io

import pytest

from slacalc.io.customers import read_customers
from slacalc.io.metrics import read_metrics
from slacalc.io.outages import read_outages

AMBIGUOUS = (
    "'1.000' is ambiguous: 1000 with '.' for thousands, or a fraction? Write 1000, or pass "
    "thousands='.' or decimal=','"
)


def test_affected_users_of_one_thousand_written_with_a_point() -> None:
    text = "start,end,users\n2026-03-19T08:00Z,2026-03-19T09:00Z,1.000\n"
    (problem,) = read_outages(io.StringIO(text)).rejected
    assert (problem.row, problem.column, problem.value) == (2, "users", "1.000")
    assert problem.problem == AMBIGUOUS
    assert read_outages(io.StringIO(text), thousands=".").frame["affected_users"].tolist() == [1000]
    # A format given says how to read it: with '.' for decimals it is one user.
    assert read_outages(io.StringIO(text), decimal=".").frame["affected_users"].tolist() == [1]


def test_request_counts_written_with_a_point() -> None:
    text = (
        "interval_start,total_requests,failed_requests\n"
        "2026-04-01T00:00Z,1.000,0\n"
        "2026-04-01T00:05Z,250,0\n"
    )
    (problem,) = read_metrics(io.StringIO(text)).rejected
    assert (problem.row, problem.column, problem.problem) == (2, "total_requests", AMBIGUOUS)
    read = read_metrics(io.StringIO(text), thousands=".")
    assert read.frame["total_requests"].tolist() == [1000, 250]


def test_a_table_that_settles_the_marks_reads_it_as_thousands() -> None:
    # 12.000.000 can only group thousands: the table's marks are detected and 1.000 is 1000.
    text = (
        "interval_start,total_requests,failed_requests\n"
        "2026-04-01T00:00Z,1.000,0\n"
        "2026-04-01T00:05Z,12.000.000,0\n"
    )
    read = read_metrics(io.StringIO(text))
    assert read.rejected == ()
    assert read.frame["total_requests"].tolist() == [1000, 12_000_000]


def test_customer_users_written_with_a_point() -> None:
    text = (
        "tenant,contract,users,monthly_fee,currency\n"
        "contoso,microsoft-365-exchange-online,1.000,4000,USD\n"
    )
    (problem,) = read_customers(io.StringIO(text)).rejected
    assert (problem.row, problem.column, problem.problem) == (2, "users", AMBIGUOUS)
    assert read_customers(io.StringIO(text), thousands=".").frame["users"].tolist() == [1000]


@pytest.mark.parametrize("cell", ["1.0", "120.00", "0.000", "1000.000"])
def test_a_decimal_zero_that_cannot_group_thousands_is_still_whole(cell: str) -> None:
    # Not three digits after one to three leading digits (or a leading 0): no thousands reading.
    text = f"start,end,users\n2026-03-19T08:00Z,2026-03-19T09:00Z,{cell}\n"
    outages = read_outages(io.StringIO(text))
    assert outages.rejected == ()
    assert outages.frame["affected_users"].tolist() == [int(float(cell))]
