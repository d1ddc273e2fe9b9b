"""What-if scenarios: each change on a short literal table, with the numbers worked out by hand.

The customer in most cases: 1,000 licensed users, 8,000.00 USD a month, Exchange Online terms
(< 99.9 % → 25 %, < 99 % → 50 %, < 95 % → 100 %). March 2026 has 44,640 minutes, so 44,640,000
user-minutes; 99.9 % is crossed above 44,640 lost user-minutes and 99 % above 446,400.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import slacalc
from slacalc.engine import calculate as engine_calculate
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
from slacalc.errors import CalculationError, InputError
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
    with pytest.raises(InputError, match="each"):
        Scenario("x", each="cohort")  # type: ignore[arg-type]
    assert Scenario("x", "A", 60, affected_factor=Decimal("0.5")).describe() == (
        "A lasts 1 h (60 min) longer (its last window); A: affected users ×0.5"
    )
    assert Scenario("x", extend_minutes=1440).describe() == (
        "every incident lasts 1 day (1,440 min) longer (its last window)"
    )
    assert Scenario("x", extend_minutes=2880, each="window").describe() == (
        "every counted window 2 days (2,880 min) longer"
    )
    assert Scenario("x", extend_percent=Decimal(-50)).describe() == (
        "every incident lasts 50 % of its duration shorter (its last window)"
    )
    assert Scenario("x", "B", -45, each="window").describe() == "each window of B 45 min shorter"


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


# Five windows of incident F, 1–5 March 09:00–10:00, 100 users each (one row per day's flap).
FLAPS = "id,start,end,affected_users\n" + "".join(
    f"F,2026-03-0{d}T09:00:00Z,2026-03-0{d}T10:00:00Z,100\n" for d in range(1, 6)
)


def test_a_day_longer_extends_the_incident_not_every_window(exchange: slacalc.Contract) -> None:
    flaps = outages(FLAPS)
    frame = flaps.frame
    every = selected(frame, "")
    incident = resize(frame, every, 1440, Decimal(0), each="incident")
    # Only the window that ends the incident (5 March 10:00) moves, to 6 March 10:00.
    assert incident["end"].tolist()[:4] == frame["end"].tolist()[:4]
    assert incident["end"].iloc[4] == pd.Timestamp("2026-03-06T10:00:00Z")
    windows = resize(frame, every, 1440, Decimal(0), each="window")
    assert windows["end"].tolist() == [
        pd.Timestamp(f"2026-03-0{d + 1}T10:00:00Z") for d in range(1, 6)
    ]
    longer = march(run(flaps, exchange, Scenario("day", extend_minutes=1440), customer=CUSTOMER))
    # 5 × 60 + 1,440 = 1,740 min of 100 users = 174,000 user-minutes.
    assert longer["user_minutes_lost"] == Decimal(174000)
    each = Scenario("each", extend_minutes=1440, each="window")
    five_days = march(run(flaps, exchange, each, customer=CUSTOMER))
    # Each window 1,500 min, but they overlap: 1 March 09:00 → 6 March 10:00 is 7,260 min of the
    # 100 users = 726,000 user-minutes, five days more: a different question.
    assert five_days["user_minutes_lost"] == Decimal(726000)


def test_an_incident_twice_as_long_grows_by_its_whole_duration() -> None:
    frame = outages(FLAPS).frame
    doubled = resize(frame, selected(frame, "f"), 0, Decimal(100), each="incident")
    # F runs 1 March 09:00 → 5 March 10:00 (5,820 min); 100 % more ends it 5,820 min later.
    assert doubled["end"].iloc[4] == pd.Timestamp("2026-03-09T11:00:00Z")
    assert doubled["end"].tolist()[:4] == frame["end"].tolist()[:4]


def test_every_window_that_ends_the_incident_is_extended_and_others_keep_theirs() -> None:
    frame = outages(
        "id,tenant,cohort,start,end,affected_users\n"
        "G,a,Mobile,2026-03-01T00:00Z,2026-03-02T00:00Z,5\n"
        "G,a,Mac,2026-03-01T12:00Z,2026-03-02T00:00Z,5\n"
        "G,a,Mac,2026-03-01T06:00Z,2026-03-01T07:00Z,9\n"
        "G,b,Mac,2026-03-01T06:00Z,2026-03-01T07:00Z,9\n"
        ",a,,2026-03-03T00:00Z,2026-03-03T01:00Z,1\n"
    ).frame
    longer = resize(frame, selected(frame, ""), 60, Decimal(0), each="incident")
    # Both cohorts' windows end G for tenant a; tenant b's G ends at 07:00, its own last window;
    # a window without an id is an incident of its own.
    assert [t.isoformat() for t in longer["end"]] == [
        "2026-03-02T01:00:00+00:00",
        "2026-03-02T01:00:00+00:00",
        "2026-03-01T07:00:00+00:00",
        "2026-03-01T08:00:00+00:00",
        "2026-03-03T02:00:00+00:00",
    ]


def test_the_exchange_example_with_each_incident_a_day_longer() -> None:
    """examples/exchange-march-2026, worked by hand in its README, with both incidents a day
    longer. EX1268771 ends 15 Apr 23:00 in both cohorts: both 2 % windows now end 16 Apr 23:00.
    EX1256020 ends 1 Apr 04:00 (Outlook Mobile, 30 %): now 2 Apr 04:00. March does not change.

    April per affected user: Mobile 2 % × 22,980 + 28 % × 1,680 = 459.6 + 470.4 = 930.0 min;
    Mac 2 % × 22,980 + 98 % × 360 = 459.6 + 352.8 = 812.4 min (1 Apr 00:00 → 16 Apr 23:00 is
    15 × 1,440 + 1,380 = 22,980 min; 1 Apr 00:00 → 2 Apr 04:00 is 1,680).
    contoso: 400 × 930 + 100 × 812.4 = 453,240 of 43,200,000 → 98.950833…% < 99 → 50 % of
    4,000.00 = 2,000.00 USD (was 1,000.00). fabrikam: 10 × 930 = 9,300 of 10,800,000 →
    99.913888…%, no credit. northwind: 30 × 930 + 10 × 812.4 = 36,024 of 1,728,000 →
    97.915277…%, still 50 % → 80.00 EUR.
    """
    folder = Path(__file__).resolve().parents[1] / "examples" / "exchange-march-2026"
    table = slacalc.read_outages(folder / "outages.csv")
    people = read_customers(folder / "customers.csv")
    base = run(table, None, customers=people)
    longer = run(table, None, Scenario("A day longer", extend_minutes=1440), customers=people)
    april = longer.to_frame().query("period == '2026-04'").set_index("tenant")
    assert april["user_minutes_lost"].tolist() == [
        Decimal(453240),
        Decimal(9300),
        Decimal(36024),
    ]
    assert april.loc["contoso", "availability_percent"] == Decimal("98.9508333333")
    assert april.loc["fabrikam", "availability_percent"] == Decimal("99.9138888888")
    assert april.loc["northwind", "availability_percent"] == Decimal("97.9152777777")
    assert april["credit_amount"].tolist() == [
        Decimal("2000.00"),
        Decimal("0.00"),
        Decimal("80.00"),
    ]
    out = compare(base.table, {"A day longer": longer.table})
    changed = out[(out["scenario"] == "A day longer") & (out["credit_change"] != 0)]
    assert changed[["tenant", "period"]].values.tolist() == [["contoso", "2026-04"]]
    assert changed["credit_change"].tolist() == [Decimal("1000.00")]


def test_the_readme_what_if_example_runs_and_prints_its_numbers(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    code = re.search(r"## What-ifs in Python.*?```python\n(.*?)\n```", readme, flags=re.S)
    assert code is not None
    monkeypatch.chdir(root)  # "Run from the repository's folder"
    exec(compile(code.group(1), "README.md", "exec"), {})
    out = capsys.readouterr().out
    # Worked in test_the_exchange_example_with_each_incident_a_day_longer.
    assert "98.9508333333" in out
    assert "2000.00" in out
    assert "1000.00" in out
    assert "97.9152777777" in out


def _two_tenants_one_window_each() -> tuple[Customers, slacalc.Outages]:
    """Tenants a (100 users, 400 a month) and b (1,000 users, 4,000), each 30 users down for
    10 hours on 10 March 2026."""
    people = read_customers(
        io.BytesIO(
            b"tenant,contract,users,monthly_fee\n"
            b"a,microsoft-365-exchange-online,100,400\n"
            b"b,microsoft-365-exchange-online,1000,4000\n"
        )
    )
    table = outages(
        "tenant,start,end,affected_users\n"
        "a,2026-03-10T00:00Z,2026-03-10T10:00Z,30\n"
        "b,2026-03-10T00:00Z,2026-03-10T10:00Z,30\n"
    )
    return people, table


def test_a_longer_what_if_after_its_baseline_reuses_its_matching(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A what-if that only moves window ends takes the baseline's matching of windows to
    subscriptions and affected users; other customers or a new table are prepared anew."""
    prepared = []
    prepare = engine_calculate._prepare

    def counted(*args: Any, **kwargs: Any) -> Any:
        prepared.append(args[0])
        return prepare(*args, **kwargs)

    monkeypatch.setattr(engine_calculate, "_prepare", counted)
    people, table = _two_tenants_one_window_each()
    base = run(table, None, customers=people).to_frame()
    assert base["user_minutes_lost"].tolist() == [Decimal(18000), Decimal(18000)]  # 30 × 600
    longer = run(table, None, Scenario("+1 h", extend_minutes=60), customers=people).to_frame()
    assert longer["user_minutes_lost"].tolist() == [Decimal(19800), Decimal(19800)]  # 30 × 660
    assert len(prepared) == 1
    # b now has 2,000 users: the kept matching is not theirs.
    more = read_customers(
        io.BytesIO(
            b"tenant,contract,users,monthly_fee\n"
            b"a,microsoft-365-exchange-online,100,400\n"
            b"b,microsoft-365-exchange-online,2000,4000\n"
        )
    )
    again = run(table, None, Scenario("+1 h", extend_minutes=60), customers=more).to_frame()
    assert again["licensed_users"].tolist() == [100, 2000]
    assert len(prepared) == 2
    # Shortening a window to nothing drops its row: computed afresh on the changed table.
    gone = run(table, None, Scenario("-10 h", extend_minutes=-600), customers=more)
    assert len(gone.table) == 0
    assert len(prepared) == 3
    with pytest.raises(CalculationError, match="every row"):
        engine_calculate.calculate_moved(table, table.frame.iloc[:1], None, customers=more)


