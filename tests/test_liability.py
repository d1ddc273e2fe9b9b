"""The liability workbook: a portfolio's credits, by currency, contract and deadline status.

The portfolio is the claim workbook's (tests/test_excel.py), whose figures are worked out there:
g1 and g2 630.00 USD each (10 % of 3 × 2,100), Slack 69.44 USD, AWS 0.00 USD (10 % of 5.00 is
0.50, not above AWS's 1 USD minimum), Google Workspace 119.47 EUR (3 days of 1,234.57 × 1 / 31
days), Azure 1,000 JPY (10 % of 10,000); the Exchange tenants sit exactly on 99.9 % and owe
nothing. ``now`` is 15 April 2026: every deadline (30 April, 31 May) is still open.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import slacalc
from slacalc.excel import export_claim_packs, export_excel, export_liability
from slacalc.excel._packs import pack_name
from slacalc.model.contract import Maintenance
from slacalc.report.evidence import NAMES, split_maintenance, write_evidence
from tests.spreadsheet import recalculate
from tests.test_excel import NOW, bands, formulas_match_the_cache, header, portfolio, record


@pytest.fixture(scope="module")
def book() -> openpyxl.Workbook:
    data = export_liability(portfolio(), now=NOW)
    assert data is not None
    return openpyxl.load_workbook(io.BytesIO(data), data_only=True)


def rows(ws: Any, header_row: int) -> list[dict[str, Any]]:
    return [record(ws, header_row, r) for r in range(header_row + 1, ws.max_row + 1)]


def test_sheets(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == [
        "Liability",
        "Top tenants",
        "Periods",
        "Contract terms",
        "Credit tiers",
    ]


def test_totals_by_currency_and_by_contract_and_status(book: openpyxl.Workbook) -> None:
    ws = book["Liability"]
    totals = {ws.cell(r, 1).value: [ws.cell(r, c).value for c in range(2, 6)] for r in (5, 6, 7)}
    # Breached periods, credits, still claimable, deadline passed.
    assert totals == {
        "EUR": [1, 119.47, 119.47, 0],
        "JPY": [1, 1000, 1000, 0],
        "USD": [4, 1329.44, 1329.44, 0],  # 630 + 630 + 69.44 + 0
    }
    assert header(ws, 10) == ["Currency", "Contract", "Status", "Breached periods", "Credits"]
    got = [tuple(r.values()) for r in rows(ws, 10)]
    assert got == [
        ("EUR", "google-workspace", "claim open", 1, 119.47),
        ("JPY", "azure-virtual-machines-zones", "claim open", 1, 1000),
        ("USD", "aws-ec2-region", "claim open", 1, 0),
        ("USD", "github-enterprise-cloud", "claim open", 2, 1260),
        ("USD", "slack-business-plus", "claim open", 1, 69.44),
    ]


def test_deadlines_passed_move_to_their_own_line() -> None:
    # 1 August 2026: every stated deadline (30 April, 31 May) has passed; Slack states none, so
    # its 69.44 USD stays claimable. Passed: 630 + 630 + 0 = 1,260.00 USD.
    data = export_liability(portfolio(), now=dt.datetime(2026, 8, 1, tzinfo=dt.UTC))
    assert data is not None
    ws = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["Liability"]
    assert [ws.cell(7, c).value for c in range(1, 6)] == ["USD", 4, 1329.44, 69.44, 1260]
    got = {(r["Contract"], r["Status"]): r["Credits"] for r in rows(ws, 10)}
    assert got[("github-enterprise-cloud", "deadline passed")] == 1260
    assert got[("slack-business-plus", "claim open")] == 69.44


def test_top_tenants_most_owed_first(book: openpyxl.Workbook) -> None:
    got = [tuple(r.values()) for r in rows(book["Top tenants"], 1)]
    # Currency, rank, tenant, breached periods, credits, still claimable; g1 and g2 tie at 630
    # and are ordered by name.
    assert got == [
        ("EUR", 1, "gw", 1, 119.47, 119.47),
        ("JPY", 1, "az", 1, 1000, 1000),
        ("USD", 1, "g1", 1, 630, 630),
        ("USD", 2, "g2", 1, 630, 630),
        ("USD", 3, "slack", 1, 69.44, 69.44),
        ("USD", 4, "aws", 1, 0, 0),
    ]
    data = export_liability(portfolio(), now=NOW, top=1)
    assert data is not None
    short = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["Top tenants"]
    assert [r["Tenant"] for r in rows(short, 1)] == ["gw", "az", "g1"]


def test_one_row_per_tenant_and_period_with_the_engines_values(book: openpyxl.Workbook) -> None:
    periods = {r["Tenant"]: r for r in rows(book["Periods"], 1)}
    assert len(periods) == 12
    g1 = periods["g1"]
    # Q1 2026: 90 days = 7,776,000 seconds; 0.1 % = 7,776 seconds = 77,760,000 ten-thousandths.
    assert g1["Measured, whole (seconds or user-seconds)"] == 7_776_000
    assert g1["Downtime, whole (10,000ths of a second or user-second)"] == 77_760_000
    assert g1["Availability %"] == 99.9
    assert g1["Tier no. (0 = none)"] == 1
    assert g1["Credit % of period fee"] == 10
    assert g1["Period fee"] == 6300
    assert g1["Credit amount"] == 630
    assert g1["Claim deadline"] == dt.datetime(2026, 4, 30)  # 30 days after 31 March
    assert g1["Days left"] == 15
    assert g1["Status"] == "claim open"
    assert periods["t1"]["Status"] == "no credit due"
    assert periods["gw"]["Credit days of service"] == 3


def test_formulas_follow_the_periods_sheet() -> None:
    data = export_liability(portfolio(), now=NOW)
    assert data is not None
    wb = openpyxl.load_workbook(io.BytesIO(data))
    periods = wb["Periods"]
    assert periods["I2"].value == "=IF(G2=0,100,(G2*10000-H2)/(G2*100))"
    assert periods["J2"].value.startswith(
        "=IF(G2=0,0,SUMPRODUCT(MAX(('Credit tiers'!$B$2:$B$16=T2)"
    )
    assert wb["Liability"]["C5"].value == "=SUMIFS('Periods'!$P$2:$P$13,'Periods'!$E$2:$E$13,$A5)"
    # The inputs a what-if changes are values.
    assert not str(periods["H2"].value).startswith("=")
    assert not str(periods["N2"].value).startswith("=")


def test_repeatable_given_now(tmp_path: Path) -> None:
    results = portfolio()
    data = export_liability(results, now=NOW)
    assert export_liability(results, tmp_path / "l.xlsx", now=NOW) is None
    assert (tmp_path / "l.xlsx").read_bytes() == data


def test_dated_texts_and_two_sided_bands() -> None:
    data = export_liability(bands(), now=NOW)
    assert data is not None
    periods = rows(openpyxl.load_workbook(io.BytesIO(data), data_only=True)["Periods"], 1)
    got = {
        (r["Tenant"], r["Period"]): (r["Tier no. (0 = none)"], r["Credit amount"]) for r in periods
    }
    assert got[("gh-at", "2026-Q1")] == (0, 0)
    assert got[("gh-below", "2026-Q1")] == (2, 1575)
    assert got[("phone", "2021-11")] == (0, 0)
    assert got[("phone", "2021-12")] == (1, 100)


@pytest.mark.slow
@pytest.mark.parametrize("make", [portfolio, bands], ids=["portfolio", "bands"])
def test_libreoffice_recalculates_every_formula_to_the_cached_value(
    make: Any, tmp_path: Path
) -> None:
    path = tmp_path / "liability.xlsx"
    export_liability(make(), path, now=dt.datetime.now(dt.UTC))
    recalculated = recalculate(path)
    assert formulas_match_the_cache(path, recalculated, totals_sheet=None) > 50
    live = openpyxl.load_workbook(recalculated, data_only=True)["Periods"]
    credits = {(r["Tenant"], r["Period"]): r["Credit amount"] for r in rows(live, 1)}
    engine = make().table
    for tenant, period, amount in engine[["tenant", "period", "credit_amount"]].itertuples(
        index=False
    ):
        assert Decimal(repr(credits[(tenant, period)])).quantize(Decimal("0.01")) == amount


# --------------------------------------------------------------------------------------------
# Evidence files and claim packs
# --------------------------------------------------------------------------------------------


def test_evidence_files_hold_every_row(tmp_path: Path) -> None:
    results = portfolio()
    paths = write_evidence(results, tmp_path / "evidence")
    assert [p.name for p in paths] == [
        f"{name}.{ext}" for name in NAMES for ext in ("parquet", "csv")
    ]
    windows = pd.read_parquet(tmp_path / "evidence" / "windows.parquet")
    assert len(windows) == 12  # one row per input row of PORTFOLIO
    downtime = pd.read_csv(tmp_path / "evidence" / "downtime.csv")
    assert len(downtime) == len(results.evidence)
    g1 = downtime[downtime["tenant"] == "g1"].iloc[0]
    assert (g1["start"], g1["end"], g1["incident_ids"]) == (
        "2026-02-10T00:00:00Z",
        "2026-02-10T02:09:36Z",  # 7,776 seconds: 0.1 % of Q1 2026
        "C1",
    )
    assert len(pd.read_csv(tmp_path / "evidence" / "rejected.csv")) == 0


def test_maintenance_is_listed_once_per_contract(tmp_path: Path) -> None:
    # Two tenants on a contract with a weekly Sunday 02:00 UTC hour of maintenance, and one
    # window each excluded by the customer. March 2026 has 5 Sundays (1, 8, 15, 22, 29): the
    # exclusions hold 2 × 5 maintenance pieces and 2 own ones; the evidence lists the
    # maintenance once (5 rows) and keeps each tenant's own exclusion.
    contract = slacalc.load_contract("microsoft-365-exchange-online").model_copy(
        update={
            "id": "exchange-sunday",
            "maintenance": (
                Maintenance(every="week", weekday="sunday", start="02:00", duration_minutes=60),
            ),
        }
    )
    customers = pd.DataFrame(
        {"tenant": ["a", "b"], "contract": "exchange-sunday", "users": 10, "monthly_fee": "100"}
    )
    outages = pd.DataFrame(
        {
            "tenant": ["a", "b"],
            "start": ["2026-03-03T10:00Z", "2026-03-04T10:00Z"],
            "end": ["2026-03-03T11:00Z", "2026-03-04T11:00Z"],
            "excluded": ["customer", "customer"],
        }
    )
    results = slacalc.calculate(
        outages, customers=customers, contracts=[contract], periods=["2026-03"]
    )
    assert len(results.exclusions) == 12
    own, maintenance = split_maintenance(results)
    assert sorted(own["tenant"]) == ["a", "b"]
    assert set(own["reason"]) == {"customer"}
    assert len(maintenance) == 5
    assert "tenant" not in maintenance.columns
    assert maintenance["start"].dt.day.tolist() == [1, 8, 15, 22, 29]
    write_evidence(results, tmp_path)
    assert len(pd.read_csv(tmp_path / "maintenance.csv")) == 5
    assert len(pd.read_parquet(tmp_path / "excluded.parquet")) == 2


def test_a_claim_pack_per_breached_tenant(tmp_path: Path) -> None:
    results = portfolio()
    paths = export_claim_packs(results, tmp_path / "packs", now=NOW)
    # The six tenants with a breached period (aws, az, g1, g2, gw, slack), not the five
    # Exchange tenants on exactly 99.9 % nor "thin".
    assert [p.name for p in paths] == [
        f"{t}.xlsx" for t in ("aws", "az", "g1", "g2", "gw", "slack")
    ]
    wb = openpyxl.load_workbook(tmp_path / "packs" / "g1.xlsx", data_only=True)
    calc = rows(wb["Calculation"], 1)
    assert [(r["Tenant"], r["Credit amount"]) for r in calc] == [("g1", 630)]
    assert [c.value for c in wb["Outage windows"]["B"]][1:] == ["C1"]
    # The pack is the single-customer workbook of that tenant's share of the results.
    assert (
        wb.sheetnames
        == openpyxl.load_workbook(io.BytesIO(export_excel(results, now=NOW) or b"")).sheetnames
    )


def test_pack_names_are_safe_and_distinct() -> None:
    assert pack_name("g1") == "g1.xlsx"
    odd, other = pack_name("a/b"), pack_name("a:b")
    assert odd.startswith("a_b-")
    assert odd.endswith(".xlsx")
    assert odd != other
    assert "/" not in pack_name("../../etc/passwd")


def test_the_command_line_writes_the_portfolio_files(tmp_path: Path) -> None:
    from tests.test_cli import slacalc_run
    from tests.test_excel import CUSTOMERS, PORTFOLIO

    (tmp_path / "outages.csv").write_text(PORTFOLIO, encoding="utf-8")
    CUSTOMERS.to_csv(tmp_path / "customers.csv", index=False)
    proc = slacalc_run(
        "calculate",
        tmp_path / "outages.csv",
        "--customers",
        tmp_path / "customers.csv",
        "--liability",
        tmp_path / "liability.xlsx",
        "--evidence",
        tmp_path / "evidence",
        "--claim-packs",
        tmp_path / "packs",
    )
    assert proc.returncode == 0, proc.stderr
    wb = openpyxl.load_workbook(tmp_path / "liability.xlsx", data_only=True)
    assert wb["Liability"]["A7"].value == "USD"
    assert wb["Liability"]["C7"].value == 1329.44  # as in the workbook test above
    assert sorted(p.name for p in (tmp_path / "evidence").iterdir()) == sorted(
        f"{name}.{ext}" for name in NAMES for ext in ("parquet", "csv")
    )
    assert len(list((tmp_path / "packs").glob("*.xlsx"))) == 6


def test_nothing_owed_and_no_fee(tmp_path: Path) -> None:
    # One customer, no outage, no fee: one period at 100 %, nothing owed; the sheets are there
    # with their headers, and the evidence files hold headers only.
    outages = slacalc.read_outages(io.StringIO("start,end\n"))
    results = slacalc.calculate(outages, "google-workspace", users=10, periods=["2026-02"])
    data = export_liability(results, now=NOW)
    assert data is not None
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    period = rows(wb["Periods"], 1)
    assert [(r["Availability %"], r["Status"], r["Credit amount"]) for r in period] == [
        (100, "no credit due", None)
    ]
    assert rows(wb["Top tenants"], 1) == []
    totals = [wb["Liability"].cell(5, c).value for c in range(1, 6)]
    assert totals == ["USD", 0, 0, 0, 0]  # breached periods, credits, claimable, passed
    write_evidence(results, tmp_path)
    assert len(pd.read_csv(tmp_path / "downtime.csv")) == 0
    assert export_claim_packs(results, tmp_path / "packs") == []


def test_a_tenant_name_unsafe_in_a_file_name(tmp_path: Path) -> None:
    customers = pd.DataFrame(
        {"tenant": ["../a b"], "contract": "microsoft-365-exchange-online", "users": 10}
    )
    customers["monthly_fee"] = "100"
    outages = pd.DataFrame(
        {"tenant": ["../a b"], "start": ["2026-03-03T10:00Z"], "end": ["2026-03-04T10:00Z"]}
    )
    results = slacalc.calculate(outages, customers=customers)
    [pack] = export_claim_packs(results, tmp_path)
    assert pack.parent == tmp_path  # never outside the folder asked for
    assert pack.name.startswith("a_b-")
    calc = rows(openpyxl.load_workbook(pack, data_only=True)["Calculation"], 1)
    assert [r["Tenant"] for r in calc] == ["../a b"]
