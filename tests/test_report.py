"""The three front ends say the same thing: one report layer behind the CLI, app and workbook.

Each bundled example is rendered through the CLI (``slacalc.cli.main``, in-process), the app's
pure layer (``slacalc.app.inputs``: no streamlit) and the claim workbook (read back with
openpyxl), and all three must show the same credit totals per currency, the same claim
deadlines and the same contract sentences. The totals are the hand-worked ones of
``tests/test_examples.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import slacalc
from slacalc import cli
from slacalc.app import display, inputs
from slacalc.report.export import ID_SEPARATOR, to_csv
from slacalc.report.terms import contract_terms
from slacalc.report.totals import deadline_status, totals

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# example: (its CLI arguments, the workbook's "today", expected totals per currency:
#           (credits, still claimable, deadline passed), contract id)
CASES: dict[str, tuple[list[str], dt.date, dict[str, tuple[str, str, str]], str]] = {
    # contoso 1,000.00 + 1,000.00 USD, northwind 80.00 + 80.00 EUR; on 15 May 2026 March's
    # deadline (30 April) has passed, April's (31 May) has not.
    "exchange-march-2026": (
        [],
        dt.date(2026, 5, 15),
        {"EUR": ("160.00", "80.00", "80.00"), "USD": ("2000.00", "1000.00", "1000.00")},
        "microsoft-365-exchange-online",
    ),
    # 303,000 + 50,500 USD, all claimable until 31 December 2025.
    "aws-us-east-1-october-2025": (
        ["--period", "2025-10"],
        dt.date(2025, 11, 1),
        {"USD": ("353500.00", "353500.00", "0.00")},
        "aws-ec2-region",
    ),
    # 19,110 + 45,570 USD; on 1 August 2025 the 30 July deadline has passed for all of it.
    "google-cloud-june-2025": (
        [],
        dt.date(2025, 8, 1),
        {"USD": ("64680.00", "0.00", "64680.00")},
        "google-workspace",
    ),
}


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    status = cli.main(argv)
    out, err = capsys.readouterr()
    assert status == 0, err
    return out


def cli_args(example: str) -> list[str]:
    folder = EXAMPLES / example
    extra = CASES[example][0]
    return [
        "calculate",
        str(folder / "outages.csv"),
        "--customers",
        str(folder / "customers.csv"),
        *extra,
    ]


def breached_credits(rows: list[dict[str, Any]]) -> dict[str, Decimal]:
    """Credits per currency from rows of plain values (``breached``, ``credit_amount`` text)."""
    sums: dict[str, Decimal] = {}
    for r in rows:
        if r["breached"] in (True, "true") and r["credit_amount"]:
            sums[r["currency"]] = sums.get(r["currency"], Decimal(0)) + Decimal(r["credit_amount"])
    return dict(sorted(sums.items()))


def deadlines(rows: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """The claim deadline of each breached (tenant, period), ISO."""
    return {
        (str(r["tenant"]), str(r["period"])): str(r["claim_deadline"])
        for r in rows
        if r["breached"] in (True, "true", "yes")
    }


def table_rows(sheet: Any, first: str) -> Iterator[dict[str, Any]]:
    """The rows under the header row whose first cell is ``first``, up to a blank row."""
    header: list[str] | None = None
    for values in sheet.iter_rows(values_only=True):
        if header is None:
            if values and values[0] == first:
                header = [str(v) for v in values]
            continue
        if all(v is None for v in values):
            break
        yield dict(zip(header, values, strict=False))


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("example", sorted(CASES))
def test_cli_app_and_workbook_show_the_same_totals_deadlines_and_terms(
    example: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, today, expected, contract_id = CASES[example]
    credits = {c: Decimal(v[0]) for c, v in expected.items()}

    # The CLI: JSON rows and the table's totals line.
    monkeypatch.chdir(ROOT)
    cli_rows = json.loads(run_cli([*cli_args(example), "--format", "json"], capsys))
    assert breached_credits(cli_rows) == credits
    text = run_cli(cli_args(example), capsys)
    money = ", ".join(f"{Decimal(v):,f} {c}" for c, v in sorted(credits.items()))
    assert f"Credits: {money}." in text

    # The app's pure layer: the same inputs, and the CSV the download button serves.
    app_inputs = inputs.from_folder(EXAMPLES / example, inputs.example())
    results = inputs.compute(app_inputs)
    app_rows = list(csv.DictReader(io.StringIO(inputs.results_csv(results).decode())))
    assert breached_credits(app_rows) == credits
    assert deadlines(app_rows) == deadlines(cli_rows)
    # (The app requests no extra period, so it may list fewer rows: those without downtime.)
    cli_ids = {(r["tenant"], r["period"]): ID_SEPARATOR.join(r["incident_ids"]) for r in cli_rows}
    assert {(r["tenant"], r["period"]): r["incident_ids"] for r in app_rows} == {
        (r["tenant"], r["period"]): cli_ids[r["tenant"], r["period"]] for r in app_rows
    }

    # The workbook, made "today": totals by currency and the per-period deadlines.
    now = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
    data = slacalc.export_excel(results, now=now)
    assert data is not None
    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    sheet = book["Summary"]
    shown = {
        str(r["Totals by currency"]): tuple(
            Decimal(str(r[k])).quantize(Decimal("0.01"))
            for k in ("Credits", "Still claimable", "Deadline passed")
        )
        for r in table_rows(sheet, "Totals by currency")
    }
    assert shown == {c: tuple(Decimal(x) for x in v) for c, v in expected.items()}
    book_rows = [
        {**r, "claim_deadline": r["Claim deadline"].date().isoformat()}
        for r in table_rows(sheet, "Tenant")
        if r["Breached"] == "yes"
    ]
    assert {(r["Tenant"], r["Period"]): r["claim_deadline"] for r in book_rows} == deadlines(
        cli_rows
    )
    # The report's own totals for the same day agree with the workbook's cached figures.
    assert {
        k[0]: (str(t.credits), str(t.claimable), str(t.passed))
        for k, t in totals(results.table, today).items()
        if t.credits
    } == expected

    # The contract in plain words: the same sentences in all three.
    contract = slacalc.load_contract(contract_id)
    terms = contract_terms(contract)
    shown_by_cli = flat(run_cli(["contracts", "show", contract_id], capsys))
    shown_by_app = dict(display.contract_terms(contract))
    sheet = book["Contract terms"]
    by_label = {str(r[0]): r[1] for r in sheet.iter_rows(max_col=2, values_only=True)}
    assert by_label["Term"] == contract_id
    for term in terms:
        for line in term.words.splitlines():
            assert flat(line) in shown_by_cli
        assert shown_by_app[term.label.capitalize()] == term.words
    words = {t.key: t.words for t in terms}
    assert by_label["Credit tiers"] == words["tiers"]
    assert by_label["Claim deadline"] == words["claim"]
    assert by_label["How availability is measured"].startswith(words["method"])


def test_a_passed_deadline_is_earned_but_not_claimable() -> None:
    # One period, March 2026: 60 minutes, all 500 users → (44,640 − 60) / 44,640 = 99.8655…%
    # → 25 % of 2,000.00 = 500.00 USD; claim by the end of April (Microsoft 365).
    outages = pd.DataFrame({"start": ["2026-03-10T10:00Z"], "end": ["2026-03-10T11:00Z"]})
    results = slacalc.calculate(
        outages, "microsoft-365-exchange-online", users=500, monthly_fee="2000.00"
    )
    table = results.table
    day_before, last_day, day_after = (
        dt.date(2026, 4, 29),
        dt.date(2026, 4, 30),
        dt.date(2026, 5, 1),
    )
    status = deadline_status(table, day_before)
    assert status[["claimable", "passed"]].iloc[0].tolist() == [True, False]
    assert status["days_left"].iloc[0] == 1
    assert deadline_status(table, last_day)["days_left"].iloc[0] == 0
    assert deadline_status(table, last_day)["status"].iloc[0] == "claim open"
    after = deadline_status(table, day_after)
    assert after[["claimable", "passed", "status"]].iloc[0].tolist() == [
        False,
        True,
        "deadline passed",
    ]
    assert after["days_left"].iloc[0] == -1
    (key, before), (_, lapsed) = (
        next(iter(totals(table, day_before).items())),
        next(iter(totals(table, day_after).items())),
    )
    assert key == ("USD",)
    assert (before.credits, before.claimable, before.passed) == (
        Decimal("500.00"),
        Decimal("500.00"),
        Decimal("0.00"),
    )
    assert (lapsed.credits, lapsed.claimable, lapsed.passed) == (
        Decimal("500.00"),
        Decimal("0.00"),
        Decimal("500.00"),
    )


def test_totals_per_contract_and_currency() -> None:
    # Two tenants under two contracts, one hour of everyone in March 2026:
    #   Exchange Online, 100 users, 400.00 EUR: 99.8655…% → 25 % → 100.00 EUR
    #   AWS EC2 region, 1 user, 1,000.00 USD: (44,640 − 60) / 44,640 = 99.8655…% → < 99.99 → 10 %
    #   → 100.00 USD
    customers = pd.DataFrame(
        {
            "tenant": ["a", "b"],
            "contract": ["microsoft-365-exchange-online", "aws-ec2-region"],
            "users": [100, 1],
            "monthly_fee": ["400.00", "1000.00"],
            "currency": ["EUR", "USD"],
        }
    )
    outages = pd.DataFrame({"start": ["2026-03-10T10:00Z"], "end": ["2026-03-10T11:00Z"]})
    table = slacalc.calculate(outages, customers=customers).table
    found = totals(table, by_contract=True)
    assert {k: t.credits for k, t in found.items()} == {
        ("aws-ec2-region", "USD"): Decimal("100.00"),
        ("microsoft-365-exchange-online", "EUR"): Decimal("100.00"),
    }


def test_csv_and_json_write_exact_values_at_the_currency_minor_unit() -> None:
    # 60 minutes of all 500 users in April: (43,200 − 60) / 43,200 = 99.861111…% → 25 % of
    # 1,000 JPY = 250 JPY (no minor unit), availability floored to 10 places.
    outages = pd.DataFrame(
        {"id": ["X"], "start": ["2026-04-10T10:00Z"], "end": ["2026-04-10T11:00Z"]}
    )
    results = slacalc.calculate(
        outages, "microsoft-365-exchange-online", users=500, monthly_fee="1000", currency="JPY"
    )
    row = next(csv.DictReader(io.StringIO(to_csv(results))))
    assert row["credit_amount"] == "250"
    assert row["monthly_fee"] == "1000"
    assert row["availability_percent"] == "99.8611111111"
    assert row["commitment_percent"] == "99.9"
    assert row["credit_percent"] == "25"
    assert row["credit_days"] == ""
    assert row["tenant"] == ""
    assert row["claim_deadline"] == "2026-05-31"


def test_the_text_table_marks_each_deadline_as_judged_on_the_as_of_day() -> None:
    # One hour down on 10 March 2026 for all 10 users: 60 of 44,640 min → 99.8655 % < 99.9 %
    # → 25 % of 100.00 = 25.00 USD, claim by 30 April 2026 (end of the month after). Judged on
    # 20 April (the as-of day): 10 days left; on 1 May: passed, and the credit is lost.
    from slacalc.report.export import to_text

    outage = "start,end\n2026-03-10T10:00Z,2026-03-10T11:00Z\n"

    def text(as_of: str) -> str:
        outages = slacalc.read_outages(io.StringIO(outage), as_of=as_of)
        return to_text(
            slacalc.calculate(outages, "microsoft-365-exchange-online", users=10, monthly_fee="100")
        )

    early = text("2026-04-20T12:00Z")
    assert "2026-04-30 (10 days left)" in early
    assert "Lost to a passed claim deadline" not in early
    late = text("2026-05-01T12:00Z")
    assert "2026-04-30 (passed)" in late
    assert "Lost to a passed claim deadline: 25.00 USD; still claimable: 0.00 USD." in late


def test_the_apps_workbook_letter_names_the_customer_given_on_the_data_page() -> None:
    import dataclasses

    given = dataclasses.replace(
        inputs.example(),
        tenant="contoso.onmicrosoft.com",
        account_id="1234-5678",
        organisation="Contoso GmbH",
        contact="it@contoso.example",
    )
    data = inputs.claim_workbook(inputs.compute(given), inputs.letter_customer(given))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Claim letters"]
    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    for said in ("Contoso GmbH", "contoso.onmicrosoft.com", "1234-5678", "it@contoso.example"):
        assert said in text


def test_the_apps_feed_path_keeps_the_feeds_words_for_the_letter() -> None:
    # Microsoft Graph's record of EX226792 (tests/data/feeds/graph-issues.json), uploaded in the
    # app: its windows become a CSV, and the feed's words ride with it to the claim letter.
    import dataclasses

    feed = Path(__file__).parent / "data" / "feeds" / "graph-issues.json"
    choice = inputs.FeedChoice(inputs.Upload(feed.name, feed.read_bytes()))
    read = inputs.read_feed_choice(choice, "microsoft-365-exchange-online")
    given = dataclasses.replace(
        inputs.example(), outages=read.windows, contract="microsoft-365-exchange-online"
    )
    assert inputs.read(given).evidence  # the words by the CSV's own row numbers
    data = inputs.claim_workbook(inputs.compute(given), inputs.letter_customer(given))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Claim letters"]
    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    title = "Limited number of users unable to send or receive email through the Exchange Online"
    assert f"the provider's words: \u201c{title}" in text


def test_the_apps_letter_writes_amounts_for_the_locale_given() -> None:
    # The bundled example's March (99.137 %): 25 % of 8,000.00 USD = 2,000.00, in German
    # 2.000,00 $; the fee itself 8.000,00 $.
    import dataclasses

    given = dataclasses.replace(inputs.example(), locale="de_DE")
    data = inputs.claim_workbook(inputs.compute(given), inputs.letter_customer(given), given.locale)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Claim letters"]
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert "2.000,00\u00a0$" in text
    assert "8.000,00\u00a0$" in text
