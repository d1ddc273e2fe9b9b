"""Odd inputs the reading layer must read right or refuse: each case once gave a wrong number.

Months in the arithmetic: March 2026 has 31 × 1,440 = 44,640 minutes.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

import slacalc
from slacalc.cli import main
from slacalc.errors import InputError
from slacalc.io.headers import MAX_COLUMNS, MAX_HEADER_CHARS
from slacalc.io.outages import read_outages
from slacalc.io.tables import read_table
from slacalc.model.periods import parse_period
from tests.conftest import variant

EX = "microsoft-365-exchange-online"
DAY = "2026-03-17T14:00Z,2026-03-18T14:00Z"  # 1,440 minutes


def _credit(text: str, users: int = 5000) -> dict[str, object]:
    results = slacalc.calculate(io.StringIO(text), EX, users=users, monthly_fee="8000")
    frame = results.to_frame()
    assert len(frame) == 1
    return dict(frame.iloc[0])


# --- 1. affected-user columns under their usual names -----------------------------------------


def test_an_impacted_column_is_the_affected_users() -> None:
    # 1,200 of 5,000 users for 1,440 min: 1,728,000 of 223,200,000 user-minutes lost
    # → 99.2258 % → below 99.9 % → 25 % of 8,000 = 2,000.00 (all users would be 96.77 %: 50 %).
    row = _credit(f"Ticket,Began,Resolved,Impacted\nINC1,{DAY},1200\n")
    assert row["credit_percent"] == Decimal("25")
    assert row["credit_amount"] == Decimal("2000.00")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Impacted", "affected_users"),
        ("Impacted users", "affected_users"),
        ("Users affected", "affected_users"),
        ("Affected", "affected_users"),
        ("# users", "affected_users"),
        ("Number of users", "affected_users"),
        ("User count", "affected_users"),
        ("Affected users count", "affected_users"),
        ("# Impacted", "affected_users"),
        ("Impacted percent", "affected_percent"),
        ("% affected", "affected_percent"),
        ("% impacted", "affected_percent"),
    ],
)
def test_affected_spellings(header: str, field: str) -> None:
    outages = read_outages(io.StringIO(f"start,end,{header}\n{DAY},12\n"))
    assert outages.mapping[header] == field
    assert outages.frame[field].tolist() == [12.0]


def test_a_ticket_column_beside_an_id_column_is_left_aside() -> None:
    outages = read_outages(io.StringIO(f"Ticket,id,start,end\nT1,EX1,{DAY}\n"))
    assert outages.mapping["id"] == "id"
    assert outages.frame["id"].tolist() == ["EX1"]
    assert outages.ignored_columns == ("Ticket",)


@pytest.mark.parametrize(
    ("header", "hint"),
    [("Affected usrs", "affected_users"), ("Strat", "start"), ("Impacted userz", "affected_users")],
)
def test_a_misspelt_header_is_pointed_to_its_field(header: str, hint: str) -> None:
    outages = read_outages(io.StringIO(f"start,end,{header}\n{DAY},1\n"))
    assert f"{header!r} (did you mean {hint!r}?)" in outages.notes[0]


@pytest.mark.parametrize("header", ["Impactful", "Title", "Severity", "Notes"])
def test_an_unrelated_header_gets_no_hint(header: str) -> None:
    outages = read_outages(io.StringIO(f"start,end,{header}\n{DAY},1\n"))
    assert outages.notes == (f"columns not used: {header!r}",)


# --- 3. a quote that is never closed --------------------------------------------------------------


def _ten_rows(line_six: str) -> str:
    rows = [f"EX{i},2026-03-{10 + i}T14:00Z,2026-03-{10 + i}T15:00Z,5" for i in range(10)]
    rows[4] = line_six
    return "id,start,end,affected_users\n" + "\n".join(rows) + "\n"


def test_an_unclosed_quote_refuses_the_file_at_its_line() -> None:
    # On main: "5 row(s) read", lines 7-11 swallowed into one value of line 6.
    text = _ten_rows('"EX4,2026-03-14T14:00Z,2026-03-14T15:00Z,5')
    with pytest.raises(
        InputError, match=r"line 6: a quote opens a value there and is never closed"
    ):
        read_outages(io.StringIO(text))


def test_a_quote_closed_lines_later_refuses_the_file() -> None:
    text = _ten_rows('EX4,"2026-03-14T14:00Z,2026-03-14T15:00Z,5').replace("EX7,", 'EX7",', 1)
    with pytest.raises(InputError, match=r"line 6: .* runs to line 9 and takes in line 7, which"):
        read_outages(io.StringIO(text))


def test_a_real_line_break_in_a_quoted_value_is_one_row() -> None:
    text = f'id,start,end,excluded\nEX1,{DAY},"planned\nmaintenance"\nEX2,{DAY},\n'
    outages = read_outages(io.StringIO(text))
    assert outages.frame["row"].tolist() == [2, 4]
    assert outages.counts == {"rows_read": 2, "counted": 1, "excluded": 1, "rejected": 0}


def test_the_cli_refuses_an_unclosed_quote_even_with_allow_rejected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "o.csv"
    path.write_text(_ten_rows('"EX4,2026-03-14T14:00Z,2026-03-14T15:00Z,5'))
    argv = ["calculate", str(path), "--contract", EX, "--users", "1000", "--fee", "10"]
    assert main([*argv, "--allow-rejected"]) == 2
    assert "line 6: a quote opens a value there and is never closed" in capsys.readouterr().err


# --- 4. rows with missing cells -------------------------------------------------------------------


def test_a_short_row_is_rejected_not_padded() -> None:
    # On main the row became a whole-population outage (50 % instead of 25 %).
    text = f"id,start,end,affected_users\nx,{DAY},1200\ny,{DAY}\n"
    outages = read_outages(io.StringIO(text))
    assert outages.frame["id"].tolist() == ["x"]
    [problem] = outages.rejected
    assert (problem.row, problem.column) == (3, "(cell 4)")
    assert problem.problem.startswith("the row has 3 cells but the header has 4")
    assert outages.counts == {"rows_read": 2, "counted": 1, "excluded": 0, "rejected": 1}


def test_a_short_row_under_a_header_with_a_trailing_delimiter_is_read() -> None:
    outages = read_outages(io.StringIO(f"id,start,end,\nx,{DAY}\n"))
    assert outages.frame["id"].tolist() == ["x"]
    assert outages.rejected == ()


# --- 5. what an exclusion cell may say ---------------------------------------------------------


@pytest.mark.parametrize("cell", ["N/A", "0.0", "not excluded", "maybe", "TBD"])
def test_an_exclusion_cell_that_says_nothing_clear_is_rejected(cell: str) -> None:
    outages = read_outages(io.StringIO(f"id,start,end,excluded\nEX1,{DAY},{cell}\n"))
    [problem] = outages.rejected
    assert (problem.row, problem.column, problem.value) == (2, "excluded", cell)
    assert problem.problem.startswith("not a recognised exclusion")


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("", ""),
        ("no", ""),
        ("FALSE", ""),
        ("n", ""),
        ("0", ""),
        ("yes", "excluded (no reason given)"),
        ("Y", "excluded (no reason given)"),
        ("1", "excluded (no reason given)"),
        ("x", "excluded (no reason given)"),
        ("maintenance", "maintenance"),
        ("Planned work", "Planned work"),
        ("customer", "customer"),
        ("force-majeure", "force-majeure"),
        ("third party DNS", "third party DNS"),
    ],
)
def test_exclusion_cells_that_are_read(cell: str, reason: str) -> None:
    outages = read_outages(io.StringIO(f"id,start,end,excluded\nEX1,{DAY},{cell}\n"))
    assert outages.rejected == ()
    assert outages.frame["excluded"].tolist() == [reason]


def test_an_exclusion_reason_column_beside_a_yes_no_column() -> None:
    text = (
        "id,start,end,excluded,exclusion reason\n"
        f"EX1,{DAY},yes,ISP outage at the customer\n"
        f"EX2,{DAY},no,\n"
        f"EX3,{DAY},no,a reason on a counted row\n"
        f"EX4,{DAY},yes,\n"
    )
    outages = read_outages(io.StringIO(text))
    assert outages.frame["excluded"].tolist() == [
        "ISP outage at the customer",
        "",
        "excluded (no reason given)",
    ]
    assert [(p.row, p.column) for p in outages.rejected] == [(4, "exclusion reason")]


def test_an_exclusion_reason_column_alone_excludes_its_rows() -> None:
    text = f"id,start,end,reason\nEX1,{DAY},vendor DNS\nEX2,{DAY},\n"
    outages = read_outages(io.StringIO(text))
    assert outages.frame["excluded"].tolist() == ["vendor DNS", ""]


# --- 7. JSON without a list of records ---------------------------------------------------------


def test_an_event_object_without_records_is_refused_naming_its_keys() -> None:
    event = {
        "version": "0",
        "id": "7bf73129-1428-4cd3-a780-95db273d1602",
        "detail-type": "AWS Health Event",
        "source": "aws.health",
        "resources": [],
        "detail": {"eventTypeCode": "AWS_EC2_OPERATIONAL_ISSUE"},
    }
    with pytest.raises(InputError) as caught:
        read_outages(io.BytesIO(json.dumps(event).encode()))
    message = str(caught.value)
    assert "'version', 'id', 'detail-type', 'source', 'resources', 'detail'" in message
    assert (
        'expected a list of records, or an object holding one under a name such as {"incidents"'
        in (message)
    )


def test_an_object_with_one_list_of_records_under_any_name_is_read() -> None:
    payload = {"items": [{"start": "2026-03-17T14:00Z", "end": "2026-03-18T14:00Z"}]}
    outages = read_outages(io.BytesIO(json.dumps(payload).encode()))
    assert outages.counts["counted"] == 1


def test_an_empty_incidents_list_is_no_rows() -> None:
    outages = read_outages(io.BytesIO(b'{"incidents": []}'))
    assert outages.counts["rows_read"] == 0


# --- bounds on a header --------------------------------------------------------------------------


def test_a_header_wider_than_the_limit_is_refused_before_matching() -> None:
    header = ",".join(f"c{i}" for i in range(MAX_COLUMNS + 1))
    with pytest.raises(InputError, match=rf"{MAX_COLUMNS + 1:,} columns, above the limit"):
        read_outages(io.StringIO(f"{header}\n"))


def test_a_header_cell_longer_than_the_limit_is_refused() -> None:
    long = "a" * (MAX_HEADER_CHARS + 1)
    with pytest.raises(InputError, match=r"the header of column 3 has 201 characters"):
        read_outages(io.StringIO(f"start,end,{long}\n{DAY},1\n"))


# --- 2. times outside the supported range ------------------------------------------------------

RANGE = "outside the supported range, 1970-01-01 to 2200-01-01 (UTC)"


@pytest.mark.parametrize(
    ("start", "end", "bad"),
    [
        # on main: zero downtime (100 %), or only the 1970 half of the window
        ("1900-01-01T00:00Z", "1900-01-02T00:00Z", ["start", "end"]),
        ("1969-12-31T12:00Z", "1970-01-01T12:00Z", ["start"]),
        # on main: naive 2300 and 1600 wrapped into 1715 and 2184
        ("2300-01-01 00:00", "2300-01-02 00:00", ["start", "end"]),
        ("1600-01-01 00:00", "1600-01-02 00:00", ["start", "end"]),
        ("17/03/2300 10:00", "18/03/2300 10:00", ["start", "end"]),
        # on main: OutOfBoundsDatetime, or read as is past the engine's 2242
        ("9999-01-01T00:00Z", "9999-01-02T00:00Z", ["start", "end"]),
        ("2250-01-01T00:00Z", "2250-01-02T00:00Z", ["start", "end"]),
        ("2300-01-01 00:00+01:00", "2300-01-02 00:00+01:00", ["start", "end"]),
        # 02:00+01:00 is 01:00 UTC, one hour past the end of the range
        ("2200-01-01 00:00 +01:00", "2200-01-01 02:00 +01:00", ["end"]),
    ],
)
def test_csv_times_outside_the_range_are_rejected_by_cell(
    start: str, end: str, bad: list[str]
) -> None:
    outages = read_outages(io.StringIO(f"start,end\n{start},{end}\n"))
    assert [(p.row, p.column, p.problem) for p in outages.rejected] == [
        (2, name, RANGE) for name in bad
    ]
    assert outages.counts["counted"] == 0


def test_an_excel_serial_day_past_the_range_is_rejected() -> None:
    # 109,576 days after 1899-12-30 is 2200-01-02
    outages = read_outages(io.StringIO("start,end\n109575,109576\n"))
    [problem] = outages.rejected
    assert (problem.column, problem.problem[:57]) == (
        "end",
        "a number, not a date and time (Excel serial dates are rea",
    )
    assert "from 25569 to 109575" in problem.problem


def test_the_edges_of_the_range_are_read_exactly() -> None:
    text = (
        "start,end\n"
        "1970-01-01T00:00Z,1970-01-01T01:00Z\n"
        "2199-12-31T00:00Z,2200-01-01T00:00Z\n"
        "25569,25569.5\n"  # Excel serial days: 1970-01-01 00:00 and 12:00
        "109574.5,109575\n"  # 2199-12-31 12:00 and 2200-01-01 00:00
    )
    outages = read_outages(io.StringIO(text))
    assert outages.rejected == ()
    assert [str(t) for t in outages.frame["end"]] == [
        "1970-01-01 01:00:00+00:00",
        "2200-01-01 00:00:00+00:00",
        "1970-01-01 12:00:00+00:00",
        "2200-01-01 00:00:00+00:00",
    ]


@pytest.mark.parametrize(
    "column",
    [
        [dt.datetime(2300, 1, 1), dt.datetime(2026, 1, 1)],  # datetime64[us] on main wrapped
        [dt.datetime(9999, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 1, 1, tzinfo=dt.UTC)],
        [np.datetime64("2300-01-01"), np.datetime64("2026-01-01")],
        [pd.Timestamp("1900-01-01", tz="UTC"), pd.Timestamp("2026-01-01", tz="UTC")],
    ],
)
@pytest.mark.parametrize("dtype", [None, object])
def test_datetime_objects_outside_the_range_are_rejected(
    column: list[object], dtype: object
) -> None:
    frame = pd.DataFrame({"start": column, "end": [column[1], column[1]]}, dtype=dtype)
    frame["end"] = pd.Series([pd.Timestamp("2026-01-02", tz="UTC")] * 2, dtype=object)
    outages = read_outages(frame)
    assert [(p.row, p.column, p.problem) for p in outages.rejected] == [(1, "start", RANGE)]
    assert outages.frame["row"].tolist() == [2]


def test_excel_dates_outside_the_range_are_rejected(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["start", "end"])
    sheet.append([dt.datetime(1900, 1, 1), dt.datetime(1900, 1, 2)])
    sheet.append([dt.datetime(2026, 3, 17, 14), dt.datetime(2300, 1, 1)])
    sheet.append([dt.datetime(2026, 3, 17, 14), dt.datetime(2026, 3, 17, 15)])
    path = tmp_path / "o.xlsx"
    book.save(path)
    outages = read_outages(path)
    assert [(p.row, p.column) for p in outages.rejected] == [(2, "start"), (2, "end"), (3, "end")]
    assert outages.frame["row"].tolist() == [4]


@pytest.mark.parametrize("as_of", ["2300-01-01", "1960-01-01T00:00Z", "9999-12-31T00:00Z"])
def test_as_of_outside_the_range_is_refused(as_of: str) -> None:
    with pytest.raises(InputError, match=rf"as_of='{as_of}': {re.escape(RANGE)}"):
        read_outages(io.StringIO("start,end\n2026-01-01T00:00Z,\n"), as_of=as_of)


@pytest.mark.parametrize("period", ["2300-05", "1969-12", "9999-01"])
def test_a_period_outside_the_range_is_refused(period: str) -> None:
    # on main: 2300-05 raised IndexError from the engine
    with pytest.raises(InputError, match=r"outside the years slacalc computes, 1970 to 2199"):
        slacalc.calculate(
            io.StringIO(f"start,end\n{DAY}\n"), EX, users=10, monthly_fee="1", periods=[period]
        )


def test_a_window_in_the_last_supported_month_is_computed() -> None:
    # 1,440 of December 2199's 44,640 minutes: 96.7742 % → below 99 % → 50 % of 8,000.
    row = _credit("start,end\n2199-12-31T00:00Z,2200-01-01T00:00Z\n")
    assert row["period"] == "2199-12"
    assert row["credit_amount"] == Decimal("4000.00")


# --- 6. one customer's users, rows of several tenants ----------------------------------------

TWO_TENANTS = (
    "tenant,start,end,affected_users\n"
    f"contoso,{DAY},1200\n"
    f"fabrikam,{DAY},1200\n"
    "contoso,2026-03-20T14:00Z,2026-03-20T15:00Z,100\n"
)


def test_users_with_rows_of_several_tenants_is_refused_naming_them() -> None:
    # On main: both tenants' 1,200 users added up into one customer's downtime.
    with pytest.raises(InputError, match=r"the rows name 2 tenants \('contoso', 'fabrikam'\)"):
        _credit(TWO_TENANTS)


def test_tenant_picks_one_customer_and_sets_the_others_aside() -> None:
    results = slacalc.calculate(
        io.StringIO(TWO_TENANTS), EX, users=5000, monthly_fee="8000", tenant="contoso"
    )
    # contoso: 1,200 × 1,440 + 100 × 60 = 1,734,000 of 223,200,000 user-minutes → 99.2231 % → 25 %
    [row] = results.to_frame().to_dict("records")
    assert row["user_minutes_lost"] == Decimal("1734000")
    assert row["credit_amount"] == Decimal("2000.00")
    assert results.outages.counts == {
        "rows_read": 3,
        "counted": 2,
        "excluded": 0,
        "rejected": 0,
        "other_tenants": 1,
    }
    assert "1 row(s) of other tenants set aside (only 'contoso' is calculated): row(s) 3" in (
        results.outages.notes
    )


def test_tenant_that_no_row_names_is_refused() -> None:
    with pytest.raises(InputError, match=r"no row of tenant 'northwind'; the rows name 'contoso'"):
        slacalc.calculate(
            io.StringIO(TWO_TENANTS), EX, users=5000, monthly_fee="8000", tenant="northwind"
        )


def test_the_cli_refuses_several_tenants_with_users_and_reads_one_with_tenant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "o.csv"
    path.write_text(TWO_TENANTS)
    argv = ["calculate", str(path), "--contract", EX, "--users", "5000", "--fee", "8000"]
    assert main(argv) == 2
    assert "pick one (--tenant NAME, tenant=)" in capsys.readouterr().err
    assert main([*argv, "--tenant", "contoso"]) == 0
    captured = capsys.readouterr()
    assert "3 row(s) read: 2 counted, 0 excluded, 0 rejected, 1 of other tenants." in captured.out
    assert "1 row(s) of other tenants set aside (only 'contoso' is calculated)" in captured.err


# --- every physical line is accounted for ----------------------------------------------------

_CELL = st.text(alphabet='ab ,"', max_size=6)


@st.composite
def _csv_lines(draw: st.DrawFn) -> tuple[str, int]:
    """CSV text with random quoting (proper, or a stray quote), short and long rows and blank
    lines; every record is meant to be one line, so every line has a delimiter or is blank."""
    width = draw(st.integers(2, 5))
    lines = [",".join(f"h{i}" for i in range(width))]
    for _ in range(draw(st.integers(0, 12))):
        if draw(st.booleans()) and draw(st.booleans()) and draw(st.booleans()):
            lines.append("")
            continue
        cells = []
        for cell in draw(st.lists(_CELL, min_size=2, max_size=width + 2)):
            if draw(st.booleans()):
                cells.append('"' + cell.replace('"', '""') + '"')
            else:
                cells.append(cell.replace(",", ""))  # may start with a stray quote
        lines.append(",".join(cells))
    while not lines[-1]:
        lines.pop()  # blank lines at the very end are not rows
    return "\n".join(lines) + "\n", len(lines) - 1


@given(_csv_lines())
@settings(max_examples=300, deadline=None)
def test_every_line_is_read_as_a_row_or_the_file_is_refused_at_a_line(
    case: tuple[str, int],
) -> None:
    text, data_lines = case
    try:
        table = read_table(io.StringIO(text))
    except InputError as exc:
        refusal = str(exc)
    else:
        assert table.rows_read + table.blank_rows == data_lines
        return
    assert re.search(r": line \d+: a quote opens a value there", refusal), refusal


def test_a_workbook_with_damaged_sheet_data_is_refused_as_input(tmp_path: Path) -> None:
    # the cell count streams the sheet's XML first: a broken deflate stream is bad input too
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["start", "end"])
    sheet.append(["2026-03-17T14:00Z", "2026-03-17T15:00Z"])
    path = tmp_path / "o.xlsx"
    book.save(path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 5, start + 25):
        data[i] ^= 0x55
    with pytest.raises(InputError, match=r"not a readable Excel workbook \(Error -3 while decomp"):
        read_outages(bytes(data))


def test_reasons_as_read_round_trip_through_the_apps_table_editor() -> None:
    from slacalc.app import inputs

    text = (
        "id,start,end,excluded,exclusion reason\n"
        f"EX1,{DAY},yes,vendor DNS\n"
        f"EX2,{DAY},yes,\n"
        f"EX3,{DAY},maintenance,\n"
        f"EX4,{DAY},,\n"
    )
    read = read_outages(io.StringIO(text))
    again = read_outages(inputs.table_upload(inputs.editor_table(read, "UTC")).open())
    assert again.rejected == ()
    assert again.frame["excluded"].tolist() == [
        "vendor DNS",
        "excluded (no reason given)",
        "maintenance",
        "",
    ]


def test_the_readers_own_no_reason_text_reads_back_as_excluded() -> None:
    text = f"id,start,end,excluded\nEX1,{DAY},excluded (no reason given)\n"
    assert read_outages(io.StringIO(text)).frame["excluded"].tolist() == [
        "excluded (no reason given)"
    ]


def test_a_short_row_is_rejected_without_pyarrow_too(monkeypatch: pytest.MonkeyPatch) -> None:
    # pandas' C engine pads a short row with "" where pyarrow refuses the file
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a)
    )
    text = f"id,start,end,affected_users\nx,{DAY},1200\ny,{DAY}\n"
    outages = read_outages(io.StringIO(text))
    assert outages.frame["id"].tolist() == ["x"]
    assert [(p.row, p.column) for p in outages.rejected] == [(3, "(cell 4)")]


def test_a_span_across_a_change_of_a_zones_standard_offset_is_computed() -> None:
    # Kiritimati went from -10:40 to -10:00 in 1979 and skipped 31 Dec 1994 (to +14:00). On main
    # period edges drifted to 00:40 after 1979 and a 1970-2026 span raised IndexError.
    # Each month: 31 × 1,440 = 44,640 minutes, 120 down → 99.7312 % → below 99.9 % → 25 % of 1,000.
    zone = variant(EX, timezone="Pacific/Kiritimati", id="exchange-kiritimati")
    text = "start,end\n1970-01-02T00:00Z,1970-01-02T02:00Z\n2026-01-01T00:00Z,2026-01-01T02:00Z\n"
    results = slacalc.calculate(io.StringIO(text), zone, users=10, monthly_fee="1000")
    frame = results.to_frame()
    assert frame["period"].tolist() == ["1970-01", "2026-01"]
    assert frame["measured_minutes"].tolist() == [44640, 44640]
    assert frame["credit_amount"].tolist() == [Decimal("250.00"), Decimal("250.00")]
    december = parse_period("1994-12", "month", "Pacific/Kiritimati")
    assert december.seconds == 30 * 86_400  # 31 December 1994 never happened there
