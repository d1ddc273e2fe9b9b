"""read_outages: every format in; every row counted, excluded or rejected; nothing else raised."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from slacalc.errors import InputError, SlacalcError
from slacalc.io import tables
from slacalc.io.cells import cell_text
from slacalc.io.outages import COLUMNS, Outages, read_outages

UTC = "UTC"
BASIC = (
    "id,start,end,affected_users\n"
    "EX1,2026-03-17T14:00:00Z,2026-03-17T15:30:00Z,120\n"
    "EX2,2026-03-18T09:00:00Z,2026-03-18T09:45:00Z,\n"
)


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def problems(outages: Outages) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.problem) for p in outages.rejected]


def assert_balanced(outages: Outages) -> None:
    c = outages.counts
    assert c["counted"] + c["excluded"] + c["rejected"] == c["rows_read"]


def assert_basic(outages: Outages) -> None:
    frame = outages.frame
    assert list(frame.columns) == list(COLUMNS)
    assert frame["id"].tolist() == ["EX1", "EX2"]
    assert frame["start"].tolist() == [ts("2026-03-17 14:00Z"), ts("2026-03-18 09:00Z")]
    assert frame["end"].tolist() == [ts("2026-03-17 15:30Z"), ts("2026-03-18 09:45Z")]
    assert frame["affected_users"].iloc[0] == 120
    assert np.isnan(frame["affected_users"].iloc[1])
    assert outages.rejected == ()
    assert_balanced(outages)


# --- formats ------------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_any_delimiter(delimiter: str) -> None:
    text = BASIC.replace(",", delimiter)
    outages = read_outages(io.BytesIO(text.encode()))
    assert_basic(outages)
    assert outages.format == "csv"
    assert outages.frame["row"].tolist() == [2, 3]


@pytest.mark.parametrize(
    ("encoded", "label"),
    [
        (b"\xef\xbb\xbf" + BASIC.encode(), "UTF-8 with BOM"),
        (BASIC.encode("utf-16"), "UTF-16"),
        (BASIC.replace("EX2", "Caf\u00e9").encode("cp1252"), "Windows-1252"),
        (BASIC.replace("EX2", "\u0178").encode("cp1252"), "Windows-1252"),
    ],
)
def test_csv_encodings(encoded: bytes, label: str) -> None:
    outages = read_outages(io.BytesIO(encoded))
    assert label in outages.details
    assert outages.frame["id"].iloc[0] == "EX1"
    assert outages.frame["start"].iloc[0] == ts("2026-03-17 14:00Z")
    assert len(outages.frame) == 2


def test_cp1252_text_is_decoded_exactly() -> None:
    outages = read_outages(io.BytesIO(BASIC.replace("EX2", "Caf\u00e9").encode("cp1252")))
    assert outages.frame["id"].tolist() == ["EX1", "Caf\u00e9"]


def test_csv_path_text_file_and_bytes(tmp_path: Path) -> None:
    path = tmp_path / "outages.csv"
    path.write_text(BASIC, encoding="utf-8")
    assert_basic(read_outages(path))
    assert_basic(read_outages(str(path)))
    assert read_outages(path).source == str(path)
    assert_basic(read_outages(io.StringIO(BASIC)))
    assert_basic(read_outages(BASIC.encode()))
    with path.open("rb") as handle:
        assert_basic(read_outages(handle))


def test_csv_line_numbers_follow_blank_lines_and_multiline_values() -> None:
    text = (
        "id,start,end,excluded\n"
        "\n"
        'EX1,2026-03-17T14:00Z,2026-03-17T15:00Z,"planned\nmaintenance"\n'
        "EX2,2026-03-17T16:00Z,2026-03-17T15:00Z,\n"
    )
    outages = read_outages(io.StringIO(text))
    assert outages.frame["row"].tolist() == [3]
    assert outages.frame["excluded"].tolist() == ["planned\nmaintenance"]
    assert problems(outages) == [(5, "end", "the end is not after the start (2026-03-17T16:00Z)")]
    assert outages.blank_rows == 1
    assert_balanced(outages)


def test_csv_row_with_too_many_cells_is_rejected_whole() -> None:
    text = (
        "id,tenant,start,end\n"
        "EX1,Contoso, Inc,2026-03-17T14:00Z,2026-03-17T15:00Z\n"
        "EX2,Fabrikam,2026-03-17T14:00Z,2026-03-17T15:00Z\n"
    )
    outages = read_outages(io.StringIO(text))
    assert outages.frame["row"].tolist() == [3]
    assert [(p.row, p.column) for p in outages.rejected] == [(2, "(cell 5)")]
    assert "5 cells but the header has 4" in outages.rejected[0].problem
    assert outages.counts == {"rows_read": 2, "counted": 1, "excluded": 0, "rejected": 1}


def _xlsx(tmp_path: Path, sheets: dict[str, list[list[object]]], name: str = "o.xlsx") -> Path:
    book = Workbook()
    first = True
    for title, rows in sheets.items():
        ws = book.active if first else book.create_sheet()
        assert ws is not None
        ws.title = title
        first = False
        for row in rows:
            ws.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def test_xlsx_first_sheet_datetimes_and_serial_dates(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path,
        {
            "Incidents": [
                ["Incident ID", "Start (UTC)", "End (UTC)", "Users affected"],
                ["EX1", datetime(2026, 3, 17, 14, 0), datetime(2026, 3, 17, 15, 30), 120],
                [None, None, None, None],
                ["EX2", 46099.375, 46099.40625, None],
            ],
            "Other": [["nothing"]],
        },
    )
    outages = read_outages(path, timezone="Europe/Paris")
    assert outages.frame["row"].tolist() == [2, 4]
    assert outages.frame["start"].tolist() == [ts("2026-03-17 14:00Z"), ts("2026-03-18 09:00Z")]
    assert outages.frame["end"].tolist() == [ts("2026-03-17 15:30Z"), ts("2026-03-18 09:45Z")]
    assert outages.frame["affected_users"].iloc[0] == 120
    assert outages.assumed_timezones == {"start": "UTC", "end": "UTC"}
    assert outages.format == "xlsx"
    assert outages.blank_rows == 1
    assert any("Excel serial dates" in n for n in outages.notes)


def test_xlsx_named_sheet_and_percent_cells(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path,
        {
            "Summary": [["not", "this"]],
            "Windows": [
                ["Start", "End", "% users"],
                ["2026-03-17 14:00", "2026-03-17 15:00", 0.125],
            ],
        },
    )
    book_path = tmp_path / "p.xlsx"
    from openpyxl import load_workbook

    book = load_workbook(path)
    book["Windows"]["C2"].number_format = "0.0%"
    book.save(book_path)
    outages = read_outages(book_path, sheet="Windows")
    assert outages.frame["affected_percent"].tolist() == [12.5]
    assert outages.frame["start"].tolist() == [ts("2026-03-17 14:00Z")]
    with pytest.raises(
        InputError, match=r"no sheet named 'Nope'; sheets are \['Summary', 'Windows'\]"
    ):
        read_outages(book_path, sheet="Nope")
    # the first sheet is a summary without the table: the one sheet that has it is read
    found = read_outages(book_path)
    assert found.frame["affected_percent"].tolist() == [12.5]
    assert (
        found.notes[0]
        == "sheet 'Windows' read: the first sheet, 'Summary', does not hold the table"
    )


def test_json_list_and_incidents_object() -> None:
    records = [
        {
            "id": "EX1",
            "start": "2026-03-17T14:00:00Z",
            "end": "2026-03-17T15:30:00Z",
            "affected_users": 120,
        },
        {"id": "EX2", "start": "2026-03-18T09:00:00Z", "end": "2026-03-18T09:45:00Z"},
    ]
    for payload in (records, {"incidents": records}):
        outages = read_outages(io.BytesIO(json.dumps(payload).encode()))
        assert_basic(outages)
        assert outages.frame["row"].tolist() == [1, 2]
        assert outages.format == "json"


def test_json_graph_style_names_and_non_records() -> None:
    payload = {
        "value": [
            {
                "id": "EX1",
                "startDateTime": "2026-03-17T14:00:00Z",
                "endDateTime": "2026-03-17T15:00:00Z",
                "title": "Mail delays",
            },
            "oops",
        ]
    }
    outages = read_outages(io.StringIO(json.dumps(payload)))
    assert outages.mapping == {"id": "id", "startDateTime": "start", "endDateTime": "end"}
    assert outages.ignored_columns == ("title",)
    assert problems(outages) == [
        (2, "(record)", "not a record: expected an object with named fields")
    ]
    assert_balanced(outages)


def test_dataframe_with_datetime_columns() -> None:
    frame = pd.DataFrame(
        {
            "Start": pd.to_datetime(["2026-03-17 15:00", "2026-03-18 10:00"]),
            "End": pd.to_datetime(["2026-03-17 16:30", "2026-03-18 10:45"]).tz_localize(
                "Europe/Paris"
            ),
            "Incident ID": ["EX1", "EX2"],
            "Users": [120, None],
        }
    )
    outages = read_outages(frame, timezone="Europe/Paris")
    assert_basic(outages)
    assert outages.frame["row"].tolist() == [1, 2]
    assert outages.assumed_timezones == {"start": "Europe/Paris"}


def test_empty_table_is_valid_but_empty_file_is_not(tmp_path: Path) -> None:
    assert read_outages(io.StringIO("start,end\n")).counts == {
        "rows_read": 0,
        "counted": 0,
        "excluded": 0,
        "rejected": 0,
    }
    assert len(read_outages(io.StringIO("[]")).frame) == 0
    for content in (b"", b"  \n\n"):
        with pytest.raises(InputError, match="the file is empty"):
            read_outages(io.BytesIO(content))


# --- headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Start", "start"),
        ("Start time", "start"),
        ("START_TIME", "start"),
        ("Began", "start"),
        ("Begin", "start"),
        ("From", "start"),
        ("startTime", "start"),
        ("End", "end"),
        ("End time", "end"),
        ("Resolved", "end"),
        ("Finished", "end"),
        ("To", "end"),
        ("Users affected", "affected_users"),
        ("Affected users", "affected_users"),
        ("Users", "affected_users"),
        ("% users", "affected_percent"),
        ("Percent affected", "affected_percent"),
        ("Affected (%)", "affected_percent"),
        ("Incident ID", "id"),
        ("ID", "id"),
        ("Ticket", "id"),
        ("Tenant", "tenant"),
        ("Tenant ID", "tenant"),
        ("Customer", "tenant"),
        ("Client", "tenant"),
        ("Service", "service"),
        ("Workload", "service"),
        ("Cohort", "cohort"),
        ("Client type", "cohort"),
        ("Excluded", "excluded"),
        ("Exclusion", "excluded"),
        ("Reason excluded", "exclusion_reason"),
    ],
)
def test_header_spellings(header: str, field: str) -> None:
    names = {"start": "Start", "end": "End"}
    names[field] = header
    columns = list(names.values())
    values = {
        "start": "2026-03-17T14:00Z",
        "end": "2026-03-17T15:00Z",
        "affected_users": "5",
        "affected_percent": "5",
        "excluded": "",
    }
    row = [values.get(f, "x") for f in names]
    text = ",".join(columns) + "\n" + ",".join(row) + "\n"
    outages = read_outages(io.StringIO(text))
    assert outages.mapping[header] == field
    assert len(outages.frame) == 1


def test_header_zone_and_caller_zone() -> None:
    text = "Start (UTC),End time (Europe/Paris)\n2026-03-17 14:00,2026-03-17 16:00\n"
    outages = read_outages(io.StringIO(text), timezone="America/New_York")
    assert outages.frame["start"].tolist() == [ts("2026-03-17 14:00Z")]
    assert outages.frame["end"].tolist() == [ts("2026-03-17 15:00Z")]
    assert outages.assumed_timezones == {"start": "UTC", "end": "Europe/Paris"}
    assert outages.timezone == "America/New_York"


def test_unknown_header_zone_is_refused() -> None:
    with pytest.raises(InputError, match=r"column 'Start \(PST\)': 'PST' is not a time zone"):
        read_outages(io.StringIO("Start (PST),End\n2026-03-17 14:00,2026-03-17 16:00\n"))


def test_unknown_columns_are_listed_not_used() -> None:
    text = "Start,End,Affected usrs,Title\n2026-03-17T14:00Z,2026-03-17T15:00Z,12,x\n"
    outages = read_outages(io.StringIO(text))
    assert outages.ignored_columns == ("Affected usrs", "Title")
    assert "'Affected usrs' (did you mean 'affected_users'?)" in outages.notes[0]
    assert np.isnan(outages.frame["affected_users"].iloc[0])


def test_two_columns_for_one_field_are_refused() -> None:
    with pytest.raises(InputError, match="columns 'Start' and 'Began' both read as 'start'"):
        read_outages(io.StringIO("Start,Began,End\n"))


def test_missing_end_column_names_what_was_found() -> None:
    with pytest.raises(InputError, match=r"no 'end' column .*columns found: 'Start', 'Closed'"):
        read_outages(io.StringIO("Start,Closed\n2026-03-17T14:00Z,2026-03-17T15:00Z\n"))


def test_a_missing_column_says_how_to_map_one() -> None:
    text = "Start,Endd\n2026-03-17T14:00Z,2026-03-17T15:00Z\n"
    with pytest.raises(InputError, match=r"is 'Endd' meant to be it\? If so, pass columns="):
        read_outages(io.StringIO(text))
    outages = read_outages(io.StringIO(text), columns={"Endd": "end"})
    assert outages.mapping == {"Start": "start", "Endd": "end"}
    assert outages.frame["end"].tolist() == [ts("2026-03-17 15:00Z")]


def test_a_mapped_column_wins_over_a_recognised_one() -> None:
    # 'Ende' is German for end and recognised; the user says the end is 'Behoben' instead
    text = "Beginn,Ende,Behoben\n2026-03-17T14:00Z,2026-03-17T15:00Z,2026-03-17T16:00Z\n"
    outages = read_outages(io.StringIO(text), columns={"Behoben": "end"})
    assert outages.frame["end"].tolist() == [ts("2026-03-17 16:00Z")]
    assert outages.ignored_columns == ("Ende",)


def test_mapping_a_column_that_is_not_there_is_refused() -> None:
    with pytest.raises(InputError, match=r"columns=\{'Anfang': 'start'\}: no column named"):
        read_outages(io.StringIO("Beginn,Ende\n"), columns={"Anfang": "start"})
    with pytest.raises(InputError, match=r"'begin' is not a field; the fields are 'id'"):
        read_outages(io.StringIO("Beginn,Ende\n"), columns={"Beginn": "begin"})


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("Beginn", "Ende"),
        ("Störungsbeginn", "Störungsende"),
        ("Début", "Fin"),
        ("Date de début", "Date de fin"),
        ("Inicio", "Fin"),
        ("Fecha de inicio", "Fecha de fin"),
        ("開始日時", "終了日時"),
    ],
)
def test_german_french_spanish_and_japanese_headers(start: str, end: str) -> None:
    text = f"{start},{end}\n2026-03-17T14:00Z,2026-03-17T15:00Z\n"
    assert read_outages(io.StringIO(text)).mapping == {start: "start", end: "end"}


# --- times --------------------------------------------------------------------------------------


def test_time_formats_and_naive_zone() -> None:
    text = (
        "id,start,end\n"
        "A,2026-03-17T14:00:00+01:00,2026-03-17T14:30Z\n"
        "B,2026-03-17 14:00,2026-03-17 15:00\n"
        "C,17.03.2026 14:00,17.03.2026 3:00 PM\n"
        "D,Mar 17 2026 2:00 PM,17 Mar 2026 15:00 UTC\n"
        "E,2026/03/17 14:00:30,46098.625\n"
    )
    outages = read_outages(io.StringIO(text), timezone="Europe/Paris")
    assert outages.rejected == ()
    assert outages.frame["start"].tolist() == [
        ts("2026-03-17 13:00Z"),
        ts("2026-03-17 13:00Z"),
        ts("2026-03-17 13:00Z"),
        ts("2026-03-17 13:00Z"),
        ts("2026-03-17 13:00:30Z"),
    ]
    assert outages.frame["end"].tolist() == [
        ts("2026-03-17 14:30Z"),
        ts("2026-03-17 14:00Z"),
        ts("2026-03-17 14:00Z"),
        ts("2026-03-17 15:00Z"),
        ts("2026-03-17 14:00Z"),
    ]
    assert outages.assumed_timezones == {"start": "Europe/Paris", "end": "Europe/Paris"}


def test_day_month_order_settled_by_the_table() -> None:
    text = "start,end\n03/04/2026 10:00,03/04/2026 11:00\n17/03/2026 10:00,17/03/2026 11:00\n"
    outages = read_outages(io.StringIO(text))
    assert outages.frame["start"].tolist() == [ts("2026-04-03 10:00Z"), ts("2026-03-17 10:00Z")]
    us = "start,end\n03/04/2026 10:00,03/17/2026 11:00\n"
    assert read_outages(io.StringIO(us)).frame["start"].tolist() == [ts("2026-03-04 10:00Z")]


def test_unsettled_day_month_order_is_rejected_unless_caller_says() -> None:
    text = "start,end\n03/04/2026 10:00,03/04/2026 11:00\n"
    outages = read_outages(io.StringIO(text))
    assert [(p.row, p.column) for p in outages.rejected] == [(2, "start"), (2, "end")]
    assert "pass dayfirst=True or dayfirst=False" in outages.rejected[0].problem
    chosen = read_outages(io.StringIO(text), dayfirst=False)
    assert chosen.frame["start"].tolist() == [ts("2026-03-04 10:00Z")]


def test_dst_ambiguous_and_nonexistent_times() -> None:
    text = "start,end\n2026-10-25 02:30,2026-10-25 04:00\n2026-03-29 02:30,2026-03-29 04:00\n"
    outages = read_outages(io.StringIO(text), timezone="Europe/Paris")
    assert [(p.row, p.column) for p in outages.rejected] == [(2, "start"), (3, "start")]
    assert "2026-10-25 02:30 happens twice in Europe/Paris" in outages.rejected[0].problem
    assert "2026-03-29 02:30 does not exist in Europe/Paris" in outages.rejected[1].problem
    chosen = read_outages(
        io.StringIO(text),
        timezone="Europe/Paris",
        ambiguous="earliest",
        nonexistent="shift_forward",
    )
    assert chosen.frame["start"].tolist() == [ts("2026-10-25 00:30Z"), ts("2026-03-29 01:00Z")]
    late = read_outages(io.StringIO(text), timezone="Europe/Paris", ambiguous="latest")
    assert late.frame["start"].tolist() == [ts("2026-10-25 01:30Z")]


def test_open_windows_need_as_of() -> None:
    text = "id,start,end\nEX1,2026-03-17T14:00Z,\nEX2,2026-03-21T00:00Z,\n"
    outages = read_outages(io.StringIO(text))
    assert [(p.row, p.column) for p in outages.rejected] == [(2, "end"), (3, "end")]
    assert "pass as_of=" in outages.rejected[0].problem
    closed = read_outages(io.StringIO(text), as_of="2026-03-20T00:00:00Z")
    assert closed.frame["end"].tolist() == [ts("2026-03-20 00:00Z")]
    assert closed.open_ended == (2,)
    assert closed.as_of == ts("2026-03-20 00:00Z")
    assert problems(closed) == [
        (3, "end", "no end time, and the start is not before as_of (2026-03-20 00:00:00+00:00)")
    ]
    aware = read_outages(io.StringIO(text), as_of=datetime.fromisoformat("2026-03-20T01:00+01:00"))
    assert aware.frame["end"].tolist() == [ts("2026-03-20 00:00Z")]


def test_bad_as_of_and_timezone_raise_input_error() -> None:
    with pytest.raises(InputError, match="as_of='soon'"):
        read_outages(io.StringIO(BASIC), as_of="soon")
    with pytest.raises(InputError, match="unknown time zone 'Mars/Olympus'"):
        read_outages(io.StringIO(BASIC), timezone="Mars/Olympus")
    with pytest.raises(InputError, match="ambiguous='maybe'"):
        read_outages(io.StringIO(BASIC), ambiguous="maybe")  # type: ignore[arg-type]


# --- row checks ---------------------------------------------------------------------------------


def test_every_bad_cell_is_reported_with_row_and_column() -> None:
    text = (
        "Incident,Start time,End time,Users affected,% users,Tenant,Excluded\n"
        "EX1,2026-03-17T14:00Z,2026-03-17T15:00Z,10,,contoso,\n"  # 2 counted
        "EX2,2026-03-17T14:00Z,2026-03-17T14:00Z,,,contoso,\n"  # 3 end = start
        "EX3,yesterday,2026-03-17T15:00Z,,,contoso,\n"  # 4 bad time
        "EX4,2026-03-17T14:00Z,2026-03-17T15:00Z,-5,,contoso,\n"  # 5 negative
        "EX5,2026-03-17T14:00Z,2026-03-17T15:00Z,2.5,101,contoso,\n"  # 6 two problems
        "EX6,2026-03-17T14:00Z,2026-03-17T15:00Z,,12.345,contoso,\n"  # 7 decimals
        "@SUM(A1),2026-03-17T14:00Z,2026-03-17T15:00Z,,,contoso,\n"  # 8 formula
        "EX8,2026-03-17T14:00Z,2026-03-17T15:00Z,,12.5%,contoso,maintenance\n"  # 9 excluded
        "EX9,2026-03-17T14:00Z,2026-03-17T15:00Z,1200,,contoso,\n"  # 10 above licensed
        "EX10,2026-03-17T14:00Z,2026-03-17T15:00Z,100,50,contoso,\n"  # 11 disagree
        "EX11,2026-03-17T14:00Z,2026-03-17T15:00Z,500,50,contoso,no\n"  # 12 counted
        "EX12,2026-03-17T14:00Z,2026-03-17T15:00Z,,,=cmd|' /C calc'!A0,\n"  # 13 formula
        "EX13,2026-03-17T14:00Z,2026-03-17T15:00Z,#N/A,,contoso,yes\n"  # 14 Excel error
        "EX14,2026-03-17T14:00Z,2026-03-17T15:00Z,,,contoso,x\n"  # 15 excluded
    )
    outages = read_outages(io.StringIO(text), licensed_users=1000)
    assert problems(outages) == [
        (3, "End time", "the end is not after the start (2026-03-17T14:00Z)"),
        (
            4,
            "Start time",
            "not a date and time slacalc can read; use ISO 8601, e.g. 2026-03-17T14:00:00Z",
        ),
        (5, "Users affected", "negative users"),
        (6, "Users affected", "not a whole number of users"),
        (6, "% users", "outside 0–100 %"),
        (7, "% users", "more than 2 decimal places; round the percent"),
        (
            8,
            "Incident",
            "starts with '@', so a spreadsheet would run it as a formula; remove that character",
        ),
        (10, "Users affected", "more than the 1000 licensed users"),
        (11, "% users", "disagrees with affected_users: 100 of 1000 licensed users is 10.00 %"),
        (
            13,
            "Tenant",
            "starts with '=', so a spreadsheet would run it as a formula; remove that character",
        ),
        (14, "Users affected", "the cell holds the spreadsheet error #N/A"),
    ]
    assert [p.field for p in outages.rejected][:3] == ["end", "start", "affected_users"]
    assert outages.rejected[0].value == "2026-03-17T14:00Z"
    assert outages.frame["row"].tolist() == [2, 9, 12, 15]
    assert outages.frame["excluded"].tolist() == [
        "",
        "maintenance",
        "",
        "excluded (no reason given)",
    ]
    assert outages.frame["affected_percent"].iloc[1] == 12.5
    assert outages.counts == {"rows_read": 14, "counted": 2, "excluded": 2, "rejected": 10}
    assert_balanced(outages)
    assert "row 3, column 'End time'" in outages.summary()


def test_negative_numbers_in_number_columns_are_not_formulas() -> None:
    outages = read_outages(io.StringIO("start,end,id\n2026-03-17T14:00Z,2026-03-17T15:00Z,-42\n"))
    assert outages.frame["id"].tolist() == ["-42"]


def test_unknown_tenant_and_service() -> None:
    text = (
        "start,end,tenant,service\n"
        "2026-03-17T14:00Z,2026-03-17T15:00Z,contoso,\n"
        "2026-03-17T14:00Z,2026-03-17T15:00Z,Contoso,Exchange Online\n"
        "2026-03-17T14:00Z,2026-03-17T15:00Z,fabrikam,Teams\n"
    )
    outages = read_outages(
        io.StringIO(text), known_tenants={"contoso"}, known_services={"Exchange Online"}
    )
    assert problems(outages) == [
        (3, "tenant", "unknown tenant (did you mean 'contoso'? names are case-sensitive)"),
        (4, "tenant", "unknown tenant: not among the 1 known"),
        (4, "service", "unknown service: not among the 1 known"),
    ]
    assert outages.frame["row"].tolist() == [2]


def test_duplicates_and_contradicting_incident_rows() -> None:
    text = (
        "id,start,end\n"
        "EX1,2026-03-17T14:00Z,2026-03-17T15:00Z\n"  # 2: first window of EX1
        "EX1,2026-03-18T14:00Z,2026-03-18T15:00Z\n"  # 3: second window: allowed
        "EX1,2026-03-17T14:00Z,2026-03-17T15:00Z\n"  # 4: same as row 2
        "EX2,2026-03-19T14:00Z,2026-03-19T15:00Z\n"  # 5: EX2 contradicts itself
        "EX2,2026-03-19T14:00Z,2026-03-19T18:00Z\n"  # 6
    )
    outages = read_outages(io.StringIO(text))
    assert problems(outages) == [
        (4, "id", "the same window as row 2 (a duplicate)"),
        (
            5,
            "end",
            "incident 'EX2' has rows 5, 6 starting at the same time with different ends; "
            "keep the one that is right",
        ),
        (
            6,
            "end",
            "incident 'EX2' has rows 5, 6 starting at the same time with different ends; "
            "keep the one that is right",
        ),
    ]
    assert outages.frame["row"].tolist() == [2, 3]
    assert "1 incident(s) have several windows (e.g. 'EX1': 2)" in " ".join(outages.notes)


# --- unusable inputs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"\x00\x01\x02binary\x00junk" * 10, "o.csv", "binary data"),
        (b"<!DOCTYPE html><html><body>Sign in</body></html>", "o.csv", "web page"),
        (b"<?xml version='1.0'?><a/>", "", "XML document"),
        (b"%PDF-1.7 ...", "o.csv", "PDF document"),
        (b"\x1f\x8b\x08\x00", "o.csv.gz", "gzip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "o.xls", "old-style Excel .xls"),
        (b"id,start\n", "o.json", "the name says JSON"),
        (b'{"a": 1}', "o.csv", "the name says CSV, but the content looks like JSON"),
        (b"[{]", "o.json", "not valid JSON"),
        (b'{"a": 1}', "", "expected a list of records"),
        (b"start,end\n", "o.xlsx", "the name says Excel workbook"),
    ],
)
def test_files_that_are_not_what_they_say(content: bytes, name: str, message: str) -> None:
    handle = io.BytesIO(content)
    handle.name = name  # type: ignore[attr-defined]
    with pytest.raises(InputError, match=message):
        read_outages(handle)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "outages.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("outages.csv", BASIC)
    with pytest.raises(InputError, match="zip archive; unzip it"):
        read_outages(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_outages(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="is a folder"):
        read_outages(tmp_path)


def test_limits(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text(BASIC)
    monkeypatch.setattr(tables, "MAX_BYTES", 50)
    with pytest.raises(InputError, match=r"above the limit of 50"):
        read_outages(path)
    with pytest.raises(InputError, match=r"larger than the limit of 50 bytes"):
        read_outages(io.BytesIO(BASIC.encode()))
    monkeypatch.setattr(tables, "MAX_BYTES", 10_000)
    monkeypatch.setattr(tables, "MAX_ROWS", 1)
    with pytest.raises(InputError, match=r"2 data lines, above the limit of 1 rows"):
        read_outages(path)
    with pytest.raises(InputError, match=r"2 rows, above the limit of 1"):
        read_outages(pd.DataFrame({"start": ["a", "b"], "end": ["c", "d"]}))


def test_dataframe_row_limit_is_lifted_only_by_the_caller(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    frame = pd.DataFrame(
        {"start": ["2026-03-01T10:00Z", "2026-03-02T10:00Z"], "end": ["2026-03-01T11:00Z"] * 2}
    )
    monkeypatch.setattr(tables, "MAX_ROWS", 1)
    with pytest.raises(InputError, match=r"2 rows, above the limit of 1; .* pass max_rows="):
        read_outages(frame)
    lifted = read_outages(frame, max_rows=len(frame))
    assert lifted.counts == {"rows_read": 2, "counted": 1, "excluded": 0, "rejected": 1}
    with pytest.raises(InputError, match=r"2 rows, above the limit of 1\b"):
        read_outages(frame, max_rows=1)
    path = tmp_path / "two.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"max_rows=10: a file is limited to at most 1 rows"):
        read_outages(path, max_rows=10)
    with pytest.raises(InputError, match=r"2 data lines, above the limit of 1 rows"):
        read_outages(path)
    for wrong in (0, -1, 1.5, True):
        with pytest.raises(InputError, match=r"max_rows="):
            read_outages(frame, max_rows=wrong)  # type: ignore[arg-type]


def test_a_file_row_limit_is_lifted_up_to_max_rows(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "three.csv"
    path.write_text(BASIC + "EX3,2026-03-19T09:00:00Z,2026-03-19T09:45:00Z,\n")
    monkeypatch.setattr(tables, "MAX_FILE_ROWS", 2)
    with pytest.raises(InputError, match=r"3 data lines, above the limit of 2 rows"):
        read_outages(path)
    assert read_outages(path, max_rows=3).counts["counted"] == 3
    monkeypatch.setattr(tables, "MAX_ROWS", 2)
    with pytest.raises(InputError, match=r"max_rows=3: a file is limited to at most 2 rows"):
        read_outages(path, max_rows=3)


def test_typed_dataframe_is_checked_as_its_text() -> None:
    """Datetime and float columns give the outcome their text would, row by row."""
    start = pd.Timestamp("2026-03-01 10:00", tz="UTC") + pd.to_timedelta(np.arange(9), unit="h")
    typed = pd.DataFrame(
        {
            "id": [f"EX{i}" for i in range(9)],
            "start": start,
            "end": start + pd.Timedelta("30min"),
            "users": [3.0, np.nan, 1.5, -2.0, np.inf, 2.0**53 + 2, 0.0, np.nan, 7.0],
            "percent": [np.nan, 12.34, 12.345, 101.0, 100.0, np.nan, -0.0, 0.07, np.nan],
        }
    )
    typed.loc[8, "end"] = typed.loc[8, "start"]
    text = typed.astype({"users": object, "percent": object})
    for name in ("users", "percent"):
        text[name] = [cell_text(v) for v in typed[name]]
    text["start"] = [cell_text(v) for v in typed["start"]]
    text["end"] = [cell_text(v) for v in typed["end"]]
    got, expected = read_outages(typed), read_outages(text)
    pd.testing.assert_frame_equal(got.frame, expected.frame)
    assert got.rejected == expected.rejected
    assert [(p.row, p.field) for p in got.rejected] == [
        (3, "affected_users"),
        (3, "affected_percent"),
        (4, "affected_users"),
        (4, "affected_percent"),
        (5, "affected_users"),
        (6, "affected_users"),
        (9, "end"),
    ]
    assert got.frame["row"].tolist() == [1, 2, 7, 8]
    assert got.frame["affected_percent"].fillna(-1).tolist() == [-1, 12.34, 0.0, 0.07]
    assert not np.signbit(got.frame["affected_percent"].fillna(1)).any()  # -0.0 read as 0


def test_outages_pass_through() -> None:
    outages = read_outages(io.StringIO(BASIC))
    assert read_outages(outages) is outages


# --- property tests -----------------------------------------------------------------------------

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=400), st.sampled_from(["", "x.csv", "x.json", "x.xlsx", "x.txt"]))
def test_random_bytes_never_escape_the_error_tree(data: bytes, name: str) -> None:
    handle = io.BytesIO(data)
    handle.name = name  # type: ignore[attr-defined]
    try:
        outages = read_outages(handle)
    except SlacalcError:
        return
    assert_balanced(outages)


CELLS = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(
        [
            "2026-03-17T14:00Z",
            "2026-03-17 14:00",
            "17/03/2026",
            "46098.5",
            "-1",
            "=1+1",
            "%",
            "12.5%",
            "#N/A",
            "yes",
            "2026-10-25 02:30",
            "",
            "  ",
        ]
    ),
    st.integers(-10, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(),
)
HEADERS = st.sampled_from(
    [
        "start",
        "end",
        "Start (UTC)",
        "End time",
        "users",
        "% users",
        "id",
        "tenant",
        "cohort",
        "excluded",
        "Title",
        "",
        "start ",
    ]
)


@FUZZ
@given(
    st.lists(HEADERS, min_size=1, max_size=6),
    st.lists(st.lists(CELLS, min_size=6, max_size=6), max_size=8),
    st.sampled_from(["csv", "json", "frame"]),
)
def test_random_tables_never_escape_the_error_tree(
    headers: list[str], rows: list[list[object]], shape: str
) -> None:
    width = len(headers)
    body = [r[:width] for r in rows]
    try:
        if shape == "frame":
            source: object = pd.DataFrame(body, columns=pd.Index(headers), dtype=object)
        elif shape == "json":
            source = io.StringIO(
                json.dumps([dict(zip(headers, r, strict=True)) for r in body], default=str)
            )
        else:
            lines = [",".join(headers)] + [
                ",".join("" if c is None else str(c) for c in r) for r in body
            ]
            source = io.StringIO("\n".join(lines))
        outages = read_outages(source, timezone="Europe/Paris", licensed_users=1000)  # type: ignore[arg-type]
    except SlacalcError:
        return
    assert_balanced(outages)
    assert list(outages.frame.columns) == list(COLUMNS)
    assert (outages.frame["end"] > outages.frame["start"]).all()


def test_dataframe_with_nullable_dtypes_and_boolean_exclusions() -> None:
    frame = pd.DataFrame(
        {
            "start": ["2026-03-17T14:00Z", "2026-03-17T16:00Z", "2026-03-17T18:00Z"],
            "end": ["2026-03-17T15:00Z", "2026-03-17T17:00Z", "2026-03-17T19:00Z"],
            "users": pd.array([5, None, 7], dtype="Int64"),
            "percent": pd.array([None, 1.5, None], dtype="Float64"),
            "excluded": [False, True, None],
            "id": pd.array(["a", None, "c"], dtype="string"),
        }
    )
    outages = read_outages(frame)
    assert outages.rejected == ()
    assert outages.frame["id"].tolist() == ["a", "", "c"]
    assert outages.frame["affected_users"].fillna(-1).tolist() == [5, -1, 7]
    assert outages.frame["affected_percent"].fillna(-1).tolist() == [-1, 1.5, -1]
    assert outages.frame["excluded"].tolist() == ["", "excluded (no reason given)", ""]
    assert outages.counts == {"rows_read": 3, "counted": 2, "excluded": 1, "rejected": 0}


def test_users_source_says_whether_a_count_was_given_or_all_users_assumed() -> None:
    text = (
        "start,end,affected_users,affected_percent,users source\n"
        "2026-03-10T10:00Z,2026-03-10T11:00Z,5,,\n"  # 2: a count → given
        "2026-03-11T10:00Z,2026-03-11T11:00Z,,,\n"  # 3: nothing → all users assumed
        "2026-03-12T10:00Z,2026-03-12T11:00Z,,12.5,\n"  # 4: a percent → given
        "2026-03-13T10:00Z,2026-03-13T11:00Z,7,,Sign-in log\n"  # 5: as stated
        "2026-03-14T10:00Z,2026-03-14T11:00Z,,,given\n"  # 6: 'given' but no count
        "2026-03-15T10:00Z,2026-03-15T11:00Z,3,,assumed all\n"  # 7: contradicts its count
        "2026-03-16T10:00Z,2026-03-16T11:00Z,3,,guess\n"  # 8: not a source
        "2026-03-17T10:00Z,2026-03-17T11:00Z,,,feed\n"  # 9: the feed states everyone
    )
    outages = read_outages(io.StringIO(text))
    frame = outages.frame
    assert frame["users_source"].tolist() == [
        "given",
        "assumed all",
        "given",
        "sign-in log",
        "feed",
    ]
    assert [(p.row, p.column, p.field) for p in outages.rejected] == [
        (6, "users source", "users_source"),
        (7, "users source", "users_source"),
        (8, "users source", "users_source"),
    ]
    assert "says 'given' but the row gives no affected users" in outages.rejected[0].problem
    assert "says 'assumed all' but the row gives affected users" in outages.rejected[1].problem
    assert "not a users source; one of 'given', 'usage report'" in outages.rejected[2].problem
