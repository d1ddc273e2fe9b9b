"""What-if scenarios: each change on a short literal table, with the numbers worked out by hand.

The customer in most cases: 1,000 licensed users, 8,000.00 USD a month, Exchange Online terms
(< 99.9 % → 25 %, < 99 % → 50 %, < 95 % → 100 %). March 2026 has 44,640 minutes, so 44,640,000
user-minutes; 99.9 % is crossed above 44,640 lost user-minutes and 99 % above 446,400.
"""

from __future__ import annotations

import io
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import slacalc
from slacalc.engine.scenarios import (
    COMPARE_COLUMNS,
    Customer,
    Scenario,
    compare,
    credit_steps,
    populations,
    resize,
    run,
    scale_affected,
    selected,
)
from slacalc.errors import InputError
from slacalc.io.customers import Customers, read_customers

EXCHANGE = "microsoft-365-exchange-online"
CUSTOMER = Customer(users=1000, monthly_fee=Decimal("8000.00"), cohorts=(("Mobile", 400),))


def outages(text: str) -> slacalc.Outages:
    return slacalc.read_outages(io.BytesIO(text.encode()))


# 100 users for 8 h on 10 March (48,000 user-minutes), an excluded hour on 25 March, and 50 of
# the 400 Mobile users for 2 h on 20 March (6,000 user-minutes).
TABLE = """id,cohort,start,end,affected_users,excluded
A,,2026-03-10T10:00:00Z,2026-03-10T18:00:00Z,100,
,,2026-03-25T00:00:00Z,2026-03-25T01:00:00Z,,maintenance
B,Mobile,2026-03-20T08:00:00Z,2026-03-20T10:00:00Z,50,
"""


@pytest.fixture
def table() -> slacalc.Outages:
    return outages(TABLE)


@pytest.fixture
def exchange() -> slacalc.Contract:
    return slacalc.load_contract(EXCHANGE)


def march(result: slacalc.Results) -> dict[str, object]:
    frame = result.to_frame()
    return {str(k): v for k, v in frame[frame["period"] == "2026-03"].iloc[0].items()}


def test_baseline_by_hand(table: slacalc.Outages, exchange: slacalc.Contract) -> None:
    row = march(run(table, exchange, customer=CUSTOMER))
    # 54,000 user-minutes lost of (44,640 − 60) × 1,000 = 44,580,000: 99.878... % < 99.9 %.
    assert row["user_minutes_lost"] == Decimal(54000)
    assert row["measured_minutes"] == Decimal(44580)
    assert row["tier"] == "< 99.9 % → 25 % of the fee"
    assert row["credit_amount"] == Decimal("2000.00")


def test_selected_rows_ids_and_everything(table: slacalc.Outages) -> None:
    frame = table.frame
    assert selected(frame, "").tolist() == [True, False, True]  # the excluded row never changes
    assert selected(frame, "b").tolist() == [False, False, True]  # ids match case-insensitively
    assert selected(frame, "row 2").tolist() == [True, False, False]  # the file's line 2
    assert selected(frame, "row 3").tolist() == [False, False, False]  # line 3 is excluded
    with pytest.raises(InputError, match="row 7"):
        selected(frame, "row seven")


def test_resize_by_minutes_and_percent(table: slacalc.Outages) -> None:
    frame = table.frame
    mask = selected(frame, "A")
    longer = resize(frame, mask, 30, Decimal(0))
    assert longer["end"].iloc[0] == pd.Timestamp("2026-03-10T18:30:00Z")
    assert longer["end"].iloc[2] == frame["end"].iloc[2]
    doubled = resize(frame, mask, 0, Decimal(100))
    assert doubled["end"].iloc[0] == pd.Timestamp("2026-03-11T02:00:00Z")
    # 480 min × 12.5 % = 60 min; then 15 min more.
    both = resize(frame, mask, 15, Decimal("12.5"))
    assert both["end"].iloc[0] == pd.Timestamp("2026-03-10T19:15:00Z")


def test_a_window_shortened_to_nothing_is_dropped(table: slacalc.Outages) -> None:
    frame = table.frame
    gone = resize(frame, selected(frame, "A"), -480, Decimal(0))
    assert gone["id"].tolist() == ["", "B"]
    also_gone = resize(frame, selected(frame, ""), 0, Decimal(-100))
    assert also_gone["id"].tolist() == [""]  # only the excluded window is left


