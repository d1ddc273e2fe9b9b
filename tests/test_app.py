"""The Streamlit app driven through ``streamlit.testing.v1.AppTest``: every page, the real widgets.

Uploads go through the real ``st.file_uploader`` (``AppTest.file_uploader[...].set_value``, in
Streamlit since 1.5x), so the bytes take the same path as in a browser. Downloads are caught where
Streamlit registers them (the media file manager), so the test opens the very bytes a click serves.

The app's example (``slacalc/app/examples/exchange-online-2026-03.csv``), worked by hand: one
customer, 1,000 licensed users, 8,000.00 USD a month, Outlook Mobile 400 users, Outlook for Mac 120,
Exchange Online terms (< 99.9 % → 25 %, < 99 % → 50 %, < 95 % → 100 %; claim by the end of the
month after).

March 2026 (44,640 min; the excluded hour 26 Mar 22:00–23:00 leaves 44,580 min, 44,580,000
user-minutes). Outlook Mobile: 15 users all along from 17 Mar 14:00 (EX1268771) = 20,760 min × 15
= 311,400, minus the excluded hour 60 × 15 = 900; above those 15: 100 users 14:30–18:30 on 17 Mar
(85 × 240 = 20,400), 50 users 09:00–17:00 on 19 Mar (35 × 480 = 16,800), 80 users 08:40–12:40 on
20 Mar (65 × 240 = 15,600) and the overlapping 30-user report to 14:40 (largest count, not the sum:
15 × 120 = 1,800). Outlook for Mac: 40 users × 240 on 19 Mar and on 24 Mar = 19,200. Lost:
384,300 user-minutes; availability 44,195,700 / 44,580,000 = 99.1379...% → 25 % → 2,000.00 USD,
claim by 30 April 2026; 1 % is 445,800 user-minutes, so 61,500 more (61.5 min of every user,
3,691 s by the '<' rule, 61.52 min shown rounded up) reaches 50 %.

April 2026 (43,200 min, 43,200,000 user-minutes): 15 users × 21,540 min = 323,100, plus 25 Mac
users × 240 on 7 Apr = 6,000; 329,100 lost → 99.2381...% → 2,000.00 USD, claim by 31 May 2026.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

import slacalc
from slacalc.app import inputs, widgets

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
DATA = "slacalc/app/pages/data.py"
CONTRACT = "slacalc/app/pages/contract.py"
WHATIF = "slacalc/app/pages/whatif.py"


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    clean(at)
    return at


def clean(at: AppTest) -> None:
    """No exception box, no error on the page, no Streamlit widget warning."""
    assert [e.value for e in at.exception] == []
    assert [e.value for e in at.error] == []
    assert not [w.value for w in at.warning if "Session State" in str(w.value)]


def answer(at: AppTest) -> str:
    """The answer box, green while a credit can still be claimed and amber when none can (which
    one depends on the day the claim deadlines are judged on)."""
    return next(str(e.value) for e in [*at.success, *at.warning] if "Still claimable" in e.value)


def send_customer(at: AppTest) -> None:
    """Send the customer form as its fields stand."""
    next(b for b in at.button if b.label == "Use this customer").click().run()


def judged_on(monkeypatch: pytest.MonkeyPatch, day: dt.date = dt.date(2026, 4, 20)) -> None:
    """Claim deadlines are judged on ``day``, by default 20 April 2026: March's (30 April) is 10
    days away, April's (31 May) 41 days; the screen must not depend on the day the tests run."""
    monkeypatch.setattr(widgets, "today", lambda: day)


@pytest.fixture(autouse=True)
def _judged(monkeypatch: pytest.MonkeyPatch) -> None:
    judged_on(monkeypatch)


def metrics(at: AppTest) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


def test_example_opens_computed_with_the_hand_worked_credit() -> None:
    at = start()
    assert metrics(at) == [
        ("Availability", "99.137 %"),
        ("Credit (USD)", "2,000.00"),
        ("Claim by", "30 April 2026"),
        ("Availability", "99.238 %"),
        ("Credit (USD)", "2,000.00"),
        ("Claim by", "31 May 2026"),
    ]
    assert "Still claimable: 4,000.00 USD" in at.success[0].value
    margins = [c.value for c in at.caption if "of full outage" in c.value]
    assert "61.52 min" in margins[0]
    assert "102.92 min" in margins[1]


def test_the_example_agrees_with_the_library() -> None:
    result = slacalc.calculate(
        inputs.EXAMPLE_FILE,
        "microsoft-365-exchange-online",
        users=1000,
        monthly_fee="8000.00",
        cohorts={"Outlook Mobile": 400, "Outlook for Mac": 120},
    )
    table = result.to_frame()
    assert table["period"].tolist() == ["2026-03", "2026-04"]
    assert [float(v) for v in table["user_minutes_lost"]] == [384300, 329100]
    assert table["availability_percent"].iloc[0] == Decimal("99.1379542395")  # floored, 10 places
    assert Decimal(44195700) / Decimal(44580000) * 100 >= Decimal("99.1379542395")
    assert table["availability_percent"].iloc[1] == Decimal("99.2381944444")
    assert table["credit_amount"].tolist() == [Decimal("2000.00"), Decimal("2000.00")]
    assert [str(d) for d in table["claim_deadline"]] == ["2026-04-30", "2026-05-31"]
    assert float(table["minutes_to_next_tier"].iloc[0]) == pytest.approx(3691 / 60)


BAD_ROW = (
    b"id,start,end,affected_users\n"
    b"A,2026-03-10T10:00:00Z,2026-03-10T14:00:00Z,200\n"
    b"B,2026-03-12T10:00:00Z,2026-03-12T11:00:00Z,100\n"
    b"C,2026-03-15T10:00:00Z,2026-03-15T09:00:00Z,50\n"
)


