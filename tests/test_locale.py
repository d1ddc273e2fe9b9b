"""Files as people really have them: a German Excel export, other headers, cover pages, and
messages that name the option of the interface they are read in (issue 11).

The sample ``tests/data/locale/stoerungen-maerz-2026.csv`` is hand-made (its README says how):
Windows-1252, semicolons, a title line, ``19.03.2026 08:00``, ``1.200`` users and ``12,5 %``.
Its credit, worked by hand for 2000 licensed users and a fee of 4,000.00 EUR a month under the
Exchange Online terms (user-minutes; < 99.9 % → 25 %, < 99 % → 50 %, < 95 % → 100 %):

* March 2026 has 31 × 1440 = 44,640 minutes: 2000 × 44,640 = 89,280,000 user-minutes;
* EX1256020, 08:00–20:00 (12 h = 720 min), 1200 users: 864,000 user-minutes;
* EX1261877, 09:30–13:30 (240 min), 12.5 % of 2000 = 250 users: 60,000 user-minutes;
* lost 924,000: availability (89,280,000 − 924,000) / 89,280,000 = 98.96505... % < 99 %,
  so the credit is 50 % of 4,000.00 = 2,000.00 EUR.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slacalc.errors import InputError
from slacalc.io import numbers
from slacalc.io.customers import read_customers
from slacalc.io.numbers import NumberFormat, detect, plain
from slacalc.io.outages import read_outages
from slacalc.io.tables import read_table
from tests.test_cli import EXCHANGE, slacalc_run

SAMPLE = Path(__file__).parent / "data" / "locale" / "stoerungen-maerz-2026.csv"
GERMAN = ["--contract", EXCHANGE, "--users", "2000", "--fee", "4.000,00", "--currency", "EUR"]


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text).tz_convert("UTC")


def german(*more: str | Path) -> list[str | Path]:
    return ["calculate", SAMPLE, *GERMAN, "--timezone", "Europe/Berlin", "--format", "json", *more]


# --- the German export ----------------------------------------------------------------------------


def test_the_sample_is_what_a_german_excel_writes() -> None:
    data = SAMPLE.read_bytes()
    assert b"\xf6" in data  # 'ö' of 'Störungsbericht' in Windows-1252
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert b"19.03.2026 08:00;19.03.2026 20:00;1.200;" in data
    assert b";12,5 %" in data


def test_the_reader_takes_the_german_export_as_it_is() -> None:
    outages = read_outages(SAMPLE, "Europe/Berlin")
    frame = outages.frame
    assert frame["row"].tolist() == [4, 5]  # title on line 1, empty line 2, header on line 3
    assert frame["id"].tolist() == ["EX1256020", "EX1261877"]
    # 08:00 in Berlin in March (CET, +01:00) is 07:00 UTC
    assert frame["start"].tolist() == [ts("2026-03-19 07:00Z"), ts("2026-03-24 08:30Z")]
    assert frame["end"].tolist() == [ts("2026-03-19 19:00Z"), ts("2026-03-24 12:30Z")]
    assert frame["affected_users"].tolist()[0] == 1200
    assert np.isnan(frame["affected_users"].tolist()[1])
    assert frame["affected_percent"].tolist()[1] == 12.5
    assert outages.rejected == ()
    assert outages.details == "CSV, Windows-1252, semicolon-separated"
    assert outages.notes[0].startswith("title line 1 ('Störungsbericht Exchange Online")
    assert (
        "numbers read with ',' for decimals and '.' for thousands (detected from '12,5 %'; "
        "decimal='.' says otherwise)"
    ) in outages.notes


def test_the_cli_credits_the_german_export_as_worked_by_hand() -> None:
    proc = slacalc_run(*german())
    assert proc.returncode == 0, proc.stderr
    (row,) = json.loads(proc.stdout)
    assert row["period"] == "2026-03"
    assert row["user_minutes_lost"] == 924000  # 864,000 + 60,000
    assert row["availability_percent"] == "98.9650537634"
    assert row["credit_percent"] == "50"
    assert row["credit_amount"] == "2000.00"
    assert row["currency"] == "EUR"
    # the detection is reported, in the command line's words
    assert "detected from '12,5 %'; --decimal . says otherwise" in proc.stderr


def test_explicit_marks_give_the_same_credit_without_a_detection() -> None:
    proc = slacalc_run(*german("--decimal", ",", "--thousands", "."))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["credit_amount"] == "2000.00"
    assert "detected" not in proc.stderr


# --- numbers ------------------------------------------------------------------------------------


def test_a_thousands_point_alone_is_ambiguous_and_the_hint_names_the_option() -> None:
    text = "start,end,users\n2026-03-19T08:00Z,2026-03-19T09:00Z,1.200\n"
    outages = read_outages(io.StringIO(text))
    (problem,) = outages.rejected
    assert (problem.row, problem.column, problem.value) == (2, "users", "1.200")
    assert problem.problem == (
        "'1.200' is ambiguous: 1200 with '.' for thousands, or a fraction? Write 1200, or pass "
        "thousands='.' or decimal=','"
    )
    read = read_outages(io.StringIO(text), thousands=".")
    assert read.frame["affected_users"].tolist() == [1200]


def test_the_cli_says_thousands_as_a_flag(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("start,end,users\n2026-03-19T08:00Z,2026-03-19T09:00Z,1.200\n")
    proc = slacalc_run("calculate", path, "--contract", EXCHANGE, "--users", "2000")
    assert proc.returncode == 2
    assert "pass --thousands . or --decimal ," in proc.stderr
    assert "thousands='.'" not in proc.stderr
    ok = slacalc_run(
        "calculate", path, "--contract", EXCHANGE, "--users", "2000", "--thousands", "."
    )
    assert ok.returncode == 0, ok.stderr


def test_a_number_not_written_in_the_given_format_is_refused() -> None:
    text = 'start,end,users\n2026-03-19T08:00Z,2026-03-19T09:00Z,"1,200.5"\n'
    (problem,) = read_outages(io.StringIO(text), decimal=",").rejected
    assert problem.problem == "not a number written with ',' for decimals and '.' for thousands"


def test_a_percent_in_the_users_column_points_to_affected_percent() -> None:
    text = "start,end,users\n2026-03-19T08:00Z,2026-03-19T09:00Z,25%\n"
    (problem,) = read_outages(io.StringIO(text)).rejected
    assert problem.problem.startswith(
        "a percent in a column of users; put it in an affected_percent"
    )


@pytest.mark.parametrize(
    ("cells", "found"),
    [
        (["1.200", "12,5 %"], (",", "12,5 %")),
        (["1.200.000"], (",", "1.200.000")),
        (["0,125"], (",", "0,125")),
        (["1.200", "12.5"], None),  # a decimal point: the default reading
        (["1.200"], None),  # either way round
        (["12,5", "1,200.50"], None),  # both: nothing is detected
    ],
)
def test_detection_needs_a_cell_that_settles_it(
    cells: list[str], found: tuple[str, str] | None
) -> None:
    got = detect([pd.Series(cells, dtype=object)])
    assert (None if got is None else (got[0].decimal, got[1])) == found


def test_detection_reads_every_column_before_it_decides() -> None:
    users = pd.Series(["1.200", "3.400"], dtype="str")
    # the comma is settled in the first column that shows one, the point in any later one
    assert detect([users, pd.Series(["12,5", "7"], dtype="str")]) is not None
    assert detect([pd.Series(["12,5"], dtype="str"), pd.Series(["7.25"], dtype="str")]) is None
    found = detect([pd.Series(["1.200.000", "0,5"], dtype="str"), users])
    assert found is not None
    assert found[1] == "1.200.000"  # the first, in the order read


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.,% \u00a0", max_size=14))
def test_no_cell_settles_both_marks(cell: str) -> None:
    # detect relies on it: the first cell that settles a comma is never one that settles a point
    settles = [bool(p.fullmatch(cell)) for p in (numbers._DECIMAL_COMMA, numbers._DECIMAL_POINT)]
    assert settles != [True, True]


def test_plain_keeps_excel_numbers_and_translates_text() -> None:
    values = pd.Series(["1 200,5", "12,5\u00a0%", 1200.5, None], dtype=object)
    out, problem = plain(values, NumberFormat(",", " "))
    assert out.tolist() == ["1200.5", "12.5 %", 1200.5, None]
    assert problem.tolist() == ["", "", "", ""]


def test_the_marks_are_checked() -> None:
    with pytest.raises(InputError, match="the two marks must differ"):
        NumberFormat(",", ",")
    with pytest.raises(InputError, match=r"decimal=';': the decimal mark is '\.' or ','"):
        NumberFormat(";")


def test_customers_with_german_amounts_and_headers() -> None:
    text = (
        "Kunde;Vertrag;Benutzer;Monatsgebühr;Währung;cohort:Outlook for Mac\n"
        f"Contoso;{EXCHANGE};1.200;4.000,00;EUR;120\n"
        f"Fabrikam;{EXCHANGE};80;320,50;EUR;\n"
    ).encode("cp1252")
    customers = read_customers(io.BytesIO(text))
    assert customers.frame["users"].tolist() == [1200, 80]
    assert [str(f) for f in customers.frame["monthly_fee"]] == ["4000.00", "320.50"]
    assert customers.cohorts["users"].tolist() == [120]
    assert customers.notes[0].startswith("numbers read with ',' for decimals")


# --- columns, titles, sheets ------------------------------------------------------------------


def test_the_cli_maps_a_column_and_its_error_says_how(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("Anfangszeit,Ende,Nutzer\n2026-03-19T08:00Z,2026-03-19T09:00Z,100\n")
    base: list[str | Path] = ["calculate", path, "--contract", EXCHANGE, "--users", "1000"]
    proc = slacalc_run(*base)
    assert proc.returncode == 2
    assert "pass --map COLUMN=start" in proc.stderr
    assert "columns=" not in proc.stderr
    mapped = slacalc_run(*base, "--map", "Anfangszeit=start", "--format", "json")
    assert mapped.returncode == 0, mapped.stderr
    # 100 users × 60 min = 6,000 user-minutes lost
    assert json.loads(mapped.stdout)[0]["user_minutes_lost"] == 6000
    wrong = slacalc_run(*base, "--map", "Anfang=start")
    assert "--map Anfang=start: no column named 'Anfang'" in wrong.stderr


def test_a_title_row_above_a_one_column_table_is_its_header() -> None:
    table = read_table(io.StringIO("id\nEX1\nEX2\n"))
    assert table.headers == ("id",)
    assert table.rows.tolist() == [2, 3]


def test_a_workbook_with_two_candidate_sheets_asks_for_one(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "Deckblatt"
    cover.append(["Störungsbericht"])
    for name in ("Ausfälle", "Kopie"):
        sheet = book.create_sheet(name)
        sheet.append(["Beginn", "Ende"])
        sheet.append(["2026-03-19T08:00Z", "2026-03-19T09:00Z"])
    path = tmp_path / "b.xlsx"
    book.save(path)
    with pytest.raises(
        InputError, match=r"the sheets 'Ausfälle', 'Kopie' do: choose one with sheet="
    ):
        read_outages(path)
    proc = slacalc_run("calculate", path, "--contract", EXCHANGE, "--users", "10")
    assert "choose one with --sheet NAME" in proc.stderr
    assert read_outages(path, sheet="Kopie").frame["start"].tolist() == [ts("2026-03-19 08:00Z")]


# --- messages in the interface's words -----------------------------------------------------------


def test_time_messages_name_flags_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text(
        "id,start,end\n"
        "A,03/04/2026 10:00,03/04/2026 11:00\n"  # day and month either way round
        "B,2026-10-25 02:30,2026-10-25 03:30\n"  # Berlin: 02:30 happens twice
        "C,2026-03-29 02:30,2026-03-29 03:30\n"  # Berlin: 02:30 does not exist
        "D,2026-03-30 10:00,\n"  # open
    )
    base = [
        "calculate",
        path,
        "--contract",
        EXCHANGE,
        "--users",
        "10",
        "--timezone",
        "Europe/Berlin",
    ]
    proc = slacalc_run(*base)
    assert "--dayfirst or --monthfirst" in proc.stderr
    assert "--ambiguous earliest or --ambiguous latest" in proc.stderr
    assert "--nonexistent shift_forward" in proc.stderr
    assert "--as-of TIME" in proc.stderr
    for keyword in ("dayfirst=", "ambiguous=", "nonexistent=", "as_of="):
        assert keyword not in proc.stderr
    library = read_outages(path, "Europe/Berlin")
    said = " ".join(p.problem for p in library.rejected)
    assert "dayfirst=True or dayfirst=False" in said
    assert "nonexistent='shift_forward'" in said


def test_a_bom_before_windows_1252_bytes_names_the_offset_and_the_fix() -> None:
    data = b"\xef\xbb\xbfstart;end;tenant\n2026-03-19T08:00Z;2026-03-19T09:00Z;M\xfcller\n"
    with pytest.raises(InputError) as caught:
        read_outages(io.BytesIO(data))
    # offsets from 0: 3 bytes of BOM + 17 of "start;end;tenant\n" + 37 of
    # "2026-03-19T08:00Z;2026-03-19T09:00Z;M" (18 + 18 + 1) = 57
    assert "the byte at offset 57 (line 2: 0xFC ('ü' in Windows-1252)) is not UTF-8" in str(
        caught.value
    )
    assert "Save it again as 'CSV UTF-8'" in str(caught.value)


def test_an_unknown_cohort_size_can_be_given_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("cohort,start,end\nOutlook for Mac,2026-03-19T08:00Z,2026-03-19T09:00Z\n")
    base: list[str | Path] = ["calculate", path, "--contract", EXCHANGE, "--users", "1000"]
    proc = slacalc_run(*base)
    assert proc.returncode == 2
    assert "or as --cohort 'Outlook for Mac=N'" in proc.stderr
    given = slacalc_run(*base, "--cohort", "Outlook for Mac=120", "--format", "json")
    assert given.returncode == 0, given.stderr
    # the window hit its whole cohort: 120 users × 60 min = 7,200 user-minutes
    assert json.loads(given.stdout)[0]["user_minutes_lost"] == 7200


def test_a_bad_as_of_is_named_as_the_flag_on_the_command_line() -> None:
    proc = slacalc_run(*german("--as-of", "gestern"))
    assert proc.returncode == 2
    assert "slacalc: error: --as-of gestern: not a date and time" in proc.stderr
    with pytest.raises(InputError, match=r"^as_of='gestern': not a date and time"):
        read_outages(SAMPLE, as_of="gestern")


def test_a_title_row_above_a_sheets_header_is_skipped(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Störungen März 2026"])
    sheet.append([])
    sheet.append(["Beginn", "Ende", "Benutzer"])
    sheet.append(["2026-03-19T08:00Z", "2026-03-19T09:00Z", 1200])
    path = tmp_path / "t.xlsx"
    book.save(path)
    outages = read_outages(path)
    assert outages.frame["row"].tolist() == [4]
    assert outages.frame["affected_users"].tolist() == [1200]
    assert "title row 1 ('Störungen März 2026') above the header skipped" in outages.notes


def test_german_yes_no_and_maintenance_exclusions() -> None:
    text = (
        "Beginn;Ende;Ausgeschlossen\n"
        "2026-03-19T08:00Z;2026-03-19T09:00Z;nein\n"
        "2026-03-20T08:00Z;2026-03-20T09:00Z;ja\n"
        "2026-03-21T08:00Z;2026-03-21T09:00Z;Geplante Wartung\n"
        "2026-03-22T08:00Z;2026-03-22T09:00Z;vielleicht\n"
    )
    outages = read_outages(io.StringIO(text))
    assert outages.frame["excluded"].tolist() == [
        "",
        "excluded (no reason given)",
        "Geplante Wartung",
    ]
    assert [(p.row, p.column) for p in outages.rejected] == [(5, "Ausgeschlossen")]


def test_counts_follow_the_amount_rules_without_a_format() -> None:
    # parse_amount reads 1,200.00 and 1 200 as 1200 and refuses 1,200: counts do the same
    text = (
        "start,end,users\n"
        '2026-03-19T08:00Z,2026-03-19T09:00Z,"1,200.00"\n'
        "2026-03-20T08:00Z,2026-03-20T09:00Z,1 200\n"
        '2026-03-21T08:00Z,2026-03-21T09:00Z,"1,200"\n'
    )
    outages = read_outages(io.StringIO(text))
    assert outages.frame["affected_users"].tolist() == [1200, 1200]
    (problem,) = outages.rejected
    assert problem.row == 4
    assert problem.problem.startswith("'1,200' is ambiguous: 1200 or 1.200?")
    assert problem.problem.endswith("or pass thousands=',' or decimal=','")


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--map", "Beginn"], "'Beginn': write COLUMN=FIELD, e.g. Beginn=start"),
        (["--cohort", "Mac"], "'Mac': write NAME=USERS, e.g. 'Outlook for Mac=120'"),
        (["--cohort", "Mac=0"], "'0' is not a positive number of users"),
        (["--decimal", ",,"], "',,': give one character, e.g. ',' or '.'"),
        (["--decimal", ";"], "--decimal ';': the decimal mark is '.' or ','"),
        (["--cohort", "Mac=1", "--cohort", "Mac=2"], "--cohort: each cohort once"),
    ],
)
def test_the_new_flags_refuse_what_they_cannot_read(flags: list[str], said: str) -> None:
    proc = slacalc_run(*german(*flags))
    assert proc.returncode == 2
    assert said in proc.stderr