def test_scale_affected_users_is_capped_by_the_cohort() -> None:
    frame = outages(
        "cohort,start,end,affected_users,affected_percent\n"
        "Mobile,2026-03-01T00:00Z,2026-03-01T01:00Z,300,\n"
        ",2026-03-02T00:00Z,2026-03-02T01:00Z,,40\n"
        ",2026-03-03T00:00Z,2026-03-03T01:00Z,,\n"
        "Mobile,2026-03-04T00:00Z,2026-03-04T01:00Z,5,\n"
    ).frame
    sizes = np.array([400.0, 1000.0, 1000.0, 400.0])
    everything = np.ones(4, dtype=bool)
    more = scale_affected(frame, everything, Decimal(3), sizes)
    # 300 × 3 = 900 > 400 in the cohort; 40 % × 3 = 120 % > 100; "everyone" stays everyone.
    assert more["affected_users"].tolist()[0] == 400
    assert more["affected_percent"].tolist()[1] == 100
    assert np.isnan(more["affected_users"].iloc[2])
    assert np.isnan(more["affected_percent"].iloc[2])
    assert more["affected_users"].tolist()[3] == 15
    fewer = scale_affected(frame, everything, Decimal("0.25"), sizes)
    # 75 users; 10 %; a window that hit everyone now hits 25 %; 5 × 0.25 = 1.25 → 1 user.
    assert fewer["affected_users"].tolist()[0] == 75
    assert fewer["affected_percent"].tolist()[1] == 10
    assert fewer["affected_percent"].tolist()[2] == 25
    assert fewer["affected_users"].tolist()[3] == 1


def test_populations_single_and_portfolio() -> None:
    frame = outages(
        "tenant,cohort,start,end\n"
        "a,Mobile,2026-03-01T00:00Z,2026-03-01T01:00Z\n"
        "b,,2026-03-01T00:00Z,2026-03-01T01:00Z\n"
        "b,Mac,2026-03-01T00:00Z,2026-03-01T01:00Z\n"
    ).frame
    single = Customers.single(contract=EXCHANGE, users=1000, cohorts={"Mobile": 400})
    got = populations(frame, single, single=True)
    assert got[:2].tolist() == [400, 1000]
    assert np.isnan(got[2])
    table = read_customers(
        io.BytesIO(b"tenant,users,cohort:Mobile,cohort:Mac\na,100,40,\nb,50,,5\n")
    )
    assert populations(frame, table, single=False).tolist() == [40, 50, 5]


def test_extending_one_row_crosses_into_the_next_tier_exactly(
    table: slacalc.Outages, exchange: slacalc.Contract
) -> None:
    # Row A (line 2) hits 100 users; 99 % of 44,580,000 leaves 445,800 user-minutes to lose.
    # 54,000 + 100 × m > 445,800  ⇔  m > 3,918: 3,918 more minutes land exactly on 99 %.
    at = march(run(table, exchange, Scenario("edge", "row 2", 3918), customer=CUSTOMER))
    assert at["availability_percent"] == Decimal(99)
    assert at["credit_amount"] == Decimal("2000.00")
    over = march(run(table, exchange, Scenario("over", "row 2", 3919), customer=CUSTOMER))
    assert over["tier"] == "< 99 % → 50 % of the fee"
    assert over["credit_amount"] == Decimal("4000.00")


def test_more_or_fewer_users_and_other_terms(
    table: slacalc.Outages, exchange: slacalc.Contract
) -> None:
    half = march(
        run(table, exchange, Scenario("half", affected_factor=Decimal("0.5")), customer=CUSTOMER)
    )
    assert half["user_minutes_lost"] == Decimal(27000)  # 50 users × 480 + 25 × 120
    users = march(run(table, exchange, Scenario("seats", licensed_users=100), customer=CUSTOMER))
    # 100 licensed users: the cohort of 400 is cut to 100; 54,000 of 4,458,000 → < 99 %
    assert users["licensed_users"] == 100
    assert users["user_minutes"] == Decimal(4458000)
    fee = march(run(table, exchange, Scenario("fee", monthly_fee=Decimal(1000)), customer=CUSTOMER))
    assert fee["credit_amount"] == Decimal("250.00")


def test_exclusions_refused_count_as_outage(
    table: slacalc.Outages, exchange: slacalc.Contract
) -> None:
    refused = march(run(table, exchange, Scenario("no", exclusions=False), customer=CUSTOMER))
    # The excluded hour (no users given: everyone) counts: 54,000 + 60,000 of 44,640,000.
    assert refused["measured_minutes"] == Decimal(44640)
    assert refused["user_minutes_lost"] == Decimal(114000)


def test_another_contract(table: slacalc.Outages, exchange: slacalc.Contract) -> None:
    github = run(
        table, exchange, Scenario("gh", contract="github-enterprise-cloud"), customer=CUSTOMER
    )
    assert github.to_frame()["period"].tolist() == ["2026-Q1"]


