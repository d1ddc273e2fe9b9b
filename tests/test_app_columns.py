"""The data page's column picker, driven through ``AppTest``: a file whose start column has a
name slacalc does not know is not refused for good; the user picks the column from the file's own.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_app import DATA, answer, judged_on, start

# 'Anfangszeit' is no spelling slacalc knows; 'Ende' is German for end and is recognised.
# 200 users × 240 min = 48,000 of 1000 × 44,640 = 44,640,000 user-minutes: 99.8924...% < 99.9 %
# → 25 % of the example's 8,000.00 USD = 2,000.00 USD.
UNKNOWN_START = (
    b"id,Anfangszeit,Ende,affected_users\nINC-1,2026-03-02T09:00:00Z,2026-03-02T13:00:00Z,200\n"
)


def upload(at: AppTest) -> None:
    at.switch_page(DATA).run()
    at.file_uploader(key="widget.outage_file").set_value(("mine.csv", UNKNOWN_START, "text/csv"))
    at.run()


def test_a_missing_start_column_is_picked_from_the_files_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    judged_on(monkeypatch)  # 20 April 2026: March's claim (by 30 April) is still open
    at = start()
    upload(at)
    assert [e.value for e in at.exception] == []
    assert "no 'start' column" in at.error[0].value
    picker = next(s for s in at.selectbox if s.label.startswith("Which column"))
    assert picker.label == "Which column of the file holds **start**?"
    assert picker.options == ["id", "Anfangszeit", "Ende", "affected_users"]
    picker.set_value("Anfangszeit")
    next(b for b in at.button if b.label == "Use this column").click()
    at.run()
    assert [e.value for e in at.exception] == []
    assert [e.value for e in at.error] == []
    assert "Still claimable: 2,000.00 USD" in answer(at)
    mapping = next(d.value for d in at.dataframe if "Read as" in d.value.columns)
    assert mapping["Read as"].tolist() == ["id", "start", "end", "affected_users"]


def test_no_picker_while_the_data_reads() -> None:
    at = start()
    at.switch_page(DATA).run()
    assert not [s for s in at.selectbox if "Which column" in s.label]


def test_a_missing_customers_column_is_picked_too(monkeypatch: pytest.MonkeyPatch) -> None:
    judged_on(monkeypatch)
    at = start()
    at.switch_page(DATA).run()
    # Contoso: 200 users for 4 hours on 2 March, 1,000 licensed: 2,000.00 USD as above
    outages = (
        b"id,tenant,start,end,affected_users\n"
        b"INC-1,Contoso,2026-03-02T09:00:00Z,2026-03-02T13:00:00Z,200\n"
    )
    at.file_uploader(key="widget.outage_file").set_value(("o.csv", outages, "text/csv"))
    at.run()
    # 'Anzahl' (German: number) is no spelling of users slacalc knows
    customers = (
        b"tenant,contract,Anzahl,monthly_fee,currency\n"
        b"Contoso,microsoft-365-exchange-online,1000,8000.00,USD\n"
    )
    at.file_uploader(key="widget.customers_file").set_value(("c.csv", customers, "text/csv"))
    at.run()
    (said,) = [str(e.value) for e in at.error]
    assert said.endswith("to use one of them, pick the file's users column below")
    picker = next(s for s in at.selectbox if s.label.startswith("Which column"))
    assert picker.label == "Which column of the customers table holds **users**?"
    picker.set_value("Anzahl")
    next(b for b in at.button if b.label == "Use this column").click().run()
    assert [e.value for e in at.exception] == []
    assert [e.value for e in at.error] == []
    assert "**1 tenants computed**: 1 with a credit, 2,000.00 USD in total" in at.success[0].value
