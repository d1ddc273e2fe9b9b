"""The Data page's Reading options, driven through ``AppTest``: a file the reader cannot settle on
its own says which control to change, in the app's words (never a keyword such as
``dayfirst=``), and changing that control gives the figures.

Every file is one window for the app's example customer (1,000 licensed users, 8,000.00 USD a
month, Exchange Online: < 99.9 % → 25 % of the fee; claim by the end of the month after).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from slacalc.app import inputs
from tests.test_app import DATA, answer, judged_on, start


def upload(at: AppTest, name: str, data: bytes) -> None:
    at.switch_page(DATA).run()
    at.file_uploader(key="widget.outage_file").set_value((name, data, "text/csv"))
    at.run()
    assert [e.value for e in at.exception] == []


def problems(at: AppTest) -> list[str]:
    """The problems of the rejected rows, as the Data page lists them."""
    (table,) = [d.value for d in at.dataframe if "problem" in d.value.columns]
    return [str(p) for p in table["problem"]]


def errors(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.error]


# 200 users for 4 hours: 48,000 user-minutes. In March (44,640 min, 44,640,000 user-minutes):
# 99.8924...% < 99.9 % → 25 % = 2,000.00 USD, claim by 30 April 2026; in April (43,200 min,
# 43,200,000 user-minutes): 99.8888...% → 2,000.00 USD, claim by 31 May 2026.
EITHER_WAY = b"id,start,end,affected_users\nINC-1,03/04/2026 09:00,03/04/2026 13:00,200\n"


def test_dates_either_way_round_name_the_control_and_it_settles_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    judged_on(monkeypatch)  # 20 April 2026
    at = start()
    upload(at, "either.csv", EITHER_WAY)
    said = problems(at)
    assert (
        said
        == [
            "day and month could be either way round; write ISO 8601 (2026-03-17) or set "
            '"Dates like 03/04/2026" to "Day first" or "Month first" under Reading options'
        ]
        * 2
    )
    assert not any("dayfirst" in p for p in [*said, *errors(at)])
    order = at.radio(key="widget.read_dayfirst")
    assert order.label == "Dates like 03/04/2026"
    assert order.options == ["Detect", "Day first", "Month first"]

    order.set_value("True").run()  # 3 April
    assert errors(at) == []
    assert "Still claimable: 2,000.00 USD" in answer(at)
    assert "April 2026: **2,000.00 USD** (25 % of the fee), claim by **31 May 2026**" in answer(at)

    at.radio(key="widget.read_dayfirst").set_value("False").run()  # 4 March
    assert "March 2026: **2,000.00 USD** (25 % of the fee), claim by **30 April 2026**" in (
        answer(at)
    )

    # another file is read afresh: "Month first" chosen for this one must not misread it
    upload(at, "next.csv", EITHER_WAY)
    assert at.radio(key="widget.read_dayfirst").value == "None"
    assert len(problems(at)) == 2


# 'Anfangszeit' is no spelling slacalc knows (see tests/test_app_columns.py): the same window,
# 2 March 09:00-13:00 UTC, 200 users → 2,000.00 USD.
UNKNOWN_START = (
    b"id,Anfangszeit,Ende,affected_users\nINC-1,2026-03-02T09:00:00Z,2026-03-02T13:00:00Z,200\n"
)


def test_a_missing_column_names_the_picker(monkeypatch: pytest.MonkeyPatch) -> None:
    judged_on(monkeypatch)
    at = start()
    upload(at, "mine.csv", UNKNOWN_START)
    (said,) = errors(at)
    assert said.endswith("to use one of them, pick the file's start column below")
    assert "columns=" not in said
    assert "--map" not in said
    next(s for s in at.selectbox if s.label.startswith("Which column")).set_value("Anfangszeit")
    next(b for b in at.button if b.label == "Use this column").click().run()
    assert errors(at) == []
    assert "March 2026: **2,000.00 USD** (25 % of the fee), claim by **30 April 2026**" in (
        answer(at)
    )


# Europe/Berlin, 25 October 2026: clocks go back at 03:00 CEST, so 02:30 happens twice. 150
# users until 06:30 CET (05:30 UTC). October: 44,640 min, 44,640,000 user-minutes; 0.1 % is
# 44,640. The earlier 02:30 (CEST, 00:30 UTC): 300 min × 150 = 45,000 > 44,640 → 99.8991...%
# → 25 % = 2,000.00 USD, claim by 30 November 2026. The later (CET, 01:30 UTC): 240 × 150 =
# 36,000 → 99.9193...% ≥ 99.9 %: no credit.
TWICE = b"id,start,end,affected_users\nINC-1,2026-10-25 02:30,2026-10-25 06:30,150\n"


def test_a_time_that_happens_twice_names_the_control_and_it_decides(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    judged_on(monkeypatch, dt.date(2026, 11, 2))
    at = start()
    upload(at, "dst.csv", TWICE)
    at.selectbox(key="widget.timezone").set_value("Europe/Berlin").run()
    assert problems(at) == [
        "2026-10-25 02:30 happens twice in Europe/Berlin (clocks go back); give an offset, or "
        'set "A time that happens twice (clocks go back)" to "Take the earlier" or '
        '"Take the later" under Reading options'
    ]
    twice = at.radio(key="widget.read_ambiguous")
    assert twice.options == ["Reject the row", "Take the earlier", "Take the later"]

    twice.set_value("earliest").run()
    assert errors(at) == []
    assert "October 2026: **2,000.00 USD** (25 % of the fee), claim by **30 November 2026**" in (
        answer(at)
    )

    at.radio(key="widget.read_ambiguous").set_value("latest").run()
    assert any("**No credit.** Every period met" in str(i.value) for i in at.info)


# 12.5 % of 1,000 users for 8 hours: 125 × 480 = 60,000 user-minutes of March's 44,640,000:
# 99.8655...% → 2,000.00 USD.
PERCENT_COMMA = b"start;end;affected_percent\n2026-03-02T09:00Z;2026-03-02T17:00Z;12,5 %\n"


def test_a_detected_decimal_comma_is_shown_and_can_be_overruled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    judged_on(monkeypatch)
    at = start()
    upload(at, "komma.csv", PERCENT_COMMA)
    assert errors(at) == []
    decimal, thousands = at.radio(key="widget.read_decimal"), at.radio(key="widget.read_thousands")
    assert (decimal.options[0], decimal.proto.captions[0]) == ("Detect", "this file: Comma (,)")
    assert (thousands.options[0], thousands.proto.captions[0]) == ("Detect", "this file: Point (.)")
    notes = [str(i.value) for i in at.info]
    assert (
        "numbers read with ',' for decimals and '.' for thousands (detected from '12,5 %'; "
        '"Decimal mark" set to "Point (.)" says otherwise)'
    ) in notes
    assert "Still claimable: 2,000.00 USD" in answer(at)

    at.radio(key="widget.read_decimal").set_value(".").run()
    assert problems(at) == ["not a number written with '.' for decimals and ',' for thousands"]


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["id", "start", "end", "affected_users"]
COVER = [["Störungen März 2026"], ["Erstellt von der IT"]]
# Ausfälle: the 4-hour window (2,000.00 USD); Kopie: 1 hour, 12,000 user-minutes → 99.9731...%,
# no credit.
FOUR_HOURS = [HEADER, ["INC-1", "2026-03-02T09:00:00Z", "2026-03-02T13:00:00Z", 200]]
ONE_HOUR = [HEADER, ["INC-1", "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z", 200]]


def test_the_sheet_read_is_shown_and_another_can_be_chosen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    judged_on(monkeypatch)
    at = start()
    upload(at, "one.xlsx", workbook({"Deckblatt": COVER, "Ausfälle": FOUR_HOURS}))
    assert errors(at) == []
    sheet = at.selectbox(key="widget.read_sheet")
    assert (sheet.label, sheet.options, sheet.value) == (
        "Sheet",
        ["Deckblatt", "Ausfälle"],
        "Ausfälle",
    )
    assert "Read: sheet 'Ausfälle'." in [str(c.value) for c in at.caption]
    assert "Still claimable: 2,000.00 USD" in answer(at)

    two = workbook({"Deckblatt": COVER, "Ausfälle": FOUR_HOURS, "Kopie": ONE_HOUR})
    upload(at, "two.xlsx", two)
    (said,) = [e for e in errors(at) if "That file was not used" in e]
    assert said.endswith(
        "the first sheet, 'Deckblatt', does not hold the table; the sheets 'Ausfälle', 'Kopie' "
        'do: choose one with "Sheet" under Reading options'
    )
    assert "sheet=" not in said
    at.selectbox(key="widget.read_sheet").set_value("Kopie").run()
    assert errors(at) == []
    assert any("**No credit.** Every period met" in str(i.value) for i in at.info)
    at.selectbox(key="widget.read_sheet").set_value("Ausfälle").run()
    assert "Still claimable: 2,000.00 USD" in answer(at)


OPEN = b"id,start,end,affected_users\nINC-1,2026-03-02T09:00:00Z,,200\n"


def test_as_of_ends_open_windows_and_judges_the_deadlines() -> None:
    at = start()
    upload(at, "open.csv", OPEN)
    assert problems(at) == [
        'no end time: the window is still open; fill in its end, or fill in "As of" under '
        "Reading options to count it up to a time you choose"
    ]
    at.text_input(key="widget.read_as_of").input("2026-03-02 13:00").run()
    assert errors(at) == []
    # counted to 13:00 UTC: the 4-hour window, 2,000.00 USD; judged on 2 March 2026, not on
    # the day the test runs: 29 days of March after the 2nd + 30 of April = 59 days left
    assert "claim by **30 April 2026** (59 days left)" in answer(at)


def test_an_unknown_cohort_size_names_the_customer_forms_table() -> None:
    at = start()
    upload(
        at, "teams.csv", b"id,cohort,start,end\nINC-1,Teams,2026-03-02T09:00Z,2026-03-02T13:00Z\n"
    )
    assert problems(at) == [
        "the size of cohort 'Teams' is unknown: give it in the customers table (a "
        "'cohort:<name>' column) or as the size of cohort 'Teams' under Cohort sizes, or give "
        "affected users"
    ]
    assert "**Cohort sizes** (how many of the licensed users each group has)" in [
        str(m.value) for m in at.markdown
    ]


def test_a_table_the_app_writes_is_read_in_its_own_marks() -> None:
    # read with a decimal comma, edited, written back as plain CSV (12.5): read again with the
    # file's comma it would be refused, so the app's own table leaves the marks to the reader,
    # and keeps what to do with DST times
    given = dataclasses.replace(
        inputs.example(),
        outages=inputs.Upload("komma.csv", PERCENT_COMMA),
        decimal=",",
        ambiguous="earliest",
    )
    first = inputs.read(given)
    table = inputs.table_upload(inputs.editor_table(first, given.timezone))
    again = inputs.read(inputs.own_table(given, "Edited", table))
    assert again.rejected == ()
    assert again.frame["affected_percent"].tolist() == [12.5]
    assert inputs.own_table(given, "Edited", table).ambiguous == "earliest"
