"""One amount parser: the CLI's --fee, a customers table's monthly_fee, the app's fee field and
the library's monthly_fee= accept and refuse the same strings, with the same reasons.

The rules themselves are tested one by one in tests/test_money.py; here each front end is driven
as a user drives it and must agree with :func:`slacalc.model.money.parse_amount`.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

import slacalc
from slacalc import cli
from slacalc.app import inputs
from slacalc.errors import InputError
from slacalc.io.customers import read_customers
from slacalc.model.money import parse_amount

EX = "microsoft-365-exchange-online"
ACCEPTED = ["1200", "1,200.00", "1.200,00", "1 200,50", "1,200,000", "0,99", "1234.500"]
REFUSED = ["1,200", "1.200", "1,20.00", "1e3", "$1200", "-5", "1000000000000000", "0.0000001"]


def through_cli(text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Decimal:
    outages = tmp_path / "outages.csv"
    outages.write_text("start,end\n2026-04-10T10:00Z,2026-04-10T11:00Z\n", encoding="utf-8")
    args = ["calculate", str(outages), "--contract", EX, "--users", "10", "--format", "json"]
    try:
        status = cli.main([*args, f"--fee={text}"])
    except SystemExit as exc:  # argparse refuses the argument: usage error, status 2
        if exc.code != 2:
            pytest.fail(f"exit status {exc.code}, not 2")
        raise InputError(
            capsys.readouterr().err.rpartition("argument --fee: ")[2].strip()
        ) from None
    assert status == 0
    return Decimal(json.loads(capsys.readouterr().out)[0]["monthly_fee"])


def through_table(text: str) -> Decimal:
    quoted = text.replace('"', '""')
    table = f'tenant,contract,users,monthly_fee\ncontoso,{EX},10,"{quoted}"\n'
    customers = read_customers(io.StringIO(table))
    if customers.rejected:
        (problem,) = customers.rejected
        assert (problem.row, problem.column) == (2, "monthly_fee")
        raise InputError(problem.problem)
    fee = customers.frame["monthly_fee"].iloc[0]
    assert isinstance(fee, Decimal)
    return fee


def through_app(text: str) -> Decimal:
    try:
        fee = inputs.monthly_fee(text)
    except InputError as exc:
        message = str(exc)
        assert message.startswith("monthly fee: ")
        raise InputError(message.removeprefix("monthly fee: ")) from None
    assert fee is not None
    return fee


def through_library(text: str) -> Decimal:
    outage = slacalc.read_outages(io.StringIO("start,end\n2026-04-10T10:00Z,2026-04-10T11:00Z\n"))
    try:
        results = slacalc.calculate(outage, EX, users=10, monthly_fee=text)
    except InputError as exc:
        raise InputError(str(exc).removeprefix("monthly_fee: ")) from None
    fee = results.to_frame()["monthly_fee"].iloc[0]
    assert isinstance(fee, Decimal)
    return fee


@pytest.mark.parametrize("text", ACCEPTED)
def test_every_front_end_reads_an_accepted_amount_alike(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = parse_amount(text)
    assert through_cli(text, tmp_path, capsys) == expected
    assert through_table(text) == expected
    assert through_app(text) == expected
    assert through_library(text) == expected


@pytest.mark.parametrize("text", REFUSED)
def test_every_front_end_refuses_a_refused_amount_with_the_same_reason(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(InputError) as caught:
        parse_amount(text)
    reason = str(caught.value)
    for front_end in (
        lambda: through_cli(text, tmp_path, capsys),
        lambda: through_table(text),
        lambda: through_app(text),
        lambda: through_library(text),
    ):
        with pytest.raises(InputError) as refused:
            front_end()
        assert str(refused.value) == reason