def test_upload_with_one_bad_row_shows_it_and_computes_the_rest() -> None:
    at = start()
    at.switch_page(DATA).run()
    at.file_uploader(key="widget.outage_file").set_value(("outages.csv", BAD_ROW, "text/csv"))
    at.run()
    assert [e.value for e in at.exception] == []
    assert len(at.error) == 1
    assert "1 row(s) of 3 could not be used" in at.error[0].value
    problems = next(d.value for d in at.dataframe if "problem" in d.value.columns)
    assert problems[["row", "column"]].values.tolist() == [[4, "end"]]
    assert "not after the start" in problems["problem"].iloc[0]
    # The good rows: 200 users × 240 min + 100 × 60 = 54,000 of 44,640,000 user-minutes
    # = 99.8790...% < 99.9 % → 25 % of 8,000.00 USD.
    assert "Still claimable: 2,000.00 USD" in at.success[0].value
    assert "March 2026: **2,000.00 USD**" in at.success[0].value
    mapping = next(d.value for d in at.dataframe if "Read as" in d.value.columns)
    assert mapping["Read as"].tolist() == ["id", "start", "end", "affected_users"]
    # The claim page shows the same, with the rejected row.
    at.switch_page("slacalc/app/pages/claim.py").run()
    assert ("Availability", "99.879 %") in metrics(at)
    assert "1 row(s) of 3 could not be used" in at.error[0].value


def test_naive_times_are_read_in_the_chosen_zone() -> None:
    at = start()
    at.switch_page(DATA).run()
    # 31 Mar 23:30 to 1 Apr 00:30, no offset: in UTC it splits 30/30 between March and April;
    # in New York (UTC−4) it is 1 Apr 03:30–04:30 UTC, all April.
    # Every one of the 1,000 users: UTC gives 30,000 user-minutes to each month (99.932 % of
    # March's 44,640,000, 99.930 % of April's 43,200,000: no credit); New York gives April all
    # 60,000 (99.861 % → 25 % → 2,000.00 USD).
    naive = b"start,end\n2026-03-31 23:30,2026-04-01 00:30\n"
    at.file_uploader(key="widget.outage_file").set_value(("naive.csv", naive, "text/csv"))
    at.run()
    clean(at)
    assert any("No credit" in i.value for i in at.info)
    at.switch_page("slacalc/app/pages/claim.py").run()
    assert [m.value for m in at.metric if m.label == "Availability"] == ["99.932 %", "99.930 %"]
    at.switch_page(DATA).run()
    at.selectbox(key="widget.timezone").set_value("America/New_York").run()
    clean(at)
    at.switch_page("slacalc/app/pages/claim.py").run()
    clean(at)
    assert [m.value for m in at.metric if m.label == "Availability"] == ["99.861 %"]
    assert ("Credit (USD)", "2,000.00") in metrics(at)
    assert "America/New_York" in at.caption[0].value


def test_a_scenario_that_extends_the_outage_moves_the_credit_up_a_tier() -> None:
    at = start()
    at.switch_page(WHATIF).run()
    # Line 3 is the 100-user Outlook Mobile window (85 users above the persistent 15).
    # 61,500 more user-minutes reach 1 % of 44,580,000: 723 min × 85 = 61,455 is not enough,
    # 724 min × 85 = 61,540 is: 445,840 lost → 98.9999...% < 99 % → 50 %.
    for name, minutes in (("Short", 723), ("Long", 724)):
        at.text_input(key="widget.scenario_name").set_value(name)
        at.selectbox(key="widget.scenario_target").set_value("row 3")
        at.number_input(key="widget.scenario_minutes").set_value(minutes)
        next(b for b in at.button if b.label == "Add scenario").click().run()
        clean(at)
    march = next(d.value for d in at.dataframe if "Scenario" in d.value.columns)
    rows = {r["Scenario"]: r for r in march.to_dict("records")}
    assert rows["Baseline"]["Credit"] == "2,000.00 USD"
    assert rows["Short"]["Tier"] == "< 99.9 % → 25 % of the fee"
    # 45 user-minutes short: 2.7 s of every user, 3 s by the '<' rule, 0.05 min.
    assert rows["Short"]["Minutes to next tier"].startswith("0.05 min")
    assert rows["Long"]["Tier"] == "< 99 % → 50 % of the fee"
    assert rows["Long"]["Credit"] == "4,000.00 USD"
    assert rows["Long"]["Δ credit"] == "+2,000.00 USD"
    assert rows["Long"]["Availability"] == "98.999 %"


def test_quick_scenario_a_day_longer_extends_each_incident_not_every_window() -> None:
    """ "A day longer": each incident's last window gets 1,440 min. EX1256020 ends with the
    40-user Mac window on 24 Mar 13:00–17:00, now to 25 Mar 17:00: 40 × 1,440 = 57,600 more
    user-minutes in March, 384,300 + 57,600 = 441,900 of 44,580,000 → 99.0087…% (shown 99.008 %),
    still above 99 %: 25 %, 2,000.00 USD. EX1268771's last window (15 users to 15 Apr 23:00) adds
    15 × 1,440 = 21,600 in April: 350,700 of 43,200,000 → 99.1881…%, still 25 %.
    "Each window a day longer" gives every one of the eight counted windows a day: March falls
    below 99 % → 50 %, 4,000.00 USD."""
    at = start()
    at.switch_page(WHATIF).run()
    at.button(key="widget.preset.A day longer").click().run()
    at.button(key="widget.preset.Each window a day longer").click().run()
    clean(at)
    listed = [m.value for m in at.markdown if m.value.startswith("**A day longer**")]
    assert listed == [
        "**A day longer** — every incident lasts 1 day (1,440 min) longer (its last window)"
    ]
    march, april = [d.value for d in at.dataframe if "Scenario" in d.value.columns][:2]
    assert march["Scenario"].tolist() == ["Baseline", "A day longer", "Each window a day longer"]
    assert march["Availability"].tolist()[:2] == ["99.137 %", "99.008 %"]
    assert march["Credit"].tolist() == ["2,000.00 USD", "2,000.00 USD", "4,000.00 USD"]
    assert april["Availability"].tolist()[:2] == ["99.238 %", "99.188 %"]
    at.button(key="widget.remove_scenario.A day longer").click().run()
    at.button(key="widget.remove_scenario.Each window a day longer").click().run()
    clean(at)
    assert not [d for d in at.dataframe if "Scenario" in d.value.columns]


