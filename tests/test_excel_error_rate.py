"""The error-rate claim workbook: sheets, live formulas, the engine's values cached, LibreOffice.

The example month, examples/s3-april-2026 (its README works it by hand): April 2026 has
30 × 288 = 8,640 five-minute intervals.

    GET  14 intervals with requests (1 Apr 00:00 and 30 Apr 23:55 clean, 12 on 14 April with 900
         of 1,000 failed): 14,000 requests, 10,800 failed; the rates sum to 12 × 0.9 = 10.8 =
         54 / 5, so D = 5, Measured = 8,640 × 5 = 43,200, Lost = 54 × 10,000 = 540,000; the
         average is 10.8 × 100 / 8,640 = 0.125 %, availability 99.875 %: < 99.9 and ≥ 99, tier 1,
         10 % of 1,200.00 = 120.00 USD, claim by 30 June 2026 (60 days after 1 May).
    PUT  14 intervals, 5,600 requests, 1,200 failed (12 × 100 of 400): the rates sum to
         12 × 0.25 = 3 = 3 / 1, D = 1, Measured 8,640, Lost 30,000; 3 × 100 / 8,640 =
         0.0347222… %, availability 99.9652777… %: no credit.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from streamlit.testing.v1 import AppTest

import slacalc
from slacalc.engine.error_rate import ErrorRateResults
from slacalc.errors import SlacalcError
from slacalc.excel import export_error_rate
from slacalc.model.contract import load_contract
from tests.spreadsheet import recalculate
from tests.test_app import served  # noqa: F401 (a fixture)
from tests.test_app_error_rate import at, upload  # noqa: F401 (at: a fixture)
from tests.test_cli import slacalc_run
from tests.test_cli_metrics import APRIL
from tests.test_examples import ROOT
from tests.test_excel import formulas_match_the_cache

EXAMPLE = ROOT / "examples" / "s3-april-2026" / "metrics.csv"
S3 = "aws-s3-standard"
NOW = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)


def example() -> ErrorRateResults:
    return slacalc.calculate_error_rate(EXAMPLE, S3, monthly_fee="1200")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("error-rate") / "s3.xlsx"
    assert export_error_rate(example(), path, now=NOW) is None
    return path


@pytest.fixture(scope="module")
def values(written: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(written, data_only=True)


@pytest.fixture(scope="module")
def formulas(written: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(written)


def table(ws: Worksheet, first: str = "Tenant") -> list[dict[str, Any]]:
    """The rows under the header row that starts with ``first``, as dicts by header."""
    rows = list(ws.iter_rows(values_only=True))
    at_header = next(i for i, r in enumerate(rows) if r[0] == first)
    head = rows[at_header]
    return [dict(zip(head, r, strict=True)) for r in rows[at_header + 1 :]]


def by_type(ws: Worksheet) -> dict[str, dict[str, Any]]:
    return {r["Request type"]: r for r in table(ws)}


def test_the_sheets_in_order(values: openpyxl.Workbook) -> None:
    assert values.sheetnames == [
        "Summary",
        "Calculation",
        "Intervals",
        "Rejected rows",
        "Contract terms",
        "Credit tiers",
        "Assumptions",
    ]


def test_summary_caches_the_engines_figures(values: openpyxl.Workbook) -> None:
    ws = values["Summary"]
    rows = by_type(ws)
    get, put = rows["GET"], rows["PUT"]
    assert (get["Availability %"], get["Breached"], get["Credit amount"]) == (99.875, "yes", 120)
    assert get["Tier"] == "< 99.9 % and >= 99 % → 10 % of the fee"
    assert (get["Claim deadline"], get["Days left"], get["Status"]) == (
        dt.datetime(2026, 6, 30),
        60,
        "claim open",
    )
    assert (put["Breached"], put["Credit amount"], put["Status"]) == ("no", 0, "no credit due")
    assert put["Availability %"] == pytest.approx(100 - 300 / 8640, rel=1e-15)
    # Totals per currency: 2 rows, 1 breached, 120.00 USD credited, all still claimable.
    totals = next(ws.iter_rows(min_row=5, max_row=5, values_only=True))
    assert [v for v in totals if v is not None] == ["USD", 2, 1, 120, 120, 0]


def test_calculation_redoes_the_average_in_formulas(formulas: openpyxl.Workbook) -> None:
    ws = formulas["Calculation"]
    head = [c.value for c in ws[1]]
    get = dict(zip(head, [c.value for c in ws[2]], strict=True))
    assert get["Intervals in the cycle"] == "=ROUND((G2-F2)*1440/K2,0)"
    assert get["Sum of interval error rates"] == (
        "=IF(M2=\"\",0,SUM(INDEX('Intervals'!$I:$I,M2):INDEX('Intervals'!$I:$I,N2)))"
    )
    assert get["Average error rate %"] == "=IF(L2=0,0,R2*100/L2)"
    assert get["Availability %"] == "=100-S2"
    assert get["Measured, whole (intervals × D)"] == "=L2*U2"
    assert get["Lost, whole (sum × D × 10,000)"] == "=ROUND(R2*U2,0)*10000"
    assert get["Tier no. (0 = none)"].startswith("=IF(V2=0,0,SUMPRODUCT(MAX(")
    assert get["Credit amount"].startswith('=IF(AJ2="",""')


def test_calculation_caches_the_engines_values(values: openpyxl.Workbook) -> None:
    rows = by_type(values["Calculation"])
    get, put = rows["GET"], rows["PUT"]
    expected_get = {
        "Intervals in the cycle": 8640,
        "Intervals sheet: first row": 2,
        "Intervals sheet: last row": 15,
        "Intervals with requests": 14,
        "Total requests": 14000,
        "Failed requests": 10800,
        "Sum of interval error rates": 10.8,
        "Average error rate %": 0.125,
        "Availability %": 99.875,
        "Engine: common denominator of the rates (D)": 5,
        "Measured, whole (intervals × D)": 43200,
        "Lost, whole (sum × D × 10,000)": 540000,
        "Tier no. (0 = none)": 1,
        "Credit % of period fee": 10,
        "Period fee": 1200,
        "Credit amount": 120,
        "Check against engine": "matches engine",
    }
    assert {k: get[k] for k in expected_get} == expected_get
    assert (put["Intervals sheet: first row"], put["Intervals sheet: last row"]) == (16, 29)
    assert (put["Sum of interval error rates"], put["Average error rate %"]) == (3, 3 * 100 / 8640)
    assert put["Engine: common denominator of the rates (D)"] == 1
    assert (put["Measured, whole (intervals × D)"], put["Lost, whole (sum × D × 10,000)"]) == (
        8640,
        30000,
    )
    assert (put["Tier no. (0 = none)"], put["Credit amount"]) == (0, 0)
    assert put["Engine: availability %"] == 99.9652777777  # the engine's, floored to 10 places


def test_intervals_hold_every_counted_row_with_its_rate(
    values: openpyxl.Workbook, formulas: openpyxl.Workbook
) -> None:
    rows = table(values["Intervals"], "Input row")
    assert len(rows) == 28  # every row of the example's file
    assert [r["Request type"] for r in rows] == ["GET"] * 14 + ["PUT"] * 14
    failing = rows[1]  # input row 4: 14 April 10:00 UTC, 900 of 1,000 GET requests failed
    assert (failing["Input row"], failing["Interval start (contract zone)"]) == (
        4,
        dt.datetime(2026, 4, 14, 10, 0),
    )
    assert (failing["Total requests"], failing["Failed requests"], failing["Error rate"]) == (
        1000,
        900,
        0.9,
    )
    assert formulas["Intervals"]["I2"].value == "=IF(G2=0,0,H2/G2)"


def test_contract_terms_say_how_the_error_rate_is_measured(values: openpyxl.Workbook) -> None:
    terms = {r[0]: r[1] for r in values["Contract terms"].iter_rows(values_only=True)}
    assert terms["How availability is measured"].startswith(
        "average error rate: per 5-minute interval and request type, failed ÷ total requests"
    )
    assert terms["Source address"] == "https://aws.amazon.com/s3/sla/"


def test_rejected_rows_are_listed(tmp_path: Path) -> None:
    # Row 3 starts off the five-minute grid; row 4 has more failed than total requests.
    data = (
        APRIL.splitlines()[0]
        + "\n"
        + "\n".join(
            [
                "2026-04-14T10:00:00Z,GET,1000,900",
                "2026-04-14T10:02:00Z,GET,1000,900",
                "2026-04-14T10:05:00Z,GET,10,11",
            ]
        )
    )
    results = slacalc.calculate_error_rate(io.StringIO(data), S3, monthly_fee="1200")
    book = openpyxl.load_workbook(io.BytesIO(export_error_rate(results, now=NOW) or b""))
    rejected = table(book["Rejected rows"], "Table")
    assert [(r["Table"], r["Row"], r["Column"]) for r in rejected] == [
        ("metrics", 3, "interval_start"),
        ("metrics", 4, "failed_requests"),
    ]
    # Only row 2 is counted: 0.9 / 8,640 intervals.
    assert [r["Input row"] for r in table(book["Intervals"], "Input row")] == [2]


def test_one_rate_over_all_request_types_sums_each_intervals_rows() -> None:
    # A contract that rates all request types together: at 14 April 10:00, GET 900 of 1,000 and
    # PUT 100 of 400 failed are one interval, 1,000 of 1,400 = 5 / 7; its rows 2 and 3 together.
    s3 = load_contract(S3)
    assert s3.error_rate is not None
    together = s3.model_copy(
        update={"error_rate": s3.error_rate.model_copy(update={"per_request_type": False})}
    )
    data = APRIL.splitlines()[0] + "\n2026-04-14T10:00:00Z,GET,1000,900\n"
    data += "2026-04-14T10:00:00Z,PUT,400,100\n"
    results = slacalc.calculate_error_rate(io.StringIO(data), together, monthly_fee="1200")
    book = openpyxl.load_workbook(
        io.BytesIO(export_error_rate(results, contracts={S3: together}, now=NOW) or b""),
        data_only=True,
    )
    [interval] = table(book["Intervals"], "Input row")
    assert (interval["Input row"], interval["Request type"]) == ("2, 3", None)
    assert (interval["Total requests"], interval["Failed requests"]) == (1400, 1000)
    [row] = table(book["Calculation"])
    # 5 / 7 summed over one interval: D = 7, Lost = 5 × 10,000.
    assert row["Engine: common denominator of the rates (D)"] == 7
    assert (row["Measured, whole (intervals × D)"], row["Lost, whole (sum × D × 10,000)"]) == (
        8640 * 7,
        50000,
    )


def test_a_period_without_requests_counts_every_interval_clean() -> None:
    # March 2026 asked for, no row in it: 31 × 288 = 8,928 intervals at 0 %, availability 100 %.
    results = slacalc.calculate_error_rate(
        io.StringIO(APRIL), S3, monthly_fee="1200", periods=["2026-03"]
    )
    book = openpyxl.load_workbook(io.BytesIO(export_error_rate(results, now=NOW) or b""))
    cached = openpyxl.load_workbook(
        io.BytesIO(export_error_rate(results, now=NOW) or b""), data_only=True
    )
    march = [r for r in table(cached["Calculation"]) if r["Period"] == "2026-03"]
    assert [(r["Request type"], r["Intervals in the cycle"]) for r in march] == [
        ("GET", 8928),
        ("PUT", 8928),
    ]
    for row in march:
        assert row["Intervals sheet: first row"] is None
        assert (row["Intervals with requests"], row["Sum of interval error rates"]) == (0, 0)
        assert (row["Availability %"], row["Tier no. (0 = none)"], row["Credit amount"]) == (
            100,
            0,
            0,
        )
    first = table(book["Calculation"])[0]  # GET March: nothing to add up, 0 by the formula
    assert first["Total requests"].startswith('=IF(M2="",0,SUM(INDEX(')


def test_a_denominator_too_large_for_doubles_becomes_a_power_of_ten() -> None:
    # One failed request in each of three intervals of 999,983, 1,000,003 (both prime) and 7
    # requests: the exact sum's denominator is 999,983 × 1,000,003 × 7, about 7 × 10**12, more
    # than a million, so D = 10**6 and N = ROUND(sum × 10**6) = ROUND(1.000017… + 0.999997… +
    # 142,857.142857…) = 142,859: Measured 8,640 × 10**6, Lost 142,859 × 10,000.
    data = (
        APRIL.splitlines()[0]
        + "\n"
        + "\n".join(
            f"2026-04-14T10:{5 * i:02d}:00Z,GET,{total},1"
            for i, total in enumerate((999_983, 1_000_003, 7))
        )
    )
    results = slacalc.calculate_error_rate(io.StringIO(data), S3, monthly_fee="1200")
    book = openpyxl.load_workbook(
        io.BytesIO(export_error_rate(results, now=NOW) or b""), data_only=True
    )
    [row] = table(book["Calculation"])
    assert row["Engine: common denominator of the rates (D)"] == 10**6
    assert (row["Measured, whole (intervals × D)"], row["Lost, whole (sum × D × 10,000)"]) == (
        8640 * 10**6,
        142_859 * 10_000,
    )
    assert row["Sum of interval error rates"] == pytest.approx(1 / 999_983 + 1 / 1_000_003 + 1 / 7)


@pytest.mark.parametrize(
    "row",
    [
        "2026-05-04T10:00:00Z,GET,1000,900",  # May: the results measure April only
        "2026-04-14T10:00:00Z,LIST,1000,900",  # a request type the results do not have
    ],
)
def test_results_of_other_metrics_are_refused_not_cut(row: str) -> None:
    april = slacalc.calculate_error_rate(io.StringIO(APRIL), S3, monthly_fee="1200")
    other = slacalc.calculate_error_rate(io.StringIO(APRIL + row + "\n"), S3)
    mixed = ErrorRateResults(table=april.table, rejected=(), metrics=other.metrics)
    with pytest.raises(SlacalcError, match=r"1 counted metrics row\(s\) have no result row"):
        export_error_rate(mixed, now=NOW)


def test_the_command_line_writes_the_workbook(tmp_path: Path) -> None:
    path = tmp_path / "claim.xlsx"
    proc = slacalc_run(
        "error-rate",
        EXAMPLE,
        "--contract",
        S3,
        "--fee",
        "1200",
        "--output",
        path,
        "--as-of",
        "2026-05-01",
    )
    assert (proc.returncode, proc.stderr) == (0, "")
    assert "120.00 USD" in proc.stdout  # the table still shows on the terminal
    get = by_type(openpyxl.load_workbook(path, data_only=True)["Summary"])["GET"]
    assert (get["Credit amount"], get["Days left"]) == (120, 60)


def test_the_app_offers_the_workbook(
    at: AppTest,  # noqa: F811 (the fixture imported above)
    served: dict[str, Callable[[], bytes]],  # noqa: F811
) -> None:
    upload(at, "metrics.csv", APRIL.encode())
    book = openpyxl.load_workbook(
        io.BytesIO(served["slacalc-error-rate-claim.xlsx"]()), data_only=True
    )
    rows = by_type(book["Summary"])
    assert (rows["GET"]["Availability %"], rows["GET"]["Credit amount"]) == (99.875, 120)
    assert rows["PUT"]["Credit amount"] == 0


# --------------------------------------------------------------------------------------------
# LibreOffice recalculates
# --------------------------------------------------------------------------------------------

# Two tenants on the 99.9 % boundary (8,640 intervals; 99.9 % is an average of 0.1 %, a rate sum
# of 8.64). "edge": 8 intervals with all 100 requests failed and one with 64 of 100: the rates sum
# to 8.64 exactly = 216 / 25: availability exactly 99.9 %, not below it: no credit. "below": 65 of
# 100 in the last: 8.65 = 173 / 20, 99.89988… %: 10 % of 150,000 JPY = 15,000 JPY (no minor unit).
# In doubles 100 − 8.64 × 100 / 8,640 need not be 99.9: the tier compares whole numbers.
BOUNDARY = "tenant,interval_start,request_type,total_requests,failed_requests\n" + "".join(
    f"{tenant},2026-04-20T08:{5 * i:02d}:00Z,GET,100,{100 if i < 8 else last}\n"
    for tenant, last in (("edge", 64), ("below", 65))
    for i in range(9)
)
CUSTOMERS = "tenant,contract,users,monthly_fee,currency\nedge,aws-s3-standard,1,1200,USD\n"
CUSTOMERS += "below,aws-s3-standard,1,150000,JPY\n"


@pytest.fixture(scope="module")
def boundary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("boundary")
    (folder / "metrics.csv").write_text(BOUNDARY, encoding="utf-8")
    (folder / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    path = folder / "boundary.xlsx"
    proc = slacalc_run(
        "error-rate",
        folder / "metrics.csv",
        "--customers",
        folder / "customers.csv",
        "--output",
        path,
    )
    assert (proc.returncode, proc.stderr) == (0, "")
    return path


def test_the_boundary_rows_as_the_engine_has_them(boundary: Path) -> None:
    rows = {r["Tenant"]: r for r in table(openpyxl.load_workbook(boundary)["Calculation"])}
    cached = {
        r["Tenant"]: r
        for r in table(openpyxl.load_workbook(boundary, data_only=True)["Calculation"])
    }
    assert rows["edge"]["Engine: common denominator of the rates (D)"] == 25
    assert (cached["edge"]["Engine: availability %"], cached["edge"]["Credit amount"]) == (99.9, 0)
    assert cached["below"]["Engine: common denominator of the rates (D)"] == 20
    assert (cached["below"]["Credit amount"], cached["below"]["Currency"]) == (15000, "JPY")


def check_against_the_engine(written: Path, engine: pd.DataFrame) -> None:
    """LibreOffice's figures equal the engine's: credit exact to the minor unit, availability
    within the engine's 10 places (it floors; the spreadsheet computes a double)."""
    live = table(openpyxl.load_workbook(recalculate(written), data_only=True)["Calculation"])
    assert len(live) == len(engine)
    for row, (_, want) in zip(live, engine.iterrows(), strict=True):
        assert (row["Tenant"] or "", row["Request type"]) == (want["tenant"], want["request_type"])
        assert row["Check against engine"] == "matches engine"
        shown = Decimal(want["availability_percent"])
        assert Decimal(0) <= Decimal(repr(row["Availability %"])) - shown < Decimal("1e-10")
        assert row["Tier no. (0 = none)"] == want["tier_number"]
        digits = Decimal(1).scaleb(-2 if want["currency"] == "USD" else 0)
        amount = Decimal(repr(row["Credit amount"])).quantize(digits)
        assert amount == want["credit_amount"].quantize(digits)


