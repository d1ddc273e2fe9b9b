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
from tests.test_app_reading import COVER, workbook
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


def problems(at: AppTest) -> list[str]:
    """The problems of the rejected rows, as the page lists them."""
    (table,) = [d.value for d in at.dataframe if "problem" in d.value.columns]
    return [str(p) for p in table["problem"]]


def shown(at: AppTest) -> dict[str, dict[str, str]]:
    return {str(r["Request type"]): r for r in at.dataframe[-1].value.to_dict("records")}


# A European export: ';'-separated, day-first dates, '.' for thousands. March 2026: 31 days =
# 8,928 intervals. 1 March 00:00: 1,000 of 2,000 GET failed → 0.5; 31 March 23:55: 0 of
# 1,234,567. 0.5 / 8,928 = 0.0056003584… % → 99.9943996415… %, floored to 99.9943 %.
EUROPEAN = (
    b"interval_start;request_type;total_requests;failed_requests\n"
    b"01/03/2026 00:00;GET;2.000;1.000\n"
    b"31/03/2026 23:55;GET;1.234.567;0\n"
)


def test_a_european_export_is_read_and_its_reading_options_say_how(at: AppTest) -> None:
    rows = upload(at, "messwerte.csv", EUROPEAN)
    assert (rows["GET"]["Availability"], rows["GET"]["Requests"]) == ("99.9943 %", "1,236,567")
    assert rows["GET"]["Period"] == "March 2026"
    order = at.radio(key=Widget.ERROR_RATE_DAYFIRST)
    assert order.label == "Dates like 03/04/2026"
    assert order.options == ["Detect", "Day first", "Month first"]
    assert list(order.proto.captions) == ["this file: Day first", "", ""]
    decimal = at.radio(key=Widget.ERROR_RATE_DECIMAL)
    assert (decimal.options[0], decimal.proto.captions[0]) == ("Detect", "this file: Comma (,)")
    # Overruled: read with a decimal point, 2.000 is 2 requests and 1.000 one failure, 1.234.567
    # no number at all: that row is refused, naming the marks.
    decimal.set_value(".").run()
    assert at.dataframe[0].value.to_dict("records") == [
        {
            "row": 3,
            "column": "total_requests",
            "value": "1.234.567",
            "problem": "not a number written with '.' for decimals and ',' for thousands",
        }
    ]
    # 1 of 2 failed is still 0.5 / 8,928 → 99.9943 %, now of 2 requests.
    assert (shown(at)["GET"]["Requests"], shown(at)["GET"]["Availability"]) == ("2", "99.9943 %")


def test_dates_no_row_settles_name_this_page_s_control_and_it_settles_them(at: AppTest) -> None:
    # 01/03 and 02/03 could be either way round: refused in the app's words until "Day first"
    # (1 and 2 March: 1 / 8,928 = 0.0112007168… % → 99.9887 %) or "Month first" (3 January and
    # 3 February, a period each: 0.5 / 8,928 → 99.9943 % in January).
    data = HEADER + "01/03/2026 00:00,GET,100,50\n02/03/2026 00:05,GET,100,50\n"
    at.file_uploader(key=Widget.ERROR_RATE_FILE).set_value(
        ("either.csv", data.encode(), "text/csv")
    )
    at.run()
    assert [e.value for e in at.exception] == []
    assert (
        problems(at)
        == [
            "day and month could be either way round; write ISO 8601 (2026-03-17) or set "
            '"Dates like 03/04/2026" to "Day first" or "Month first" under Reading options'
        ]
        * 2
    )
    assert "Reading options, on this page" in at.error[0].value
    at.radio(key=Widget.ERROR_RATE_DAYFIRST).set_value("True").run()
    clean(at)
    assert shown(at)["GET"]["Availability"] == "99.9887 %"
    at.radio(key=Widget.ERROR_RATE_DAYFIRST).set_value("False").run()
    assert [r["Period"] for r in at.dataframe[-1].value.to_dict("records")] == [
        "January 2026",
        "February 2026",
    ]
    # Another file is read afresh: "Month first" chosen for this one must not misread it.
    at.file_uploader(key=Widget.ERROR_RATE_FILE).set_value(("next.csv", data.encode(), "text/csv"))
    at.run()
    assert at.radio(key=Widget.ERROR_RATE_DAYFIRST).value == "None"
    assert len(problems(at)) == 2