def test_the_form_can_change_each_window_instead_of_the_incident() -> None:
    """Six hours more on EX1256020. Each incident: only its last window (Mac, 40 users, 24 Mar)
    grows: 40 × 360 = 14,400 user-minutes. Each window: its five windows grow; Outlook Mobile's
    three (50 users to 19 Mar 23:00, 80 to 20 Mar 18:40, 30 to 20 Mar 20:40) now overlap and the
    largest count above the 15 persistent users counts: 35 × 360 = 12,600 on 19 Mar; on 20 Mar
    65 × 600 (08:40–18:40) + 15 × 120 (to 20:40) = 40,800 against 65 × 240 + 15 × 120 = 17,400
    before, 23,400 more; Mac: 40 × 360 twice = 28,800. March lost 384,300 + 14,400 = 398,700
    (99.1056…%) against 384,300 + 12,600 + 23,400 + 28,800 = 449,100 (98.9926…%, below 99 % →
    50 %)."""
    at = start()
    at.switch_page(WHATIF).run()
    for name, each in (("Incident", "Each incident (its last window)"), ("Windows", "Each window")):
        at.text_input(key="widget.scenario_name").set_value(name)
        at.selectbox(key="widget.scenario_target").set_value("EX1256020")
        at.radio(key="widget.scenario_each").set_value(each)
        at.number_input(key="widget.scenario_minutes").set_value(360)
        next(b for b in at.button if b.label == "Add scenario").click().run()
        clean(at)
    march = next(d.value for d in at.dataframe if "Scenario" in d.value.columns)
    rows = {r["Scenario"]: r for r in march.to_dict("records")}
    assert rows["Incident"]["Availability"] == "99.105 %"
    assert rows["Incident"]["Credit"] == "2,000.00 USD"
    assert rows["Windows"]["Availability"] == "98.992 %"
    assert rows["Windows"]["Credit"] == "4,000.00 USD"
    shown = [m.value for m in at.markdown if m.value.startswith("**Windows**")]
    assert shown == ["**Windows** — each window of EX1256020 6 h (360 min) longer"]


def test_switching_the_contract_changes_the_tier_table() -> None:
    at = start()
    at.switch_page(CONTRACT).run()
    clean(at)
    tiers = at.table[1].value
    assert tiers.to_dict("records") == [
        {"Availability": "< 99.9 %", "Credit": "25 % of the month's fee"},
        {"Availability": "< 99 %", "Credit": "50 % of the month's fee"},
        {"Availability": "< 95 %", "Credit": "100 % of the month's fee"},
    ]
    at.selectbox(key="widget.contract").set_value("google-workspace").run()
    clean(at)
    assert at.table[1].value["Credit"].tolist() == [
        "3 days of service",
        "7 days of service",
        "15 days of service",
    ]
    assert at.header[0].value == "Google Workspace"
    # Under Google Workspace a minute is down when > 5 % of the 1,000 users are affected:
    # 17 Mar 14:30–18:30 (100 Mobile), 19 Mar 09:00–13:00 (50 + 40), 20 Mar 08:40–12:40 (80),
    # 24 Mar 13:00–17:00 (40 Mac + the 15 Mobile): 960 of 44,580 minutes → 97.846 % < 99 %
    # → 7 days of service = 8,000.00 × 7 / 31 = 1,806.45 USD. April never passes 5 %.
    at.switch_page("slacalc/app/pages/claim.py").run()
    clean(at)
    assert metrics(at)[:2] == [("Availability", "97.846 %"), ("Credit (USD)", "1,806.45")]
    assert ("Availability", "100 %") in metrics(at)


def test_the_contract_page_lists_every_bundled_contract_by_provider() -> None:
    at = start()
    at.switch_page(CONTRACT).run()
    listed = next(d.value for d in at.dataframe if "Official address" in d.value.columns)
    assert list(listed["id"]) == sorted(
        slacalc.list_contracts(), key=lambda c: (slacalc.load_contract(c).provider.casefold(), c)
    )
    providers = list(listed["Provider"])
    assert providers == sorted(providers, key=str.casefold)  # grouped: each provider once, in a run
    s3 = listed[listed["id"] == "aws-s3-standard"].iloc[0]
    assert (s3["Provider"], s3["Commitment"], s3["Measured by"], s3["Official address"]) == (
        "Amazon Web Services",
        "99.9 % per month",
        "error rate",
        "https://aws.amazon.com/s3/sla/",
    )


def test_an_uploaded_contract_with_a_bad_field_is_refused_by_name() -> None:
    at = start()
    at.switch_page(CONTRACT).run()
    bad = (ROOT / "contracts" / "microsoft-365-exchange-online.toml").read_text()
    bad = bad.replace("commitment_percent = 99.9", "commitment_percent = 199.9")
    at.file_uploader(key="widget.contract_file").set_value(
        ("mine.toml", bad.encode(), "text/plain")
    )
    at.run()
    assert [e.value for e in at.exception] == []
    assert "commitment_percent" in at.error[0].value
    # 99.95: a commitment below the top tier's 99.9 boundary would contradict the tiers.
    good = bad.replace("commitment_percent = 199.9", "commitment_percent = 99.95")
    at.file_uploader(key="widget.contract_file").set_value(
        ("mine.toml", good.encode(), "text/plain")
    )
    at.run()
    clean(at)
    assert at.selectbox(key="widget.contract").value == "mine"
    terms = at.table[0].value.set_index("Term")["In plain words"]
    assert "99.95 % availability" in terms["Commitment"]


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], bytes]]:
    """What each download button would serve, by file name: the bytes a click returns."""
    got: dict[str, Callable[[], bytes]] = {}
    add = MediaFileManager.add
    add_deferred = MediaFileManager.add_deferred

    def spy_add(
        self: MediaFileManager,
        data: Any,
        mimetype: str,
        coordinates: str,
        file_name: str | None = None,
        is_for_static_download: bool = False,
    ) -> str:
        if file_name:
            got[file_name] = lambda data=data: bytes(data)
        return add(self, data, mimetype, coordinates, file_name, is_for_static_download)

    def spy_deferred(
        self: MediaFileManager,
        data_callable: Any,
        mimetype: str | None,
        coordinates: str,
        file_name: str | None = None,
        **kw: Any,
    ) -> str:
        if file_name:
            got[file_name] = data_callable
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add", spy_add)
    monkeypatch.setattr(MediaFileManager, "add_deferred", spy_deferred)
    return got


