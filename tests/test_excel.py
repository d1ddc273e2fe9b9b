"""The credit-claim workbook: layout, formulas, cached values, safety, and a real recalculation.

Every expected number is worked out by hand in the comment beside it. The slow tests open the
workbook in LibreOffice (headless), which recalculates every formula, and compare its figures
with the engine's; they also change a fee or a downtime figure in the file and check that the
credit moves exactly as the contract says, across tier boundaries.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.worksheet import Worksheet

import slacalc
from slacalc.errors import InputError, RowProblem
from slacalc.excel import _tables, _workbook, export_excel
from slacalc.excel._tables import boundary_integers
from slacalc.report.customer import Customer
from tests import spreadsheet
from tests.conftest import variant
from tests.spreadsheet import recalculate

NOW = dt.datetime(2026, 4, 15, 9, 0, tzinfo=dt.UTC)

SHEETS = [
    "Summary",
    "Claim letters",
    "Calculation",
    "Downtime counted",
    "Excluded time",
    "Outage windows",
    "Rejected rows",
    "Contract terms",
    "Credit tiers",
    "Assumptions",
]

# Exchange Online, 1,000 users, 8,000 USD a month. March 2026 has 31 days (44,640 minutes); the
# excluded maintenance window takes 30 of them out of the measured time, leaving 44,610 minutes
# = 2,676,600 seconds, 44,610,000 user-minutes. EX1: everyone for 60 minutes = 60,000
# user-minutes; EX2: 250 users for 240 minutes = 60,000; 120,000 in all. Availability =
# 44,490,000 / 44,610,000 × 100 = 99.7310020174848…: below 99.9, not below 99, so 25 % of 8,000
# = 2,000.00 USD, claimable until 30 April (15 days after 15 April). April: no downtime, 100 %.
OUTAGES = """id,start,end,affected_users,excluded
EX1,2026-03-03T10:00:00Z,2026-03-03T11:00:00Z,,
EX2,2026-03-10T08:00:00Z,2026-03-10T12:00:00Z,250,
MNT,2026-03-20T01:00:00Z,2026-03-20T01:30:00Z,,maintenance
"""
MARCH = {
    "measured_seconds": 2_676_600,
    "user_minutes": 44_610_000,
    "downtime_user_minutes": 120_000,
    "availability": 99.73100201748487,
    "exact_total": 2_676_600_000,  # user-seconds
    "exact_lost": 72_000_000_000,  # 120,000 user-minutes × 60 × 10,000
}


def exchange_results() -> slacalc.Results:
    outages = slacalc.read_outages(io.StringIO(OUTAGES))
    return slacalc.calculate(
        outages,
        "microsoft-365-exchange-online",
        users=1000,
        monthly_fee="8000",
        currency="USD",
        periods=["2026-03", "2026-04"],
    )


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("excel") / "claims.xlsx"
    assert export_excel(exchange_results(), path, now=NOW) is None
    return path


@pytest.fixture(scope="module")
def formulas(workbook_path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(workbook_path)


@pytest.fixture(scope="module")
def values(workbook_path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(workbook_path, data_only=True)


def header(ws: Worksheet, row: int) -> list[Any]:
    return [c.value for c in ws[row]]


def record(ws: Worksheet, header_row: int, row: int) -> dict[str, Any]:
    return dict(zip(header(ws, header_row), [c.value for c in ws[row]], strict=True))


# --------------------------------------------------------------------------------------------
# Layout, formulas and cached values (openpyxl only)
# --------------------------------------------------------------------------------------------


def test_sheet_names_say_what_they_hold(formulas: openpyxl.Workbook) -> None:
    assert formulas.sheetnames == SHEETS


def test_summary_shows_the_engines_figures_as_cached_values(values: openpyxl.Workbook) -> None:
    ws = values["Summary"]
    assert ws["A1"].value == "SLA credits: summary"
    # Totals: one currency, so the totals block is rows 4-5 and the table header row 7.
    assert header(ws, 7)[:16] == [
        "Tenant",
        "Service",
        "Contract",
        "Period",
        "Availability %",
        "Commitment %",
        "Breached",
        "Tier",
        "Credit % of fee",
        "Credit days",
        "Credit amount",
        "Currency",
        "Claim deadline",
        "Days left",
        "Status",
        "Incident ids",
    ]
    march, april = record(ws, 7, 8), record(ws, 7, 9)
    assert march["Period"] == "2026-03"
    assert march["Availability %"] == pytest.approx(MARCH["availability"], abs=1e-12)
    assert march["Commitment %"] == 99.9
    assert march["Breached"] == "yes"
    assert march["Tier"] == "< 99.9 % → 25 % of the fee"
    assert march["Credit % of fee"] == 25
    assert march["Credit days"] in ("", None)
    assert march["Credit amount"] == 2000
    assert march["Currency"] == "USD"
    assert march["Claim deadline"] == dt.datetime(2026, 4, 30)
    assert march["Days left"] == 15  # 30 April − 15 April
    assert march["Status"] == "claim open"
    assert march["Incident ids"] == "EX1, EX2"
    assert april["Availability %"] == 100
    assert april["Breached"] == "no"
    assert april["Credit amount"] == 0
    assert april["Status"] == "no credit due"
    assert april["Days left"] in ("", None)
    # Totals by currency, above the columns they add up.
    assert ws["A5"].value == "USD"
    assert ws["D5"].value == 2  # periods
    assert ws["G5"].value == 1  # breached
    assert ws["K5"].value == 2000  # credits
    assert ws["M5"].value == 2000  # still claimable
    assert ws["O5"].value == 0  # deadline passed


def test_summary_cells_are_live_links_and_formulas(formulas: openpyxl.Workbook) -> None:
    ws = formulas["Summary"]
    assert ws["E8"].value == "=Calculation!$T$2"  # availability
    assert ws["G8"].value == "=Calculation!$V$2"  # breached
    assert ws["K8"].value == "=Calculation!$AI$2"  # credit amount
    assert ws["K9"].value == "=Calculation!$AI$3"
    assert ws["N8"].value == '=IF(OR(G8<>"yes",M8=""),"",M8-TODAY())'
    assert ws["D5"].value == "=COUNTIF($L$8:$L$9,$A5)"
    assert ws["K5"].value == "=SUMIFS($K$8:$K$9,$L$8:$L$9,$A5)"
    assert ws["M5"].value == '=SUMIFS($K$8:$K$9,$L$8:$L$9,$A5,$O$8:$O$9,"claim open")'
    assert ws["B8"].data_type == "s"  # identity columns are plain text, not formulas


def test_calculation_redoes_the_arithmetic_in_formulas(formulas: openpyxl.Workbook) -> None:
    ws = formulas["Calculation"]
    row = record(ws, 1, 2)
    assert row["Measured minutes"] == "=L2/60"
    assert row["User-minutes"] == "=M2*N2"
    assert row["Measured, whole (seconds or user-seconds)"] == '=IF(E2="time",L2,L2*N2)'
    assert row["Downtime, whole (10,000ths of a second or user-second)"] == (
        '=IF(E2="time",ROUND(P2*60,0)*10000,ROUND(Q2*600000,0))'
    )
    assert row["Availability %"] == (
        '=IF(E2="time",IF(M2=0,100,(M2-P2)*100/M2),IF(O2=0,100,(O2-Q2)*100/O2))'
    )
    assert row["Tier no. (0 = none)"] == (
        # The lowest band (tier no. C) whose upper (I, J, K) and lower (N, O, P) bounds both hold,
        # among the tiers of the row's terms (AR).
        "=IF(R2=0,0,SUMPRODUCT(MAX(('Credit tiers'!$B$2:$B$4=AR2)*"
        "((S2*'Credit tiers'!$I$2:$I$4-R2*'Credit tiers'!$J$2:$J$4)>='Credit tiers'!$K$2:$K$4)*"
        "((R2*'Credit tiers'!$O$2:$O$4-S2*'Credit tiers'!$N$2:$N$4)>='Credit tiers'!$P$2:$P$4)*"
        "'Credit tiers'!$C$2:$C$4)))"
    )
    assert row["Credit amount"] == (
        '=IF(AG2="","",IF(AND(ISNUMBER(AB2),AJ2=AC2,'
        'ROUND(IF(Y2="days",AG2*AE2/I2,AG2*AD2/100),AH2)<=AB2),0,'
        'ROUND(IF(Y2="days",AG2*AE2/I2,AG2*AD2/100),AH2)))'
    )
    assert row["Cap: % of fee"] == (
        "=INDEX('Contract terms'!$B$15:$B$15,MATCH(AR2,'Contract terms'!$B$1:$B$1,0))"
    )
    # Each formula is written once per column, shared down the rows as Excel fills them down.
    assert ws["M3"].value == "=L3/60"
    assert ws["T3"].value == (
        '=IF(E3="time",IF(M3=0,100,(M3-P3)*100/M3),IF(O3=0,100,(O3-Q3)*100/O3))'
    )
    # The inputs a what-if changes are values, not formulas.
    for name in ("Measured seconds (after exclusions)", "Licensed users", "Monthly fee"):
        assert not str(row[name]).startswith("=")


def test_calculation_caches_the_engines_values(values: openpyxl.Workbook) -> None:
    ws = values["Calculation"]
    row = record(ws, 1, 2)
    assert row["Period"] == "2026-03"
    assert row["Method"] == "user_minutes"
    assert row["Period start (contract zone)"] == dt.datetime(2026, 3, 1)
    assert row["Period end (contract zone)"] == dt.datetime(2026, 4, 1)
    assert row["Days in period"] == 31
    assert row["Months in period"] == 1
    assert row["Excluded seconds (engine)"] == 1800  # the 30-minute maintenance row
    assert row["Measured seconds (after exclusions)"] == MARCH["measured_seconds"]
    assert row["Measured minutes"] == 44_610
    assert row["Licensed users"] == 1000
    assert row["User-minutes"] == MARCH["user_minutes"]
    assert row["Downtime minutes"] == 300  # 60 with everyone + 240 with 250 users
    assert row["Downtime user-minutes"] == MARCH["downtime_user_minutes"]
    assert row["Measured, whole (seconds or user-seconds)"] == MARCH["exact_total"]
    assert row["Downtime, whole (10,000ths of a second or user-second)"] == MARCH["exact_lost"]
    assert row["Availability %"] == pytest.approx(MARCH["availability"], abs=1e-12)
    assert row["Tier no. (0 = none)"] == 1
    assert row["Breached"] == "yes"
    assert row["Tier pays"] == 25
    assert row["Credit kind"] == "percent"
    assert row["Cap: % of fee"] == 100
    assert row["Cap: days"] == "none"
    assert row["Minimum credit"] == "none"
    assert row["Credit % of period fee"] == 25
    assert row["Credit days of service"] in ("", None)
    assert row["Monthly fee"] == 8000
    assert row["Period fee"] == 8000
    assert row["Minor-unit digits"] == 2
    assert row["Credit amount"] == 2000
    assert row["Engine: credit amount"] == 2000
    assert row["Engine: availability %"] == 99.7310020174  # floored to 10 places for display
    assert row["Check against engine"] == "matches engine"


def test_credit_tiers_hold_each_boundary_as_whole_numbers(values: openpyxl.Workbook) -> None:
    ws = values["Credit tiers"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    # Key, terms, no., operator, boundary, pays, unit, words, Scale, Allowed, Strict, then the
    # lower bound (none here: Scale, Allowed and Strict 0, so the lower test 0 >= 0 holds).
    assert [(r[0], r[3], r[4], r[5], r[8], r[9], r[10], r[12], tuple(r[13:])) for r in rows] == [
        ("microsoft-365-exchange-online#1", "<", 99.9, 25, 1, 10, 1, None, (0, 0, 0)),
        ("microsoft-365-exchange-online#2", "<", 99, 50, 1, 100, 1, None, (0, 0, 0)),
        ("microsoft-365-exchange-online#3", "<", 95, 100, 1, 500, 1, None, (0, 0, 0)),
    ]


@pytest.mark.parametrize(
    ("boundary", "expected"),
    [
        ("99.9", (1, 10)),  # (100 − 99.9) × 100 = 10
        ("99.99", (1, 1)),
        ("99.95", (1, 5)),
        ("99", (1, 100)),
        ("95", (1, 500)),
        ("99.90", (1, 10)),  # trailing zeros do not change the scale
        ("99.999", (10, 1)),  # (100 − 99.999) × 100 = 0.1, made whole by a scale of 10
        ("99.9995", (100, 5)),  # 0.05 × 100
        ("0", (1, 10_000)),
    ],
)
def test_boundary_integers(boundary: str, expected: tuple[int, int]) -> None:
    assert boundary_integers(Decimal(boundary)) == expected


def test_layout_a_person_expects(formulas: openpyxl.Workbook) -> None:
    summary, calc = formulas["Summary"], formulas["Calculation"]
    assert summary.freeze_panes == "E8"
    assert summary.auto_filter.ref == "A7:P9"
    assert calc.freeze_panes == "E2"
    assert calc.auto_filter.ref == "A1:AS3"
    for name in SHEETS:
        ws = formulas[name]
        widths = [d.width for d in ws.column_dimensions.values()]
        assert widths, name
        assert all(w and 6 <= w <= 110 for w in widths), (name, widths)
    assert summary["E8"].number_format.endswith('0.000000" %"')
    assert summary["K8"].number_format == "#,##0.00"
    assert summary["M8"].number_format == "yyyy-mm-dd"
    assert calc["F2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert calc["L2"].fill.fgColor.rgb.endswith("FFF2CC")  # an input: light yellow
    rules = [r.formula[0] for cf in summary.conditional_formatting for r in cf.rules]
    assert rules == ['$O8="deadline passed"', '$G8="yes"']
    assert formulas["Claim letters"].sheet_view.showGridLines is False
    assert formulas["Assumptions"].sheet_view.showGridLines is False
    assert (summary.row_dimensions[7].height or 0) >= 30  # the header wraps


def test_evidence_sheets(values: openpyxl.Workbook) -> None:
    down = values["Downtime counted"]
    assert header(down, 1) == [
        "Tenant",
        "Service",
        "Contract",
        "Period",
        "Start (UTC)",
        "End (UTC)",
        "Start (contract zone)",
        "End (contract zone)",
        "Time zone",
        "Minutes",
        "Peak affected users",
        "User-minutes lost",
        "Incident ids",
    ]
    first = record(down, 1, 2)
    assert first["Start (UTC)"] == dt.datetime(2026, 3, 3, 10, 0)
    assert first["End (UTC)"] == dt.datetime(2026, 3, 3, 11, 0)
    assert first["Minutes"] == 60
    assert first["Peak affected users"] == 1000
    assert first["User-minutes lost"] == 60_000
    assert first["Incident ids"] == "EX1"
    assert record(down, 1, 3)["User-minutes lost"] == 60_000  # 250 users × 240 minutes
    excluded = record(values["Excluded time"], 1, 2)
    assert excluded["Reason"] == "maintenance"
    assert excluded["Minutes"] == 30
    windows = values["Outage windows"]
    assert [c.value for c in windows["B"]][1:] == ["EX1", "EX2", "MNT"]
    assert record(windows, 1, 4)["Excluded because"] == "maintenance"
    assert values["Rejected rows"].max_row == 1  # the header only: nothing was rejected


def test_contract_terms_in_words_and_numbers(values: openpyxl.Workbook) -> None:
    ws = values["Contract terms"]
    terms = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert terms["Term"] == "microsoft-365-exchange-online"
    assert terms["Commitment (availability %)"] == 99.9
    assert terms["Credit tiers"] == (
        "< 99.9 % → 25 % of the fee\n< 99 % → 50 % of the fee\n< 95 % → 100 % of the fee"
    )
    assert terms["Cap: percent of the period fee"] == 100
    assert terms["Source address"].startswith("https://")
    assert terms["Terms version"]


def test_claim_letter_states_the_facts(values: openpyxl.Workbook) -> None:
    ws = values["Claim letters"]
    text = "\n".join(
        f"{ws.cell(r, 1).value}: {ws.cell(r, 2).value}" for r in range(1, ws.max_row + 1)
    )
    assert "Service credit claim: Exchange Online, 2026-03" in text
    assert "Incident ids: EX1, EX2" in text
    # Each window as reported, with its users; EX1 gives no count: all 1,000 users, assumed.
    assert (
        "Windows as reported: "
        "EX1: 2026-03-03 10:00:00 to 2026-03-03 11:00:00 UTC; no count given: assumed all "
        "1,000 users\n"
        "EX2: 2026-03-10 08:00:00 to 2026-03-10 12:00:00 UTC; 250 users\n"
    ) in text
    assert "Affected users: up to 1,000 of 1,000 licensed users at once" in text
    assert "120,000 downtime user-minutes of 44,610,000 user-minutes" in text
    assert "Availability: 99.731002 % against a commitment of 99.9 %" in text  # floored
    # en_US, the default locale: the dollar sign before the amount.
    assert "Credit requested: $2,000.00 (25 % of the fee for the period of $8,000.00)" in text
    assert "Claim deadline: 2026-04-30" in text
    assert "15 days left as of 2026-04-15" in text
    assert "Users assumed: 1 window(s) of this period gave no affected-user count" in text
    # No customer given: the letter names none rather than a placeholder.
    assert "Tenant:" not in text
    assert "(the subscription" not in text
    # The claim channel and the official address, from the contract file.
    assert "To: Microsoft: Microsoft 365 admin center, Support > New service request" in text
    assert (
        "https://www.microsoft.com/licensing/docs/view/Service-Level-Agreements-SLA-for-Online-"
        "Services" in text
    )
    assert "2026-04" not in text.split("Service credit claim")[-1].split("\n")[0]


def test_assumptions(values: openpyxl.Workbook) -> None:
    ws = values["Assumptions"]
    facts = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert facts["Made by"] == f"slacalc {slacalc.__version__}"
    assert facts["Created at"] == "2026-04-15 09:00:00 UTC"
    assert facts["Time zone assumed for input times without an offset"] == "UTC"
    assert "half-up" in facts["Rounding"]
    assert "largest count" in facts["Overlapping windows"]
    assert facts["Affected users"].endswith(
        "Here:\nrow 2: no affected-user count; all 1,000 licensed users assumed"
    )


def test_assumed_users_on_many_tenants_stay_within_one_cell(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from slacalc.excel import _letters

    monkeypatch.setattr(_letters, "MAX_ASSUMED_LINES", 2)
    customers = pd.DataFrame(
        {"tenant": ["a", "b", "c"], "contract": "microsoft-365-exchange-online", "users": 10}
    )
    outages = pd.DataFrame(
        {"tenant": ["a", "b", "c"], "start": "2026-03-03T10:00Z", "end": "2026-03-03T11:00Z"}
    )
    book = openpyxl.load_workbook(
        io.BytesIO(export_excel(slacalc.calculate(outages, customers=customers), now=NOW))
    )
    ws = book["Assumptions"]
    facts = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert facts["Affected users"].split("Here:\n")[1].splitlines() == [
        "tenant 'a', row 1: no affected-user count; all 10 licensed users assumed",  # a frame's
        "tenant 'b', row 2: no affected-user count; all 10 licensed users assumed",  # rows from 1
        "… and 1 more (the results' users_assumed column counts them per period)",
    ]


def test_bytes_buffer_and_path_give_the_same_workbook(workbook_path: Path) -> None:
    results = exchange_results()
    data = export_excel(results, now=NOW)
    assert isinstance(data, bytes)
    assert data.startswith(b"PK")
    buffer = io.BytesIO()
    assert export_excel(results, buffer, now=NOW) is None
    assert buffer.getvalue() == data == workbook_path.read_bytes()  # repeatable, given now


def test_a_failed_export_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: object) -> None:
        raise RuntimeError("the disk filled up halfway")

    monkeypatch.setattr("slacalc.excel._tables.calculation_cells", fail)
    with pytest.raises(RuntimeError, match="halfway"):
        export_excel(exchange_results(), tmp_path / "claims.xlsx", now=NOW)
    assert list(tmp_path.iterdir()) == []


def test_no_macros_no_external_links(workbook_path: Path) -> None:
    with zipfile.ZipFile(workbook_path) as package:
        names = package.namelist()
        assert names[0] == "[Content_Types].xml"
        assert not [n for n in names if "vba" in n.lower() or "externalLink" in n]
        types = package.read("[Content_Types].xml").decode()
        assert "macroEnabled" not in types
        rels = "".join(package.read(n).decode() for n in names if n.endswith(".rels"))
        assert 'TargetMode="External"' not in rels
        workbook = package.read("xl/workbook.xml").decode()
        assert 'fullCalcOnLoad="1"' in workbook


def test_chunks_join_into_one_table(monkeypatch: pytest.MonkeyPatch) -> None:
    results = exchange_results()
    whole = export_excel(results, now=NOW)
    monkeypatch.setattr(_tables, "CHUNK", 1)
    assert export_excel(results, now=NOW) == whole


def test_evidence_longer_than_a_sheet_continues_on_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_workbook, "_SHEET_ROWS", 2)  # Excel's is 1,048,575
    data = export_excel(exchange_results(), now=NOW)
    assert data is not None
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [*SHEETS[:6], "Outage windows (2)", *SHEETS[6:]]
    assert [c.value for c in wb["Outage windows"]["B"]] == ["Incident id", "EX1", "EX2"]
    assert [c.value for c in wb["Outage windows (2)"]["B"]] == ["Incident id", "MNT"]


def test_too_many_result_rows_for_one_sheet_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_workbook, "MAX_ROWS", 8)  # the header is row 7, so one row fits
    with pytest.raises(slacalc.SlacalcError, match="2 result rows do not fit in one Excel sheet"):
        export_excel(exchange_results(), now=NOW)


def test_times_in_the_contracts_zone_with_daylight_saving() -> None:
    # Exchange Online read in Los Angeles: March 2026 runs from 1 March 08:00 UTC to 1 April
    # 07:00 UTC, 44,580 minutes (the clocks go forward on 8 March). A window from 31 March 22:00
    # to 1 April 02:00 PDT (UTC−7) is split at local midnight: 2 hours in each month.
    la = variant("microsoft-365-exchange-online", timezone="America/Los_Angeles")
    outages = io.StringIO("id,start,end\nLA1,2026-03-31T22:00:00-07:00,2026-04-01T02:00:00-07:00\n")
    data = export_excel(slacalc.calculate(outages, la, users=100, monthly_fee="100"), now=NOW)
    assert data is not None
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    march = record(wb["Calculation"], 1, 2)
    assert march["Period start (contract zone)"] == dt.datetime(2026, 3, 1)
    assert march["Period end (contract zone)"] == dt.datetime(2026, 4, 1)
    assert march["Time zone"] == "America/Los_Angeles"
    assert march["Days in period"] == 31
    assert march["Measured seconds (after exclusions)"] == 44_580 * 60
    window = record(wb["Downtime counted"], 1, 2)
    assert window["Start (UTC)"] == dt.datetime(2026, 4, 1, 5, 0)
    assert window["End (UTC)"] == dt.datetime(2026, 4, 1, 7, 0)
    assert window["Start (contract zone)"] == dt.datetime(2026, 3, 31, 22, 0)
    assert window["End (contract zone)"] == dt.datetime(2026, 4, 1, 0, 0)
    letters = [c.value for c in wb["Claim letters"]["B"] if c.value]
    # The window as reported, in UTC and in the contract's zone, in both months' letters.
    window = (
        "LA1: 2026-04-01 05:00:00 to 2026-04-01 09:00:00 UTC (2026-03-31 22:00:00 to "
        "2026-04-01 02:00:00 America/Los_Angeles) (counted within the period only); "
        "no count given: assumed all 100 users"
    )
    assert letters.count(window) == 2


def test_no_periods_at_all() -> None:
    outages = slacalc.read_outages(io.StringIO("start,end\n"))
    results = slacalc.calculate(outages, "google-workspace", users=10, periods=["2026-02"])
    data = export_excel(results, now=NOW)
    assert data is not None
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    row = record(wb["Summary"], 7, 8)
    assert row["Availability %"] == 100
    assert row["Credit days"] == 0
    assert row["Credit amount"] in ("", None)  # no fee given
    assert wb["Claim letters"]["A1"].value == (
        "No period breached its SLA: there is no credit to claim."
    )


# --------------------------------------------------------------------------------------------
# Formula injection
# --------------------------------------------------------------------------------------------

PAYLOADS = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2",
    "@SUM(A1)",
    "\tcmd",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]


def hostile_results() -> slacalc.Results:
    """The Exchange results with input text replaced by formula-like text everywhere it shows."""
    r = exchange_results()
    table = r.table.copy()
    table["tenant"] = PAYLOADS[0]
    table["incident_ids"] = [tuple(PAYLOADS), tuple(PAYLOADS[1:3])]
    evidence = r.evidence.copy()
    evidence["tenant"] = PAYLOADS[0]
    evidence["incident_ids"] = [tuple(PAYLOADS[:2])] * len(evidence)
    exclusions = r.exclusions.copy()
    exclusions["tenant"] = PAYLOADS[0]
    exclusions["reason"] = PAYLOADS[3]
    frame = r.outages.frame.copy()
    frame["id"] = PAYLOADS[: len(frame)]
    frame["cohort"] = PAYLOADS[4]
    frame["excluded"] = frame["excluded"].where(frame["excluded"] == "", PAYLOADS[6])
    outages = dataclasses.replace(r.outages, frame=frame)
    rejected = (RowProblem(7, PAYLOADS[2], PAYLOADS[0], PAYLOADS[5]),)
    return slacalc.Results(
        table=table,
        evidence=evidence,
        exclusions=exclusions,
        rejected=rejected,
        contracts=r.contracts,
        outages=outages,
        customers=r.customers,
    )


def test_input_text_never_becomes_a_formula() -> None:
    data = export_excel(hostile_results(), now=NOW)
    assert data is not None
    wb = openpyxl.load_workbook(io.BytesIO(data))
    seen = set()
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if cell.data_type == "f":
                    for marker in ("HYPERLINK", "1+1", "SUM(A1)", "cmd"):
                        assert marker not in str(value), (ws.title, cell.coordinate, value)
                    continue
                if isinstance(value, str):
                    hits = [p for p in PAYLOADS if p.replace("\r", "\n").strip() in value]
                    seen.update(hits)
                    if hits and value.startswith(("=", "+", "-", "@", "\t", "\r", "\n")):
                        assert cell.quotePrefix, (ws.title, cell.coordinate, value)
    assert seen == set(PAYLOADS)  # every payload was written, as text
    summary = wb["Summary"]
    assert summary["A8"].value == PAYLOADS[0]
    assert summary["A8"].data_type == "s"
    assert summary["A8"].quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/"):
                xml = package.read(name).decode()
                for formula in re.findall(r"<f>(.*?)</f>", xml):
                    assert "HYPERLINK" not in formula
                    assert "cmd" not in formula


def test_every_part_is_well_formed_xml() -> None:
    data = export_excel(hostile_results(), now=NOW)
    assert data is not None
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(package.read(name))  # raises if not well formed


def test_a_naive_now_is_utc() -> None:
    results = exchange_results()
    naive = export_excel(results, now=NOW.replace(tzinfo=None))
    assert naive == export_excel(results, now=NOW)


def test_control_characters_are_replaced_not_fatal() -> None:
    r = exchange_results()
    table = r.table.copy()
    # (object dtype: pandas' Arrow strings cannot hold a lone surrogate at all)
    table["tenant"] = pd.Series(["bad\x01name\ud800"] * len(table), dtype=object)
    results = slacalc.Results(
        table=table,
        evidence=r.evidence,
        exclusions=r.exclusions,
        rejected=r.rejected,
        contracts=r.contracts,
        outages=r.outages,
        customers=r.customers,
    )
    data = export_excel(results, now=NOW)
    assert data is not None
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb["Summary"]["A8"].value == "bad\ufffdname\ufffd"


# --------------------------------------------------------------------------------------------
# Recalculated by a real spreadsheet program
# --------------------------------------------------------------------------------------------

# A portfolio whose tenants sit on tier boundaries. Exchange Online: 1,000 users, March 2026 =
# 44,640,000 user-minutes, so 0.1 % = 44,640 user-minutes (744 users for 60 minutes) gives
# exactly 99.9 %, which is not below 99.9 %: no credit. "thin" has 55 users: 2,455,200
# user-minutes, 0.1 % = 2,455.2 user-minutes = 2 users for 73,656 seconds; in doubles,
# (2,455,200 − 2,455.2) / 2,455,200 × 100 = 99.89999999999999, which a naive formula would
# call below 99.9. GitHub (quarter, time, "≤ 99.9"): Q1 2026 = 90 days = 7,776,000 seconds; 0.1 %
# = 7,776 seconds gives exactly 99.9 %, which is ≤ 99.9 %: 10 % of 3 × 2,100 = 630.00 USD.
CUSTOMERS = pd.DataFrame(
    {
        "tenant": ["t1", "t2", "t3", "t4", "t5", "thin", "g1", "g2", "gw", "slack", "aws", "az"],
        "contract": ["microsoft-365-exchange-online"] * 5
        + [
            "microsoft-365-exchange-online",
            "github-enterprise-cloud",
            "github-enterprise-cloud",
            "google-workspace",
            "slack-business-plus",
            "aws-ec2-region",
            "azure-virtual-machines-zones",
        ],
        "users": [1000] * 5 + [55, 80, 80, 250, 40, 1, 1],
        "monthly_fee": ["8000"] * 5 + ["440", "2100", "2100", "1234.57", "999.99", "5", "10000"],
        "currency": ["USD"] * 8 + ["EUR", "USD", "USD", "JPY"],
    }
)
PORTFOLIO = """tenant,id,start,end,affected_users,affected_percent
t1,A1,2026-03-03T10:00:00Z,2026-03-03T11:00:00Z,744,
t2,A2,2026-03-03T10:00:00Z,2026-03-03T11:00:00Z,744,
t3,A3,2026-03-03T10:00:00Z,2026-03-03T11:00:00Z,744,
t4,A4,2026-03-03T10:00:00Z,2026-03-03T11:00:00Z,744,
t5,A5,2026-03-03T10:00:00Z,2026-03-03T11:00:00Z,744,
thin,B1,2026-03-03T00:00:00Z,2026-03-03T20:27:36Z,2,
g1,C1,2026-02-10T00:00:00Z,2026-02-10T02:09:36Z,,
g2,C2,2026-02-10T00:00:00Z,2026-02-10T02:09:36Z,,
gw,D1,2026-03-05T08:00:00Z,2026-03-05T09:00:00Z,,50
slack,E1,2026-01-05T00:00:00Z,2026-01-05T05:00:00Z,,
aws,F1,2026-03-01T00:00:00Z,2026-03-01T00:30:00Z,,
az,G1,2026-03-01T00:00:00Z,2026-03-01T00:30:00Z,,
"""


def portfolio() -> slacalc.Results:
    return slacalc.calculate(io.StringIO(PORTFOLIO), customers=CUSTOMERS)


def rows_by_tenant(ws: Worksheet, header_row: int) -> dict[str, dict[str, Any]]:
    return {
        record(ws, header_row, r)["Tenant"]: record(ws, header_row, r)
        for r in range(header_row + 1, ws.max_row + 1)
    }


def test_the_portfolio_sits_on_the_boundaries() -> None:
    table = portfolio().table.set_index("tenant")
    assert table.loc["t1", "availability_percent"] == Decimal("99.9")
    assert table.loc["t1", "credit_amount"] == Decimal("0.00")
    assert table.loc["thin", "availability_percent"] == Decimal("99.9")
    assert table.loc["thin", "credit_amount"] == Decimal("0.00")
    assert (2_455_200 - 2_455.2) / 2_455_200 * 100 < 99.9  # the trap a naive formula falls in
    assert table.loc["g1", "availability_percent"] == Decimal("99.9")
    assert table.loc["g1", "credit_amount"] == Decimal("630.00")


@pytest.fixture(scope="module")
def portfolio_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    path = tmp_path_factory.mktemp("portfolio") / "portfolio.xlsx"
    export_excel(portfolio(), path, now=dt.datetime.now(dt.UTC))
    return path, recalculate(path)


@pytest.mark.slow
def test_libreoffice_recalculates_the_engines_figures(portfolio_files: tuple[Path, Path]) -> None:
    written, recalculated = portfolio_files
    engine = portfolio().table.set_index("tenant")
    calc = rows_by_tenant(openpyxl.load_workbook(recalculated, data_only=True)["Calculation"], 1)
    assert set(calc) == set(engine.index)
    for tenant, row in calc.items():
        expected = engine.loc[tenant]
        assert row["Check against engine"] == "matches engine", tenant
        # The engine shows availability floored to 10 places; the spreadsheet computes a double.
        shown = Decimal(expected["availability_percent"])
        assert Decimal(repr(row["Availability %"])) - shown < Decimal("1e-10"), tenant
        assert Decimal(repr(row["Availability %"])) - shown > Decimal("-1e-12"), tenant
        assert (row["Tier"] or "") == expected["tier"], tenant
        amount = Decimal(repr(row["Credit amount"])).quantize(Decimal("0.01"))
        digits = Decimal(1).scaleb(-len(str(expected["credit_amount"]).partition(".")[2]))
        assert amount.quantize(digits) == expected["credit_amount"], tenant

    assert formulas_match_the_cache(written, recalculated) > 300


def formulas_match_the_cache(
    written: Path, recalculated: Path, totals_sheet: str | None = "Summary"
) -> int:
    """Assert every formula cell LibreOffice computed equals the value the workbook cached, except
    the ones that count from TODAY(), which LibreOffice counts from its own today (and the
    ``totals_sheet``'s claimable and lapsed totals); return how many cells were compared."""
    cached = openpyxl.load_workbook(written, data_only=True)
    live = openpyxl.load_workbook(recalculated, data_only=True)
    text = openpyxl.load_workbook(written)
    totals_end = _summary_header(text[totals_sheet]) if totals_sheet else 0
    compared = 0
    for ws in text:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type != "f" or "TODAY" in str(cell.value):
                    continue
                if ws.title == totals_sheet and cell.row < totals_end and cell.column in (13, 15):
                    continue  # still claimable / lapsed totals depend on today
                want = cached[ws.title][cell.coordinate].value
                got = live[ws.title][cell.coordinate].value
                compared += 1
                if isinstance(want, float | int) and isinstance(got, float | int):
                    assert got == pytest.approx(want, rel=1e-12, abs=1e-9), cell.coordinate
                else:
                    assert (got or "") == (want or ""), (ws.title, cell.coordinate, got, want)
    return compared


# Two-sided bands and dated texts. GitHub, Q1 2026 = 7,776,000 seconds: 1 % = 77,760 seconds =
# 21 h 36 min gives exactly 99.0 %, in neither band ("<= 99.9 and > 99", "< 99"): no credit; one
# second more is below 99.0 %: 25 % of 3 × 2,100 = 1,575.00 USD. Teams Phone, 100 users down 10
# minutes: November 2021 (43,200 minutes) is (43,200 − 10) / 43,200 = 99.9769 %, above the text
# of then (99.9 %): nothing; December 2021 (44,640 minutes) is 99.9776 %, below the new 99.99 %:
# 10 % of 1,000.00 = 100.00 USD.
BANDS_CUSTOMERS = pd.DataFrame(
    {
        "tenant": ["gh-at", "gh-below", "phone"],
        "contract": ["github-enterprise-cloud"] * 2 + ["microsoft-teams-phone"],
        "users": [80, 80, 100],
        "monthly_fee": ["2100", "2100", "1000"],
        "currency": ["USD"] * 3,
    }
)
BANDS = """tenant,id,start,end
gh-at,H1,2026-02-11T00:00:00Z,2026-02-11T21:36:00Z
gh-below,H2,2026-02-11T00:00:00Z,2026-02-11T21:36:01Z
phone,P1,2021-11-10T10:00:00Z,2021-11-10T10:10:00Z
phone,P2,2021-12-10T10:00:00Z,2021-12-10T10:10:00Z
"""


def bands() -> slacalc.Results:
    return slacalc.calculate(io.StringIO(BANDS), customers=BANDS_CUSTOMERS)


def test_the_bands_sit_where_the_texts_say() -> None:
    table = bands().table
    got = {
        (t, p): (a, c, v)
        for t, p, a, c, v in table[
            ["tenant", "period", "availability_percent", "credit_amount", "terms_version"]
        ].itertuples(index=False)
    }
    assert got[("gh-at", "2026-Q1")][:2] == (Decimal("99"), Decimal(0))
    assert got[("gh-below", "2026-Q1")][1] == Decimal("1575")
    assert got[("phone", "2021-11")][1] == Decimal(0)
    assert got[("phone", "2021-12")][1] == Decimal("100")
    assert got[("phone", "2021-11")][2] != got[("phone", "2021-12")][2]


def test_tiers_and_terms_of_each_dated_text(tmp_path: Path) -> None:
    path = tmp_path / "bands.xlsx"
    export_excel(bands(), path, now=NOW)
    wb = openpyxl.load_workbook(path, data_only=True)
    calc = {
        (r["Tenant"], r["Period"]): r
        for r in (record(wb["Calculation"], 1, i) for i in range(2, wb["Calculation"].max_row + 1))
    }
    assert calc[("phone", "2021-11")]["Terms in force (dated text)"] == (
        "microsoft-teams-phone before 2021-12-01"
    )
    assert calc[("phone", "2021-12")]["Terms in force (dated text)"] == "microsoft-teams-phone"
    tiers = [[c.value for c in r] for r in wb["Credit tiers"].iter_rows(min_row=2)]
    # GitHub's first band: "<= 99.9" (Allowed 10, not strict) and "> 99" (Allowed 100, strict).
    assert tiers[0][:5] == ["github-enterprise-cloud#1", "github-enterprise-cloud", 1, "<=", 99.9]
    assert tiers[0][8:] == [1, 10, 0, ">", 99, 1, 100, 1]
    keys = [t[0] for t in tiers]
    assert "microsoft-teams-phone#1" in keys
    assert "microsoft-teams-phone before 2021-12-01#1" in keys
    terms = wb["Contract terms"]
    heads = [c.value for c in terms[1]]
    assert heads[1:] == [
        "github-enterprise-cloud",
        "microsoft-teams-phone",
        "microsoft-teams-phone before 2021-12-01",
    ]
    commitment = _tables.TERMS_ROW["commitment"]
    assert [terms.cell(commitment, j).value for j in (3, 4)] == [99.99, 99.9]


@pytest.mark.slow
def test_libreoffice_follows_both_bounds_and_the_dated_texts(tmp_path: Path) -> None:
    path = tmp_path / "bands.xlsx"
    export_excel(bands(), path, now=dt.datetime.now(dt.UTC))
    recalculated = recalculate(path)
    wb = openpyxl.load_workbook(recalculated, data_only=True)
    calc = {
        (r["Tenant"], r["Period"]): r
        for r in (record(wb["Calculation"], 1, i) for i in range(2, wb["Calculation"].max_row + 1))
    }

    def credit(tenant: str, period: str) -> tuple[object, object, object]:
        row = calc[(tenant, period)]
        return (
            row["Tier no. (0 = none)"],
            row["Credit % of period fee"],
            round(row["Credit amount"], 2),
        )

    assert credit("gh-at", "2026-Q1") == (0, 0, 0)  # exactly 99.0 %: in neither band
    assert credit("gh-below", "2026-Q1") == (2, 25, 1575)  # one second more: below 99.0 %
    assert credit("phone", "2021-11") == (0, 0, 0)  # 99.9769 % against the old 99.9 %
    assert credit("phone", "2021-12") == (1, 10, 100)  # 99.9776 % against the new 99.99 %
    assert all(r["Check against engine"] == "matches engine" for r in calc.values())
    assert formulas_match_the_cache(path, recalculated) > 100


@pytest.fixture(scope="module")
def edited(portfolio_files: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The portfolio workbook with fees and downtime changed in the file, then recalculated."""
    written, _ = portfolio_files
    wb = openpyxl.load_workbook(written)
    ws = wb["Calculation"]
    heads = header(ws, 1)
    col = {name: heads.index(name) + 1 for name in heads}
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}

    def put(tenant: str, name: str, value: object) -> None:
        ws.cell(rows[tenant], col[name]).value = value

    put("t2", "Downtime user-minutes", 44_641)
    put("t3", "Downtime user-minutes", 44_641)
    put("t3", "Monthly fee", 12_000)
    put("t4", "Downtime user-minutes", 446_400)
    put("t4", "Monthly fee", 12_000)
    put("t5", "Downtime user-minutes", 446_401)
    put("t5", "Monthly fee", 12_000)
    put("g2", "Downtime minutes", 129.6 - 1 / 60)  # 7,775 seconds
    path = tmp_path_factory.mktemp("edited") / "edited.xlsx"
    wb.save(path)
    return recalculate(path)


@pytest.mark.slow
def test_changing_downtime_or_fee_moves_the_credit_as_the_contract_says(edited: Path) -> None:
    wb = openpyxl.load_workbook(edited, data_only=True)
    calc = rows_by_tenant(wb["Calculation"], 1)

    def credit(tenant: str) -> tuple[object, object]:
        row = calc[tenant]
        return row["Tier"] or "", round(row["Credit amount"], 2)

    # 44,640 user-minutes: exactly 99.9 %, not below it.
    assert credit("t1") == ("", 0)
    # 44,641: 99.8999977… %, below 99.9: 25 % of 8,000.
    assert credit("t2") == ("< 99.9 % → 25 % of the fee", 2000)
    # The same, on a fee of 12,000: 3,000.
    assert credit("t3") == ("< 99.9 % → 25 % of the fee", 3000)
    # 446,400 user-minutes: exactly 99 %, not below 99: still 25 %.
    assert credit("t4") == ("< 99.9 % → 25 % of the fee", 3000)
    # 446,401: below 99 %: 50 % of 12,000.
    assert credit("t5") == ("< 99 % → 50 % of the fee", 6000)
    # 55 users at exactly 99.9 %: no credit, although doubles put the quotient below 99.9.
    assert credit("thin") == ("", 0)
    # GitHub "≤ 99.9 %": exactly 99.9 % pays 10 % of 6,300; one second less downtime pays nothing.
    assert credit("g1") == ("<= 99.9 % and > 99 % → 10 % of the fee", 630)
    assert credit("g2") == ("", 0)
    assert calc["t5"]["Check against engine"] == "differs from engine"
    assert calc["t1"]["Check against engine"] == "matches engine"
    # The Summary follows the Calculation.
    summary = rows_by_tenant(wb["Summary"], _summary_header(wb["Summary"]))
    assert round(summary["t5"]["Credit amount"], 2) == 6000
    assert summary["t5"]["Breached"] == "yes"
    assert summary["t1"]["Breached"] == "no"


def test_recalculate_skips_without_libreoffice_but_fails_under_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(spreadsheet.shutil, "which", lambda _: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        recalculate(tmp_path / "x.xlsx")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        recalculate(tmp_path / "x.xlsx")


def _summary_header(ws: Worksheet) -> int:
    return next(r for r in range(1, 30) if ws.cell(r, 1).value == "Tenant")


def test_row_templates_write_what_cell_by_cell_encoding_writes() -> None:
    """The fast path (a row template per set of cells present) gives the careful path's bytes.

    Every column here mixes what sends a chunk to one path or the other: blanks, text to escape,
    text that needs a quote prefix or kept spaces, Decimals with and without an exponent,
    per-row styles, and formulas with cached text, numbers and blanks.
    """
    from slacalc.excel import _xml

    styles = {"text": 1, "text!q": 2, "int": 3, "int!q": 4, "money": 5, "money!q": 6}
    styles |= {"header": 7, "header!q": 8}
    values: dict[str, list[Any]] = {
        "plain": ["a", "b", "a", "c", "a", "b"],
        "blanks": ["x", "", None, "y", "", "x"],
        "escape": ["<b>", "a & b", "ok", "", "\u00e9t\u00e9", "\ud800 \x01"],
        "risky": ["=1+1", "ok", " lead", "trail ", "@x", "-2"],
        "numbers": [1, 2.5, None, 0.1, -0.0, 10**20],
        "decimals": [Decimal("1.50"), Decimal("1E+2"), Decimal("0.00"), 3, 2.25, None],
        "money": [Decimal("1"), Decimal("2.5"), Decimal("0"), Decimal("4"), None, Decimal("6")],
        "money:style": ["money", "int", "money", "money", "int", "money"],
        "own_row": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        "linked": ["yes", "no", "", "yes", "no", "yes"],
        "mixed": [1, "", "no", None, Decimal("2"), "a&b"],
    }
    columns = (
        _xml.Column("plain", "Plain", "text", "text"),
        _xml.Column("blanks", "Blanks", "text", "text"),
        _xml.Column("escape", "Escape", "text", "text"),
        _xml.Column("risky", "Risky", "text", "text"),
        _xml.Column("numbers", "Numbers", "number", "int"),
        _xml.Column("decimals", "Decimals", "number", "int"),
        _xml.Column("money", "Money", "number", "money"),
        _xml.Column("own_row", "Own row", "formula", "int", formula="{numbers}*2"),
        _xml.Column("linked", "Linked", "formula", "text", formula="Other!$A${r2}"),
        _xml.Column("mixed", "Mixed", "formula", "int", formula="{plain}&{r}"),
    )
    table = _xml.Table(columns=columns, rows=6, chunks=lambda: iter([values]), offset=3)
    fast = "".join(_xml.table_rows(table, styles))

    letters = {c.name: _xml.column_letter(i) for i, c in enumerate(columns)}
    shared = iter(range(len(columns)))  # shared-formula ids in column order, as Excel numbers
    careful = [
        _xml._Encoder(
            letters[c.name],
            c,
            letters,
            styles,
            3,
            (2, 7),
            next(shared) if c.kind == "formula" and "{r2}" not in c.formula else -1,
        )
        for c in columns
    ]
    rows = range(2, 8)
    cells = [
        e.encode(rows, values[e.column.name], values.get(f"{e.column.name}:style")) for e in careful
    ]
    header = next(iter(_xml.table_rows(table, styles)))
    expected = header + "".join(
        f'<row r="{r}">{"".join(row)}</row>'
        for r, row in zip(rows, zip(*cells, strict=True), strict=True)
    )
    assert fast == expected
    ElementTree.fromstring(f"<sheetData>{fast}</sheetData>")  # well-formed


# --------------------------------------------------------------------------------------------
# A claim ready to send: the customer, the official address, the channel, the windows, print
# --------------------------------------------------------------------------------------------

EXAMPLE = Path(slacalc.__file__).parent / "app" / "examples" / "exchange-online-2026-03.csv"
CONTOSO = Customer(
    tenant="contoso.onmicrosoft.com",
    account_id="1234-5678",
    organisation="Contoso GmbH",
    contact="it@contoso.example",
)


def letter_text(wb: openpyxl.Workbook) -> str:
    ws = wb["Claim letters"]
    return "\n".join(
        f"{ws.cell(r, 1).value}: {ws.cell(r, 2).value}" for r in range(1, ws.max_row + 1)
    )


@pytest.fixture(scope="module")
def example_letters() -> str:
    outages = slacalc.read_outages(EXAMPLE)
    results = slacalc.calculate(
        outages, "microsoft-365-exchange-online", users=200, monthly_fee="1234.50", currency="EUR"
    )
    data = export_excel(results, now=NOW, customer=CONTOSO, locale="de_DE")
    assert data is not None
    return letter_text(openpyxl.load_workbook(io.BytesIO(data))).split("Service credit claim")[1]


def test_letter_names_the_customer(example_letters: str) -> None:
    assert example_letters.startswith(": Exchange Online, 2026-03, Contoso GmbH")
    assert "Customer: Contoso GmbH\nTenant: contoso.onmicrosoft.com\n" in example_letters
    assert "Account id: 1234-5678\nContact: it@contoso.example\n" in example_letters


def test_letter_gives_the_claim_channel_and_the_official_address(example_letters: str) -> None:
    assert example_letters.count("To: Microsoft: Microsoft 365 admin center") == 1
    assert "The claim must hold: Service request in the Microsoft 365 admin center" in (
        example_letters
    )
    # The provider's own SLA address; the copies used to check terms stay in the contract.
    assert "; https://www.microsoft.com/licensing/docs/view/" in example_letters
    assert "lawinsider" not in example_letters
    assert "technet" not in example_letters


def test_letter_lists_each_reported_window_with_its_users(example_letters: str) -> None:
    # The bundled example's March: seven counted rows (the customer-excluded one is not a
    # window), each on its own line as reported. EX1268771's 29-day window stays one line with
    # its own times, marked as counted within March only; not merged with the others.
    lines = example_letters.split("Windows as reported: ")[1].split("\nAffected users:")[0]
    assert lines.split("\n") == [
        "EX1268771, Outlook Mobile: 2026-03-17 14:00:00 to 2026-04-15 23:00:00 UTC "
        "(counted within the period only); 15 users",
        "EX1268771, Outlook Mobile: 2026-03-17 14:30:00 to 2026-03-17 18:30:00 UTC; 100 users",
        "EX1256020, Outlook Mobile: 2026-03-19 09:00:00 to 2026-03-19 17:00:00 UTC; 50 users",
        "EX1256020, Outlook for Mac: 2026-03-19 09:00:00 to 2026-03-19 13:00:00 UTC; 40 users",
        "EX1256020, Outlook Mobile: 2026-03-20 08:40:00 to 2026-03-20 12:40:00 UTC; 80 users",
        "EX1256020, Outlook Mobile: 2026-03-20 10:40:00 to 2026-03-20 14:40:00 UTC; 30 users",
        "EX1256020, Outlook for Mac: 2026-03-24 13:00:00 to 2026-03-24 17:00:00 UTC; 40 users",
    ]
    # At 14:30 on 17 March: 100 Outlook Mobile users (the larger of 15 and 100), none on Mac.
    assert "Affected users: up to 100 of 200 licensed users at once" in example_letters
    assert "Users assumed: none: every window gave a count or a percent." in example_letters


def test_letter_amounts_in_the_customers_locale(example_letters: str) -> None:
    # March: 44,640 minutes less the excluded hour = 44,580 measured; × 200 users = 8,916,000
    # user-minutes. Outlook Mobile: 15 users × 20,700 min (17 Mar 14:00 to 1 Apr less the
    # excluded hour) = 310,500, plus the excess over 15 of the larger windows: 85 × 240 =
    # 20,400, 35 × 480 = 16,800, 65 × 240 = 15,600 and 15 × 120 = 1,800 (30 users after 12:40
    # on 20 March); Outlook for Mac: 40 × 240 twice = 19,200. Lost: 384,300 user-minutes, so
    # 8,531,700 / 8,916,000 = 95.69 %: below 99, not below 95 → 50 % of 1,234.50 = 617.25 EUR,
    # written the German way.
    assert "384,300 downtime user-minutes of 8,916,000 user-minutes" in example_letters
    assert "Credit requested: 617,25\xa0€ (50 % of the fee for the period of 1.234,50\xa0€)" in (
        example_letters
    )


def test_an_unknown_locale_is_refused() -> None:
    with pytest.raises(InputError, match="locale: 'xx_YY'"):
        export_excel(exchange_results(), now=NOW, locale="xx_YY")


def test_every_bundled_contract_gives_the_letter_an_address_and_a_channel() -> None:
    for cid in slacalc.list_contracts(unverified=True):
        contract = slacalc.load_contract(cid)
        assert contract.sla_url, cid
        assert contract.sla_url.startswith("https://"), cid
        assert contract.claim.channel, cid


def test_summary_and_letters_print_landscape_one_page_wide(formulas: openpyxl.Workbook) -> None:
    summary, letters = formulas["Summary"], formulas["Claim letters"]
    # The Summary's table: header on row 7, March and April on rows 8-9, columns A to P.
    assert summary.print_area == "'Summary'!$A$1:$P$9"
    assert letters.print_area.startswith("'Claim letters'!$A$1:$B$")
    for ws in (summary, letters):
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    # One letter a page: a break after the letter.
    assert [b.id for b in letters.row_breaks.brk] != []


def test_the_command_line_names_the_customer(tmp_path: Path) -> None:
    from slacalc.cli import main

    target = tmp_path / "claims.xlsx"
    argv = ["calculate", str(EXAMPLE), "--contract", "microsoft-365-exchange-online"]
    argv += ["--users", "200", "--fee", "1234.50", "--currency", "EUR", "--output", str(target)]
    argv += ["--tenant", "contoso.onmicrosoft.com", "--customer-name", "Contoso GmbH"]
    assert main(argv) == 0
    text = letter_text(openpyxl.load_workbook(target))
    assert "Customer: Contoso GmbH\nTenant: contoso.onmicrosoft.com\n" in text


def test_a_feeds_words_reach_the_evidence_and_the_letter(tmp_path: Path) -> None:
    from slacalc.cli import main

    # Microsoft Graph's record of EX226792 (tests/data/feeds): 21:00 on 13 November 2020 to
    # 17:15 on the 14th, 1,215 minutes, no share given: all 5,000 users assumed.
    feed = Path(__file__).parent / "data" / "feeds" / "graph-issues.json"
    target = tmp_path / "claims.xlsx"
    argv = ["calculate", str(feed), "--contract", "microsoft-365-exchange-online"]
    argv += ["--users", "5000", "--fee", "20000", "--output", str(target)]
    assert main(argv) == 0
    wb = openpyxl.load_workbook(target)
    windows = record(wb["Outage windows"], 1, 2)
    title = (
        "Limited number of users unable to send or receive email through the Exchange Online "
        "service"
    )
    assert windows["The feed's words"].startswith(f"{title}\nclassification Incident")
    assert "User Impact: Users may be unable" in windows["The feed's words"]
    assert (
        "EX226792: 2020-11-13 21:00:00 to 2020-11-14 17:15:00 UTC; no count given: assumed all "
        f"5,000 users; the provider's words: \u201c{title}\u201d"
    ) in letter_text(wb)


def test_a_table_has_no_feed_words_column(values: openpyxl.Workbook) -> None:
    assert "The feed's words" not in header(values["Outage windows"], 1)


def test_letter_amounts_keep_each_currencys_minor_unit() -> None:
    from slacalc.excel._letters import money_text

    # CLDR: no minor unit for the yen, three digits for the Kuwaiti dinar, two for the euro.
    assert money_text(Decimal("1000"), "JPY") == "¥1,000"
    assert money_text(Decimal("1.235"), "KWD", "en_US") == "KWD1.235"
    assert money_text(Decimal("1234.5"), "EUR", "de_DE") == "1.234,50\xa0€"


def test_availability_is_the_nearest_double_of_the_exact_fraction() -> None:
    # Python divides whole numbers with correct rounding, as Fraction → float rounds: the cached
    # availability is the same double as before, without building a Fraction per row.
    import random
    from fractions import Fraction

    rng = random.Random(14)
    # "thin": 55 users × 2,678,400 s, 0.1 % down; g1: 7,776,000 s, 0.1 % down; one second up.
    samples = [(147_312_000, 1_473_120_000), (7_776_000, 77_760_000), (1, 0)]
    samples += [
        (total, rng.randrange(0, total * _tables.UNITS + 1))
        for total in (rng.randrange(1, 10**14) for _ in range(2_000))
    ]
    for total, lost in samples:
        exact = Fraction(100 * (total * _tables.UNITS - lost), total * _tables.UNITS)
        assert _tables.availability(total, lost) == float(exact), (total, lost)
    assert _tables.availability(0, 0) == 100.0
