"""The app's Error rate page, driven through ``AppTest`` with the real uploader.

The month uploaded is test_cli_metrics.py's, worked by hand there: April 2026, 8,640 five-minute
intervals; GET 12 intervals at 900 of 1,000 failed → 10.8 / 8,640 = 0.125 % → 99.875 %, 10 % of
1,200.00 = 120.00 USD by 30 June 2026; PUT 12 intervals at 100 of 400 → 3 / 8,640 → 99.9652…%,
no credit. Claim deadlines are judged on 1 May 2026: 60 days before 30 June.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from slacalc.app import widgets
from slacalc.app.state import Widget
from tests.test_app import clean, start
from tests.test_cli_metrics import APRIL, HEADER

PAGE = "slacalc/app/pages/error_rate.py"


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setattr(widgets, "today", lambda: dt.date(2026, 5, 1))
    at = start()
    at.switch_page(PAGE).run()
    clean(at)
    return at


def upload(at: AppTest, name: str, data: bytes, fee: str = "1200") -> dict[str, dict[str, str]]:
    """Upload ``data``, type the fee; the table on screen by request type."""
    at.file_uploader(key=Widget.ERROR_RATE_FILE).set_value((name, data, "text/csv"))
    at.text_input(key=Widget.ERROR_RATE_FEE).set_value(fee)
    at.run()
    assert [e.value for e in at.exception] == []
    shown = at.dataframe[-1].value
    return {str(r["Request type"]): r for r in shown.to_dict("records")}


def test_the_page_asks_for_a_metrics_table_and_offers_the_error_rate_contracts(at: AppTest) -> None:
    assert "Upload a metrics table" in at.info[0].value
    assert at.selectbox(key=Widget.ERROR_RATE_CONTRACT).options == [
        "Amazon Web Services · Amazon S3 Standard"
    ]


def test_an_s3_month_with_two_request_types(at: AppTest) -> None:
    rows = upload(at, "metrics.csv", APRIL.encode())
    clean(at)
    get, put = rows["GET"], rows["PUT"]
    assert (get["Availability"], get["Credit"], get["Amount"]) == (
        "99.8750 %",
        "10 % of the fee",
        "120.00 USD",
    )
    assert get["Claim by"] == "30 June 2026 (60 days left)"
    assert (put["Availability"], put["Credit"], put["Amount"]) == (
        "99.9652 %",
        "no credit",
        "0.00 USD",
    )
    assert "**metrics.csv**: 24 row(s) read, 24 counted, 0 rejected." in [
        m.value for m in at.markdown
    ]
    assert [b.label for b in at.get("download_button")] == [
        "Results (.csv)",
        "Claim workbook (.xlsx)",
    ]


def test_a_bad_row_is_named_and_the_others_computed(at: AppTest) -> None:
    data = HEADER + "2026-04-14T10:00:00Z,GET,1000,900\n2026-04-14T10:05:00Z,GET,10,11\n"
    rows = upload(at, "bad.csv", data.encode())
    assert "1 row(s) of 2 could not be used" in at.error[0].value
    problems = at.dataframe[0].value
    assert problems[["row", "column"]].values.tolist() == [[3, "failed_requests"]]
    # The rest: 0.9 / 8,640 = 0.0104166… % → 99.98958…, floored to 99.9895 %.
    assert rows["GET"]["Availability"] == "99.9895 %"


def test_a_cloudwatch_export_upload(at: AppTest) -> None:
    # GET: 9 intervals fully failed: 9 / 8,640 = 0.1041666… % → 99.8958 %: 10 % of 500.00.
    stamps = [f"2026-04-20T08:{5 * i:02d}:00Z" for i in range(9)]
    export = {
        "MetricDataResults": [
            {"Id": "total_GET", "Timestamps": stamps, "Values": [40.0] * 9},
            {"Id": "failed_GET", "Timestamps": stamps, "Values": [40.0] * 9},
        ]
    }
    rows = upload(at, "cloudwatch.json", json.dumps(export).encode(), fee="500")
    clean(at)
    assert (rows["GET"]["Availability"], rows["GET"]["Amount"]) == ("99.8958 %", "50.00 USD")


def test_a_bad_fee_is_one_message(at: AppTest) -> None:
    at.file_uploader(key=Widget.ERROR_RATE_FILE).set_value(
        ("metrics.csv", APRIL.encode(), "text/csv")
    )
    at.text_input(key=Widget.ERROR_RATE_FEE).set_value("1,200")  # ambiguous: refused, as everywhere
    at.run()
    assert [e.value for e in at.exception] == []
    assert "monthly fee" in at.error[0].value
