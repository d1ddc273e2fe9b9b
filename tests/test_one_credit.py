"""One credit across contracts: a tenant holding several contracts of one claim group is paid the
largest credit of each period, the others are set to zero and say why.

The contracts in most cases are the user's copies of AWS's EBS terms, put in one claim group as
a customer whose agreement forbids stacking region-level and volume-level credits would do:

* ``ebs-region``: commitment 99.99 %; < 99.99 % and ≥ 99 % → 10 %; < 99 % and ≥ 95 % → 30 %.
* ``ebs-volume``: commitment 99.9 %; < 99.9 % and ≥ 99 % → 10 %; < 99 % and ≥ 95 % → 30 %.

Both measure time in calendar months in UTC and issue credits only above 1 USD. April 2026 has
30 days = 43,200 minutes. The tenant ``acme`` pays 500.00 USD a month for the region-level
deployment and 800.00 USD for the volumes; an outage row without a service applies to both.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest

import slacalc
from slacalc.engine.scenarios import Scenario, compare, populations, run, scale_affected
from slacalc.errors import CalculationError, InputError
from slacalc.excel import export_excel
from slacalc.io.customers import read_customers
from slacalc.model.contract import Contract, contract_schema, parse_contract
from slacalc.model.terms import claimed_under
from slacalc.report.export import to_text
from slacalc.report.terms import contract_terms
from slacalc.report.totals import totals
from tests.conftest import variant
from tests.spreadsheet import recalculate

CONTRACTS = Path(__file__).resolve().parents[1] / "contracts"
KEPT_VOLUME = "one credit per period in claim group 'aws-ebs': claimed under ebs-volume"
KEPT_REGION = "one credit per period in claim group 'aws-ebs': claimed under ebs-region"


def ebs(group_region: str = "aws-ebs", group_volume: str = "aws-ebs") -> list[Contract]:
    return [
        variant("aws-ebs-region", id="ebs-region", claim_group=group_region),
        variant("aws-ebs-volume", id="ebs-volume", claim_group=group_volume),
    ]


CUSTOMERS = "tenant,contract,users,monthly_fee\nacme,ebs-region,1,500\nacme,ebs-volume,1,800\n"


def outage(minutes: int) -> slacalc.Outages:
    end = dt.datetime(2026, 4, 10, 10, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)
    text = f"tenant,service,start,end\nacme,,2026-04-10T10:00:00Z,{end.isoformat()}\n"
    return slacalc.read_outages(io.StringIO(text))


def by_contract(results: slacalc.Results) -> dict[str, dict[str, Any]]:
    frame = results.to_frame()
    return {str(r["contract"]): r for r in frame.to_dict("records")}


def credit(row: dict[str, Any]) -> tuple[Decimal, Decimal, str]:
    return row["credit_percent"], row["credit_amount"], row["credit_limited_by"]


def test_a_tenant_may_hold_several_contracts_read_from_csv() -> None:
    customers = read_customers(io.StringIO(CUSTOMERS), known_contracts=["ebs-region", "ebs-volume"])
    assert customers.rejected == ()
    assert customers.frame[["tenant", "contract", "users"]].values.tolist() == [
        ["acme", "ebs-region", 1],
        ["acme", "ebs-volume", 1],
    ]
    assert [str(f) for f in customers.frame["monthly_fee"]] == ["500", "800"]


def test_the_same_tenant_and_contract_twice_names_both_rows() -> None:
    text = CUSTOMERS + "acme,ebs-region,2,600\n"
    customers = read_customers(io.StringIO(text), known_contracts=["ebs-region", "ebs-volume"])
    why = (
        "tenant 'acme' with contract 'ebs-region' is on rows 2, 4; keep one row per tenant and "
        "contract"
    )
    assert [(p.row, p.column, p.problem) for p in customers.rejected] == [
        (2, "tenant", why),
        (4, "tenant", why),
    ]
    assert customers.frame["contract"].tolist() == ["ebs-volume"]


def test_a_tenants_rows_agree_on_its_cohorts() -> None:
    text = (
        "tenant,contract,users,cohort:Mobile\n"
        "acme,ebs-region,100,40\n"
        "acme,ebs-volume,100,40\n"  # the same size again: kept once
        "wing,ebs-region,100,40\n"
        "wing,ebs-volume,100,30\n"  # another size: both rows rejected
    )
    customers = read_customers(io.StringIO(text), known_contracts=["ebs-region", "ebs-volume"])
    why = "tenant 'wing' gives cohort 'Mobile' different sizes on rows 4, 5; a cohort's size is "
    assert [(p.row, p.column) for p in customers.rejected] == [
        (4, "cohort:Mobile"),
        (5, "cohort:Mobile"),
    ]
    assert all(p.problem.startswith(why) for p in customers.rejected)
    assert customers.cohorts.values.tolist() == [["acme", "Mobile", 40]]


def test_one_incident_breaching_both_contracts_pays_only_the_larger_credit() -> None:
    results = slacalc.calculate(outage(60), customers=io.StringIO(CUSTOMERS), contracts=ebs())
    rows = by_contract(results)
    # 60 minutes down: (43,200 − 60) / 43,200 = 99.8611 %, in both 10 % bands.
    assert rows["ebs-region"]["availability_percent"] == Decimal("99.8611111111")
    assert rows["ebs-region"]["tier"] == "< 99.99 % and >= 99 % → 10 % of the fee"
    assert rows["ebs-volume"]["tier"] == "< 99.9 % and >= 99 % → 10 % of the fee"
    # Region: 10 % of 500.00 = 50.00; volumes: 10 % of 800.00 = 80.00, the larger, is kept.
    assert credit(rows["ebs-volume"]) == (Decimal(10), Decimal("80.00"), "")
    assert credit(rows["ebs-region"]) == (Decimal(0), Decimal(0), KEPT_VOLUME)
    assert rows["ebs-region"]["breached"]  # the breach stays on record
    # Totals count the kept credit only: 80.00, not 130.00.
    assert totals(results.table)[("USD",)].credits == Decimal("80.00")
    # The typed columns stay typed.
    assert str(results.table["credit_amount"].dtype) == "decimal128(38, 3)[pyarrow]"
    assert str(results.table["credit_percent"].dtype) == "decimal128(38, 10)[pyarrow]"


def test_contracts_of_two_groups_both_keep_their_credits() -> None:
    contracts = ebs(group_region="aws-ebs-region-level", group_volume="aws-ebs-volume-level")
    results = slacalc.calculate(outage(60), customers=io.StringIO(CUSTOMERS), contracts=contracts)
    rows = by_contract(results)
    assert credit(rows["ebs-region"]) == (Decimal(10), Decimal("50.00"), "")
    assert credit(rows["ebs-volume"]) == (Decimal(10), Decimal("80.00"), "")
    assert totals(results.table)[("USD",)].credits == Decimal("130.00")  # 50.00 + 80.00


def test_equal_credits_keep_the_first_contract_id() -> None:
    same_fee = "tenant,contract,users,monthly_fee\nacme,ebs-region,1,800\nacme,ebs-volume,1,800\n"
    results = slacalc.calculate(outage(60), customers=io.StringIO(same_fee), contracts=ebs())
    rows = by_contract(results)
    # 10 % of 800.00 = 80.00 under both: "ebs-region" comes first in alphabetical order.
    assert credit(rows["ebs-region"]) == (Decimal(10), Decimal("80.00"), "")
    assert credit(rows["ebs-volume"]) == (Decimal(0), Decimal(0), KEPT_REGION)


def test_without_fees_the_larger_percent_is_kept() -> None:
    # 600 minutes: (43,200 − 600) / 43,200 = 98.6111 %: 30 % under both; the region's copy pays
    # 35 % in this variant, so it is kept although no amount can be compared.
    region = variant(
        "aws-ebs-region",
        id="ebs-region",
        claim_group="aws-ebs",
        tiers=[
            {"below": "99.99", "above": "99", "credit_percent": "10"},
            {"below": "99", "above": "95", "credit_percent": "35"},
            {"below": "95", "credit_percent": "100"},
        ],
    )
    contracts = [region, ebs()[1]]
    no_fees = "tenant,contract,users\nacme,ebs-region,1\nacme,ebs-volume,1\n"
    rows = by_contract(
        slacalc.calculate(outage(600), customers=io.StringIO(no_fees), contracts=contracts)
    )
    assert credit(rows["ebs-region"]) == (Decimal(35), None, "")
    assert credit(rows["ebs-volume"]) == (Decimal(0), None, KEPT_REGION)


def test_a_row_without_a_credit_takes_nothing_from_another() -> None:
    # 20 minutes: (43,200 − 20) / 43,200 = 99.9537 %: below 99.99 % (region: 10 % of 500.00 =
    # 50.00) but not below 99.9 % (volumes: no credit). Nothing to choose between.
    rows = by_contract(
        slacalc.calculate(outage(20), customers=io.StringIO(CUSTOMERS), contracts=ebs())
    )
    assert credit(rows["ebs-region"]) == (Decimal(10), Decimal("50.00"), "")
    assert credit(rows["ebs-volume"]) == (Decimal(0), Decimal(0), "")


def test_a_what_if_can_change_which_contract_is_kept() -> None:
    customers = read_customers(io.StringIO(CUSTOMERS), known_contracts=["ebs-region", "ebs-volume"])
    registry = slacalc.ContractRegistry.of(ebs())
    base = by_contract(run(outage(20), None, customers=customers, contracts=registry))
    # Baseline, 20 minutes: only the region's 50.00 (see the test above).
    assert credit(base["ebs-region"]) == (Decimal(10), Decimal("50.00"), "")
    longer = Scenario("40 minutes longer", extend_minutes=40)
    after = by_contract(run(outage(20), None, longer, customers=customers, contracts=registry))
    # 60 minutes: the volumes' 80.00 now beats the region's 50.00, which is given up.
    assert credit(after["ebs-volume"]) == (Decimal(10), Decimal("80.00"), "")
    assert credit(after["ebs-region"]) == (Decimal(0), Decimal(0), KEPT_VOLUME)
    # Side by side: the region's credit falls by 50.00, the volumes' rises by 80.00.
    base_table = run(outage(20), None, customers=customers, contracts=registry).table
    after_table = run(outage(20), None, longer, customers=customers, contracts=registry).table
    compared = compare(base_table, {longer.name: after_table})
    changes = compared[compared["scenario"] == longer.name].set_index("service")["credit_change"]
    assert changes.to_dict() == {
        "Amazon Elastic Block Store, Region-Level": Decimal("-50.00"),
        "Amazon Elastic Block Store, Single EBS Volume": Decimal("80.00"),
    }


def test_a_comparison_needs_one_contract_per_service() -> None:
    twin = variant("aws-ebs-volume", id="ebs-twin", claim_group="aws-ebs")  # the same service
    table = CUSTOMERS.replace("ebs-region", "ebs-twin")
    results = slacalc.calculate(
        outage(60), customers=io.StringIO(table), contracts=[twin, ebs()[1]]
    )
    with pytest.raises(CalculationError, match="holds two contracts for the service"):
        compare(results.table, {})


def test_a_contract_for_every_tenant_refuses_a_tenant_with_several() -> None:
    customers = read_customers(io.StringIO(CUSTOMERS), known_contracts=["ebs-region", "ebs-volume"])
    registry = slacalc.ContractRegistry.of(ebs())
    with pytest.raises(
        InputError, match=r"tenant 'acme' holds several contracts \(customers rows 2, 3\)"
    ):
        run(
            outage(60),
            None,
            Scenario("as region", contract="ebs-region"),
            customers=customers,
            contracts=registry,
        )


def test_contracts_of_a_group_must_measure_the_same_periods() -> None:
    berlin = variant(
        "aws-ebs-volume", id="ebs-volume", claim_group="aws-ebs", timezone="Europe/Berlin"
    )
    with pytest.raises(CalculationError, match="measure different periods"):
        slacalc.calculate(
            outage(60), customers=io.StringIO(CUSTOMERS), contracts=[ebs()[0], berlin]
        )
    euros = (
        "tenant,contract,users,monthly_fee,currency\n"
        "acme,ebs-region,1,500,USD\n"
        "acme,ebs-volume,1,800,EUR\n"
    )
    with pytest.raises(CalculationError, match="are paid in different currencies"):
        slacalc.calculate(outage(60), customers=io.StringIO(euros), contracts=ebs())


def test_two_azure_vm_service_levels_pay_one_credit_a_month() -> None:
    # Microsoft's general terms: one Service Level per Incident, one Service Credit per Service
    # per month. The bundled Availability Zones level and the customer's own Availability Set
    # level (99.95 %; its tiers as the customer's agreement states them) share the group.
    zones = slacalc.load_contract("azure-virtual-machines-zones")
    assert zones.claim_group == "azure-virtual-machines"
    availability_set = variant(
        "azure-virtual-machines-zones",
        id="my-vm-availability-set",
        service="Azure Virtual Machines, 2+ instances in one Availability Set",
        commitment_percent="99.95",
        tiers=[
            {"below": "99.95", "credit_percent": "10"},
            {"below": "99", "credit_percent": "25"},
            {"below": "95", "credit_percent": "100"},
        ],
    )
    table = (
        "tenant,contract,users,monthly_fee\n"
        "acme,azure-virtual-machines-zones,1,1000\n"
        "acme,my-vm-availability-set,1,300\n"
    )
    # March 2026: 44,640 minutes; 500 minutes down: (44,640 − 500) / 44,640 = 98.8799 %, below
    # 99 %: 25 % under both. Zones: 25 % of 1,000.00 = 250.00; set: 25 % of 300.00 = 75.00.
    text = "tenant,service,start,end\nacme,,2026-03-02T00:00:00Z,2026-03-02T08:20:00Z\n"
    results = slacalc.calculate(
        slacalc.read_outages(io.StringIO(text)),
        customers=io.StringIO(table),
        contracts=[availability_set],
    )
    rows = by_contract(results)
    assert credit(rows["azure-virtual-machines-zones"]) == (Decimal(25), Decimal("250.00"), "")
    assert credit(rows["my-vm-availability-set"]) == (
        Decimal(0),
        Decimal(0),
        "one credit per period in claim group 'azure-virtual-machines': claimed under "
        "azure-virtual-machines-zones",
    )


def test_the_rule_is_in_the_schema_and_the_terms() -> None:
    assert "one credit" in contract_schema()["properties"]["claim_group"]["description"]
    words = {
        t.key: t.words
        for t in contract_terms(slacalc.load_contract("azure-virtual-machines-zones"))
    }
    assert words["one credit"].startswith("claim group 'azure-virtual-machines': a customer")
    assert "one credit" not in {
        t.key for t in contract_terms(slacalc.load_contract("aws-ebs-region"))
    }
    text = (CONTRACTS / "aws-ebs-region.toml").read_text(encoding="utf-8")
    with pytest.raises(slacalc.ContractError, match="claim_group: String should match pattern"):
        parse_contract('claim_group = "Not An Id"\n' + text, "mine", "mine.toml")


def test_claimed_under_reads_back_the_kept_contract() -> None:
    assert claimed_under(KEPT_VOLUME, "aws-ebs") == "ebs-volume"
    assert claimed_under(KEPT_VOLUME, "other") == ""
    assert claimed_under("cap: 100 % of the period's fee", "aws-ebs") == ""
    assert claimed_under(KEPT_VOLUME, None) == ""


def _limited_results() -> slacalc.Results:
    return slacalc.calculate(outage(60), customers=io.StringIO(CUSTOMERS), contracts=ebs())


def test_the_letter_and_the_workbook_say_why_a_credit_was_given_up(tmp_path: Path) -> None:
    path = tmp_path / "one.xlsx"
    export_excel(_limited_results(), path, now=dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    wb = openpyxl.load_workbook(path)
    letters = wb["Claim letters"]
    text = "\n".join(
        f"{letters.cell(r, 1).value}: {letters.cell(r, 2).value}"
        for r in range(1, letters.max_row + 1)
    )
    assert f"Credit limited by: {KEPT_VOLUME}" in text
    calc = wb["Calculation"]
    heads = [c.value for c in calc[1]]
    column = heads.index("One credit per period: claimed under")
    kept = {calc.cell(r, 3).value: calc.cell(r, column + 1).value for r in (2, 3)}
    assert kept == {"ebs-region": "ebs-volume", "ebs-volume": None}
    terms = wb["Contract terms"]
    rule = next(r for r in terms.iter_rows(values_only=True) if str(r[0]).startswith("One credit"))
    assert (
        rule[1:3]
        == (
            "claim group 'aws-ebs': a customer holding several contracts of this group is paid one "
            "credit per period among them, the largest; the others are not paid",
        )
        * 2
    )


@pytest.mark.slow
def test_libreoffice_gives_the_limited_row_no_credit(tmp_path: Path) -> None:
    path = tmp_path / "one.xlsx"
    export_excel(_limited_results(), path, now=dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    wb = openpyxl.load_workbook(recalculate(path), data_only=True)
    calc = wb["Calculation"]
    heads = [c.value for c in calc[1]]
    rows = {
        r["Contract"]: r
        for r in (dict(zip(heads, [c.value for c in calc[i]], strict=True)) for i in (2, 3))
    }
    assert rows["ebs-region"]["Credit % of period fee"] == 0
    assert rows["ebs-region"]["Credit amount"] == 0
    assert round(rows["ebs-volume"]["Credit amount"], 2) == 80
    assert {r["Check against engine"] for r in rows.values()} == {"matches engine"}


SEATS = "tenant,contract,users\nacme,ebs-region,10\nacme,ebs-volume,20\n"


def test_a_scaled_outage_stays_within_every_contract_of_its_tenant() -> None:
    customers = read_customers(io.StringIO(SEATS), known_contracts=["ebs-region", "ebs-volume"])
    text = "tenant,start,end,affected_users\nacme,2026-04-10T10:00:00Z,2026-04-10T11:00:00Z,8\n"
    frame = slacalc.read_outages(io.StringIO(text)).frame
    # The tenant's population is the fewest licensed users of its contracts: 10, not 20.
    assert populations(frame, customers, single=False).tolist() == [10.0]
    # 8 users × 2 = 16, capped at 10.
    scaled = scale_affected(frame, frame["row"] > 0, Decimal(2), np.array([10.0]))
    assert scaled["affected_users"].tolist() == [10.0]


def test_assumed_users_of_a_tenant_with_several_contracts() -> None:
    text = "tenant,start,end\nacme,2026-04-10T10:00:00Z,2026-04-10T11:00:00Z\n"
    results = slacalc.calculate(
        slacalc.read_outages(io.StringIO(text)), customers=io.StringIO(SEATS), contracts=ebs()
    )
    assert results.assumed_users() == (
        "tenant 'acme', row 2: no affected-user count; all licensed users of each of its "
        "contracts assumed",
    )


def test_the_text_report_names_the_credit_given_up() -> None:
    text = to_text(_limited_results())
    assert f"Credit given up: acme, ebs-region 2026-04: {KEPT_VOLUME}." in text
    # 80.00 in total: the region's 50.00 is not counted.
    assert "Credits: 80.00 USD." in text


def test_atlassians_cap_on_a_future_invoice_is_stated_where_the_terms_are_shown() -> None:
    # "Aggregate credit applied to an invoice ≤ 100 % of the amount invoiced for the affected
    # product in that invoice period" (a later invoice): the period's fee stands in for it.
    words = {
        t.key: t.words for t in contract_terms(slacalc.load_contract("atlassian-cloud-premium"))
    }
    assert words["cap"] == "100 % of the period's fee"
    assert words["cap measured on"] == (
        "the invoice the credit is applied to (a later one); the period's fee stands in for it here"
    )
    assert "cap measured on" not in {
        t.key for t in contract_terms(slacalc.load_contract("aws-ebs-region"))
    }