def test_a_table_edited_in_place_after_its_baseline_is_prepared_again() -> None:
    """The baseline's matching is kept for the same table object; an edit in place of the
    outage table or of the customers table since must be seen, never served stale."""
    people, table = _two_tenants_one_window_each()
    longer = Scenario("+1 h", extend_minutes=60)
    run(table, None, customers=people)
    table.frame.loc[0, "affected_users"] = 60.0  # a's window now hits 60 users
    first = run(table, None, longer, customers=people).to_frame()
    assert first["user_minutes_lost"].tolist() == [Decimal(39600), Decimal(19800)]  # 60 × 660
    assert engine_calculate.incident_keys(table) is not None  # kept again, for the edited table
    table.frame.loc[1, "tenant"] = "a"  # b's window is now a's too
    assert engine_calculate.incident_keys(table) is None
    people.frame.loc[0, "users"] = 50  # a's licence shrinks below its first window's 60 users
    second = run(table, None, longer, customers=people)
    # a's 60-user window is now more than its 50 users: rejected; a keeps the former b window,
    # 30 users × 660 minutes = 19,800 user-minutes. (Served stale, both tenants would be here.)
    assert second.to_frame()["tenant"].tolist() == ["a"]
    assert second.to_frame()["user_minutes_lost"].tolist() == [Decimal(19800)]
    assert second.to_frame()["licensed_users"].tolist() == [50]
    assert [p.row for p in second.rejected] == [2]  # the file's row 2: a's first window