def test_results_csv_download_matches_the_screen(served: dict[str, Callable[[], bytes]]) -> None:
    start()
    text = served["slacalc-results-baseline.csv"]().decode()
    lines = text.splitlines()
    assert lines[0].split(",")[:4] == ["tenant", "service", "contract", "period"]
    assert ",2000.00," in lines[1]
    assert ",2026-04-30," in lines[1]


def test_claim_workbook_summary_matches_the_screen(served: dict[str, Callable[[], bytes]]) -> None:
    at = start()
    shown = metrics(at)
    workbook = openpyxl.load_workbook(
        io.BytesIO(served["slacalc-claim-baseline.xlsx"]()), data_only=True
    )
    rows = list(_table_rows(workbook["Summary"], "Period"))
    assert [r["Period"] for r in rows] == ["2026-03", "2026-04"]
    assert {label for label, _ in shown if label.startswith("Credit")} == {"Credit (USD)"}
    assert {r["Currency"] for r in rows} == {"USD"}
    for row, (avail, credit, deadline) in zip(rows, _by_period(shown), strict=True):
        exact = Decimal(repr(row["Availability %"])).quantize(Decimal("0.001"), ROUND_FLOOR)
        assert f"{exact} %" == avail
        assert f"{Decimal(repr(row['Credit amount'])):,.2f}" == credit
        day = row["Claim deadline"]
        assert f"{day.day} {day:%B %Y}" == deadline


def _by_period(shown: list[tuple[str, str]]) -> Iterator[tuple[str, str, str]]:
    values = [v for _, v in shown]
    for i in range(0, len(values), 3):
        yield values[i], values[i + 1], values[i + 2]


def _table_rows(sheet: Any, first_header: str) -> Iterator[dict[str, Any]]:
    """The rows of the table on ``sheet`` whose header row has ``first_header`` in column D."""
    header: list[str] | None = None
    for values in sheet.iter_rows(values_only=True):
        if header is None:
            if first_header in values and "Tenant" in values:
                header = [str(v) for v in values]
            continue
        if all(v is None for v in values):
            break
        yield dict(zip(header, values, strict=False))


def test_provider_side_with_two_thousand_tenants() -> None:
    # Every tenant: 100 users, 400.00 USD. One region-wide hour (no tenant: it hits every tenant)
    # of everyone: 6,000 of 4,464,000 user-minutes = 99.865...% → 25 % → 100.00 USD each.
    people = "tenant,contract,users,monthly_fee,currency\n" + "".join(
        f"t{i:04d},microsoft-365-exchange-online,100,400.00,USD\n" for i in range(2000)
    )
    windows = b"id,start,end\nREGION,2026-03-05T10:00:00Z,2026-03-05T11:00:00Z\n"
    at = start()
    at.switch_page(DATA).run()
    at.file_uploader(key="widget.outage_file").set_value(("o.csv", windows, "text/csv"))
    at.file_uploader(key="widget.customers_file").set_value(("c.csv", people.encode(), "text/csv"))
    at.run()
    clean(at)
    assert "2,000 tenants computed" in at.success[0].value
    assert "200,000.00 USD in total" in at.success[0].value
    at.switch_page("slacalc/app/pages/claim.py").run()
    clean(at)
    got = dict(metrics(at))
    assert got["Tenants"] == "2,000"
    assert got["Credit liability"] == "200,000.00 USD"
    # March's deadline, 30 April 2026, is 10 days after the day the tests judge on.
    shown = " ".join(c.value for c in at.caption)
    assert "Of the credit liability, still claimable: 200,000.00 USD." in shown
    top = next(d.value for d in at.dataframe if "Lowest availability" in d.value.columns)
    assert len(top) == 20
    assert top["Credit"].iloc[0] == "100.00 USD"
    assert top["Claim by"].iloc[0] == "30 April 2026 (10 days left)"  # judged on 20 April
    at.text_input(key="widget.filter_tenant").set_value("t19").run()
    clean(at)
    assert dict(metrics(at))["Tenants"] == "100 of 2,000"
    assert "Filtered to tenant names containing 't19'" in " ".join(c.value for c in at.caption)


def test_editor_table_round_trips_in_another_zone() -> None:
    read = slacalc.read_outages(inputs.EXAMPLE_FILE)
    table = inputs.editor_table(read, "Europe/London")
    # 17 Mar is before the UK clocks change (29 Mar): London is UTC; 7 Apr is BST, UTC+1.
    assert str(table["start"].iloc[0]) == "2026-03-17 14:00:00"
    assert str(table["start"].iloc[-1]) == "2026-04-07 16:00:00"
    again = slacalc.read_outages(inputs.table_upload(table).open(), "Europe/London")
    columns = ["start", "end", "affected_users", "cohort", "excluded", "id"]
    assert again.frame[columns].equals(read.frame[columns])


def test_session_keys_are_declared_in_one_place() -> None:
    ui = ROOT / "slacalc" / "app"
    for path in ui.rglob("*.py"):
        if path.name == "state.py":
            continue
        code = path.read_text()
        assert "session_state" not in code, f"{path}: use slacalc.app.state"
        assert not re.search(r"key=\"", code), f"{path}: widget keys live in state.Widget"


