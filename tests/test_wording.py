"""How a message names an option in each interface: the library's keyword, the command line's
flag, the app's control (slacalc.io.wording), and the readers' messages in each."""

from __future__ import annotations

import io
from pathlib import Path
from typing import get_args

import pytest

from slacalc.errors import InputError
from slacalc.io.feeds import read_feed
from slacalc.io.numbers import DECIMAL_MARKS, THOUSANDS_MARKS
from slacalc.io.outages import read_outages
from slacalc.io.times import Ambiguous, Nonexistent
from slacalc.io.wording import CONTROLS, advise, command_line, in_app, option, option_name

DAY_ORDER = (("dayfirst", True), ("dayfirst", False))
FEED = Path(__file__).parent / "data" / "feeds" / "statuspage-github.json"


def test_the_library_names_keywords() -> None:
    assert advise(*DAY_ORDER) == "pass dayfirst=True or dayfirst=False"
    assert advise(("as_of", None)) == "pass as_of="
    assert advise(("columns", "Beginn=start")) == "pass columns={'Beginn': 'start'}"
    assert option("cohorts", "Outlook for Mac=N") == "cohorts={'Outlook for Mac': N}"
    assert option_name("as_of") == "as_of"


def test_the_command_line_names_flags() -> None:
    with command_line():
        assert advise(*DAY_ORDER) == "pass --dayfirst or --monthfirst"
        assert advise(("thousands", "."), ("decimal", ",")) == "pass --thousands . or --decimal ,"
        assert advise(("columns", "Beginn=start")) == "pass --map Beginn=start"
        assert option("cohorts", "Outlook for Mac=N") == "--cohort 'Outlook for Mac=N'"
        assert option("sheet") == "--sheet NAME"
        assert option_name("as_of") == "--as-of"
    assert option_name("as_of") == "as_of"  # the block ends, and so does its wording


def test_a_feeds_partial_share_is_named_in_each_interface() -> None:
    # the question a Statuspage feed leaves open, and a share that is not a percent
    assert advise(("partial_share", None)) == "pass partial_share="
    with command_line():
        assert advise(("partial_share", None)) == "pass --partial-share VALUE"
    with in_app():
        assert advise(("partial_share", None)) == (
            'fill in "Share of users a partial outage cuts off (percent)" under the feed\'s form'
        )
        with pytest.raises(InputError) as refused:
            read_feed(FEED, partial_share="abc")
    assert str(refused.value) == (
        "\"Share of users a partial outage cuts off (percent)\" set to 'abc': give a percent "
        "such as 25"
    )


def test_the_app_names_its_controls_and_where_they_are() -> None:
    with in_app():
        assert advise(*DAY_ORDER) == (
            'set "Dates like 03/04/2026" to "Day first" or "Month first" under Reading options'
        )
        assert advise(("ambiguous", "earliest"), ("ambiguous", "latest")) == (
            'set "A time that happens twice (clocks go back)" to "Take the earlier" or '
            '"Take the later" under Reading options'
        )
        assert advise(("thousands", "."), ("decimal", ",")) == (
            'set "Thousands separator" to "Point (.)" or set "Decimal mark" to "Comma (,)" '
            "under Reading options"
        )
        assert advise(("as_of", None)) == 'fill in "As of" under Reading options'
        assert advise(("columns", "Beginn=start")) == "pick 'Beginn' as the start column below"
        assert advise(("columns", "COLUMN=end")) == "pick the file's end column below"
        assert option("as_of", "gestern") == "\"As of\" set to 'gestern'"
        assert option("sheet") == '"Sheet" under Reading options'
        assert option("cohorts", "Outlook for Mac=N") == (
            "the size of cohort 'Outlook for Mac' under Cohort sizes"
        )
        assert option_name("as_of") == '"As of"'
        assert (
            advise(("cohorts", "Teams=N")) == "give the size of cohort 'Teams' under Cohort sizes"
        )


def test_the_apps_choices_are_the_readers_values() -> None:
    # the app's radios offer these keys and pass them on: every value a reader takes, no other
    assert tuple(CONTROLS["ambiguous"].choices) == get_args(Ambiguous)
    assert tuple(CONTROLS["nonexistent"].choices) == get_args(Nonexistent)
    assert tuple(CONTROLS["decimal"].choices) == ("None", *DECIMAL_MARKS)
    assert tuple(CONTROLS["thousands"].choices) == ("None", *THOUSANDS_MARKS)
    assert tuple(CONTROLS["dayfirst"].choices) == ("None", "True", "False")


TIMES = (
    "id,start,end\n"
    "A,03/04/2026 10:00,03/04/2026 11:00\n"  # day and month either way round
    "B,2026-10-25 02:30,2026-10-25 03:30\n"  # Berlin: 02:30 happens twice
    "C,2026-03-29 02:30,2026-03-29 03:30\n"  # Berlin: 02:30 does not exist
    "D,2026-03-30 10:00,\n"  # no end
)


def test_a_readers_messages_name_the_apps_controls_in_the_app() -> None:
    with in_app():
        read = read_outages(io.StringIO(TIMES), "Europe/Berlin")
    said = {(p.row, p.column): p.problem for p in read.rejected}
    assert said[(2, "start")] == (
        "day and month could be either way round; write ISO 8601 (2026-03-17) or set "
        '"Dates like 03/04/2026" to "Day first" or "Month first" under Reading options'
    )
    assert said[(3, "start")] == (
        "2026-10-25 02:30 happens twice in Europe/Berlin (clocks go back); give an offset, or "
        'set "A time that happens twice (clocks go back)" to "Take the earlier" or '
        '"Take the later" under Reading options'
    )
    assert said[(4, "start")] == (
        "2026-03-29 02:30 does not exist in Europe/Berlin (clocks go forward); give an offset, "
        'or set "A time that does not exist (clocks go forward)" to "Shift it forward" under '
        "Reading options"
    )
    assert said[(5, "end")] == (
        'no end time: the window is still open; fill in its end, or fill in "As of" under '
        "Reading options to count it up to a time you choose"
    )
    for keyword in ("dayfirst", "ambiguous=", "nonexistent=", "as_of", "--"):
        assert all(keyword not in problem for problem in said.values())


def test_a_missing_column_names_the_apps_picker_in_the_app() -> None:
    text = "id,Anfangszeit,Ende\nA,2026-03-19T08:00Z,2026-03-19T09:00Z\n"
    with in_app(), pytest.raises(InputError) as caught:
        read_outages(io.StringIO(text))
    assert str(caught.value).endswith(
        "columns found: 'id', 'Anfangszeit', 'Ende'; to use one of them, pick the file's start "
        "column below"
    )


def test_the_billing_day_of_an_error_rate_customer_is_named_in_each_interface() -> None:
    assert option("billing_day", 29) == "billing_day=29"
    with command_line():
        assert option("billing_day", 29) == "--billing-day 29"
    with in_app():
        assert option("billing_day", 29) == '"Billing cycles start on day" set to 29'
