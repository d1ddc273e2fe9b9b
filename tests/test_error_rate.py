"""Error-rate SLAs from a metrics table: S3's average five-minute error rate, worked by hand.

April 2026 has 30 days = 8,640 five-minute intervals. An interval's error rate is its failed
requests over its requests; an interval with no row (no requests) has a rate of 0 %.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import slacalc
from slacalc.engine.columns import VERDICT_COLUMNS
from slacalc.engine.error_rate import ERROR_RATE_COLUMNS, error_rate_table
from slacalc.engine.results import DTYPES, RESULT_COLUMNS
from tests.conftest import variant

D = Decimal
S3 = "aws-s3-standard"


def metrics(*rows: tuple[str, str, int, int]) -> pd.DataFrame:
    """Rows of (request type, interval start, requests, failed)."""
    return pd.DataFrame(rows, columns=["request_type", "interval_start", "total", "failed"])


def by_type(results: slacalc.ErrorRateResults) -> dict[str, dict[str, object]]:
    return {r["request_type"]: r for r in results.table.to_dict("records")}


def test_s3_month_with_two_request_types_one_breaches_and_one_does_not() -> None:
    # GET: 10 intervals with every request failed → rates sum to 10; average 10 / 8,640 =
    # 0.11574… %; availability 99.88425925… % < 99.9 but ≥ 99.0 → 10 % of 1,000 = 100.00.
    # PUT: 5 intervals with 50 of 100 failed → rates sum to 2.5; average 2.5 / 8,640 =
    # 0.02893… %; availability 99.97106… %: no credit.
    get = [("GET", f"2026-04-03T10:{5 * i:02d}:00Z", 40, 40) for i in range(10)]
    put = [("PUT", f"2026-04-04T10:{5 * i:02d}:00Z", 100, 50) for i in range(5)]
    clean = [("GET", "2026-04-05T00:00:00Z", 1000, 0), ("PUT", "2026-04-05T00:00:00Z", 7, 0)]
    r = slacalc.calculate_error_rate(
        metrics(*get, *put, *clean), S3, fees={"GET": "1000", "PUT": "500"}
    )
    rows = by_type(r)
    assert rows["GET"]["intervals"] == 8640
    assert rows["GET"]["availability_percent"] == D("99.8842592592")  # 100 − 1,000/8,640, floored
    assert (rows["GET"]["tier"], rows["GET"]["credit_amount"]) == (
        "< 99.9 % and >= 99 % → 10 % of the fee",
        D("100.00"),
    )
    assert rows["PUT"]["availability_percent"] == D("99.9710648148")  # 100 − 250/8,640, floored
    assert (rows["PUT"]["breached"], rows["PUT"]["credit_amount"]) == (False, D("0.00"))
    assert (rows["GET"]["total_requests"], rows["GET"]["failed_requests"]) == (1400, 400)
    # "by the end of the second billing cycle after which the incident occurred": April → June.
    assert rows["GET"]["claim_deadline"] == dt.date(2026, 6, 30)


def test_an_average_of_exactly_0_1_percent_is_exactly_99_9_and_pays_nothing() -> None:
    # 8 fully failed intervals and one with 64 of 100 failed: 8.64 / 8,640 = 0.1 % exactly.
    rows = [("GET", f"2026-04-03T10:{5 * i:02d}:00Z", 3, 3) for i in range(8)]
    rows.append(("GET", "2026-04-03T11:00:00Z", 100, 64))
    row = by_type(slacalc.calculate_error_rate(metrics(*rows), S3, monthly_fee="1000"))["GET"]
    assert row["availability_percent"] == D("99.9")
    assert row["average_error_rate_percent"] == D("0.1")
    assert (row["tier_number"], row["credit_amount"]) == (0, D("0.00"))


def test_bad_rows_are_rejected_naming_row_column_and_problem() -> None:
    table = metrics(
        ("GET", "2026-04-03T10:02:00Z", 10, 1),  # row 1: not on the five-minute grid
        ("GET", "2026-04-03T10:05:00Z", 10, 11),  # row 2: more failed than made
        ("GET", "2026-04-03T10:10:00Z", 10, 1),  # rows 3 and 4: the same interval twice
        ("GET", "2026-04-03T10:10:00Z", 10, 2),
        ("GET", "not a time", 10, 1),  # row 5
        ("GET", "2026-04-03T10:15:00Z", 10, 1),  # row 6: counted
    )
    r = slacalc.calculate_error_rate(table, S3)
    problems = [(p.row, p.column) for p in r.rejected]
    assert problems == [
        (1, "interval_start"),
        (2, "failed"),
        (3, "interval_start"),
        (4, "interval_start"),
        (5, "interval_start"),
    ]
    assert "more failed requests than requests" in r.rejected[1].problem
    assert "rows 3 and 4" in r.rejected[2].problem or "rows 3, 4" in r.rejected[2].problem
    # The reader keeps rows 1 and 6; the engine then rejects row 1, off the contract's grid.
    assert r.metrics.counts == {"rows_read": 6, "counted": 2, "rejected": 4}
    assert by_type(r)["GET"]["total_requests"] == 10  # row 6 only; row 1 was off the grid


def test_a_cloudwatch_get_metric_data_export_is_read(tmp_path: Path) -> None:
    export = {
        "MetricDataResults": [
            {
                "Id": "total_get",
                "Timestamps": ["2026-04-03T10:00:00Z", "2026-04-03T10:05:00Z"],
                "Values": [200.0, 100.0],
            },
            {
                "Id": "failed_get",
                "Timestamps": ["2026-04-03T10:00:00Z", "2026-04-03T10:05:00Z"],
                "Values": [20.0, 0.0],
            },
        ]
    }
    path = tmp_path / "cloudwatch.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    table = slacalc.read_metrics(path)
    assert table.frame[["request_type", "total_requests", "failed_requests"]].values.tolist() == [
        ["get", 200, 20],
        ["get", 100, 0],
    ]
    # One interval at 10 %: 10 % / 8,640 = 0.0011574074… % → 99.9988425925… % (floored).
    row = by_type(slacalc.calculate_error_rate(table, S3))["get"]
    assert row["availability_percent"] == D("99.9988425925")


def test_a_contract_without_an_error_rate_term_refuses_a_metrics_table() -> None:
    with pytest.raises(slacalc.ContractError, match="does not measure an error rate"):
        slacalc.calculate_error_rate(metrics(), "microsoft-365-exchange-online")


def test_hourly_intervals_one_type_for_all_requests() -> None:
    # Azure-Storage-like: hourly, all request types together. April: 720 hours. One hour with
    # 1 of 4 requests failed (GET 1 of 2, PUT 0 of 2, counted together): 25 % / 720 =
    # 0.0347222… % → 99.9652777777… %.
    hourly = variant(
        S3, id="hourly", error_rate={"interval_minutes": 60, "per_request_type": False}
    )
    table = metrics(("GET", "2026-04-03T10:00:00Z", 2, 1), ("PUT", "2026-04-03T10:00:00Z", 2, 0))
    rows = slacalc.calculate_error_rate(table, hourly).table
    assert rows["intervals"].tolist() == [720]
    assert rows["availability_percent"].tolist() == [D("99.9652777777")]


def test_an_azure_monitor_transactions_export_is_read(tmp_path: Path) -> None:
    def series(api: str, response: str, *totals: float | None) -> dict[str, object]:
        stamps = ["2026-04-03T10:00:00Z", "2026-04-03T11:00:00Z"]
        return {
            "metadatavalues": [
                {"name": {"value": "apiname"}, "value": api},
                {"name": {"value": "responsetype"}, "value": response},
            ],
            "data": [
                {"timeStamp": t, **({} if v is None else {"total": v})}
                for t, v in zip(stamps, totals, strict=True)
            ],
        }

    export = {
        "interval": "PT1H",
        "value": [
            {
                "name": {"value": "Transactions"},
                "timeseries": [
                    series("GetBlob", "Success", 96.0, 50.0),
                    series("GetBlob", "ServerTimeoutError", 4.0, None),
                    series("GetBlob", "ClientOtherError", 10.0, None),  # counted, not failed
                ],
            }
        ],
    }
    path = tmp_path / "azure-monitor.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    table = slacalc.read_metrics(path).frame
    # 10:00: 96 + 4 + 10 = 110 requests, 4 failed (the server timeout); 11:00: 50, none failed.
    assert table[["request_type", "total_requests", "failed_requests"]].values.tolist() == [
        ["GetBlob", 110, 4],
        ["GetBlob", 50, 0],
    ]


def test_an_azure_monitor_export_without_response_types_is_refused(tmp_path: Path) -> None:
    export = {"value": [{"name": {"value": "Transactions"}, "timeseries": [{"data": []}]}]}
    path = tmp_path / "azure-monitor.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    with pytest.raises(slacalc.InputError, match="ResponseType"):
        slacalc.read_metrics(path)


def test_a_period_asked_for_without_rows_beside_one_with_a_failure() -> None:
    # April: one interval with 50 of 100 GET failed → 0.5 / 8,640 → 99.9942129629… % (floored).
    # May (31 days, 8,928 intervals) is asked for and has no row: 100 %, no claim deadline.
    # The period without a failure once turned the first-failure times into floats (NaN).
    r = slacalc.calculate_error_rate(
        metrics(("GET", "2026-04-03T10:00:00Z", 100, 50)), S3, periods=["2026-05"]
    )
    rows = {(x["period"]): x for x in r.table.to_dict("records")}
    assert rows["2026-04"]["availability_percent"] == D("99.9942129629")
    assert (rows["2026-05"]["intervals"], rows["2026-05"]["availability_percent"]) == (8928, D(100))
    assert rows["2026-05"]["claim_deadline"] is None


def test_an_export_given_as_bytes_is_read_as_from_its_file(tmp_path: Path) -> None:
    # An upload arrives as bytes, without a file name: the export is recognised by its content.
    # 30 of 200 failed: 15 % / 8,640 = 0.0017361111… % → 99.9982638888… % (floored).
    export = {
        "MetricDataResults": [
            {"Id": "total_get", "Timestamps": ["2026-04-03T10:00:00Z"], "Values": [200.0]},
            {"Id": "failed_get", "Timestamps": ["2026-04-03T10:00:00Z"], "Values": [30.0]},
        ]
    }
    table = slacalc.read_metrics(json.dumps(export).encode())
    assert table.frame[["request_type", "total_requests", "failed_requests"]].values.tolist() == [
        ["get", 200, 30]
    ]
    row = by_type(slacalc.calculate_error_rate(table, S3))["get"]
    assert row["availability_percent"] == D("99.9982638888")


def test_a_customer_billed_from_the_15th_is_measured_over_its_own_cycles() -> None:
    # Billing day 15 under S3 (UTC; "by the end of the second billing cycle after which the
    # incident occurred"). Cycle 2026-03-15 → 2026-04-15: 17 days of March + 14 of April = 31
    # days = 31 × 288 = 8,928 five-minute intervals.
    #   12 intervals on 20 March with 100 of 100 failed: rates sum to 12; the cycle's last
    #   interval (14 April 23:55) 50 of 100: + 0.5 → 12.5. Average 12.5 / 8,928 =
    #   0.1400089605734767… % → availability 99.8599910394265232… % (floored to 10 places):
    #   < 99.9 and ≥ 99 → 10 % of 1,000.00 = 100.00 USD.
    #   Deadline: the incident's cycle starts 15 March; the second cycle after it ends on
    #   15 June − 1 day = 14 June 2026 (calendar months would say 31 May).
    # 14 March 23:55 is in the cycle 2026-02-15 → 2026-03-15 (28 days = 8,064 intervals), clean;
    # 15 April 00:00 opens 2026-04-15 → 2026-05-15 (30 days = 8,640): 1 of 10 failed →
    # 0.1 / 8,640 = 0.0011574074… % → 99.9988425925… %; its deadline is 14 July.
    rows = [("GET", f"2026-03-20T10:{5 * i:02d}:00Z", 100, 100) for i in range(12)]
    rows += [
        ("GET", "2026-04-14T23:55:00Z", 100, 50),
        ("GET", "2026-03-14T23:55:00Z", 100, 0),
        ("GET", "2026-04-15T00:00:00Z", 10, 1),
    ]
    r = slacalc.calculate_error_rate(metrics(*rows), S3, monthly_fee="1000", billing_day=15)
    got = {x["period"]: x for x in r.table.to_dict("records")}
    assert list(got) == ["2026-02-15", "2026-03-15", "2026-04-15"]
    cycle = got["2026-03-15"]
    assert (cycle["intervals"], cycle["total_requests"], cycle["failed_requests"]) == (
        8928,
        1300,
        1250,
    )
    assert cycle["average_error_rate_percent"] == D("0.1400089605")
    assert cycle["availability_percent"] == D("99.8599910394")
    assert (cycle["tier_number"], cycle["credit_percent"], cycle["credit_amount"]) == (
        1,
        D(10),
        D("100.00"),
    )
    assert cycle["claim_deadline"] == dt.date(2026, 6, 14)
    before, after = got["2026-02-15"], got["2026-04-15"]
    assert (before["intervals"], before["availability_percent"], before["breached"]) == (
        8064,
        D(100),
        False,
    )
    assert before["claim_deadline"] is None  # no failure: nothing to claim
    assert (after["intervals"], after["availability_percent"]) == (8640, D("99.9988425925"))
    assert after["claim_deadline"] == dt.date(2026, 7, 14)


def test_a_period_asked_for_names_the_cycle_that_starts_in_that_month() -> None:
    # Billing day 10: "2026-05" is 10 May → 10 June, 31 days = 8,928 intervals, with no row.
    r = slacalc.calculate_error_rate(
        metrics(("GET", "2026-04-03T10:00:00Z", 100, 0)), S3, periods=["2026-05"], billing_day=10
    )
    got = {x["period"]: x["intervals"] for x in r.table.to_dict("records")}
    # 3 April is in the cycle 10 March → 10 April: 31 days = 8,928 intervals.
    assert got == {"2026-03-10": 8928, "2026-05-10": 8928}


def test_a_contract_measured_over_calendar_months_refuses_another_billing_day() -> None:
    # Its claim clock counts calendar months, so its text measures calendar months.
    calendar = variant(S3, id="calendar", claim={"rule": "end_of_month_after", "months": 2})
    table = metrics(("GET", "2026-04-03T10:00:00Z", 100, 50))
    with pytest.raises(slacalc.ContractError, match="calendar: measured over calendar months"):
        slacalc.calculate_error_rate(table, calendar, billing_day=15)
    # Day 1 is the calendar month: 0.5 / 8,640 → 99.9942129629… % in "2026-04".
    rows = slacalc.calculate_error_rate(table, calendar, billing_day=1).table
    assert rows[["period", "availability_percent"]].values.tolist() == [
        ["2026-04", D("99.9942129629")]
    ]
    with pytest.raises(slacalc.InputError, match="billing_day=29: give a day of the month"):
        slacalc.calculate_error_rate(table, S3, billing_day=29)


def test_the_verdict_columns_are_the_outage_results_own_with_their_types() -> None:
    # One list of the shared columns, in the same order in both tables, and the same types:
    # exact Arrow decimals and dates, so sums are exact as in the outage results.
    def run(names: tuple[str, ...]) -> tuple[str, ...]:
        at = names.index(VERDICT_COLUMNS[0])
        return names[at : at + len(VERDICT_COLUMNS)]

    assert run(RESULT_COLUMNS) == run(ERROR_RATE_COLUMNS) == VERDICT_COLUMNS
    # Two months of 10 intervals with 100 of 100 GET failed: 10 / 8,640 (April) and 10 / 8,928
    # (May) → 99.884… % and 99.888… %: 10 % of 1,000.00 each, 200.00 in all.
    rows = [
        ("GET", f"2026-{m}-03T10:{5 * i:02d}:00Z", 100, 100)
        for m in ("04", "05")
        for i in range(10)
    ]
    table = slacalc.calculate_error_rate(metrics(*rows), S3, monthly_fee="1000").table
    for table_ in (table, error_rate_table()):
        assert {n: table_[n].dtype for n in VERDICT_COLUMNS} == {
            n: DTYPES[n] for n in VERDICT_COLUMNS
        }
    assert table["credit_amount"].sum() == D("200.000")
    assert table["claim_deadline"].tolist() == [dt.date(2026, 6, 30), dt.date(2026, 7, 31)]