def test_json_and_excel_uploads_are_read_too() -> None:
    # One window of 200 users for 4 hours: 48,000 of 44,640,000 → 99.892 % → 25 %.
    at = start()
    at.switch_page(DATA).run()
    json_file = (
        b'{"incidents": [{"Incident ID": "J1", "Start time": "2026-03-10T10:00:00Z", '
        b'"End time": "2026-03-10T14:00:00Z", "Users affected": 200}]}'
    )
    at.file_uploader(key="widget.outage_file").set_value(("o.json", json_file, "application/json"))
    at.run()
    clean(at)
    assert "Still claimable: 2,000.00 USD" in at.success[0].value
    mapping = next(d.value for d in at.dataframe if "Read as" in d.value.columns)
    assert mapping.values.tolist() == [
        ["Incident ID", "id"],
        ["Start time", "start"],
        ["End time", "end"],
        ["Users affected", "affected_users"],
    ]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["start", "end", "affected_users"])
    sheet.append(["2026-04-10T10:00:00Z", "2026-04-10T18:00:00Z", 100])
    data = io.BytesIO()
    book.save(data)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader(key="widget.outage_file").set_value(("o.xlsx", data.getvalue(), xlsx))
    at.run()
    clean(at)
    # 100 users × 480 min = 48,000 of April's 43,200,000 → 99.888 % → 25 %.
    assert "April 2026: **2,000.00 USD**" in at.success[0].value


def test_changing_the_licensed_users_recomputes() -> None:
    # 500 licensed users: 384,300 of 44,580 × 500 = 22,290,000 → 98.275 % → 50 % of 8,000.00.
    at = start()
    at.switch_page(DATA).run()
    at.number_input(key="widget.users").set_value(500)
    send_customer(at)
    clean(at)
    assert "March 2026: **4,000.00 USD**" in at.success[0].value
    at.switch_page("slacalc/app/pages/claim.py").run()
    assert metrics(at)[:2] == [("Availability", "98.275 %"), ("Credit (USD)", "4,000.00")]


def test_a_typed_table_and_applying_the_editor() -> None:
    at = start()
    at.switch_page(DATA).run()
    next(b for b in at.button if b.label == "Start an empty table to type in").click().run()
    clean(at)
    # The starter row: everyone for 90 minutes on 2 March: 90,000 of 44,640,000 → 99.798 %.
    assert "March 2026: **2,000.00 USD**" in at.success[0].value
    next(b for b in at.button if b.label == "Apply changes").click().run()
    clean(at)
    assert "Edited: Typed table" in at.caption[0].value
    assert "March 2026: **2,000.00 USD**" in at.success[0].value


def test_the_portfolio_contract_page_shows_each_tenants_contract() -> None:
    people = (
        b"tenant,contract,users,monthly_fee\n"
        b"a,microsoft-365-exchange-online,100,400\n"
        b"b,google-workspace,100,600\n"
    )
    windows = b"start,end\n2026-03-05T10:00:00Z,2026-03-05T12:00:00Z\n"
    at = start()
    at.switch_page(DATA).run()
    at.file_uploader(key="widget.outage_file").set_value(("o.csv", windows, "text/csv"))
    at.file_uploader(key="widget.customers_file").set_value(("c.csv", people, "text/csv"))
    at.run()
    clean(at)
    at.switch_page(CONTRACT).run()
    clean(at)
    assert at.selectbox(key="widget.contract").value.startswith("(each tenant")
    assert [h.value for h in at.header] == ["Google Workspace", "Microsoft 365 Exchange Online"]


def test_a_file_that_cannot_be_read_is_refused_and_the_data_stays() -> None:
    at = start()
    at.switch_page(DATA).run()
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    at.file_uploader(key="widget.outage_file").set_value(("outages.csv", png, "text/csv"))
    at.run()
    assert [e.value for e in at.exception] == []
    assert "That file was not used" in at.error[0].value
    assert "PNG image" in at.error[0].value
    assert "Still claimable: 4,000.00 USD" in at.success[0].value  # still the example


def test_an_uploaded_contract_named_by_an_uploaded_customers_table_is_used() -> None:
    # my-la: Exchange Online's terms in Los Angeles months. 31 Mar 23:00 → 1 Apr 02:00 -07:00:
    # March 60 of 44,580 min → 99.865 %, April 120 of 43,200 → 99.722 %; 25 % of 100.00 each.
    terms = (ROOT / "contracts" / "microsoft-365-exchange-online.toml").read_text()
    terms = terms.replace('timezone = "UTC"', 'timezone = "America/Los_Angeles"')
    people = b"tenant,contract,users,monthly_fee\ncontoso,my-la,10,100.00\n"
    windows = b"start,end\n2026-03-31T23:00:00-07:00,2026-04-01T02:00:00-07:00\n"
    at = start()
    at.switch_page(CONTRACT).run()
    at.file_uploader(key="widget.contract_file").set_value(
        ("my-la.toml", terms.encode(), "text/plain")
    )
    at.run()
    clean(at)
    at.switch_page(DATA).run()
    at.file_uploader(key="widget.outage_file").set_value(("o.csv", windows, "text/csv"))
    at.file_uploader(key="widget.customers_file").set_value(("c.csv", people, "text/csv"))
    at.run()
    clean(at)
    # Judged on 20 April 2026: March's (deadline 30 April) and April's (31 May) are claimable.
    assert (
        "**1 tenants computed**: 1 with a credit, 50.00 USD in total "
        "(still claimable: 50.00 USD)." in at.success[0].value
    )


def test_the_fee_field_reads_amounts_as_the_cli_and_tables_do() -> None:
    at = start()
    at.switch_page(DATA).run()
    at.text_input(key="widget.fee").set_value("1,200")
    send_customer(at)
    assert "'1,200' is ambiguous" in at.error[0].value
    # 1,200.00: March 99.137 % → 25 % of 1,200.00 = 300.00.
    at.text_input(key="widget.fee").set_value("1,200.00")
    send_customer(at)
    clean(at)
    assert "March 2026: **300.00 USD**" in at.success[0].value


