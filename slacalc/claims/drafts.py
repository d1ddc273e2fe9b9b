"""From a calculation's results to claim drafts: one per breached period with a credit.

The result table's cells may be plain Python values or Arrow scalars (money as ``decimal128``,
deadlines as ``date32``), so every value is read through :func:`money`, :func:`day`,
:func:`moment` or :func:`json_value`, which accept both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from slacalc.engine.deadlines import claim_deadline, incident_deadline
from slacalc.engine.results import Results
from slacalc.errors import RegisterError
from slacalc.model.contract import Contract
from slacalc.model.money import round_money
from slacalc.model.periods import parse_period
from slacalc.report.values import cell


@dataclass(frozen=True, kw_only=True)
class Draft:
    """A claim about to be recorded: who claims what, from whom, for which period, by when.

    Each field is a column of the register's ``claims`` table, of the same name.
    """

    provider: str
    contract_id: str
    contract_version: str
    contract_hash: str
    service: str
    period: str
    period_start: dt.datetime
    period_end: dt.datetime
    timezone: str
    amount: Decimal
    currency: str
    deadline: dt.date | None
    tenant: str = ""
    account_id: str = ""
    fingerprint: str = ""
    result: str = "{}"


def _scalar(value: object) -> object:
    """An Arrow scalar as its Python value; anything else unchanged."""
    as_py = getattr(value, "as_py", None)
    return as_py() if callable(as_py) else value


def _missing(value: object) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    return value is None or value is pd.NA or value is pd.NaT


def money(value: object) -> Decimal | None:
    """A money or percent cell as an exact Decimal (``None`` when empty): Decimal, Arrow
    decimal128 or text alike, through their exact decimal text."""
    value = _scalar(value)
    return None if _missing(value) else Decimal(str(value))


def day(value: object) -> dt.date | None:
    """A date cell (``datetime.date``, pendulum, Arrow ``date32``, Timestamp) as a plain date."""
    value = _scalar(value)
    if _missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    return pd.Timestamp(str(value)).date()


def moment(value: object) -> dt.datetime:
    """A time cell as an aware ``datetime`` (naive values are UTC)."""
    stamp = pd.Timestamp(_scalar(value))  # type: ignore[arg-type]
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return stamp.to_pydatetime()


def json_value(value: object) -> Any:
    """A result cell (or a record of them) as JSON data: exact strings for Decimals, ISO text
    for dates and times, lists for id lists, ``None`` for any missing value."""
    value = _scalar(value)
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if _missing(value):
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return json_value(value.item())
    return value


def contract_version(contract: Contract) -> str:
    """The terms version a claim rests on: the contract's own ``version`` when it has one, else
    the version or date its source states."""
    own = getattr(contract, "version", None)
    return str(own) if own else contract.source.version


def contract_hash(contract: Contract) -> str:
    """SHA-256 of the contract's validated terms, so a later edit of the file is visible."""
    return hashlib.sha256(contract.model_dump_json().encode()).hexdigest()


def fingerprint(results: Results) -> str:
    """SHA-256 of what a calculation came from: the outage rows, the customers, the terms."""
    digest = hashlib.sha256()
    digest.update(results.outages.frame.to_csv(index=False).encode())
    digest.update(results.customers.frame.to_csv(index=False).encode())
    for cid in sorted(results.contracts):
        digest.update(results.contracts[cid].model_dump_json().encode())
    return digest.hexdigest()


def drafts(results: Results, *, account_id: str = "") -> Iterator[Draft]:
    """A draft for every breached period whose credit is more than zero, in the table's order."""
    inputs = fingerprint(results)
    for record in results:
        amount = money(record["credit_amount"])
        if not _truth(record["breached"]) or amount is None or amount <= 0:
            continue
        contract = results.contracts[str(record["contract"])]
        currency = str(record["currency"])
        tenant = _scalar(record["tenant"])
        yield Draft(
            provider=contract.provider,
            contract_id=contract.id,
            # the dated text the period was measured under, as the result names it
            contract_version=str(record.get("terms_version") or contract_version(contract)),
            contract_hash=contract_hash(contract),
            service=str(record["service"]),
            period=str(record["period"]),
            period_start=moment(record["period_start"]),
            period_end=moment(record["period_end"]),
            timezone=str(record["timezone"]),
            amount=round_money(amount, currency),  # the result keeps thousandths: 4000.000
            currency=currency,
            deadline=day(record["claim_deadline"]),
            tenant="" if _missing(tenant) else str(tenant),
            account_id=account_id,
            fingerprint=inputs,
            result=result_json(record),
        )


def draft_for(
    contract: Contract,
    period: str,
    amount: Decimal,
    *,
    currency: str = "USD",
    tenant: str = "",
    account_id: str = "",
    service: str | None = None,
    deadline: dt.date | None = None,
) -> Draft:
    """A draft typed in rather than calculated: the period is read in the contract's zone and
    the deadline, unless given, follows the contract's claim rule (a clock that starts at the
    incident starts on the period's first day)."""
    try:
        measured = parse_period(period, contract.period, contract.timezone)
    except ValueError as exc:
        raise RegisterError(str(exc)) from None
    if not amount.is_finite() or amount <= 0:
        raise RegisterError(f"{amount} is not an amount to claim: give one above zero")
    # A clock that starts at the incident, with no incident date typed in: the period's first
    # day, the earliest the incident can have been, so the deadline shown is never too late.
    rule_deadline = (
        incident_deadline(contract, measured.start.date(), 1)
        if contract.claim.from_incident
        else claim_deadline(contract, measured)
    )
    return Draft(
        provider=contract.provider,
        contract_id=contract.id,
        contract_version=contract_version(contract),
        contract_hash=contract_hash(contract),
        service=service or contract.service,
        period=measured.label,
        period_start=moment(measured.start),
        period_end=moment(measured.end),
        timezone=contract.timezone,
        amount=amount,
        currency=currency,
        deadline=deadline or day(rule_deadline),
        tenant=tenant,
        account_id=account_id,
    )


def _truth(value: object) -> bool:
    value = _scalar(value)
    return not _missing(value) and bool(value)


def result_json(record: Mapping[str, object]) -> str:
    """A result row as the JSON text a claim keeps of it."""
    currency = str(record.get("currency") or "")
    row = {k: cell(k, _scalar(v), currency) for k, v in record.items()}  # money at minor units
    return json.dumps({k: json_value(v) for k, v in row.items()}, sort_keys=True)
