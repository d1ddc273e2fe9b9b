"""Contracts passed in: the user's own contracts beside the bundled ones, in every front end.

The user contract here is Exchange Online's terms measured in Los Angeles time ("my-la"). One
outage, 31 March 23:00 → 1 April 02:00 Los Angeles time (-07:00), for 10 users paying 100.00:

    in Los Angeles months: March 60 min of 44,580 (31 days less the DST hour) → 99.8654… %;
                           April 120 min of 43,200 → 99.7222… %; both below 99.9 → 25 % = 25.00.
    in UTC months (the bundled contract): all 180 min fall on 1 April UTC, one period.
"""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import slacalc
from slacalc import cli
from slacalc.app import inputs
from slacalc.errors import ContractError, InputError
from slacalc.io.customers import read_customers
from slacalc.model.contract import load_contract
from slacalc.model.registry import ContractRegistry

ROOT = Path(__file__).resolve().parents[1]
EX = "microsoft-365-exchange-online"
LA_TERMS = (
    (ROOT / "contracts" / f"{EX}.toml")
    .read_text(encoding="utf-8")
    .replace('timezone = "UTC"', 'timezone = "America/Los_Angeles"')
)
# All 10 users affected, given as a count (no assumption to warn about on stderr).
OUTAGES = (
    "tenant,start,end,affected_users\n"
    "contoso,2026-03-31T23:00:00-07:00,2026-04-01T02:00:00-07:00,10\n"
)
CUSTOMERS = "tenant,contract,users,monthly_fee\ncontoso,my-la,10,100.00\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "my-la.toml").write_text(LA_TERMS, encoding="utf-8")
    return mine


def outages() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(OUTAGES), dtype=str)


def customers() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(CUSTOMERS), dtype=str)


def by_period(results: slacalc.Results) -> list[tuple[str, int, Decimal]]:
    frame = results.to_frame()
    return list(
        zip(frame["period"], frame["downtime_minutes"], frame["credit_amount"], strict=True)
    )


LA_ROWS = [("2026-03", 60, Decimal("25.00")), ("2026-04", 120, Decimal("25.00"))]


# The library ------------------------------------------------------------------------------------


def test_without_the_users_contract_the_table_naming_it_is_rejected() -> None:
    with pytest.raises(InputError, match="all 1 customer rows were rejected") as caught:
        slacalc.calculate(outages(), customers=customers())
    assert "unknown contract" in caught.value.problems[0].problem


@pytest.mark.parametrize("given", ["file", "folder", "contract", "registry", "one file"])
def test_a_customers_table_naming_a_contract_passed_in_is_computed_under_it(
    given: str, folder: Path
) -> None:
    path = folder / "my-la.toml"
    contracts: object = {
        "file": [path],
        "folder": [str(folder)],
        "contract": [load_contract(path)],
        "registry": ContractRegistry.of(folder),
        "one file": path,
    }[given]
    results = slacalc.calculate(outages(), customers=customers(), contracts=contracts)  # type: ignore[arg-type]
    assert by_period(results) == LA_ROWS
    assert results.to_frame()["contract"].unique().tolist() == ["my-la"]


def test_one_customer_under_a_contract_passed_in_by_id(folder: Path) -> None:
    results = slacalc.calculate(outages(), "my-la", users=10, monthly_fee="100", contracts=[folder])
    assert by_period(results) == LA_ROWS


def test_the_contract_argument_still_takes_an_id_a_path_or_a_contract(folder: Path) -> None:
    path = folder / "my-la.toml"
    for contract in (str(path), path, load_contract(path)):
        results = slacalc.calculate(outages(), contract, users=10, monthly_fee="100")
        assert by_period(results) == LA_ROWS
    utc = slacalc.calculate(outages(), EX, users=10, monthly_fee="100")
    assert by_period(utc) == [("2026-04", 180, Decimal("25.00"))]  # 99.5833 % < 99.9


def test_an_unknown_id_names_the_users_contracts_and_the_bundled_ones(folder: Path) -> None:
    registry = ContractRegistry.of(folder)
    with pytest.raises(
        ContractError, match=r"unknown contract 'my-lb'; known contracts are: my-la, "
    ):
        registry.resolve("my-lb")


def test_the_registry_lists_the_users_contracts_first_then_the_bundled_ones(folder: Path) -> None:
    registry = ContractRegistry.of(folder)
    assert list(registry) == ["my-la", *slacalc.list_contracts()]
    assert len(registry) == 1 + len(slacalc.list_contracts())
    assert "my-la" in registry
    assert EX in registry
    assert "my-lb" not in registry
    assert registry.user_ids == ("my-la",)
    assert registry["my-la"].timezone == "America/Los_Angeles"
    with pytest.raises(KeyError):
        registry["my-lb"]


def test_read_customers_takes_the_registry_as_known_contracts(folder: Path) -> None:
    table = read_customers(customers(), known_contracts=ContractRegistry.of(folder))
    assert table.frame["contract"].tolist() == ["my-la"]
    assert table.rejected == ()


def test_a_user_contract_with_a_bundled_id_is_refused_unless_asked(tmp_path: Path) -> None:
    clash = tmp_path / f"{EX}.toml"
    clash.write_text(LA_TERMS, encoding="utf-8")
    message = f"{clash}: contract id '{EX}' is a bundled contract's, with other terms"
    with pytest.raises(ContractError, match=re.escape(message)):
        ContractRegistry.of(clash)
    table = customers().assign(contract=EX)
    results = slacalc.calculate(
        outages(), customers=table, contracts=ContractRegistry.of(clash, replace_bundled=True)
    )
    assert by_period(results) == LA_ROWS  # yours won: Los Angeles months


