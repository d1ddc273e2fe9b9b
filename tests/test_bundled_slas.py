"""The SLAs bundled from the second search for the providers' own texts (issue 13).

Each published credit table is checked at every boundary it states and one unit below it (one unit
is 10⁻¹⁰ %, the precision of the results), then once end to end through ``slacalc.calculate`` with
whole-second outages and the claim deadline of one incident. The expected figures are written out
from the provider's text quoted in each contract file, not read back from the files.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

import slacalc
from slacalc.engine.credits import Availability, choose_tiers
from tests.conftest import one, windows

D = Decimal

# AWS: "Less than 99.99% but equal to or greater than 99.0%" → 10 %; "Less than 99.0% but equal to
# or greater than 95.0%" → 25 %; "Less than 95.0%" → 100 % (the top bound per contract).
# Google: "99.0% - < 99.99%" → 10 %; "95.0% - < 99.0%" → 25 %; "< 95.0%" → 50 %.
UNIT = D("1E-10")


def _bands(top: str, lowest: int) -> list[tuple[Decimal, int]]:
    """Each stated bound and one unit below it, with the credit the text pays there: nothing at the
    commitment, 10 % just below it and at exactly 99.0 %, 25 % just below 99.0 % and at exactly
    95.0 %, and the lowest band's credit just below 95.0 %."""
    return [
        (D(top), 0),
        (D(top) - UNIT, 10),
        (D(99), 10),
        (D(99) - UNIT, 25),
        (D(95), 25),
        (D(95) - UNIT, lowest),
    ]


BANDS: dict[str, list[tuple[Decimal, int]]] = {
    "aws-aurora-multi-az": _bands("99.99", 100),
    "aws-aurora-single-az": _bands("99.9", 100),
    "aws-dax-multi-az": _bands("99.99", 100),
    "aws-dax-single-az": _bands("99.5", 100),
    "google-alloydb-ha": _bands("99.99", 50),
    "google-bigtable-replicated-multi-region": _bands("99.999", 50),
}


def _credit_percent_at(contract_id: str, percent: Decimal) -> Decimal:
    """The credit percent the contract's tiers pay at exactly ``percent`` availability."""
    exact = Fraction(percent)
    # Availability holds 100 × up / total: up / total = percent / 100.
    at = Availability(
        up=np.array([exact.numerator], dtype=object),
        total=np.array([100 * exact.denominator], dtype=object),
    )
    contract = slacalc.load_contract(contract_id)
    (index,) = choose_tiers(contract, at)
    tier = contract.tiers[index] if index >= 0 else None
    return tier.credit if tier is not None else D(0)


@pytest.mark.parametrize(
    ("contract_id", "percent", "credit"),
    [(cid, percent, credit) for cid, cases in BANDS.items() for percent, credit in cases],
)
def test_each_stated_bound_and_one_unit_below_pay_the_published_credit(
    contract_id: str, percent: Decimal, credit: int
) -> None:
    assert _credit_percent_at(contract_id, percent) == credit


def test_every_new_contract_is_bundled_and_listed() -> None:
    assert set(BANDS) <= set(slacalc.list_contracts())


# End to end: April 2026 has 30 days = 43,200 minutes; the fee is 1,000.
# 1 % = 432 minutes = 7 h 12 min (exactly 99.0 %); 5 % = 2,160 minutes = 36 h (exactly 95.0 %).
# One unit past each: one second, or one minute where partial minutes are dropped (AlloyDB).
AT_99, AT_95 = "2026-04-10T07:12:00Z", "2026-04-11T12:00:00Z"
SECOND_PAST = ("2026-04-10T07:12:01Z", "2026-04-11T12:00:01Z")
MINUTE_PAST = ("2026-04-10T07:13:00Z", "2026-04-11T12:01:00Z")
# AWS: "by the end of the second billing cycle after which the incident occurred": an incident on
# 10 April, calendar-month cycles → 30 June. Google: 30 days from eligibility at the close of
# April → 30 May.
AWS_DEADLINE, GOOGLE_DEADLINE = dt.date(2026, 6, 30), dt.date(2026, 5, 30)


