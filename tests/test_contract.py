"""Contract files: the bundled contracts carry the published terms, and bad files fail clearly.

Every expected number below is written out from the published SLA terms (each contract file's
``[source]`` address), not read back from the contract files, so a mistyped term in a TOML file
fails here.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from slacalc.errors import ContractError
from slacalc.model.contract import (
    Contract,
    contract_schema,
    list_contracts,
    load_contract,
    parse_contract,
)

CONTRACTS_DIR = Path(__file__).resolve().parent.parent / "contracts"

BUNDLED_IDS = [
    "atlassian-cloud-premium",
    "aws-ec2-region",
    "aws-rds-multi-az",
    "aws-s3-standard",
    "azure-virtual-machines-zones",
    "github-enterprise-cloud",
    "google-compute-engine-multi-zone",
    "google-workspace",
    "microsoft-365-exchange-online",
    "microsoft-365-sharepoint-online",
    "microsoft-365-teams",
    "microsoft-teams-phone",
    "okta-auth0",
    "slack-business-plus",
]

D = Decimal

# Tiers as (below, operator, kind, credit), highest boundary first.
MS365_TIERS = [
    (D("99.9"), "<", "percent", D(25)),
    (D("99"), "<", "percent", D(50)),
    (D("95"), "<", "percent", D(100)),
]

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
        "claim": ("end_of_month_after", 2, None),
        "confidence": "copy",
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
        "claim": ("end_of_month_after", 2, None),
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
        "claim": ("end_of_month_after", 2, None),
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
        "method": "user_minutes",
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
        "claim": ("not_stated", None, None),
        "confidence": "copy",
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
    "aws-rds-multi-az": ["Unavailable", "$1"],
    "google-workspace": ["claim window", "beta"],
    "atlassian-cloud-premium": ["table unverified"],
    "slack-business-plus": ["No claim deadline", "No cap"],
    "okta-auth0": ["Successful Minute", "No claim deadline"],
    "google-compute-engine-multi-zone": ["credit table", "Downtime Period"],
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
    assert sorted(EXPECTED) == BUNDLED_IDS


@pytest.mark.parametrize("contract_id", BUNDLED_IDS)
def test_bundled_contract_loads_with_its_file_stem_as_id(contract_id: str) -> None:
    contract = load_contract(contract_id)
    assert isinstance(contract, Contract)
    assert contract.id == contract_id
    assert contract.name
    assert contract.source.url.startswith(("https://", "http://"))


@pytest.mark.parametrize("contract_id", BUNDLED_IDS)
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


@pytest.mark.parametrize("contract_id", BUNDLED_IDS)
def test_bundled_contract_measures_in_utc_by_default(contract_id: str) -> None:
    assert load_contract(contract_id).timezone == "UTC"


@pytest.mark.parametrize("contract_id", sorted(MUST_FLAG))
def test_bundled_contract_flags_its_unverified_terms(contract_id: str) -> None:
    flagged = " ".join(load_contract(contract_id).unverified)
    for term in MUST_FLAG[contract_id]:
        assert term in flagged, f"{contract_id}: {term!r} not flagged in unverified"


def test_github_boundary_operators_follow_the_contract_wording() -> None:
    # "≤ 99.9 % but > 99.0 %" → 10 %; "< 99.0 %" → 25 %: exactly 99.0 % still earns 10 %.
    tiers = load_contract("github-enterprise-cloud").tiers
    assert [(t.operator, t.below) for t in tiers] == [("<=", D("99.9")), ("<", D("99"))]


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