def test_the_letter_locale_is_asked_with_the_customer_and_checked() -> None:
    at = start()
    at.switch_page(DATA).run()
    at.text_input(key="widget.locale").set_value("xx_QQ")
    send_customer(at)
    assert "'xx_QQ' is not a known locale" in at.error[0].value
    at.text_input(key="widget.locale").set_value("de_DE")
    send_customer(at)
    clean(at)
    assert at.session_state["model.inputs"].locale == "de_DE"


def test_an_unexpected_error_shows_a_reference_not_a_traceback_and_the_session_goes_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An error that is not slacalc's (here pandas' OutOfBoundsDatetime, as a far-future date
    once raised) must not print a traceback with the server's paths on the page."""
    from pandas.errors import OutOfBoundsDatetime

    from slacalc.app import cached

    at = start()

    def broken(*args: object, **kwargs: object) -> None:
        raise OutOfBoundsDatetime(f"Out of bounds nanosecond timestamp, see {__file__}")

    monkeypatch.setattr(inputs, "compute", broken)
    cached.results.clear()
    with caplog.at_level("ERROR", logger="slacalc.app.widgets"):
        at.run()
    assert [e.value for e in at.exception] == []  # no Streamlit exception box
    shown = " ".join(str(e.value) for e in at.error)
    reference = re.search(r"\*\*([0-9a-f]{12})\*\*", shown)
    assert reference, shown
    assert "Something went wrong on our side" in shown
    for leak in ("Traceback", "OutOfBoundsDatetime", "nanosecond", str(ROOT), ".py"):
        assert leak not in shown
    logged = [r for r in caplog.records if reference.group(1) in r.getMessage()]
    assert len(logged) == 1
    assert logged[0].exc_info is not None  # the traceback is in the server log

    monkeypatch.undo()
    judged_on(monkeypatch)
    cached.results.clear()
    at.run()
    clean(at)
    assert "Still claimable: 4,000.00 USD" in at.success[0].value


def test_a_window_without_a_user_count_is_flagged_beside_the_credit() -> None:
    """Row 3 gives no count: it counts all 1,000 licensed users. 200 × 240 + 1,000 × 60 =
    108,000 of 44,640,000 user-minutes → 99.7580…% → 25 % of 8,000.00 USD = 2,000.00 USD."""
    at = start()
    at.switch_page(DATA).run()
    blank = (
        b"id,start,end,affected_users\n"
        b"A,2026-03-10T10:00:00Z,2026-03-10T14:00:00Z,200\n"
        b"B,2026-03-12T10:00:00Z,2026-03-12T11:00:00Z,\n"
    )
    at.file_uploader(key="widget.outage_file").set_value(("outages.csv", blank, "text/csv"))
    at.run()
    at.switch_page("slacalc/app/pages/claim.py").run()
    assert [e.value for e in at.exception] == []
    assert "Still claimable: 2,000.00 USD" in at.success[0].value
    warned = [w.value for w in at.warning if "Affected users assumed" in w.value]
    assert len(warned) == 1
    assert "row 3: no affected-user count; all 1,000 licensed users assumed" in warned[0]


# Issue 11: the app tells the truth about its state -----------------------------------------------

CLAIM = "slacalc/app/pages/claim.py"
PAGES = (DATA, CLAIM, CONTRACT, WHATIF)

# Three rows: row 2 fine (200 users × 240 min), row 3 reports 5,000 affected users (more than the
# example's 1,000 licensed users: the calculation refuses it), row 4 ends before it starts (the
# reader refuses it).
TWO_BAD = (
    b"id,start,end,affected_users\n"
    b"A,2026-03-10T10:00:00Z,2026-03-10T14:00:00Z,200\n"
    b"B,2026-03-12T10:00:00Z,2026-03-12T11:00:00Z,5000\n"
    b"C,2026-03-15T10:00:00Z,2026-03-15T09:00:00Z,50\n"
)


def texts(at: AppTest) -> str:
    """Every caption, markdown, info, warning and success on the page, as one text."""
    parts = [*at.caption, *at.markdown, *at.info, *at.warning, *at.success, *at.error]
    return "\n".join(str(p.value) for p in parts)


def test_an_upload_asks_whose_outages_they_are_and_every_page_says_so() -> None:
    at = start()
    at.switch_page(DATA).run()
    at.file_uploader(key="widget.outage_file").set_value(("contoso.csv", TWO_BAD, "text/csv"))
    at.run()
    assert at.subheader[0].value == "Whose outages are these?"
    for page in PAGES:  # until the customer is given, every page says the numbers are not theirs
        at.switch_page(page).run()
        warned = [w.value for w in at.warning if "Whose outages are these?" in w.value]
        assert len(warned) == 1, page
        links = [link.proto.label for link in at.get("page_link")]
        assert ("Give the customer" in links) == (page != DATA), page
        # the example's cohorts are not this file's: only users and fee are carried over
        assert "1,000 licensed users, 8,000.00 USD a month)" in warned[0]
    at.switch_page(DATA).run()
    at.text_input(key="widget.tenant").set_value("Contoso")
    at.text_input(key="widget.account_id").set_value("acc-42")
    at.text_input(key="widget.organisation").set_value("Contoso Ltd")
    at.text_input(key="widget.contact").set_value("Ana Silva")
    at.number_input(key="widget.users").set_value(6000)
    at.text_input(key="widget.fee").set_value("1,000.00")
    at.text_input(key="widget.currency").set_value("EUR")
    send_customer(at)
    given = at.session_state["model.inputs"]
    assert (given.tenant, given.account_id, given.organisation, given.contact) == (
        "Contoso",
        "acc-42",
        "Contoso Ltd",
        "Ana Silva",
    )
    assert given.customer_given
    # 6,000 users: rows 2 and 3 count: 200 × 240 + 5,000 × 60 = 348,000 of 44,640 × 6,000 =
    # 267,840,000 user-minutes → 99.8700...% < 99.9 % → 25 % of 1,000.00 EUR = 250.00 EUR.
    for page in PAGES:
        at.switch_page(page).run()
        assert not [w for w in at.warning if "Whose outages" in w.value], page
        assert (
            "**customer:** Contoso · id acc-42 · Contoso Ltd (6,000 licensed users, "
            "1,000.00 EUR a month) · **contract:** microsoft-365-exchange-online"
        ) in at.caption[0].value, page
    at.switch_page(CLAIM).run()
    assert [e.value for e in at.exception] == []
    assert metrics(at)[:2] == [("Availability", "99.870 %"), ("Credit (EUR)", "250.00")]