def _row(contract_id: str, end: str) -> dict[str, object]:
    outage = windows(("2026-04-10T00:00:00Z", end))
    return one(slacalc.calculate(outage, contract_id, users=1, monthly_fee="1000"))


@pytest.mark.parametrize(
    ("contract_id", "past", "lowest", "deadline"),
    [
        ("aws-aurora-multi-az", SECOND_PAST, 100, AWS_DEADLINE),
        ("aws-aurora-single-az", SECOND_PAST, 100, AWS_DEADLINE),
        ("aws-dax-multi-az", SECOND_PAST, 100, AWS_DEADLINE),
        ("aws-dax-single-az", SECOND_PAST, 100, AWS_DEADLINE),
        ("google-alloydb-ha", MINUTE_PAST, 50, GOOGLE_DEADLINE),
        ("google-bigtable-replicated-multi-region", SECOND_PAST, 50, GOOGLE_DEADLINE),
    ],
)
def test_a_month_at_99_and_95_percent_and_one_unit_past_with_its_claim_deadline(
    contract_id: str, past: tuple[str, str], lowest: int, deadline: dt.date
) -> None:
    # Exactly 99.0 %: 10 % of 1,000 = 100; one unit more: 25 % = 250.
    row = _row(contract_id, AT_99)
    assert (row["availability_percent"], row["credit_amount"]) == (D(99), D(100))
    assert row["claim_deadline"] == deadline
    assert _row(contract_id, past[0])["credit_amount"] == D(250)
    # Exactly 95.0 %: still 25 % = 250; one unit more: the lowest band, 100 % or 50 %.
    row = _row(contract_id, AT_95)
    assert (row["availability_percent"], row["credit_amount"]) == (D(95), D(250))
    assert _row(contract_id, past[1])["credit_amount"] == D(10 * lowest)


def test_the_first_credit_starts_one_second_past_the_commitment_in_whole_seconds() -> None:
    # 0.01 % of April's 2,592,000 seconds is 259.2 s and 0.001 % is 25.92 s: no month has a whole
    # number of seconds at exactly 99.99 % or 99.999 %, so the last second without credit and the
    # first with it are checked. Aurora Multi-AZ: 259 s → 99.9900077 % (no credit); 260 s →
    # 99.9899691 % < 99.99 %, 10 % of 1,000 = 100. Bigtable: 25 s → 99.9990355 % (no credit);
    # 26 s → 99.9989969 % < 99.999 %, 10 % = 100.
    assert _row("aws-aurora-multi-az", "2026-04-10T00:04:19Z")["credit_amount"] == D(0)
    assert _row("aws-aurora-multi-az", "2026-04-10T00:04:20Z")["credit_amount"] == D(100)
    bigtable = "google-bigtable-replicated-multi-region"
    assert _row(bigtable, "2026-04-10T00:00:25Z")["credit_amount"] == D(0)
    assert _row(bigtable, "2026-04-10T00:00:26Z")["credit_amount"] == D(100)


def test_alloydb_counts_downtime_in_whole_minutes_of_at_least_one_minute() -> None:
    # "Downtime Period means one consecutive minute of Downtime. Partial minutes or intermittent
    # Downtime for a period of less than one minute will not count."
    # 59 s down: no Downtime Period, 100 %.
    assert _row("google-alloydb-ha", "2026-04-10T00:00:59Z")["availability_percent"] == D(100)
    # 4 min 59 s counts as 4 minutes: (43,200 − 4) / 43,200 = 99.9907 %, no credit; 5 minutes:
    # 99.9884 % < 99.99 %, 10 %.
    assert _row("google-alloydb-ha", "2026-04-10T00:04:59Z")["credit_percent"] == 0
    assert _row("google-alloydb-ha", "2026-04-10T00:05:00Z")["credit_percent"] == 10
    # 432 min 59 s counts as 432 minutes: exactly 99.0 %, still "99.0% - < 99.99%" → 10 %.
    row = _row("google-alloydb-ha", "2026-04-10T07:12:59Z")
    assert (row["availability_percent"], row["credit_percent"]) == (D(99), 10)