def test_a_missing_column_is_picked_from_the_file_s_own(at: AppTest) -> None:
    # 'Zeitpunkt' is no spelling slacalc knows: the message names the picker, not --map or
    # columns=; picked, it gives test_cli_metrics.py's April month (GET 99.8750 %, 120.00 USD).
    data = APRIL.replace("interval_start", "Zeitpunkt", 1)
    at.file_uploader(key=Widget.ERROR_RATE_FILE).set_value(("mine.csv", data.encode(), "text/csv"))
    at.text_input(key=Widget.ERROR_RATE_FEE).set_value("1200")
    at.run()
    (said,) = [str(e.value) for e in at.error]
    assert said.endswith("pick the file's interval_start column below")
    assert "--map" not in said
    assert "columns=" not in said
    next(s for s in at.selectbox if s.label.startswith("Which column")).set_value("Zeitpunkt")
    next(b for b in at.button if b.label == "Use this column").click().run()
    clean(at)
    assert (shown(at)["GET"]["Availability"], shown(at)["GET"]["Amount"]) == (
        "99.8750 %",
        "120.00 USD",
    )


def test_a_customer_billed_from_the_15th_is_measured_over_its_cycles(at: AppTest) -> None:
    # test_cli_metrics.py's one-customer cycle: 12 intervals on 20 March, 100 of 100 failed;
    # from the 15th: 12 / 8,928 → 99.8655 %, 10 % of 1,000.00, claim by 14 June 2026 (44 days
    # after 1 May).
    data = HEADER + "".join(f"2026-03-20T10:{5 * i:02d}:00Z,GET,100,100\n" for i in range(12))
    at.number_input(key=Widget.ERROR_RATE_BILLING_DAY).set_value(15)
    assert at.number_input(key=Widget.ERROR_RATE_BILLING_DAY).label == "Billing cycles start on day"
    get = upload(at, "cycle.csv", data.encode(), fee="1000")["GET"]
    assert (get["Period"], get["Availability"], get["Amount"]) == (
        "2026-03-15",
        "99.8655 %",
        "100.00 USD",
    )
    assert get["Claim by"] == "14 June 2026 (44 days left)"


def test_the_sheet_read_is_shown_and_another_can_be_chosen(at: AppTest) -> None:
    # A cover sheet, then the counts: read from the sheet that holds them, and the control says
    # which. Two sheets of counts after the cover: refused until one is chosen. April's sheet is
    # test_cli_metrics.py's month (GET 99.8750 %); March's one interval of 50 of 100 GET failed
    # is 0.5 / 8,928 → 99.9943 %.
    april = [row.split(",") for row in APRIL.splitlines()]
    april = [april[0], *[[t, k, int(n), int(f)] for t, k, n, f in april[1:]]]
    march = [april[0], ["2026-03-02T10:00:00Z", "GET", 100, 50]]
    rows = upload(at, "one.xlsx", workbook({"Deckblatt": COVER, "Zählungen": april}))
    assert rows["GET"]["Availability"] == "99.8750 %"
    sheet = at.selectbox(key=Widget.ERROR_RATE_SHEET)
    assert (sheet.label, sheet.options, sheet.value) == (
        "Sheet",
        ["Deckblatt", "Zählungen"],
        "Zählungen",
    )
    two = workbook({"Deckblatt": COVER, "März": march, "April": april})
    at.file_uploader(key=Widget.ERROR_RATE_FILE).set_value(("two.xlsx", two, "text/csv"))
    at.run()
    (said,) = [str(e.value) for e in at.error]
    assert said.endswith(
        "the first sheet, 'Deckblatt', does not hold the table; the sheets 'März', 'April' "
        'do: choose one with "Sheet" under Reading options'
    )
    at.selectbox(key=Widget.ERROR_RATE_SHEET).set_value("März").run()
    clean(at)
    assert shown(at)["GET"]["Availability"] == "99.9943 %"
    at.selectbox(key=Widget.ERROR_RATE_SHEET).set_value("April").run()
    assert shown(at)["GET"]["Availability"] == "99.8750 %"