@pytest.mark.slow
def test_libreoffice_recalculates_the_example(written: Path) -> None:
    check_against_the_engine(written, example().table)
    assert formulas_match_the_cache(written, recalculate(written)) > 60


def boundary_engine() -> pd.DataFrame:
    """The engine's rows of the boundary portfolio, in the command's order (by tenant)."""
    head, *lines = BOUNDARY.splitlines()
    tables = []
    for tenant, fee, currency in (("below", "150000", "JPY"), ("edge", "1200", "USD")):
        mine = [line for line in lines if line.startswith(f"{tenant},")]
        data = io.StringIO("\n".join([head, *mine]))
        tables.append(
            slacalc.calculate_error_rate(data, S3, monthly_fee=fee, currency=currency).table
        )
    return pd.concat(tables, ignore_index=True)


@pytest.mark.slow
def test_libreoffice_keeps_the_exact_boundary(boundary: Path) -> None:
    engine = boundary_engine()
    assert list(engine["tier_number"]) == [1, 0]  # "below", then "edge" at 99.9 % exactly
    check_against_the_engine(boundary, engine)
    assert formulas_match_the_cache(boundary, recalculate(boundary)) > 60


@pytest.mark.slow
def test_changing_the_counts_moves_the_credit(written: Path, tmp_path: Path) -> None:
    # Every PUT interval of 14 April fully failed: the rates sum to 12 × 1 = 12, 12 × 100 / 8,640
    # = 0.13888… % → 99.86111… %: tier 1, 10 % of 1,200.00 = 120.00 USD; no longer the engine's.
    book = openpyxl.load_workbook(written)
    ws = book["Intervals"]
    for row in ws.iter_rows(min_row=2):
        if row[2].value == "PUT" and row[7].value == 100:
            row[7].value = 400
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    put = by_type(openpyxl.load_workbook(recalculate(edited), data_only=True)["Calculation"])["PUT"]
    assert put["Failed requests"] == 4800
    assert put["Availability %"] == pytest.approx(100 - 1200 / 8640, rel=1e-14)
    assert (put["Tier no. (0 = none)"], put["Credit amount"]) == (1, 120)
    assert put["Check against engine"] == "differs from engine"


@pytest.mark.slow
def test_billing_cycles_from_day_15_are_measured_in_the_workbook(tmp_path: Path) -> None:
    # The example's April, billed from the 15th: the cycle 2026-03-15 runs from 15 March to
    # 15 April (UTC), 31 days = 8,928 five-minute intervals, and holds every failing GET interval
    # (1 to 14 April): sum of rates 10.8, average 10.8 / 8,928 = 0.12097 %, availability
    # 99.87903 % < 99.9 % → 10 % of 1,200.00 = 120.00 USD. The workbook read the cycle's label as
    # a calendar period and failed before it knew billing cycles.
    results = slacalc.calculate_error_rate(EXAMPLE, S3, monthly_fee="1200", billing_day=15)
    path = tmp_path / "s3-from-15.xlsx"
    export_error_rate(results, path, now=NOW)
    get = {
        (r["Request type"], r["Period"]): r
        for r in table(openpyxl.load_workbook(path, data_only=True)["Calculation"])
    }[("GET", "2026-03-15")]
    assert (get["Intervals in the cycle"], get["Sum of interval error rates"]) == (8928, 10.8)
    assert (get["Tier no. (0 = none)"], get["Credit amount"]) == (1, 120)
    check_against_the_engine(path, results.table)