def test_a_scenario_that_leaves_nothing(table: slacalc.Outages, exchange: slacalc.Contract) -> None:
    empty = run(table, exchange, Scenario("none", extend_percent=Decimal(-100)), customer=CUSTOMER)
    assert empty.to_frame().empty


def test_scenario_checks_its_fields() -> None:
    with pytest.raises(InputError, match="name"):
        Scenario(" ")
    with pytest.raises(InputError, match="extend_percent"):
        Scenario("x", extend_percent=Decimal("1000.01"))
    with pytest.raises(InputError, match="affected_factor"):
        Scenario("x", affected_factor=Decimal("0.00001"))
    with pytest.raises(InputError, match="licensed_users"):
        Scenario("x", licensed_users=0)
    assert Scenario("x").describe() == "no change"
    assert Scenario("x", "A", 60, affected_factor=Decimal("0.5")).describe() == (
        "A: +60 min each; A: affected users ×0.5"
    )


def test_compare_side_by_side(table: slacalc.Outages, exchange: slacalc.Contract) -> None:
    base = run(table, exchange, customer=CUSTOMER).to_frame()
    gone = run(table, exchange, Scenario("gone", extend_percent=Decimal(-100)), customer=CUSTOMER)
    over = run(table, exchange, Scenario("over", "A", 3919), customer=CUSTOMER).to_frame()
    out = compare(base, {"over": over, "gone": gone.to_frame()})
    assert list(out.columns) == list(COMPARE_COLUMNS)
    assert out["scenario"].tolist() == ["Baseline", "over", "gone"]
    assert out["credit_change"].tolist() == [
        Decimal("0.00"),
        Decimal("2000.00"),
        Decimal("-2000.00"),
    ]
    # No row at all: no downtime, so 100 % and no credit, in the tenant's currency.
    assert out["availability_percent"].iloc[2] == Decimal(100)
    assert out["currency"].iloc[2] == "USD"


def test_credit_steps_match_the_engine(table: slacalc.Outages, exchange: slacalc.Contract) -> None:
    row = march(run(table, exchange, customer=CUSTOMER))
    steps = credit_steps(row, exchange)
    # Up from 54,000 lost user-minutes: 99 % needs > 445,800 (391,800 more: 23,508,000 user-s ÷
    # 1,000 users = 23,508 s, so 23,509 s); 95 % needs > 2,229,000 (130,500 s, so 130,501 s).
    assert steps["extra_seconds"].tolist() == [0, 23509, 130501]
    assert steps["credit_amount"].tolist() == [
        Decimal("2000.00"),
        Decimal("4000.00"),
        Decimal("8000.00"),
    ]
    assert float(steps["extra_minutes"].iloc[1]) == pytest.approx(
        float(str(row["minutes_to_next_tier"]))
    )
    # The engine agrees when the extra outage is really there: a full outage on 1 March.
    for seconds, tier in (
        (23509, "< 99 % → 50 % of the fee"),
        (23508, "< 99.9 % → 25 % of the fee"),
    ):
        end = pd.Timestamp("2026-03-01T00:00:00Z") + pd.Timedelta(seconds=seconds)
        extra = outages(TABLE + f"X,,2026-03-01T00:00:00Z,{end.isoformat()},,\n")
        assert march(run(extra, exchange, customer=CUSTOMER))["tier"] == tier


def test_portfolio_run_caps_by_each_tenants_cohort() -> None:
    people = read_customers(
        io.BytesIO(
            b"tenant,contract,users,monthly_fee,cohort:Mobile\n"
            b"a,microsoft-365-exchange-online,100,400,40\n"
            b"b,microsoft-365-exchange-online,1000,4000,400\n"
        )
    )
    table = outages(
        "tenant,cohort,start,end,affected_users\n"
        "a,Mobile,2026-03-10T00:00Z,2026-03-10T10:00Z,30\n"
        "b,Mobile,2026-03-10T00:00Z,2026-03-10T10:00Z,30\n"
    )
    base = run(table, None, customers=people).to_frame()
    assert base["user_minutes_lost"].tolist() == [Decimal(18000), Decimal(18000)]
    more = run(table, None, Scenario("x2", affected_factor=Decimal(2)), customers=people)
    # a: 60 > 40 in its Mobile cohort → 40 users; b: 60 users.
    assert more.to_frame()["user_minutes_lost"].tolist() == [Decimal(24000), Decimal(36000)]


def test_run_needs_one_kind_of_customer(table: slacalc.Outages, exchange: slacalc.Contract) -> None:
    with pytest.raises(InputError, match="either"):
        run(table, exchange)
