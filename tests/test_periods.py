"""Periods in the contract's zone (rule 1)."""

import pytest

from slacalc.model.periods import parse_period, period_containing, periods_between


def test_march_in_los_angeles_loses_the_hour_of_the_spring_change() -> None:
    march = parse_period("2026-03", "month", "America/Los_Angeles")
    assert march.seconds // 60 == 44_580  # 31 × 1,440 − 60
    assert march.start.isoformat() == "2026-03-01T00:00:00-08:00"
    assert march.end.isoformat() == "2026-04-01T00:00:00-07:00"


def test_november_in_los_angeles_gains_the_hour_of_the_autumn_change() -> None:
    assert parse_period("2026-11", "month", "America/Los_Angeles").seconds // 60 == 43_260


def test_quarters_are_labelled_and_measured_in_calendar_days() -> None:
    q1 = parse_period("2026-Q1", "quarter", "UTC")
    q2 = parse_period("2026-q2", "quarter", "UTC")
    assert (q1.label, q1.seconds // 60, q1.days, q1.months) == ("2026-Q1", 129_600, 90, 3)
    assert (q2.label, q2.seconds // 60, q2.days) == ("2026-Q2", 131_040, 91)


def test_a_month_label_names_its_quarter_for_a_quarterly_contract() -> None:
    assert parse_period("2026-05", "quarter", "UTC").label == "2026-Q2"


@pytest.mark.parametrize(
    ("label", "kind", "message"),
    [
        ("2026-13", "month", "no month 13"),
        ("March", "month", "not like"),
        ("2026-Q1", "month", "is a quarter"),
    ],
)
def test_bad_period_labels_say_what_is_wrong(label: str, kind: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_period(label, kind, "UTC")  # type: ignore[arg-type]


def test_the_period_containing_an_instant_is_taken_in_the_zone() -> None:
    # 2026-04-01 06:59:59 UTC is still 31 March in Los Angeles (PDT, UTC−7).
    instant = 1_775_026_799
    assert period_containing("month", "America/Los_Angeles", instant).label == "2026-03"
    assert period_containing("month", "UTC", instant).label == "2026-04"


def test_periods_between_lists_every_period_in_order() -> None:
    first = parse_period("2025-11", "month", "UTC")
    last = parse_period("2026-02", "month", "UTC")
    labels = [p.label for p in periods_between("month", "UTC", first, last)]
    assert labels == ["2025-11", "2025-12", "2026-01", "2026-02"]