def test_a_customers_table_fills_the_customer_in() -> None:
    people = (
        b"tenant,contract,users,monthly_fee,currency,cohort:Outlook Mobile\n"
        b"Contoso,microsoft-365-exchange-online,2000,3000.00,EUR,400\n"
        b"Fabrikam,microsoft-365-exchange-online,500,900.00,GBP,\n"
    )
    at = start()
    at.switch_page(DATA).run()
    at.file_uploader(key="widget.customers_file").set_value(("c.csv", people, "text/csv"))
    at.run()
    assert "**customers:** every tenant of the table c.csv" in at.caption[0].value
    pick = at.selectbox(key="widget.customer_pick")
    assert pick.options == ["Contoso", "Fabrikam"]  # one contract each: names alone
    pick.set_value(("Contoso", "microsoft-365-exchange-online")).run()
    next(b for b in at.button if b.label == "Use only this customer").click().run()
    assert at.text_input(key="widget.tenant").value == "Contoso"
    assert at.number_input(key="widget.users").value == 2000
    assert at.text_input(key="widget.fee").value == "3000.00"
    assert at.text_input(key="widget.currency").value == "EUR"
    assert any("Whose outages are these?" in w.value for w in at.warning)  # confirm it first
    send_customer(at)
    clean(at)
    assert not [w for w in at.warning if "Whose outages" in w.value]
    # The example's windows for 2,000 users, Outlook Mobile 400 (Mac: none given, so its
    # windows count against all 2,000). Each of March's lost user-minutes as for 1,000 users:
    # 384,300 of 44,580 × 2,000 = 89,160,000 → 99.568...% → 25 % of 3,000.00 EUR = 750.00 EUR.
    assert "March 2026: **750.00 EUR**" in at.success[0].value


def test_a_tenant_with_two_contracts_is_picked_by_contract() -> None:
    people = (
        b"tenant,contract,users,monthly_fee,currency\n"
        b"Contoso,microsoft-365-exchange-online,2000,3000.00,EUR\n"
        b"Contoso,microsoft-365-teams,1500,1200.00,EUR\n"
    )
    at = start()
    at.switch_page(DATA).run()
    at.file_uploader(key="widget.customers_file").set_value(("c.csv", people, "text/csv"))
    at.run()
    pick = at.selectbox(key="widget.customer_pick")
    assert pick.options == [
        "Contoso (microsoft-365-exchange-online)",
        "Contoso (microsoft-365-teams)",
    ]
    pick.select_index(1).run()
    next(b for b in at.button if b.label == "Use only this customer").click().run()
    # The second row, not the tenant's first: Teams, 1,500 users, 1,200.00 EUR.
    given = at.session_state["model.inputs"]
    assert (given.tenant, given.contract) == ("Contoso", "microsoft-365-teams")
    assert at.number_input(key="widget.users").value == 1500
    assert at.text_input(key="widget.fee").value == "1200.00"


def test_every_page_counts_the_rejected_rows_the_same() -> None:
    at = start()
    at.switch_page(DATA).run()
    at.file_uploader(key="widget.outage_file").set_value(("o.csv", TWO_BAD, "text/csv"))
    at.run()
    # 1,000 users: row 3 (5,000 users) and row 4 (end before start) are both left out.
    assert dict(metrics(at))["Rejected"] == "2"
    assert dict(metrics(at))["Counted"] == "1"
    assert "**2 row(s) of 3 could not be used**" in at.error[0].value
    at.switch_page(CLAIM).run()
    assert "**2 row(s) of 3 could not be used**" in at.error[0].value
    at.switch_page(DATA).run()
    at.number_input(key="widget.users").set_value(6000)
    send_customer(at)
    assert dict(metrics(at))["Rejected"] == "1"
    assert "**1 row(s) of 3 could not be used**" in at.error[0].value
    at.switch_page(CLAIM).run()
    assert "**1 row(s) of 3 could not be used**" in at.error[0].value


def test_a_passed_deadline_is_not_money_still_claimable(monkeypatch: pytest.MonkeyPatch) -> None:
    # 30 November 2026: March's deadline (30 April) passed 214 days ago (May 31 + June 30 +
    # July 31 + August 31 + September 30 + October 31 + 30 = 214), April's (31 May) 183 days ago.
    judged_on(monkeypatch, dt.date(2026, 11, 30))
    at = start()
    assert [s.value for s in at.success] == []
    shown = at.warning[0].value
    assert "### Still claimable: nothing" in shown
    assert "**Lost to a passed deadline: 4,000.00 USD**" in shown
    assert "~~claim by 30 April 2026~~ **deadline passed 214 days ago**" in shown
    assert "~~claim by 31 May 2026~~ **deadline passed 183 days ago**" in shown
    deadlines = [m for m in at.metric if m.label == "Claim by"]
    assert [m.value for m in deadlines] == ["30 April 2026", "31 May 2026"]
    assert [m.delta for m in deadlines] == ["passed 214 days ago", "passed 183 days ago"]
    numbers = next(d.value for d in at.dataframe if "Incidents" in d.value.columns)
    assert numbers["Claim by"].tolist() == [
        "30 April 2026 (passed 214 days ago)",
        "31 May 2026 (passed 183 days ago)",
    ]
    # 10 May 2026: March's passed 10 days ago, April's has 21 days left.
    judged_on(monkeypatch, dt.date(2026, 5, 10))
    at.run()
    shown = at.success[0].value
    assert "### Still claimable: 2,000.00 USD" in shown
    assert "**Lost to a passed deadline: 2,000.00 USD**" in shown
    assert (
        "April 2026: **2,000.00 USD** (25 % of the fee), claim by **31 May 2026** (21 days" in shown
    )
    assert "Due within" not in shown