def test_a_rejection_after_the_baseline_names_the_header_as_it_is_now() -> None:
    """The kept matching is also keyed on the column mapping: the headers its rejections name."""
    people = read_customers(
        io.BytesIO(b"tenant,contract,users\na,microsoft-365-exchange-online,10\n")
    )
    table = outages(
        "tenant,start,end,Impacted\n"
        "a,2026-03-10T00:00Z,2026-03-10T10:00Z,30\n"  # 30 of a's 10 users: rejected
        "a,2026-03-11T00:00Z,2026-03-11T01:00Z,5\n"
    )
    longer = Scenario("+1 h", extend_minutes=60)
    assert [p.column for p in run(table, None, longer, customers=people).rejected] == ["Impacted"]
    table.mapping.pop("Impacted")
    table.mapping["Betroffene"] = "affected_users"  # the same column, renamed in place
    rejected = run(table, None, longer, customers=people).rejected
    assert [(p.row, p.column) for p in rejected] == [(2, "Betroffene")]


def test_incident_keys_kept_from_the_baseline_extend_the_same_windows() -> None:
    """After a portfolio baseline the what-if takes the baseline's tenant and id codes: the
    same incidents as hashing the text again (an id is an incident per tenant; no id, its own)."""
    people = read_customers(
        io.BytesIO(
            b"tenant,contract,users\n"
            b"a,microsoft-365-exchange-online,100\n"
            b"b,microsoft-365-exchange-online,100\n"
        )
    )
    table = outages(
        "tenant,id,start,end\n"
        "a,F,2026-03-10T00:00Z,2026-03-10T01:00Z\n"
        "a,F,2026-03-10T02:00Z,2026-03-10T03:00Z\n"
        "b,F,2026-03-10T00:00Z,2026-03-10T02:00Z\n"
        "a,,2026-03-11T00:00Z,2026-03-11T01:00Z\n"
        "a,,2026-03-12T00:00Z,2026-03-12T01:00Z\n"
    )
    assert engine_calculate.incident_keys(table) is None
    run(table, None, customers=people)
    keys = engine_calculate.incident_keys(table)
    assert keys is not None
    frame, every = table.frame, selected(table.frame, "")
    kept = resize(frame, every, 60, Decimal(0), each="incident", keys=keys)
    hashed = resize(frame, every, 60, Decimal(0), each="incident")
    pd.testing.assert_frame_equal(kept, hashed)
    # a's F ends at 03:00 → 04:00 (its first window stays); b's F 02:00 → 03:00; each window
    # without an id is an incident of its own.
    assert [t.strftime("%d %H:%M") for t in kept["end"]] == [
        "10 01:00",
        "10 04:00",
        "10 03:00",
        "11 02:00",
        "12 02:00",
    ]
