"""Every numbered rule of docs/rules.md, on hand-worked cases; and the provider-published examples.

Minutes of a 31-day month: 31 × 1,440 = 44,640; a 30-day month: 43,200.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import slacalc
from tests.conftest import one, variant, windows

D = Decimal

EX = "microsoft-365-exchange-online"
COHORTED = ("id", "start", "end", "affected_users", "cohort")
TSE = ("tenant", "start", "end")


# Rule 1 — periods in the contract's zone, split at the boundary


def test_outage_across_midnight_at_the_end_of_march_in_los_angeles_is_split_in_local_months() -> (
    None
):
    la = variant(EX, timezone="America/Los_Angeles", id="ex-la")
    outage = windows(("2026-03-31T23:00:00-07:00", "2026-04-01T02:00:00-07:00"))
    r = slacalc.calculate(outage, la, users=10, monthly_fee="100")
    march, april = one(r, "2026-03"), one(r, "2026-04")
    assert march["measured_minutes"] == 44_580  # DST: 31 days less one hour
    assert march["downtime_minutes"] == 60
    # (44,580 − 60) / 44,580 × 100 = 99.86541049798…
    assert march["availability_percent"] == D("99.8654104979")
    assert april["downtime_minutes"] == 120
    # (43,200 − 120) / 43,200 × 100 = 99.72222…
    assert april["availability_percent"] == D("99.7222222222")
    assert march["credit_amount"] == april["credit_amount"] == D("25.00")


def test_the_same_instants_fall_in_one_utc_month() -> None:
    outage = windows(("2026-03-31T23:00:00-07:00", "2026-04-01T02:00:00-07:00"))
    r = slacalc.calculate(outage, EX, users=10)
    assert r.to_frame()["period"].tolist() == ["2026-04"]  # 06:00–09:00 UTC on 1 April
    assert one(r)["downtime_minutes"] == 180


def test_ex1268771_is_split_at_the_month_boundary() -> None:
    # Worked example 12: 17 Mar 14:00 → 15 Apr 23:00 UTC = 20,760 + 21,540 minutes.
    outage = windows(("2026-03-17T14:00Z", "2026-04-15T23:00Z"))
    r = slacalc.calculate(outage, EX, users=500, monthly_fee="4000")
    march, april = one(r, "2026-03"), one(r, "2026-04")
    assert (march["downtime_minutes"], april["downtime_minutes"]) == (20_760, 21_540)
    # (44,640 − 20,760) / 44,640 = 53.4946…%  → below 95 % → 100 % credit.
    assert march["availability_percent"] == D("53.4946236559")
    assert (march["credit_percent"], march["credit_amount"]) == (100, D("4000.00"))
    assert april["claim_deadline"] == dt.date(2026, 5, 31)


def test_a_requested_period_without_downtime_appears_at_100_percent() -> None:
    outage = windows(("2026-03-10T10:00Z", "2026-03-10T11:00Z"))
    r = slacalc.calculate(outage, EX, users=10, periods=["2026-01", "2026-02"])
    frame = r.to_frame()
    assert frame["period"].tolist() == ["2026-01", "2026-02", "2026-03"]
    jan = frame.iloc[0]
    assert (jan["availability_percent"], jan["breached"], jan["downtime_seconds"]) == (
        100,
        False,
        0,
    )


# Rule 2 — exclusions by true interval subtraction


def test_an_exclusion_is_subtracted_from_downtime_and_measured_time() -> None:
    outage = windows(
        ("A", "2026-03-10T10:00Z", "2026-03-10T12:00Z", ""),
        ("M", "2026-03-10T11:00Z", "2026-03-10T13:00Z", "maintenance"),
        columns=("id", "start", "end", "excluded"),
    )
    row = one(slacalc.calculate(outage, EX, users=100))
    assert row["downtime_minutes"] == 60  # 10:00–11:00 only
    assert row["measured_minutes"] == 44_640 - 120
    # (44,520 − 60) / 44,520 = 99.86522911051…%
    assert row["availability_percent"] == D("99.8652291105")


def test_an_exclusion_that_touches_no_outage_changes_only_the_denominator() -> None:
    outage = windows(
        ("2026-03-10T10:00Z", "2026-03-10T11:00Z", ""),
        ("2026-03-20T10:00Z", "2026-03-20T11:00Z", "customer"),
        columns=("start", "end", "excluded"),
    )
    r = slacalc.calculate(outage, EX, users=100)
    row = one(r)
    assert (row["downtime_minutes"], row["measured_minutes"]) == (60, 44_580)
    assert r.exclusions["reason"].tolist() == ["customer"]
    assert r.exclusions["minutes"].tolist() == [60]


def test_weekly_maintenance_windows_are_excluded_from_the_measured_time() -> None:
    weekly = {"every": "week", "weekday": "sunday", "start": "02:00", "duration_minutes": 120}
    contract = variant(EX, maintenance=[weekly], id="ex-maint")
    # Sundays of March 2026: 1, 8, 15, 22, 29 → 5 × 120 = 600 minutes. The outage overlaps the
    # window of 8 March by one hour (03:00–04:00 is outside it).
    outage = windows(("2026-03-08T03:00Z", "2026-03-08T05:00Z"))
    row = one(slacalc.calculate(outage, contract, users=100))
    assert row["measured_minutes"] == 44_640 - 600
    assert row["downtime_minutes"] == 60


# Rule 3 — overlaps never double count


def test_overlapping_windows_in_one_cohort_take_the_larger_count() -> None:
    outage = windows(
        ("A", "2026-03-10T10:00Z", "2026-03-10T11:00Z", 300, "mobile"),
        ("B", "2026-03-10T10:30Z", "2026-03-10T11:30Z", 200, "mobile"),
        columns=COHORTED,
    )
    row = one(slacalc.calculate(outage, EX, users=1000))
    # 10:00–11:00 at 300 = 18,000; 11:00–11:30 at 200 = 6,000 → 24,000 (not 30,000).
    assert row["user_minutes_lost"] == 24_000


def test_overlapping_windows_in_different_cohorts_add_up() -> None:
    outage = windows(
        ("A", "2026-03-10T10:00Z", "2026-03-10T11:00Z", 300, "mobile"),
        ("B", "2026-03-10T10:30Z", "2026-03-10T11:30Z", 200, "mac"),
        columns=COHORTED,
    )
    row = one(slacalc.calculate(outage, EX, users=1000))
    # 30 × 300 + 30 × 500 + 30 × 200 = 9,000 + 15,000 + 6,000.
    assert row["user_minutes_lost"] == 30_000
    assert row["downtime_minutes"] == 90


def test_cohorts_never_count_below_the_largest_whole_population_window() -> None:
    outage = windows(
        ("W", "2026-03-10T10:00Z", "2026-03-10T11:00Z", 400, ""),
        ("A", "2026-03-10T10:30Z", "2026-03-10T11:00Z", 300, "mobile"),
        ("B", "2026-03-10T10:30Z", "2026-03-10T11:00Z", 200, "mac"),
        columns=COHORTED,
    )
    row = one(slacalc.calculate(outage, EX, users=1000))
    # 10:00–10:30: max(0, 400) = 400; 10:30–11:00: max(300 + 200, 400) = 500.
    assert row["user_minutes_lost"] == 30 * 400 + 30 * 500


def test_affected_users_never_exceed_the_licensed_users() -> None:
    outage = windows(
        ("A", "2026-03-10T10:00Z", "2026-03-10T11:00Z", 700, "mobile"),
        ("B", "2026-03-10T10:00Z", "2026-03-10T11:00Z", 600, "mac"),
        columns=COHORTED,
    )
    row = one(slacalc.calculate(outage, EX, users=1000))
    assert row["user_minutes_lost"] == 60 * 1000


def test_a_percent_is_taken_of_the_cohort_it_names() -> None:
    outage = windows(
        ("2026-03-10T10:00Z", "2026-03-10T11:00Z", 12.5, "mobile"),
        columns=("start", "end", "affected_percent", "cohort"),
    )
    r = slacalc.calculate(outage, EX, users=1000, cohorts={"mobile": 250})
    # 12.5 % of 250 users = 31.25 users for 60 minutes = 1,875 user-minutes, exactly.
    assert one(r)["user_minutes_lost"] == 1_875
    assert one(r)["downtime_user_seconds"] == 112_500


# Rule 4 — methods, thresholds and minimum downtime


def test_time_method_counts_a_minute_only_above_the_threshold() -> None:
    # Worked example 4 (Atlassian): 10 % of users erring is downtime, 1 % is not; > 5 % strictly.
    outage = windows(
        ("2026-04-10T10:00Z", "2026-04-10T10:10Z", 10),
        ("2026-04-11T10:00Z", "2026-04-11T10:10Z", 1),
        ("2026-04-12T10:00Z", "2026-04-12T10:10Z", 5),
        columns=("start", "end", "affected_users"),
    )
    row = one(slacalc.calculate(outage, "atlassian-cloud-premium", users=100))
    assert row["downtime_minutes"] == 10
    assert row["impact_user_minutes"] == 10 * 10 + 10 * 1 + 10 * 5


def test_an_inclusive_threshold_counts_the_share_that_equals_it() -> None:
    contract = variant(
        "google-workspace", downtime_threshold={"operator": ">=", "percent": 5}, id="gw-incl"
    )
    outage = windows(
        ("2026-04-12T10:00Z", "2026-04-12T10:10Z", 5), columns=("start", "end", "affected_users")
    )
    assert one(slacalc.calculate(outage, contract, users=100))["downtime_minutes"] == 10


def test_runs_shorter_than_the_minimum_consecutive_downtime_do_not_count() -> None:
    ten = variant("google-compute-engine-multi-zone", minimum_downtime_minutes=10, id="gce-10")
    outage = windows(
        ("2026-04-10T10:00:00Z", "2026-04-10T10:09:59Z"),  # 9 min 59 s: too short
        ("2026-04-11T10:00:00Z", "2026-04-11T10:06:00Z"),  # 6 + 4 minutes back to back: one run
        ("2026-04-11T10:06:00Z", "2026-04-11T10:10:00Z"),
        ("2026-04-12T10:00:00Z", "2026-04-12T10:30:00Z"),
    )
    row = one(slacalc.calculate(outage, ten, users=1))
    assert row["downtime_seconds"] == 10 * 60 + 30 * 60


def test_the_minimum_run_continues_across_a_period_boundary() -> None:
    ten = variant("google-compute-engine-multi-zone", minimum_downtime_minutes=10, id="gce-10b")
    outage = windows(("2026-03-31T23:54Z", "2026-04-01T00:06Z"))
    r = slacalc.calculate(outage, ten, users=1)
    assert r.to_frame()["downtime_minutes"].tolist() == [6, 6]


def test_user_weighting_with_everyone_affected_equals_the_time_method() -> None:
    outage = windows(("2026-04-10T10:00Z", "2026-04-10T13:20Z"))
    weighted = one(slacalc.calculate(outage, EX, users=37))
    timed = one(slacalc.calculate(outage, variant(EX, method="time", id="ex-time"), users=37))
    # (43,200 − 200) / 43,200 = 99.537037…%
    assert weighted["availability_percent"] == timed["availability_percent"] == D("99.5370370370")


# Rule 5 — exact tier boundaries


def test_exactly_99_9_is_not_below_99_9_for_microsoft() -> None:
    # 1,000 users × 44,640 min = 44,640,000 user-minutes; 0.1 % of it = 44,640 = 744 users × 60 min.
    at = windows(
        ("2026-03-10T10:00Z", "2026-03-10T11:00Z", 744), columns=("start", "end", "affected_users")
    )
    row = one(slacalc.calculate(at, EX, users=1000, monthly_fee="1000"))
    assert row["availability_percent"] == D("99.9")
    assert (row["breached"], row["credit_amount"]) == (False, D("0.00"))
    over = at.assign(affected_users=745)
    row = one(slacalc.calculate(over, EX, users=1000, monthly_fee="1000"))
    assert (row["breached"], row["credit_percent"], row["credit_amount"]) == (True, 25, D("250.00"))


def test_github_pays_at_exactly_99_9_and_exactly_99_0() -> None:
    # Worked example 5. Q1 2026 = 90 days = 129,600 min; 0.1 % = 129.6 min = 2 h 9 min 36 s.
    at_99_9 = windows(("2026-02-10T10:00:00Z", "2026-02-10T12:09:36Z"))
    row = one(slacalc.calculate(at_99_9, "github-enterprise-cloud", users=5, monthly_fee="100"))
    assert row["period"] == "2026-Q1"
    assert row["availability_percent"] == D("99.9")
    assert (row["credit_percent"], row["credit_amount"]) == (10, D("30.00"))  # 10 % of 3 × 100
    # 1 % = 1,296 minutes = 21 h 36 min → exactly 99.0: neither "greater than 99.0 %" nor "less
    # than 99.0 %", so no credit as the text is written; one second more → 25 %.
    at_99 = windows(("2026-02-10T00:00:00Z", "2026-02-10T21:36:00Z"))
    row = one(slacalc.calculate(at_99, "github-enterprise-cloud", users=5))
    assert (row["availability_percent"], row["tier_number"], row["credit_percent"]) == (99, 0, 0)
    assert (row["seconds_to_next_tier"], row["next_tier"]) == (1, "< 99 % → 25 % of the fee")
    past = windows(("2026-02-10T00:00:00Z", "2026-02-10T21:36:01Z"))
    assert one(slacalc.calculate(past, "github-enterprise-cloud", users=5))["credit_percent"] == 25


def test_a_display_never_shows_100_percent_when_there_was_downtime() -> None:
    second = windows(("2026-03-10T10:00:00Z", "2026-03-10T10:00:01Z"))
    row = one(slacalc.calculate(second, EX, users=100_000))
    assert row["availability_percent"] < 100
    assert row["availability_percent"] == D("99.9999626642")  # 100 − 100/2,678,400, floored


# Rule 6 — credits


def test_days_of_service_credit_has_its_money_equivalent() -> None:
    # Worked example 11: 30-day month, 0.1 % = 43.2 min; 43 min 12 s is exactly 99.9 % → none.
    at = windows(("2026-04-10T10:00:00Z", "2026-04-10T10:43:12Z"))
    row = one(slacalc.calculate(at, "google-workspace", users=10, monthly_fee="600"))
    assert (row["availability_percent"], row["credit_days"]) == (D("99.9"), 0)
    over = windows(("2026-04-10T10:00:00Z", "2026-04-10T10:43:13Z"))
    row = one(slacalc.calculate(over, "google-workspace", users=10, monthly_fee="600"))
    assert (row["credit_days"], row["credit_amount"]) == (3, D("60.00"))  # 600 × 3 / 30


def test_a_credit_of_one_dollar_or_less_is_not_issued_by_aws() -> None:
    outage = windows(("2025-10-20T06:48Z", "2025-10-20T09:40Z"))
    # Worked example 13: 172 min of 44,640 → 99.6147 % → 10 % of the fee.
    row = one(slacalc.calculate(outage, "aws-ec2-region", users=1, monthly_fee="10.00"))
    assert row["availability_percent"] == D("99.6146953405")
    assert (row["credit_percent"], row["credit_amount"]) == (10, D("0.00"))  # $1.00 is not > $1
    row = one(slacalc.calculate(outage, "aws-ec2-region", users=1, monthly_fee="10.10"))
    assert row["credit_amount"] == D("1.01")


def test_the_cap_limits_the_credit() -> None:
    capped = variant(EX, cap={"percent": 40}, id="ex-cap40")
    outage = windows(("2026-03-01T00:00Z", "2026-03-05T00:00Z"))  # 5,760 of 44,640 min → 87.1 %
    row = one(slacalc.calculate(outage, capped, users=1, monthly_fee="200"))
    assert (row["credit_percent"], row["credit_amount"]) == (40, D("80.00"))


def test_a_days_cap_limits_a_percent_credit_to_that_many_days_of_the_period() -> None:
    # 60 min of 44,640 → 99.8656 % → 25 % of the fee; a cap of 2 days of a 31-day March is
    # 2 × 100 / 31 = 6.4516129032… % → 3,100 × 2 / 31 = 200.00, not 25 % = 775.00.
    capped = variant(EX, cap={"days": 2}, id="ex-cap2days")
    outage = windows(("2026-03-10T10:00Z", "2026-03-10T11:00Z"))
    row = one(slacalc.calculate(outage, capped, users=1, monthly_fee="3100"))
    assert (row["credit_percent"], row["credit_amount"]) == (D("6.4516129032"), D("200.00"))
    # In 30-day April the same 2 days are 6.6666…% → 3,100 × 2 / 30 = 206.666… → 206.67.
    april = windows(("2026-04-10T10:00Z", "2026-04-10T11:00Z"))
    row = one(slacalc.calculate(april, capped, users=1, monthly_fee="3100"))
    assert row["credit_amount"] == D("206.67")


def test_the_largest_fee_keeps_its_cents() -> None:
    # GitHub, a quarter: 200 min down of 129,600 → 99.8456… % ≤ 99.9 → 10 % of the quarter's fee.
    # 3 × 999,999,999,999,999.99 = 2,999,999,999,999,999.97; 10 % = 299,999,999,999,999.997
    # → half-up 300,000,000,000,000.00.
    outage = windows(("2026-02-10T10:00Z", "2026-02-10T13:20Z"))
    fee = "999999999999999.99"
    row = one(slacalc.calculate(outage, "github-enterprise-cloud", users=1, monthly_fee=fee))
    assert row["period_fee"] == D("2999999999999999.97")
    assert row["credit_amount"] == D("300000000000000.00")


@pytest.mark.parametrize(
    ("fee", "message"),
    [
        # Python's default context once turned this fee's quarter into 3.7037…E+29: no cents.
        (
            "123456789012345678901234567890.12",
            "has more than 15 digits before the decimal point",
        ),
        ("1E+400", "'1E+400' is not an amount: write digits"),
        ("0.0001", "monthly_fee: '0.0001' is more than 3 decimal places"),
    ],
)
def test_a_fee_beyond_the_documented_limits_is_refused(fee: str, message: str) -> None:
    outage = windows(("2026-03-10T10:00Z", "2026-03-10T11:00Z"))
    with pytest.raises(slacalc.InputError, match=re.escape(message)):
        slacalc.calculate(outage, EX, users=1, monthly_fee=fee)


def test_the_credit_is_rounded_once_half_up() -> None:
    outage = windows(("2026-03-10T10:00Z", "2026-03-10T11:00Z"))
    row = one(slacalc.calculate(outage, EX, users=1, monthly_fee="0.50"))
    assert row["credit_amount"] == D("0.13")  # 0.50 × 25 % = 0.125 → 0.13


def test_slack_pays_ten_times_the_fees_for_the_down_time() -> None:
    # One hour down in Q2 2026 (91 days = 131,040 min), all users, $1,250 a month:
    # 3 × 1,250 × 60 / 131,040 × 10 = 17.1703… → $17.17.
    outage = windows(("2026-05-10T10:00Z", "2026-05-10T11:00Z"))
    row = one(slacalc.calculate(outage, "slack-business-plus", users=100, monthly_fee="1250"))
    assert row["credit_amount"] == D("17.17")
    assert row["claim_deadline"] is None  # Slack's terms state no deadline


def test_without_a_fee_the_tier_is_reported_but_no_amount() -> None:
    outage = windows(("2026-03-10T10:00Z", "2026-03-10T11:00Z"))
    row = one(slacalc.calculate(outage, EX, users=1))
    assert (row["credit_percent"], row["credit_amount"]) == (25, None)


# Rule 7 — claims: deadlines and the margin to the next tier


@pytest.mark.parametrize(
    ("contract", "start", "deadline"),
    [
        (EX, "2026-02-15T10:00Z", dt.date(2026, 3, 31)),  # worked example 1
        ("azure-virtual-machines-zones", "2026-02-15T10:00Z", dt.date(2026, 4, 30)),
        ("aws-ec2-region", "2025-10-20T06:48Z", dt.date(2025, 12, 31)),
        ("google-compute-engine-multi-zone", "2026-06-10T10:00Z", dt.date(2026, 7, 30)),  # ex. 6
        ("atlassian-cloud-premium", "2026-03-10T10:00Z", dt.date(2026, 4, 15)),
        ("github-enterprise-cloud", "2026-02-10T10:00Z", dt.date(2026, 4, 30)),
    ],
)
def test_claim_deadlines_follow_each_contracts_rule(
    contract: str, start: str, deadline: dt.date
) -> None:
    end = pd.Timestamp(start) + pd.Timedelta(minutes=30)
    r = slacalc.calculate(windows((start, end.isoformat())), contract, users=1)
    assert one(r)["claim_deadline"] == deadline


def test_the_margin_to_the_next_tier_is_in_whole_seconds_of_full_outage() -> None:
    outage = windows(
        ("A", "2026-03-10T10:00Z", "2026-03-10T11:00Z", 300, "mobile"),
        ("B", "2026-03-10T10:30Z", "2026-03-10T11:30Z", 200, "mobile"),
        ("C", "2026-03-10T10:45Z", "2026-03-10T11:15Z", 100, "mac"),
        columns=COHORTED,
    )
    row = one(slacalc.calculate(outage, EX, users=1000))
    # Lost 27,000 user-minutes = 1,620,000 user-seconds; 0.1 % of 2,678,400,000 = 2,678,400.
    # 1,000 users must lose 1,058,400 more, i.e. strictly more than 1,058.4 s → 1,059 s.
    assert row["seconds_to_next_tier"] == 1_059
    assert row["minutes_to_next_tier"] == pytest.approx(17.65)
    assert row["next_tier"] == "< 99.9 % → 25 % of the fee"
    assert row["incident_ids"] == ["A", "B", "C"]


def test_incident_ids_are_listed_in_text_order_even_when_they_share_a_long_prefix() -> None:
    # The engine compares ids byte by byte in UTF-8: these share "INC-2026-" (and "Zürich-"), so
    # only the later bytes decide. Python's order of str is the order of code points:
    # "INC-2026-10" < "INC-2026-9" < "Zürich-10" < "Zürich-9" < "Ärger" ("Z" is U+005A, "Ä" U+00C4).
    given = ["Zürich-9", "INC-2026-9", "Ärger", "INC-2026-10", "Zürich-10"]
    outage = windows(
        *((i, "2026-03-10T10:00Z", "2026-03-10T11:00Z") for i in given),
        columns=("id", "start", "end"),
    )
    r = slacalc.calculate(outage, EX, users=10)
    assert one(r)["incident_ids"] == ["INC-2026-10", "INC-2026-9", "Zürich-10", "Zürich-9", "Ärger"]
    assert r.evidence["incident_ids"].tolist() == [sorted(given)]


def test_a_long_list_of_incident_ids_is_in_text_order_once_each() -> None:
    # 40 windows, ids given backwards, each twice, a prefix of another ("X1" before "X10") and
    # some without an id: more ids than one run of the compiled sort (16), so runs are merged.
    # The list is the 20 ids once each, as Python sorts them: X1, X10 … X19, X2, X20, X3 … X9.
    given = [f"X{k}" for k in range(20, 0, -1)] * 2 + ["", ""]
    outage = windows(
        *((i, f"2026-03-10T10:{m:02d}Z", f"2026-03-10T11:{m:02d}Z") for m, i in enumerate(given)),
        columns=("id", "start", "end"),
    )
    r = slacalc.calculate(outage, EX, users=10)
    tens, ones = [f"X{k}" for k in range(10, 20)], [f"X{k}" for k in range(3, 10)]
    expected = ["X1", *tens, "X2", "X20", *ones]
    assert one(r)["incident_ids"] == expected
    assert r.evidence["incident_ids"].tolist() == [expected]


def test_the_compiled_lists_group_sort_and_drop_repeated_ids() -> None:
    from slacalc.engine.id_lists import ordered_ids, prefixes

    # Rows 0 "b", 1 "a", 2 "ab", 3 "", 4 "a" as Arrow lays strings out: offsets into "baaba".
    offsets = np.array([0, 1, 2, 4, 4, 5], dtype=np.int64)
    data = np.frombuffer(b"baaba", dtype=np.uint8)
    slot = np.array([2, 0, 2, 2, 0, 2, 2], dtype=np.int64)
    row = np.array([0, 2, 1, 0, 3, 2, 4], dtype=np.int64)
    counts, ordered = ordered_ids(slot, row, 3, prefixes(offsets, data), offsets, data)
    # Group 0: "ab", "" → "", "ab"; group 1: nothing; group 2: rows 0, 1, 0, 2, 4 are "b", "a",
    # "b", "ab", "a" → "a" (row 1; row 4 repeats it), "ab" (row 2), "b" (row 0).
    assert counts.tolist() == [2, 0, 3]
    assert ordered.tolist() == [3, 2, 1, 2, 0]


def test_at_the_last_tier_there_is_no_margin() -> None:
    outage = windows(("2026-03-01T00:00Z", "2026-03-10T00:00Z"))
    assert one(slacalc.calculate(outage, EX, users=1))["minutes_to_next_tier"] is None


def test_evidence_lists_the_merged_windows_that_counted() -> None:
    outage = windows(
        ("A", "2026-03-31T23:00Z", "2026-04-01T00:30Z", 10, ""),
        ("B", "2026-04-01T00:30Z", "2026-04-01T01:00Z", 20, ""),
        columns=("id", "start", "end", "affected_users", "cohort"),
    )
    ev = slacalc.calculate(outage, EX, users=100).evidence
    assert ev["period"].tolist() == ["2026-03", "2026-04"]
    assert ev["start"].astype(str).tolist() == [
        "2026-03-31 23:00:00+00:00",
        "2026-04-01 00:00:00+00:00",
    ]
    assert ev["end"].astype(str).tolist() == [
        "2026-04-01 00:00:00+00:00",
        "2026-04-01 01:00:00+00:00",
    ]
    assert ev["incident_ids"].tolist() == [["A"], ["A", "B"]]
    assert ev["user_minutes_lost"].tolist() == [600, 30 * 10 + 30 * 20]
    assert ev["peak_affected_users"].tolist() == [10, 20]


# Rule 8 — impact beside SLA downtime


def test_cohorts_outside_the_contracts_definition_are_impact_only() -> None:
    owa_only = variant(EX, counted_cohorts=["Outlook Web Access"], id="ex-owa")
    outage = windows(
        ("M", "2026-03-10T10:00Z", "2026-03-10T11:00Z", 100, "Outlook Mobile"),
        ("W", "2026-03-10T10:30Z", "2026-03-10T11:00Z", 50, "outlook web access"),
        columns=COHORTED,
    )
    row = one(slacalc.calculate(outage, owa_only, users=1000))
    assert row["impact_user_minutes"] == 60 * 100 + 30 * 50
    assert row["user_minutes_lost"] == 30 * 50
    assert row["incident_ids"] == ["W"]


# Rule 9 — nothing is lost


def test_rows_that_cannot_be_used_are_rejected_with_row_and_column() -> None:
    outage = windows(
        ("A", "2026-03-10T10:00Z", "2026-03-10T11:00Z", 10, ""),
        ("B", "2026-03-10T10:00Z", "2026-03-10T11:00Z", 5000, ""),
        ("C", "2026-03-10T10:00Z", "2026-03-10T11:00Z", None, "unknown-cohort"),
        columns=COHORTED,
    )
    r = slacalc.calculate(outage, EX, users=1000)
    assert [(p.row, p.column) for p in r.rejected] == [(2, "affected_users"), (3, "cohort")]
    assert "licensed" in r.rejected[0].problem
    assert one(r)["user_minutes_lost"] == 600


def test_a_portfolio_computes_each_tenant_under_its_own_contract() -> None:
    customers = slacalc.Customers(
        frame=pd.DataFrame(
            {
                "row": [2, 3],
                "tenant": ["contoso", "fabrikam"],
                "contract": [EX, "google-workspace"],
                "users": [1000, 50],
                "monthly_fee": pd.Series([D("8000"), D("300")], dtype=object),
                "currency": ["USD", "EUR"],
            }
        ),
        cohorts=pd.DataFrame({"tenant": [], "cohort": [], "users": []}),
    )
    outage = windows(
        ("contoso", "2026-04-10T10:00Z", "2026-04-10T11:00Z"),
        ("", "2026-04-20T10:00Z", "2026-04-20T10:30Z"),  # no tenant: hits every tenant
        ("initech", "2026-04-20T10:00Z", "2026-04-20T10:30Z"),
        columns=("tenant", "start", "end"),
    )
    r = slacalc.calculate(outage, customers=customers)
    frame = r.to_frame().set_index("tenant")
    assert frame.loc["contoso", "downtime_minutes"] == 90
    # 90 of 43,200 min → 99.7917 % → 25 % of 8,000.
    assert frame.loc["contoso", "credit_amount"] == D("2000.00")
    assert frame.loc["fabrikam", "downtime_minutes"] == 30
    # 30 of 43,200 → 99.93 % ≥ 99.9 → no days.
    assert frame.loc["fabrikam", "credit_days"] == 0
    assert frame.loc["fabrikam", "currency"] == "EUR"
    assert [(p.row, p.column) for p in r.rejected] == [(3, "tenant")]


# Provider-published and derived examples


def test_atlassian_example_60_minutes_in_a_30_day_month() -> None:
    # Worked example 3: 60/43,200 = 0.13889 % → 99.8611 % → 10 %.
    outage = windows(("2026-04-10T10:00Z", "2026-04-10T11:00Z"))
    row = one(slacalc.calculate(outage, "atlassian-cloud-premium", users=10, monthly_fee="100"))
    assert row["availability_percent"] == D("99.8611111111")
    assert (row["credit_percent"], row["credit_amount"]) == (10, D("10.00"))


def test_one_outage_under_four_contracts() -> None:
    # Worked example 14, in April 2026 (30 days) and Q2 2026 (91 days = 131,040 min).
    outage = windows(("2026-04-10T10:00Z", "2026-04-10T11:00Z"))
    get = lambda c: one(slacalc.calculate(outage, c, users=10))  # noqa: E731
    assert get("atlassian-cloud-premium")["credit_percent"] == 10
    assert get(EX)["credit_percent"] == 25
    assert get("google-workspace")["credit_days"] == 3
    github = get("github-enterprise-cloud")
    assert github["availability_percent"] == D("99.9542124542")  # 130,980 / 131,040
    assert github["breached"] is False


def test_teams_tm710778_and_tm710344_against_forum_arithmetic() -> None:
    # Worked example 9: 4,656 min of 44,640 → 89.57 % → 100 %; 695 min → 98.44 % → 50 %.
    long = windows(("2024-01-25T20:00Z", "2024-01-29T01:36Z"))
    row = one(slacalc.calculate(long, "microsoft-365-teams", users=10))
    assert (row["downtime_minutes"], row["credit_percent"]) == (4_656, 100)
    assert row["availability_percent"] == D("89.5698924731")
    short = windows(("2024-01-10T00:00Z", "2024-01-10T11:35Z"))
    row = one(slacalc.calculate(short, "microsoft-365-teams", users=10))
    assert (row["downtime_minutes"], row["credit_percent"]) == (695, 50)
    assert row["availability_percent"] == D("98.4431003584")  # 43,945 / 44,640


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"periods": ["2026-13"]}, "periods: period '2026-13' has no month 13"),
        ({"periods": ["2026-Q1"]}, "periods: period '2026-Q1' is a quarter"),
        ({"monthly_fee": "abc"}, "monthly_fee: 'abc' is not an amount"),
        ({"users": 0}, "users: 0 is not a positive whole number"),
        (  # once an OverflowError from numpy
            {"users": 10**30},
            "users: 1,000,000,000,000,000,000,000,000,000,000 is more than the 100,000,000",
        ),
        ({"currency": "us"}, "currency: 'us' is not a three-letter currency code such as USD"),
        ({"currency": 5}, "currency: 5 is not a three-letter currency code such as USD"),
        ({"periods": [5]}, "periods: 5 is not a period label such as '2026-03' or '2026-Q1'"),
        ({"cohorts": "x"}, "cohorts: give a mapping of cohort name to its users"),
        ({"timezone": None}, "unknown time zone None"),
    ],
)
def test_bad_arguments_raise_an_input_error_naming_the_argument(
    kwargs: dict[str, object], message: str
) -> None:
    outage = windows(("2026-03-10T10:00Z", "2026-03-10T11:00Z"))
    arguments: dict[str, object] = {"users": 10, **kwargs}
    with pytest.raises(slacalc.InputError, match=re.escape(message)):
        slacalc.calculate(outage, EX, **arguments)  # type: ignore[arg-type]


def test_one_period_label_may_be_given_as_a_string() -> None:
    outage = windows(("2026-03-10T10:00Z", "2026-03-10T11:00Z"))
    r = slacalc.calculate(outage, EX, users=10, periods="2026-04")
    assert r.to_frame()["period"].tolist() == ["2026-03", "2026-04"]


def test_no_outages_give_100_percent_in_the_requested_periods_and_no_rows_otherwise() -> None:
    empty = pd.DataFrame({"start": [], "end": []})
    r = slacalc.calculate(empty, EX, users=10, periods=["2026-03"])
    assert one(r)["availability_percent"] == 100
    assert one(r)["breached"] is False
    nothing = slacalc.calculate(empty, EX, users=10).to_frame()
    assert len(nothing) == 0
    assert list(nothing.columns) == list(slacalc.engine.results.RESULT_COLUMNS)


def test_splitting_the_tenants_over_two_threads_changes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    weekly = {"every": "week", "weekday": "monday", "start": "09:00", "duration_minutes": 90}
    contract = variant(EX, maintenance=[weekly], id="ex-split")
    tenants = ["a", "b", "c", "d"]
    customers = slacalc.Customers(
        frame=pd.DataFrame(
            {
                "row": [2, 3, 4, 5],
                "tenant": tenants,
                "contract": [contract.id] * 4,
                "users": [100, 200, 300, 400],
                "monthly_fee": pd.Series([D(1000)] * 4, dtype=object),
                "currency": ["USD"] * 4,
            }
        ),
        cohorts=pd.DataFrame({"tenant": tenants, "cohort": ["m"] * 4, "users": [50] * 4}),
    )
    rows = [
        (
            f"{t}{k}",
            t,
            f"2026-03-{2 + 3 * k:02d}T08:{10 * i:02d}Z",
            f"2026-03-{3 + 3 * k:02d}T10:00Z",
            "m" if k % 2 else "",
            "customer" if k == 4 else "",
        )
        for i, t in enumerate(tenants)
        for k in range(6)
    ]
    outage = windows(*rows, columns=("id", "tenant", "start", "end", "cohort", "excluded"))
    module = sys.modules["slacalc.engine.calculate"]
    whole = slacalc.calculate(outage, contract, customers=customers)
    monkeypatch.setattr(module, "_SPLIT_AT", 0)
    split = slacalc.calculate(outage, contract, customers=customers)
    assert len(whole.table) == 4  # one March row per tenant
    pd.testing.assert_frame_equal(split.table, whole.table)
    pd.testing.assert_frame_equal(split.evidence, whole.evidence)
    pd.testing.assert_frame_equal(split.exclusions, whole.exclusions)


def test_a_portfolio_whose_every_customer_row_was_rejected_is_an_input_error() -> None:
    customers = pd.DataFrame({"tenant": ["contoso", "fabrikam"], "users": ["0", "many"]})
    outage = windows(("contoso", "2026-04-10T10:00Z", "2026-04-10T11:00Z"), columns=TSE)
    with pytest.raises(slacalc.InputError, match="all 2 customer rows were rejected") as caught:
        slacalc.calculate(outage, EX, customers=customers)
    assert isinstance(caught.value, ValueError)  # input errors are ValueErrors too
    # A DataFrame's rows count from 1 (there is no header line).
    assert [(p.row, p.column) for p in caught.value.problems] == [(1, "users"), (2, "users")]