def test_a_deadline_due_soon_is_named_with_its_date() -> None:
    at = start()  # judged on 20 April 2026: March's 30 April deadline is 10 days away
    shown = at.success[0].value
    assert "### Still claimable: 4,000.00 USD" in shown
    assert "Lost to a passed deadline" not in shown
    due = next(line for line in shown.splitlines() if line.startswith("**Due within 14 days:**"))
    assert "March 2026" in due
    assert "30 April 2026" in due
    assert "10 days left" in due
    assert "April 2026:" not in due  # 41 days left


def test_glitches_seen_on_the_data_page() -> None:
    at = start()
    at.switch_page(DATA).run()
    shown = texts(at)
    assert "maxUploadSize" not in shown
    assert "config.toml" not in shown
    assert "Files up to 50 MB each" in shown
    # The example has two incidents, EX1268771 in three windows and EX1256020 in five.
    assert "2 incident(s) have several windows (e.g. 'EX1268771': 3)" in shown
    at.file_uploader(key="widget.outage_file").set_value(
        ("picture.csv", b"\x89PNG\r\n", "text/csv")
    )
    at.run()
    refused = at.error[0].value
    assert "That file was not used" in refused
    assert refused.count("picture.csv") == 1


def test_the_timeline_ticks_by_whole_days_under_day_labels() -> None:
    from slacalc.app.charts import time_axis

    # A day-only label needs ticks a whole number of days apart: 30 days / 12 ticks → 3 days.
    assert time_axis(pd.Timedelta(days=30)).to_dict() == {
        "format": "%d %b",
        "labelOverlap": True,
        "tickCount": {"interval": "day", "step": 3},
    }
    assert time_axis(pd.Timedelta(days=5)).to_dict()["tickCount"] == {"interval": "day", "step": 1}
    assert time_axis(pd.Timedelta(hours=30)).to_dict()["format"] == "%d %b %H:%M"


def test_the_editors_show_empty_cells_empty_not_none() -> None:
    at = start()
    at.switch_page(DATA).run()
    editors = [d.proto for d in at.dataframe if d.proto.editing_mode]
    assert len(editors) == 2  # the cohort sizes and the windows
    for editor in editors:
        assert editor.HasField("placeholder")
        assert editor.placeholder == ""


def test_the_provider_totals_split_off_credits_past_their_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two tenants of 100 users and 400.00 USD: one hour of everyone in March (deadline 30 April)
    # and one in April (deadline 31 May): 6,000 of 4,464,000 and of 4,320,000 user-minutes, both
    # < 99.9 % → 100.00 USD per tenant and month. Judged on 10 May 2026: March's 200.00 USD is
    # lost, April's 200.00 USD still claimable.
    judged_on(monkeypatch, dt.date(2026, 5, 10))
    people = (
        b"tenant,contract,users,monthly_fee,currency\n"
        b"a,microsoft-365-exchange-online,100,400.00,USD\n"
        b"b,microsoft-365-exchange-online,100,400.00,USD\n"
    )
    windows = (
        b"id,start,end\n"
        b"M,2026-03-05T10:00:00Z,2026-03-05T11:00:00Z\n"
        b"A,2026-04-05T10:00:00Z,2026-04-05T11:00:00Z\n"
    )
    at = start()
    at.switch_page(DATA).run()
    at.file_uploader(key="widget.outage_file").set_value(("o.csv", windows, "text/csv"))
    at.file_uploader(key="widget.customers_file").set_value(("c.csv", people, "text/csv"))
    at.run()
    clean(at)
    assert (
        "400.00 USD in total (still claimable: 200.00 USD · lost to a passed deadline: "
        "200.00 USD)" in at.success[0].value
    )
    at.switch_page(CLAIM).run()
    clean(at)
    assert dict(metrics(at))["Credit liability"] == "400.00 USD"
    shown = " ".join(c.value for c in at.caption)
    assert (
        "Of the credit liability, still claimable: 200.00 USD · lost to a passed deadline: "
        "200.00 USD." in shown
    )


def test_the_app_prepares_the_compiled_engine_before_its_first_page() -> None:
    """In a fresh process (nothing compiled or loaded yet), warming the engine leaves all its
    compiled code in memory, so no later calculation pays for compiling unannounced: one with
    incident ids once compiled the id lists again (1.6 s after an install), because Arrow lent
    their bytes writable and the warm-up's empty ids were read-only, another signature."""
    script = (
        "import sys\n"
        "import pandas as pd\n"
        "import slacalc\n"
        "from slacalc.app.inputs import warm_engine\n"
        "assert 'slacalc.engine.timeline' not in sys.modules\n"
        "warm_engine()\n"
        "from slacalc.engine.id_lists import ordered_ids, prefixes\n"
        "from slacalc.engine.timeline import sweep\n"
        "kernels = (sweep, prefixes, ordered_ids)\n"
        "print(*(len(f.signatures) for f in kernels))\n"
        "times = {'start': ['2026-03-01T00:00Z'] * 2, 'end': ['2026-03-01T01:00Z'] * 2}\n"
        "for ids in ({}, {'id': ['INC-1', 'INC-2']}):\n"
        "    slacalc.calculate(pd.DataFrame({**ids, **times}), 'google-workspace', users=5)\n"
        "print(*(len(f.signatures) for f in kernels))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["1 1 1", "1 1 1"]  # one compiled signature each
