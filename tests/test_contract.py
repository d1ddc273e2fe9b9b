"""Contract files: the bundled contracts carry the published terms, and bad files fail clearly.

Every expected number below is written out from the providers' published terms (each contract's
``[source]``), not read back from the contract files, so a mistyped term in a TOML file fails here.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pydantic import ValidationError

import slacalc
from slacalc.errors import ContractError
from slacalc.model.contract import (
    Contract,
    contract_schema,
    list_contracts,
    load_contract,
    parse_contract,
)
from tests.conftest import one, variant, windows

CONTRACTS_DIR = Path(__file__).resolve().parent.parent / "contracts"

BUNDLED_IDS = [
    "atlassian-cloud-premium",
    "aws-aurora-multi-az",
    "aws-aurora-single-az",
    "aws-dax-multi-az",
    "aws-dax-single-az",
    "aws-ebs-region",
    "aws-ebs-volume",
    "aws-ec2-region",
    "aws-elb-multi-az",
    "aws-rds-multi-az",
    "aws-s3-standard",
    "azure-virtual-machines-zones",
    "github-enterprise-cloud",
    "google-alloydb-ha",
    "google-bigtable-replicated-multi-region",
    "google-workspace",
    "microsoft-365-exchange-online",
    "microsoft-365-sharepoint-online",
    "microsoft-365-teams",
    "microsoft-teams-phone",
    "okta-auth0",
    "slack-business-plus",
]
# Loadable by id but not listed by default: their credit terms are not the provider's own text.
UNVERIFIED_IDS = [
    "atlassian-cloud-enterprise",
    "aws-cloudfront",
    "google-compute-engine-multi-zone",
]
ALL_IDS = sorted(BUNDLED_IDS + UNVERIFIED_IDS)

D = Decimal

# Tiers as (below, operator, kind, credit), highest boundary first.
MS365_TIERS = [
    (D("99.9"), "<", "percent", D(25)),
    (D("99"), "<", "percent", D(50)),
    (D("95"), "<", "percent", D(100)),
]


def _ten_and_25(
    top: str, *, lowest: int, minimum_credit: int | None, claim: tuple[Any, ...], min_downtime: int
) -> dict[str, Any]:
    """The database SLAs of AWS (2022-2024) and Google Cloud, month by month: below ``top`` but at
    least 99.0 % → 10 %, below 99.0 % but at least 95.0 % → 25 %, below 95.0 % → ``lowest`` %."""
    return {
        "commitment": D(top),
        "period": "month",
        "method": "time",
        "threshold": (">", D(0)),
        "min_downtime": D(min_downtime),
        "tiers": [
            (D(top), "<", "percent", D(10)),
            (D("99"), "<", "percent", D(25)),
            (D("95"), "<", "percent", D(lowest)),
        ],
        "cap": (D(100), None),
        "minimum_credit": None if minimum_credit is None else D(minimum_credit),
        "claim": claim,
        "confidence": "primary",
    }


def _aws_database(top: str) -> dict[str, Any]:
    """AWS: "Less than 95.0%" → 100 %; credits above 1 USD; claims by the end of the second
    billing cycle after the incident."""
    claim = ("end_of_billing_cycle_after", None, None)
    return _ten_and_25(top, lowest=100, minimum_credit=1, claim=claim, min_downtime=0)


def _google_cloud(top: str, *, min_downtime: int) -> dict[str, Any]:
    """Google Cloud: "< 95.0%" → 50 %; claims within 30 days from the close of the month."""
    claim = ("days_after_period_end", None, 30)
    return _ten_and_25(top, lowest=50, minimum_credit=None, claim=claim, min_downtime=min_downtime)


# id -> the terms that move a number, as the reference states them.
EXPECTED: dict[str, dict[str, Any]] = {
    "microsoft-365-exchange-online": {
        "commitment": D("99.9"),
        "period": "month",
        "method": "user_minutes",
        "threshold": (">", D(0)),
        "min_downtime": D(0),
        "tiers": MS365_TIERS,
        "cap": (D(100), None),
        "minimum_credit": None,
        "claim": ("end_of_month_after", 1, None),
        "confidence": "copy",
    },
    "microsoft-365-sharepoint-online": {
        "commitment": D("99.9"),
        "period": "month",
        "method": "user_minutes",
        "threshold": (">", D(0)),
        "min_downtime": D(0),
        "tiers": MS365_TIERS,
        "cap": (D(100), None),
        "minimum_credit": None,
        "claim": ("end_of_month_after", 1, None),
        "confidence": "copy",
    },
    "microsoft-365-teams": {
        "commitment": D("99.9"),
        "period": "month",
        "method": "user_minutes",
        "threshold": (">", D(0)),
        "min_downtime": D(0),
        "tiers": MS365_TIERS,
        "cap": (D(100), None),
        "minimum_credit": None,
        "claim": ("end_of_month_after", 1, None),
        "confidence": "3rd",
    },
    "microsoft-teams-phone": {
        "commitment": D("99.99"),
        "period": "month",
        "method": "user_minutes",
        "threshold": (">", D(0)),
        "min_downtime": D(0),
        "tiers": [
            (D("99.99"), "<", "percent", D(10)),
            (D("99.9"), "<", "percent", D(25)),
            (D("99"), "<", "percent", D(50)),
            (D("95"), "<", "percent", D(100)),
        ],
        "cap": (D(100), None),
        "minimum_credit": None,
        "claim": ("end_of_month_after", 1, None),
        "confidence": "3rd",
    },
    "azure-virtual-machines-zones": {
        "commitment": D("99.99"),
        "period": "month",
        "method": "time",
        "threshold": (">", D(0)),
        "min_downtime": D(0),
        "tiers": [
            (D("99.99"), "<", "percent", D(10)),
            (D("99"), "<", "percent", D(25)),
            (D("95"), "<", "percent", D(100)),
        ],
        "cap": (D(100), None),
        "minimum_credit": None,
        "claim": ("end_of_month_after", 2, None),
        "confidence": "3rd",
    },
    "aws-ec2-region": {
        "commitment": D("99.99"),
        "period": "month",
        "method": "time",
        "threshold": (">", D(0)),
        "min_downtime": D(0),
        "tiers": [
            (D("99.99"), "<", "percent", D(10)),
            (D("99"), "<", "percent", D(30)),
            (D("95"), "<", "percent", D(100)),
        ],
        "cap": (D(100), None),
        "minimum_credit": D(1),
        "claim": ("end_of_billing_cycle_after", None, None),
        "confidence": "copy",
    },
    "aws-elb-multi-az": {
        # aws.amazon.com/elasticloadbalancing/sla/, 25 July 2022: "Less than 99.99% but greater
        # than or equal to 99.0%" → 10 %; "... 95.0%" → 30 %; "Less than 95.0%" → 100 %.
        "commitment": D("99.99"),
        "period": "month",
        "method": "time",
        "threshold": (">", D(0)),
        "min_downtime": D(0),
        "tiers": [
            (D("99.99"), "<", "percent", D(10)),
            (D("99"), "<", "percent", D(30)),
            (D("95"), "<", "percent", D(100)),
        ],
        "cap": (D(100), None),
        "minimum_credit": D(1),
        "claim": ("end_of_billing_cycle_after", None, None),
        "confidence": "primary",
    },
    "aws-ebs-region": {
        # aws.amazon.com/ebs/sla/, 31 May 2022, Region-Level SLA: "Less than 99.99% but equal to
        # or greater than 99.0%" → 10 %; "... 95.0%" → 30 %; "Less than 95.0%" → 100 %.
        "commitment": D("99.99"),
        "period": "month",
        "method": "time",
        "threshold": (">", D(0)),
        "min_downtime": D(0),
        "tiers": [
            (D("99.99"), "<", "percent", D(10)),
            (D("99"), "<", "percent", D(30)),
            (D("95"), "<", "percent", D(100)),
        ],
        "cap": (D(100), None),
        "minimum_credit": D(1),
        "claim": ("end_of_billing_cycle_after", None, None),
        "confidence": "primary",
    },
    "aws-ebs-volume": {
        # aws.amazon.com/ebs/sla/, 31 May 2022, Volume-Level SLA: "Less than 99.9% but equal to
        # or greater than 99.0%" → 10 %; "... 95.0%" → 30 %; "Less than 95.0%" → 100 %.
        "commitment": D("99.9"),
        "period": "month",
        "method": "time",
        "threshold": (">", D(0)),
        "min_downtime": D(0),
        "tiers": [
            (D("99.9"), "<", "percent", D(10)),
            (D("99"), "<", "percent", D(30)),
            (D("95"), "<", "percent", D(100)),
        ],
        "cap": (D(100), None),
        "minimum_credit": D(1),
        "claim": ("end_of_billing_cycle_after", None, None),
        "confidence": "primary",
    },
    # aws.amazon.com/rds/aurora/sla/, 19 May 2022: Multi-AZ "Less than 99.99% but equal to or
    # greater than 99.0%" → 10 %; "... 95.0%" → 25 %; "Less than 95.0%" → 100 %; Single-AZ the
    # same below 99.9 %.
    "aws-aurora-multi-az": _aws_database("99.99"),
    "aws-aurora-single-az": _aws_database("99.9"),
    # aws.amazon.com/dynamodbaccelerator/sla/, 20 May 2024: Multi-AZ DAX Cluster below 99.99 %,
    # Single-AZ below 99.5 %, each 10 / 25 / 100 % as above.
    "aws-dax-multi-az": _aws_database("99.99"),
    "aws-dax-single-az": _aws_database("99.5"),
    # cloud.google.com/alloydb/sla: HA 99.99 %; "99.0% - < 99.99%" → 10 %; "95.0% - < 99.0%" →
    # 25 %; "< 95.0%" → 50 %; a Downtime Period is one consecutive minute.
    "google-alloydb-ha": _google_cloud("99.99", min_downtime=1),
    # cloud.google.com/bigtable/sla, Multi-Cluster routing across 3 or more regions:
    # "99.0% – < 99.999%" → 10 %; "95.0% – < 99.0%" → 25 %; "< 95.0%" → 50 %.
    "google-bigtable-replicated-multi-region": _google_cloud("99.999", min_downtime=0),
    "aws-cloudfront": {
        # aws.amazon.com/cloudfront/sla/, 5 May 2022: "at least 99.9%"; the tiers are a flagged
        # third-party table.
        "commitment": D("99.9"),
        "period": "month",
        "method": "user_minutes",
        "threshold": (">", D(0)),
        "min_downtime": D(0),
        "tiers": [
            (D("99.9"), "<", "percent", D(10)),
            (D("99"), "<", "percent", D(25)),
            (D("95"), "<", "percent", D(100)),
        ],
        "cap": (D(100), None),
        "minimum_credit": D(1),
        "claim": ("end_of_billing_cycle_after", None, None),
        "confidence": "unverified",
    },
    "atlassian-cloud-enterprise": {
        # "99.95% uptime for Enterprise products"; the credit table is a flagged placeholder.
        "commitment": D("99.95"),
        "period": "month",
        "method": "time",
        "threshold": (">", D(5)),
        "min_downtime": D(0),
        "tiers": [(D("99.95"), "<", "percent", D(10))],
        "cap": (D(100), None),
        "minimum_credit": None,
        "claim": ("days_after_period_end", None, 15),
        "confidence": "unverified",
    },
    "aws-s3-standard": {
        "commitment": D("99.9"),
        "period": "month",
        "method": "user_minutes",
        "threshold": (">", D(0)),
        "min_downtime": D(0),
        "tiers": [
            (D("99.9"), "<", "percent", D(10)),
            (D("99"), "<", "percent", D(25)),
            (D("95"), "<", "percent", D(100)),
        ],
        "cap": (D(100), None),
        "minimum_credit": D(1),
        "claim": ("end_of_billing_cycle_after", None, None),
        "confidence": "primary",
    },
    "aws-rds-multi-az": {
        "commitment": D("99.95"),
        "period": "month",
        "method": "time",
        "threshold": (">", D(0)),
        "min_downtime": D(0),
        "tiers": [
            (D("99.95"), "<", "percent", D(10)),
            (D("99"), "<", "percent", D(25)),
            (D("95"), "<", "percent", D(100)),
        ],
        "cap": (D(100), None),
        "minimum_credit": D(1),
        "claim": ("end_of_billing_cycle_after", None, None),
        "confidence": "primary",
    },
    "google-workspace": {
        "commitment": D("99.9"),
        "period": "month",
        "method": "time",
        "threshold": (">", D(5)),
        "min_downtime": D(0),
        "tiers": [
            (D("99.9"), "<", "days", D(3)),
            (D("99"), "<", "days", D(7)),
            (D("95"), "<", "days", D(15)),
        ],
        # The contract caps at 15 days; the percent cap is the model's default (it never binds).
        "cap": (None, D(15)),
        "minimum_credit": None,
        "claim": ("days_after_period_end", None, 30),
        "confidence": "primary",
    },
    "github-enterprise-cloud": {
        "commitment": D("99.9"),
        "period": "quarter",
        "method": "time",
        "threshold": (">", D(5)),
        "min_downtime": D(0),
        "tiers": [
            (D("99.9"), "<=", "percent", D(10)),
            (D("99"), "<", "percent", D(25)),
        ],
        "cap": (None, D(90)),
        "minimum_credit": None,
        "claim": ("days_after_period_end", None, 30),
        "confidence": "primary",
    },
    "atlassian-cloud-premium": {
        "commitment": D("99.90"),
        "period": "month",
        "method": "time",
        "threshold": (">", D(5)),
        "min_downtime": D(0),
        "tiers": [(D("99.90"), "<", "percent", D(10))],
        "cap": (D(100), None),
        "minimum_credit": None,
        "claim": ("days_after_period_end", None, 15),
        "confidence": "unverified",
    },
    "slack-business-plus": {
        "commitment": D("99.99"),
        "period": "quarter",
        # "the overall number of minutes Slack was unavailable during a calendar quarter".
        "method": "time",
        "threshold": (">", D(0)),
        "min_downtime": D(0),
        "tiers": [(D("99.99"), "<", "multiple", D(10))],
        "cap": (None, None),
        "minimum_credit": None,
        # No deadline in the reference: a conservative placeholder, flagged in `unverified`.
        "claim": ("not_stated", None, None),
        "confidence": "primary",
    },
    "okta-auth0": {
        "commitment": D("99.99"),
        "period": "month",
        "method": "time",
        "threshold": (">", D(0)),
        "min_downtime": D(0),
        "tiers": [
            (D("99.99"), "<", "percent", D(5)),
            (D("99.9"), "<", "percent", D(10)),
            (D("99"), "<", "percent", D(20)),
            (D("95"), "<", "percent", D(50)),
        ],
        "cap": (D(100), None),
        "minimum_credit": None,
        # "request a service level credit within 10 days of the event".
        "claim": ("days_after_incident", None, 10),
        "confidence": "primary",
    },
    "google-compute-engine-multi-zone": {
        "commitment": D("99.99"),
        "period": "month",
        "method": "time",
        "threshold": (">", D(0)),
        "min_downtime": D(1),
        "tiers": [
            (D("99.99"), "<", "percent", D(10)),
            (D("99"), "<", "percent", D(25)),
            (D("95"), "<", "percent", D(50)),
        ],
        "cap": (D(100), None),
        "minimum_credit": None,
        "claim": ("days_after_period_end", None, 30),
        "confidence": "unverified",
    },
}

# Terms the reference marks [unverified] or sources to a third party only: each must be flagged
# in the contract's `unverified` list (matched by a word that names the term).
MUST_FLAG: dict[str, list[str]] = {
    "microsoft-365-teams": ["Downtime definition", "50 %"],
    "microsoft-teams-phone": ["99.99 %"],
    "azure-virtual-machines-zones": ["tiers"],
    "aws-ec2-region": ["tiers", "$1"],
    "aws-s3-standard": ["Error Rate", "$1"],
    "aws-elb-multi-az": ["Unavailability", "$1", "Claim clock"],
    "atlassian-cloud-enterprise": ["Credit tiers"],
    "aws-ebs-region": ["Unavailable", "$1", "Claim clock"],
    "aws-ebs-volume": ["Unavailable", "$1", "Claim clock"],
    "aws-cloudfront": ["Credit tiers", "$1", "Claim clock"],
    "aws-rds-multi-az": ["Unavailable", "$1"],
    "google-workspace": ["claim window", "beta"],
    "atlassian-cloud-premium": ["table unverified"],
    "slack-business-plus": ["No claim deadline", "No cap"],
    "okta-auth0": ["Successful Minute", "10 days"],
    "google-compute-engine-multi-zone": ["Credit tiers", "Downtime Period"],
    "aws-aurora-multi-az": ["Unavailable", "$1", "Claim clock"],
    "aws-aurora-single-az": ["Unavailable", "$1", "Claim clock"],
    "aws-dax-multi-az": ["Unavailable", "$1", "Claim clock"],
    "aws-dax-single-az": ["Unavailable", "$1", "Claim clock"],
    "google-alloydb-ha": ["definitions", "Claim window", "Maximum Financial Credit"],
    "google-bigtable-replicated-multi-region": [
        "row labels",
        "Downtime Period",
        "Claim window",
        "Maximum Financial Credit",
    ],
}

VALID_TOML = """\
name = "Example"
provider = "Example Inc."
service = "Example service"
commitment_percent = 99.9
method = "time"

