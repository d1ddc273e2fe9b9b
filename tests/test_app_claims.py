"""The claims register in the app, through ``AppTest``: "Record as claim" on the Claim page, then
the Claims page records what the provider said.

The app's example (worked by hand in test_app.py): 2,000.00 USD for March 2026 (claim by 30 April
2026) and 2,000.00 USD for April (by 31 May 2026), under Exchange Online.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from slacalc.app.state import Widget
from slacalc.claims import Register
from tests.test_app import APP, clean

CLAIMS = "slacalc/app/pages/claims.py"


def _record(at: AppTest, action: str, **fields: str) -> None:
    at.selectbox(key=Widget.CLAIMS_ACTION).set_value(action)
    for key, value in fields.items():
        at.text_input(key=Widget(f"widget.claims_{key}")).input(value)
    next(b for b in at.button if b.label == "Record").click().run()


def test_record_as_claim_then_file_approve_and_credit_it(data_dir: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.button(key=Widget.RECORD_CLAIM).click().run()
    clean(at)
    said = at.success[-1].value
    assert "claim 1: microsoft-365-exchange-online 2026-03: draft recorded, 2,000.00 USD" in said
    assert "claim 2: microsoft-365-exchange-online 2026-04: draft recorded, 2,000.00 USD" in said

    at.switch_page(CLAIMS).run()
    clean(at)
    assert next((m.label, m.value) for m in at.metric) == ("Claims", "2")
    table = at.dataframe[0].value
    assert list(table["Claimed"]) == ["2,000.00 USD", "2,000.00 USD"]
    assert list(table["Claim by"]) == ["30 April 2026", "31 May 2026"]
    assert list(table["Status"]) == ["draft", "draft"]

    at.selectbox(key=Widget.CLAIMS_CLAIM).set_value(1)
    _record(at, "filed", ticket="MS-4471902")
    clean(at)
    assert "Claim 1 is now **filed**" in at.success[0].value
    _record(at, "approved", amount="1500.00")
    _record(at, "credited", amount="1500.00", invoice="E0600QK2TX")
    clean(at)
    table = at.dataframe[0].value
    first = table[table["Claim"] == 1].iloc[0]
    assert (first["Status"], first["Ticket"]) == ("credited", "MS-4471902")
    assert (first["Approved"], first["Credited"]) == ("1,500.00 USD", "1,500.00 USD")
    assert ("Credits received", "1,500.00 USD") in [(m.label, m.value) for m in at.metric]

    with Register() as register:  # the same register the command line reads
        claim = register.get(1)
    assert [e.status for e in claim.events] == ["draft", "filed", "partly_approved", "credited"]
    assert claim.events[1].zone == "UTC"  # the app's zone for times entered


def test_a_change_the_claim_does_not_allow_is_shown_not_recorded(data_dir: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.button(key=Widget.RECORD_CLAIM).click().run()
    at.switch_page(CLAIMS).run()
    _record(at, "filed")  # no ticket
    assert "filed: give the provider's ticket or case number" in at.error[0].value
    assert list(at.dataframe[0].value["Status"]) == ["draft", "draft"]


def test_an_empty_register_says_how_to_fill_it(data_dir: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(CLAIMS).run()
    clean(at)
    assert "Record as claim" in at.info[0].value