def test_a_copy_of_a_bundled_contract_or_the_same_file_twice_is_no_clash(tmp_path: Path) -> None:
    copy = tmp_path / f"{EX}.toml"
    copy.write_text((ROOT / "contracts" / f"{EX}.toml").read_text(encoding="utf-8"))
    assert ContractRegistry.of([copy, copy]).user_ids == (EX,)


def test_two_user_contracts_with_one_id_and_other_terms_are_refused(
    folder: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    other_terms = LA_TERMS.replace("America/Los_Angeles", "America/New_York")
    (other / "my-la.toml").write_text(other_terms, encoding="utf-8")
    with pytest.raises(ContractError, match=r"contract id 'my-la' is also the id of .*other terms"):
        ContractRegistry.of([folder, other])


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty", "no .toml contract files in this folder"),
        ("notes.txt", "not a .toml contract file or a folder of them"),
        ("missing.toml", "no such contract file"),
    ],
)
def test_sources_that_hold_no_contract_are_refused(name: str, message: str, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ContractError, match=message):
        ContractRegistry.of(tmp_path / name)


@pytest.mark.parametrize("sources", [5, [5], [None]])
def test_sources_of_another_type_are_a_contract_error(sources: object) -> None:
    with pytest.raises(ContractError, match=r"contracts: give Contract objects, \.toml files or "):
        ContractRegistry.of(sources)  # type: ignore[arg-type]


# The command line (in process) ----------------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    status = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "outages.csv").write_text(OUTAGES, encoding="utf-8")
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    return tmp_path / "outages.csv", tmp_path / "customers.csv"


@pytest.mark.parametrize("how", ["folder", "file"])
def test_cli_contracts_option_lets_the_customers_table_name_them(
    how: str, files: tuple[Path, Path], folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = folder if how == "folder" else folder / "my-la.toml"
    status, out, err = run_cli(
        capsys, "calculate", files[0], "--customers", files[1], "--contracts", where,
        "--format", "json",
    )  # fmt: skip
    assert (status, err) == (0, "")
    rows = [(r["period"], r["downtime_minutes"], r["credit_amount"]) for r in json.loads(out)]
    assert rows == [("2026-03", 60, "25.00"), ("2026-04", 120, "25.00")]


def test_cli_contracts_option_is_repeatable_and_serves_contract_too(
    files: tuple[Path, Path], folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    second = tmp_path / "second.toml"
    second.write_text(LA_TERMS, encoding="utf-8")
    status, out, err = run_cli(
        capsys, "calculate", files[0], "--contract", "second", "--users", "10", "--fee", "100",
        "--contracts", folder, "--contracts", second, "--format", "json",
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert [r["period"] for r in json.loads(out)] == ["2026-03", "2026-04"]


def test_cli_without_the_contracts_option_names_the_unknown_contract(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_cli(capsys, "calculate", files[0], "--customers", files[1])
    assert (status, out) == (2, "")
    assert "row 2, column 'contract': unknown contract" in err


def test_cli_refuses_a_clash_with_a_bundled_contract_unless_replace_bundled(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clash = tmp_path / f"{EX}.toml"
    clash.write_text(LA_TERMS, encoding="utf-8")
    args = ["calculate", files[0], "--contract", EX, "--users", "10", "--contracts", clash]
    status, out, err = run_cli(capsys, *args)
    assert (status, out) == (2, "")
    assert "is a bundled contract's, with other terms; rename the file" in err
    assert "--replace-bundled" in err
    status, out, err = run_cli(capsys, *args, "--replace-bundled", "--format", "json")
    assert (status, err) == (0, "")
    assert [r["period"] for r in json.loads(out)] == ["2026-03", "2026-04"]


# The app's pure layer -------------------------------------------------------------------------


def app_inputs(contract_files: tuple[tuple[str, str], ...]) -> inputs.Inputs:
    return inputs.Inputs(
        label="test",
        outages=inputs.Upload("outages.csv", OUTAGES.encode()),
        contract=None,
        contract_files=contract_files,
        customers=inputs.Upload("customers.csv", CUSTOMERS.encode()),
    )


def test_app_an_uploaded_contract_named_by_an_uploaded_customers_table_is_used() -> None:
    uploaded = inputs.read_contract_file("my-la.toml", LA_TERMS.encode())
    assert uploaded == ("my-la", LA_TERMS)
    given = app_inputs((uploaded,))
    assert by_period(inputs.compute(given)) == LA_ROWS
    # Then by provider and id: Amazon Web Services first, its aws-aurora-multi-az first of all.
    assert inputs.contract_ids(given)[:2] == ["my-la", "aws-aurora-multi-az"]
    scenario = slacalc.Scenario("Under the bundled terms", contract=EX)
    assert by_period(inputs.compute(given, scenario)) == [("2026-04", 180, Decimal("25.00"))]


def test_app_without_the_upload_the_table_is_refused_naming_the_rows() -> None:
    with pytest.raises(InputError, match="all 1 customer rows were rejected"):
        inputs.compute(app_inputs(()))


def test_app_an_upload_named_like_a_bundled_contract_with_other_terms_is_refused() -> None:
    with pytest.raises(ContractError, match="is a bundled contract's, with other terms"):
        inputs.read_contract_file(f"{EX}.toml", LA_TERMS.encode())