[[tiers]]
below = 99.9
credit_percent = 10

[[tiers]]
below = 99
credit_percent = 25

[claim]
rule = "end_of_month_after"
months = 1

[source]
url = "https://example.com/sla"
version = "2024-01-01"
confidence = "primary"
"""


def _write(tmp_path: Path, text: str, name: str = "broken.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- bundled contracts ---


def test_list_contracts_returns_exactly_the_bundled_ids_sorted() -> None:
    assert list_contracts() == BUNDLED_IDS


def test_expected_terms_cover_every_bundled_contract() -> None:
    assert sorted(EXPECTED) == ALL_IDS
    assert list_contracts(unverified=True) == ALL_IDS


@pytest.mark.parametrize("contract_id", ALL_IDS)
def test_bundled_contract_loads_with_its_file_stem_as_id(contract_id: str) -> None:
    contract = load_contract(contract_id)
    assert isinstance(contract, Contract)
    assert contract.id == contract_id
    assert contract.name
    assert contract.source.url.startswith(("https://", "http://"))


@pytest.mark.parametrize("contract_id", ALL_IDS)
def test_bundled_contract_terms_match_the_published_sla(contract_id: str) -> None:
    contract = load_contract(contract_id)
    want = EXPECTED[contract_id]
    assert contract.commitment_percent == want["commitment"]
    assert contract.period == want["period"]
    assert contract.method == want["method"]
    assert (contract.downtime_threshold.operator, contract.downtime_threshold.percent) == want[
        "threshold"
    ]
    assert contract.minimum_downtime_minutes == want["min_downtime"]
    assert [(t.below, t.operator, t.kind, t.credit) for t in contract.tiers] == want["tiers"]
    assert (contract.cap.percent, contract.cap.days) == want["cap"]
    assert contract.minimum_credit == want["minimum_credit"]
    assert (contract.claim.rule, contract.claim.months, contract.claim.days) == want["claim"]
    assert contract.source.confidence == want["confidence"]


@pytest.mark.parametrize("contract_id", ALL_IDS)
def test_bundled_contract_measures_in_utc_by_default(contract_id: str) -> None:
    assert load_contract(contract_id).timezone == "UTC"


@pytest.mark.parametrize("contract_id", sorted(MUST_FLAG))
def test_bundled_contract_flags_its_unverified_terms(contract_id: str) -> None:
    flagged = " ".join(load_contract(contract_id).unverified)
    for term in MUST_FLAG[contract_id]:
        assert term in flagged, f"{contract_id}: {term!r} not flagged in unverified"


def test_github_bands_follow_the_contract_wording() -> None:
    # "less than or equal to 99.9%, but greater than 99.0%" → 10 %; "less than 99.0%" → 25 %.
    tiers = load_contract("github-enterprise-cloud").tiers
    bands = [(t.operator, t.below, t.above_operator, t.above) for t in tiers]
    assert bands == [("<=", D("99.9"), ">", D("99")), ("<", D("99"), ">=", None)]


def test_auth0_bands_state_both_bounds() -> None:
    # "< 99.99% - >= 99.9%" → 5 %; "< 99.9% - >= 99.0%" → 10 %; "< 99.0% - >= 95.0%" → 20 %.
    tiers = load_contract("okta-auth0").tiers
    assert [(t.above_operator, t.above) for t in tiers] == [
        (">=", D("99.9")),
        (">=", D("99")),
        (">=", D("95")),
        (">=", None),
    ]


def test_contract_words_name_the_gap_between_bands() -> None:
    from slacalc.model.terms import extra_terms

    words = dict(extra_terms(load_contract("github-enterprise-cloud")))
    assert words["Credit bands"].endswith("exactly 99 % falls between two bands and pays nothing")
    assert (
        "pays nothing" not in dict(extra_terms(load_contract("aws-elb-multi-az")))["Credit bands"]
    )


def test_atlassian_caps_apply_to_a_future_invoice() -> None:
    for cid in ("atlassian-cloud-premium", "atlassian-cloud-enterprise"):
        assert load_contract(cid).cap.invoice == "future"


def test_unverified_contracts_load_by_id_but_are_not_listed_by_default() -> None:
    # Compute Engine's credit tiers were not found in Google's own text.
    assert "google-compute-engine-multi-zone" not in list_contracts()
    contract = load_contract("google-compute-engine-multi-zone")
    assert contract.source.confidence == "unverified"


def test_timezone_is_a_field_users_can_change(tmp_path: Path) -> None:
    text = (CONTRACTS_DIR / "microsoft-365-exchange-online.toml").read_text(encoding="utf-8")
    text = text.replace('timezone = "UTC"', 'timezone = "America/Los_Angeles"')
    contract = load_contract(_write(tmp_path, text, "exchange-la.toml"))
    assert contract.timezone == "America/Los_Angeles"
    assert contract.id == "exchange-la"


# --- loading ---


def test_load_contract_by_path_uses_the_file_stem_as_id(tmp_path: Path) -> None:
    path = _write(tmp_path, VALID_TOML, "my-provider.toml")
    for given in (path, str(path)):
        contract = load_contract(given)
        assert contract.id == "my-provider"
        assert contract.commitment_percent == D("99.9")
        assert contract.tiers[0].operator == "<"


def test_load_contract_by_bundled_file_path_equals_load_by_id() -> None:
    path = CONTRACTS_DIR / "google-workspace.toml"
    assert load_contract(path) == load_contract("google-workspace")


def test_load_contract_passes_a_contract_through() -> None:
    contract = load_contract("aws-s3-standard")
    assert load_contract(contract) is contract


def test_unknown_contract_id_error_lists_the_bundled_ids() -> None:
    with pytest.raises(ContractError, match="no-such-provider") as info:
        load_contract("no-such-provider")
    message = str(info.value)
    for contract_id in BUNDLED_IDS:
        assert contract_id in message


def test_missing_contract_file_error_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(ContractError, match=r"absent\.toml"):
        load_contract(path)


# --- bad files ---


def _error_for(tmp_path: Path, text: str) -> str:
    path = _write(tmp_path, text)
    with pytest.raises(ContractError) as info:
        load_contract(path)
    message = str(info.value)
    assert str(path) in message, "the message must name the file"
    return message


def test_valid_template_is_accepted(tmp_path: Path) -> None:
    assert load_contract(_write(tmp_path, VALID_TOML)).id == "broken"


def test_wrong_type_error_names_file_field_and_problem(tmp_path: Path) -> None:
    text = VALID_TOML.replace("commitment_percent = 99.9", 'commitment_percent = "high"')
    message = _error_for(tmp_path, text)
    assert "commitment_percent" in message
    assert "decimal" in message.lower()


def test_percent_out_of_range_error_names_the_field(tmp_path: Path) -> None:
    text = VALID_TOML.replace("commitment_percent = 99.9", "commitment_percent = 199.9")
    message = _error_for(tmp_path, text)
    assert "commitment_percent" in message
    assert "100" in message


def test_unknown_field_error_names_the_field(tmp_path: Path) -> None:
    text = VALID_TOML.replace('method = "time"', 'method = "time"\ncomitment = 99.9')
    message = _error_for(tmp_path, text)
    assert "comitment" in message
    assert "Extra inputs are not permitted" in message


def test_unknown_field_inside_a_table_names_its_path(tmp_path: Path) -> None:
    text = VALID_TOML.replace("months = 1", "months = 1\ndeadline = 30")
    message = _error_for(tmp_path, text)
    assert "claim.deadline" in message


def test_tiers_out_of_order_are_rejected(tmp_path: Path) -> None:
    text = VALID_TOML.replace("below = 99.9\n", "below = 98\n")
    message = _error_for(tmp_path, text)
    assert "tiers" in message
    assert "highest boundary down" in message


def test_unknown_time_zone_is_rejected(tmp_path: Path) -> None:
    text = VALID_TOML.replace('method = "time"', 'method = "time"\ntimezone = "Mars/Olympus_Mons"')
    message = _error_for(tmp_path, text)
    assert "timezone" in message
    assert "Mars/Olympus_Mons" in message


def test_claim_rule_without_months_is_rejected(tmp_path: Path) -> None:
    text = VALID_TOML.replace("months = 1\n", "")
    message = _error_for(tmp_path, text)
    assert "claim" in message
    assert "needs 'months'" in message


def test_id_key_in_the_file_is_rejected_since_the_id_is_the_file_name(tmp_path: Path) -> None:
    text = 'id = "another-id"\n' + VALID_TOML
    message = _error_for(tmp_path, text)
    assert "id:" in message
    assert "file name" in message


def test_id_key_given_twice_is_invalid_toml(tmp_path: Path) -> None:
    text = 'id = "a"\nid = "b"\n' + VALID_TOML
    message = _error_for(tmp_path, text)
    assert "not valid TOML" in message
    assert "line 2" in message


def test_invalid_toml_error_names_file_and_line(tmp_path: Path) -> None:
    text = VALID_TOML.replace("[claim]", "[claim")
    message = _error_for(tmp_path, text)
    assert "not valid TOML" in message
    assert "line" in message


def test_tier_with_two_kinds_of_credit_is_rejected(tmp_path: Path) -> None:
    text = VALID_TOML.replace("credit_percent = 10", "credit_percent = 10\ncredit_days = 3")
    message = _error_for(tmp_path, text)
    assert "tiers.0" in message
    assert "exactly one of" in message


def test_parse_contract_names_the_origin_it_is_given() -> None:
    with pytest.raises(ContractError, match=r"^inline text: .*method"):
        parse_contract(
            VALID_TOML.replace('method = "time"', 'method = "hours"'), "x", "inline text"
        )


# --- schema and immutability ---


def test_contract_schema_is_a_json_schema_without_id() -> None:
    schema = contract_schema()
    assert isinstance(schema, dict)
    assert schema["type"] == "object"
    properties = schema["properties"]
    assert "tiers" in properties
    assert "timezone" in properties
    assert "id" not in properties
    assert "id" not in schema.get("required", [])
    assert json.loads(json.dumps(schema)) == schema


def test_contract_is_frozen() -> None:
    contract = load_contract("microsoft-365-exchange-online")
    with pytest.raises(ValidationError, match="frozen"):
        contract.commitment_percent = D("50")  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        contract.tiers[0].credit_percent = D("0")  # type: ignore[misc]
    assert contract.commitment_percent == D("99.9")


# --- tiers against the commitment, and against each other (issue 10 item 11) ---


def test_a_tier_above_the_commitment_is_refused(tmp_path: Path) -> None:
    # Commitment 90 with a "< 99.9" tier would report a breach (and pay) at 99.68 %, a month in
    # which the commitment was met.
    message = _error_for(
        tmp_path, VALID_TOML.replace("commitment_percent = 99.9", "commitment_percent = 90")
    )
    assert "tiers.0.below" in message
    assert "commitment_percent" in message


def test_a_top_tier_at_the_commitment_is_accepted_with_either_operator(tmp_path: Path) -> None:
    # GitHub: commitment 99.9 and "less than or equal to 99.9 %" → 10 %: the text says so.
    text = VALID_TOML.replace("below = 99.9\n", 'below = 99.9\noperator = "<="\n')
    assert load_contract(_write(tmp_path, text)).tiers[0].operator == "<="


def _two_bands(first: str, second: str) -> str:
    """The template with its two tiers replaced by the given bodies."""
    head = VALID_TOML[: VALID_TOML.index("[[tiers]]")]
    tail = VALID_TOML[VALID_TOML.index("[claim]") :]
    return f"{head}[[tiers]]\n{first}\n\n[[tiers]]\n{second}\n\n{tail}"


def test_overlapping_bands_are_refused(tmp_path: Path) -> None:
    # "< 99.9 % but >= 98.5 %" and "< 99 %": 98.7 % would be in both.
    text = _two_bands(
        "below = 99.9\nabove = 98.5\ncredit_percent = 10", "below = 99\ncredit_percent = 25"
    )
    message = _error_for(tmp_path, text)
    assert "tiers" in message
    assert "overlap" in message


def test_bands_sharing_an_included_bound_are_refused(tmp_path: Path) -> None:
    # ">= 99 %" above and "<= 99 %" below both hold exactly 99 %.
    text = _two_bands(
        'below = 99.9\nabove = 99\nabove_operator = ">="\ncredit_percent = 10',
        'below = 99\noperator = "<="\ncredit_percent = 25',
    )
    assert "overlap" in _error_for(tmp_path, text)


def test_bands_may_leave_the_gap_the_text_leaves(tmp_path: Path) -> None:
    # GitHub: "> 99.0 %" above and "< 99.0 %" below: exactly 99.0 % is in neither, a gap.
    text = _two_bands(
        'below = 99.9\noperator = "<="\nabove = 99\nabove_operator = ">"\ncredit_percent = 10',
        "below = 99\ncredit_percent = 25",
    )
    tiers = load_contract(_write(tmp_path, text)).tiers
    assert tiers[0].describe() == "<= 99.9 % and > 99 % → 10 % of the fee"


def test_a_band_whose_lower_bound_is_not_below_its_upper_is_refused(tmp_path: Path) -> None:
    text = _two_bands(
        "below = 99.9\nabove = 99.9\ncredit_percent = 10", "below = 99\ncredit_percent = 25"
    )
    message = _error_for(tmp_path, text)
    assert "tiers.0" in message
    assert "above" in message


def test_every_new_term_is_in_the_json_schema() -> None:
    schema = json.dumps(contract_schema())
    new_terms = (
        "above",
        "above_operator",
        "versions",
        "until",
        "day_value_days",
        "cycles",
        "error_rate",
        "interval_minutes",
        "per_request_type",
        "partial_minutes",
        "invoice",
    )
    for name in new_terms:
        assert f'"{name}"' in schema, name
    assert "days_after_incident" in schema
    assert "end_of_billing_cycle_after" in schema


# --- GitHub: a quarter at exactly 99.0 % ---


def test_github_quarter_at_exactly_99_0_pays_nothing_and_one_second_more_pays_25() -> None:
    # Q1 2026: 90 days = 129,600 minutes; 1 % = 1,296 minutes = 21 h 36 min of downtime.
    at = windows(("2026-02-10T00:00:00Z", "2026-02-10T21:36:00Z"))
    row = one(slacalc.calculate(at, "github-enterprise-cloud", users=5, monthly_fee="100"))
    assert row["availability_percent"] == D(99)
    assert (row["tier_number"], row["credit_amount"]) == (0, D("0.00"))
    past = windows(("2026-02-10T00:00:00Z", "2026-02-10T21:36:01Z"))
    row = one(slacalc.calculate(past, "github-enterprise-cloud", users=5, monthly_fee="100"))
    assert (row["credit_percent"], row["credit_amount"]) == (25, D("75.00"))  # 25 % of 3 × 100


# --- Amazon EBS: the published bands, at each boundary and one second past it ---


def test_ebs_region_exactly_99_and_95_keep_their_band_and_one_second_more_drops_a_band() -> None:
    # April 2026: 30 days = 43,200 minutes; fee 1,000.
    # 1 % = 432 minutes = 7 h 12 min: exactly 99.0 %, "equal to or greater than 99.0%" → 10 %.
    # 5 % = 2,160 minutes = 36 h: exactly 95.0 %, "equal to or greater than 95.0%" → 30 %.
    # One second more in each case falls to the next band: 30 %, then 100 %.
    cases = [
        ("2026-04-10T07:12:00Z", D(99), 10, D("100.00")),
        ("2026-04-10T07:12:01Z", None, 30, D("300.00")),
        ("2026-04-11T12:00:00Z", D(95), 30, D("300.00")),
        ("2026-04-11T12:00:01Z", None, 100, D("1000.00")),
    ]
    for end, availability, percent, amount in cases:
        outage = windows(("2026-04-10T00:00:00Z", end))
        row = one(slacalc.calculate(outage, "aws-ebs-region", users=1, monthly_fee="1000"))
        if availability is not None:
            assert row["availability_percent"] == availability, end
        assert (row["credit_percent"], row["credit_amount"]) == (percent, amount), end


def test_ebs_volume_at_exactly_99_9_pays_nothing_and_one_second_more_pays_10() -> None:
    # April 2026: 43,200 minutes; 0.1 % = 43.2 minutes = 43 min 12 s: exactly 99.9 %, not "less
    # than 99.9%": no credit. 43 min 13 s: 10 % of the volume's 200 = 20.00.
    at = windows(("2026-04-10T00:00:00Z", "2026-04-10T00:43:12Z"))
    row = one(slacalc.calculate(at, "aws-ebs-volume", users=1, monthly_fee="200"))
    assert row["availability_percent"] == D("99.9")
    assert (row["tier_number"], row["credit_amount"]) == (0, D("0.00"))
    past = windows(("2026-04-10T00:00:00Z", "2026-04-10T00:43:13Z"))
    row = one(slacalc.calculate(past, "aws-ebs-volume", users=1, monthly_fee="200"))
    assert (row["credit_percent"], row["credit_amount"]) == (10, D("20.00"))


def test_cloudfront_error_rate_is_one_rate_per_interval_over_all_requests() -> None:
    # "the total number of internal server errors ... divided by the total number of requests
    # during that five minute period", per account: request types are pooled. April 2026 has
    # 8,640 five-minute intervals. 8 intervals fully failed, and one with GET 30 of 30 and PUT
    # 34 of 70 failed, pooled 64 of 100: rates sum to 8.64; 8.64 / 8,640 = 0.1 % → exactly
    # 99.9 %: no credit (per request type it would have been GET 9 / 8,640, below 99.9 %).
    failed = [("GET", f"2026-04-03T10:{5 * i:02d}:00Z", 3, 3) for i in range(8)]
    mixed = [("GET", "2026-04-03T11:00:00Z", 30, 30), ("PUT", "2026-04-03T11:00:00Z", 70, 34)]
    columns = ["request_type", "interval_start", "total", "failed"]
    table = pd.DataFrame([*failed, *mixed], columns=columns)
    result = slacalc.calculate_error_rate(table, "aws-cloudfront", monthly_fee="1000")
    (row,) = result.table.to_dict("records")
    assert row["availability_percent"] == D("99.9")
    assert (row["tier_number"], row["credit_amount"]) == (0, D("0.00"))
    # One more failed request in 1,000 in another interval: 8.641 / 8,640 > 0.1 % → 10 % (the
    # flagged third-party tier) of 1,000 = 100.00.
    extra = pd.DataFrame([("GET", "2026-04-04T00:00:00Z", 1000, 1)], columns=columns)
    result = slacalc.calculate_error_rate(
        pd.concat([table, extra]), "aws-cloudfront", monthly_fee="1000"
    )
    (row,) = result.table.to_dict("records")
    assert (row["credit_percent"], row["credit_amount"]) == (10, D("100.00"))


# --- versions by date: Teams Phone before and after 1 December 2021 ---


def test_teams_phone_month_before_and_after_the_december_2021_text() -> None:
    # 10 minutes, all 100 users, in each month; fee 1,000 a month.
    # November 2021 (old text, 99.9 %): (43,200 − 10) / 43,200 = 99.97685… %: no credit.
    # December 2021 (new text, 99.99 %): (44,640 − 10) / 44,640 = 99.97759… % < 99.99 → 10 %.
    outage = windows(
        ("2021-11-10T10:00:00Z", "2021-11-10T10:10:00Z"),
        ("2021-12-10T10:00:00Z", "2021-12-10T10:10:00Z"),
    )
    r = slacalc.calculate(outage, "microsoft-teams-phone", users=100, monthly_fee="1000")
    nov, dec = one(r, "2021-11"), one(r, "2021-12")
    assert (nov["commitment_percent"], nov["breached"], nov["credit_amount"]) == (
        D("99.9"),
        False,
        D("0.00"),
    )
    assert nov["next_tier"] == "< 99.9 % → 25 % of the fee"
    assert nov["terms_version"].startswith("Microsoft Online Services SLA before December 2021")
    assert (dec["commitment_percent"], dec["tier"], dec["credit_amount"]) == (
        D("99.99"),
        "< 99.99 % → 10 % of the fee",
        D("100.00"),
    )
    assert "December 2021" in dec["terms_version"]


def test_a_version_is_checked_like_a_contract_and_errors_name_it(tmp_path: Path) -> None:
    text = VALID_TOML + (
        "\n[[versions]]\nuntil = 2021-12-01\ncommitment_percent = 99\n"
        '[versions.source]\nurl = "https://example.com/old"\nversion = "old"\n'
        'confidence = "primary"\n'
    )
    message = _error_for(tmp_path, text)  # the current tiers start at 99.9, above 99
    assert "versions.0" in message
    assert "commitment_percent" in message


def test_versions_are_listed_oldest_first(tmp_path: Path) -> None:
    old = (
        "\n[[versions]]\nuntil = {day}\n"
        '[versions.source]\nurl = "https://example.com/old"\nversion = "v{day}"\n'
        'confidence = "primary"\n'
    )
    text = VALID_TOML + old.format(day="2022-01-01") + old.format(day="2021-01-01")
    assert "oldest first" in _error_for(tmp_path, text)


# --- claim clocks ---


def test_auth0_claim_is_due_ten_days_after_the_first_downtime_of_the_month() -> None:
    # "request a service level credit within 10 days of the event": first downtime 10 March →
    # 20 March, although a second incident follows on 25 March.
    outage = windows(
        ("2026-03-10T10:00:00Z", "2026-03-10T11:00:00Z"),
        ("2026-03-25T10:00:00Z", "2026-03-25T11:00:00Z"),
    )
    row = one(slacalc.calculate(outage, "okta-auth0", users=1, periods=["2026-04"]), "2026-03")
    assert row["claim_deadline"] == dt.date(2026, 3, 20)
    # A month with no downtime has nothing to claim and no deadline.
    quiet = one(slacalc.calculate(outage, "okta-auth0", users=1, periods=["2026-04"]), "2026-04")
    assert quiet["claim_deadline"] is None


def test_billing_cycle_clock_counts_the_customers_own_cycles() -> None:
    # "by the end of the second billing cycle after which the incident occurred".
    aws = variant(
        "aws-ec2-region", id="aws-cycles", claim={"rule": "end_of_billing_cycle_after", "cycles": 2}
    )
    outage = windows(
        ("t-15", "2026-03-10T10:00:00Z", "2026-03-10T11:00:00Z"),
        ("t-1", "2026-03-10T10:00:00Z", "2026-03-10T11:00:00Z"),
        columns=("tenant", "start", "end"),
    )
    customers = pd.DataFrame(
        {
            "tenant": ["t-15", "t-1"],
            "contract": ["aws-ec2-region"] * 2,
            "users": [1, 1],
            "billing_day": ["15", ""],
        }
    )
    frame = slacalc.calculate(outage, aws, customers=customers).to_frame().set_index("tenant")
    # Cycles from the 15th: 10 March is in 15 Feb – 14 Mar; two cycles after end 14 May.
    assert frame.loc["t-15", "claim_deadline"] == dt.date(2026, 5, 14)
    # Calendar-month cycles: March → the end of May.
    assert frame.loc["t-1", "claim_deadline"] == dt.date(2026, 5, 31)


def test_a_billing_day_beyond_the_28th_is_rejected_naming_row_and_column() -> None:
    table = pd.DataFrame(
        {"tenant": ["a"], "contract": ["aws-ec2-region"], "users": [1], "billing day": ["31"]}
    )
    rejected = slacalc.read_customers(table).rejected
    assert [(p.row, p.column) for p in rejected] == [
        (1, "billing day")
    ]  # DataFrame rows count from 1
    assert "1 to 28" in rejected[0].problem


# --- the value of a day ---


def test_the_value_of_a_day_is_stated_per_contract() -> None:
    # March 2026, 31 days = 44,640 min; 60 minutes down → 99.8656 % → 3 days of service.
    outage = windows(("2026-03-10T10:00:00Z", "2026-03-10T11:00:00Z"))
    calendar = one(slacalc.calculate(outage, "google-workspace", users=10, monthly_fee="600"))
    assert calendar["credit_days"] == 3
    assert calendar["credit_amount"] == D("58.06")  # 600 × 3 / 31 = 58.0645…
    thirty = variant("google-workspace", id="gw-30", day_value_days=30)
    row = one(slacalc.calculate(outage, thirty, users=10, monthly_fee="600"))
    assert row["credit_amount"] == D("60.00")  # 600 × 3 / 30


# --- which rule limited a credit ---


def test_a_credit_under_the_minimum_is_dropped_and_says_why() -> None:
    # April 2026: 43,200 minutes; 60 down → 99.8611… % → "< 99.99 % but >= 99.0 %" → 10 %.
    outage = windows(("2026-04-10T10:00:00Z", "2026-04-10T11:00:00Z"))
    small = one(slacalc.calculate(outage, "aws-ec2-region", users=1, monthly_fee="5"))
    assert small["credit_amount"] == D("0.00")  # 10 % of 5 = 0.50, not above 1 USD
    assert small["credit_limited_by"] == "minimum credit: only credits above 1 USD are issued"
    large = one(slacalc.calculate(outage, "aws-ec2-region", users=1, monthly_fee="20"))
    assert (large["credit_amount"], large["credit_limited_by"]) == (D("2.00"), "")


def test_a_credit_the_cap_lowers_says_so() -> None:
    capped = variant("microsoft-365-exchange-online", id="cap-20", cap={"percent": 20})
    # 60 of 43,200 minutes, all users: 99.8611… % → 25 % of the fee, capped at 20 %.
    outage = windows(("2026-04-10T10:00:00Z", "2026-04-10T11:00:00Z"))
    row = one(slacalc.calculate(outage, capped, users=10, monthly_fee="1000"))
    assert (row["credit_percent"], row["credit_amount"]) == (D(20), D("200.00"))
    assert row["credit_limited_by"] == "cap: 20 % of the period's fee"


def test_partial_minutes_are_dropped_where_the_text_says_so() -> None:
    whole = variant("aws-ec2-region", id="whole-minutes", partial_minutes="dropped")
    outage = windows(
        ("2026-04-10T10:00:00Z", "2026-04-10T10:02:59Z"),  # 2 min 59 s → 2 whole minutes
        ("2026-04-10T11:00:30Z", "2026-04-10T11:00:50Z"),  # 20 s → nothing
    )
    row = one(slacalc.calculate(outage, whole, users=1))
    assert row["downtime_seconds"] == 120
    # (43,200 − 2) / 43,200 = 99.99537037… %: not below 99.99, no credit. The first tier needs
    # more than 0.01 % of 43,200 = 4.32 minutes in all: 2.32 more, so 3 more whole minutes.
    assert (row["availability_percent"], row["tier_number"]) == (D("99.9953703703"), 0)
    assert row["seconds_to_next_tier"] == 3 * 60
    counted = one(slacalc.calculate(outage, "aws-ec2-region", users=1))
    assert counted["downtime_seconds"] == 179 + 20


def test_dropping_partial_minutes_needs_the_time_method() -> None:
    with pytest.raises(ValidationError, match="partial_minutes"):
        variant("microsoft-365-exchange-online", id="x", partial_minutes="dropped")


def test_what_if_steps_use_the_text_in_force_in_the_period() -> None:
    from slacalc.engine.scenarios import credit_steps

    # November 2021, 10 of 43,200 minutes down: under the old text the first tier is < 99.9 %
    # (25 %), reached at 0.1 % of 43,200 = 43.2 minutes: 33.2 more, so 33 min 13 s.
    outage = windows(("2021-11-10T10:00:00Z", "2021-11-10T10:10:00Z"))
    r = slacalc.calculate(outage, "microsoft-teams-phone", users=1, monthly_fee="100")
    steps = credit_steps(one(r), load_contract("microsoft-teams-phone"))
    assert steps["tier"].tolist()[:2] == ["", "< 99.9 % → 25 % of the fee"]
    assert steps["extra_seconds"].tolist()[1] == 33 * 60 + 13


def test_the_contracts_page_lists_every_contract_with_its_official_address() -> None:
    page = (CONTRACTS_DIR.parent / "docs" / "contracts.md").read_text(encoding="utf-8")
    rows = {line.split("|")[2].strip(): line for line in page.splitlines() if line.count("|") > 9}
    for cid in ALL_IDS:
        row = next((r for key, r in rows.items() if key.startswith(f"`{cid}`")), None)
        assert row is not None, cid
        assert f"<{load_contract(cid).source.url}>" in row, cid


@pytest.mark.parametrize(
    ("addition", "field", "problem"),
    [
        ("\n[error_rate]\ninterval_minutes = 7\n", "error_rate.interval_minutes", "divides a day"),
        ("\nday_value_days = 0\n", "day_value_days", "greater than or equal to 1"),
        ('\npartial_minutes = "rounded"\n', "partial_minutes", "'counted' or 'dropped'"),
    ],
)
def test_new_terms_are_checked_with_errors_naming_the_field(
    tmp_path: Path, addition: str, field: str, problem: str
) -> None:
    head, tail = VALID_TOML.split("[[tiers]]", 1)
    message = _error_for(tmp_path, head + addition.lstrip("\n") + "\n[[tiers]]" + tail)
    assert f"{field}: " in message
    assert problem in message


def test_a_billing_cycle_clock_needs_its_number_of_cycles(tmp_path: Path) -> None:
    text = VALID_TOML.replace(
        'rule = "end_of_month_after"\nmonths = 1', 'rule = "end_of_billing_cycle_after"'
    )
    message = _error_for(tmp_path, text)
    assert "claim" in message
    assert "needs 'cycles'" in message


# --- numbers and nesting that once escaped as Python errors (RecursionError, OverflowError,
# InvalidOperation, a hang) are bounded contract errors naming the field ---

DAYS_TOML = VALID_TOML.replace("credit_percent = 10", "credit_days = 3").replace(
    "credit_percent = 25", "credit_days = 7"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            VALID_TOML + "x = " + "[" * 100_000 + "]" * 100_000 + "\n",
            "not valid TOML: arrays or tables nested too deeply",
        ),
        (
            VALID_TOML.replace(
                'method = "time"', 'method = "time"\nminimum_downtime_minutes = 1e400'
            ),
            "minimum_downtime_minutes: Input should be less than or equal to 132480",
        ),
        (
            DAYS_TOML.replace("credit_days = 7", "credit_days = 1e50"),
            "tiers.1.credit_days: Input should be less than or equal to 366",
        ),
        (
            VALID_TOML.replace("below = 99\n", "below = 1e-99999999\n"),
            "tiers.1.below: Decimal input should have no more than 10 decimal places",
        ),
        (
            VALID_TOML + "\n[cap]\ndays = 1e400\n",
            "cap.days: Input should be less than or equal to 366",
        ),
        (
            VALID_TOML.replace('method = "time"', 'method = "time"\nminimum_credit = 1e400'),
            "minimum_credit: Input should be less than",
        ),
    ],
    ids=[
        "nested brackets",
        "minimum downtime",
        "credit days",
        "tiny percent",
        "cap days",
        "minimum credit",
    ],
)
def test_numbers_and_nesting_beyond_the_limits_are_contract_errors(
    tmp_path: Path, text: str, message: str
) -> None:
    assert message in _error_for(tmp_path, text)


def test_the_limits_accept_their_largest_values(tmp_path: Path) -> None:
    text = DAYS_TOML.replace("credit_days = 7", "credit_days = 366").replace(
        'method = "time"', 'method = "time"\nminimum_downtime_minutes = 132480'
    )
    contract = load_contract(_write(tmp_path, text))
    assert (contract.tiers[1].credit, contract.minimum_downtime_minutes) == (366, 132_480)
