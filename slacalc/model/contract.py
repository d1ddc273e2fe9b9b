"""SLA contracts as data: the pydantic model of a contract file and the loader of its TOML.

A contract states every term that moves a number: the commitment, the period and its time zone, how
downtime is measured, the credit tiers with the boundary operator the contract uses, caps, minimums
and the claim-deadline rule. The contract's id is its file's stem.
"""

from __future__ import annotations

import json
import tomllib
import zoneinfo
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from slacalc.errors import ContractError
from slacalc.model.periods import PeriodKind

Percent = Annotated[Decimal, Field(ge=0, le=100)]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Tier(_Frozen):
    """One credit tier: availability ``operator`` ``below`` pays the stated credit.

    Exactly one of ``credit_percent`` (of the period's fee), ``credit_days`` (days of service) or
    ``credit_multiple`` (times the fees for the down part of the period, Slack style) is set.
    """

    below: Percent = Field(description="The availability boundary, as the contract states it.")
    operator: Literal["<", "<="] = Field(
        "<", description="'<' when the contract says 'less than', '<=' for 'equal to or less than'."
    )
    credit_percent: Percent | None = None
    credit_days: Annotated[Decimal, Field(gt=0)] | None = None
    credit_multiple: Annotated[Decimal, Field(gt=0)] | None = None

    @model_validator(mode="after")
    def _one_credit(self) -> Self:
        given = [self.credit_percent, self.credit_days, self.credit_multiple]
        if sum(v is not None for v in given) != 1:
            raise ValueError("set exactly one of credit_percent, credit_days, credit_multiple")
        return self

    @property
    def kind(self) -> Literal["percent", "days", "multiple"]:
        """Which kind of credit this tier pays."""
        if self.credit_percent is not None:
            return "percent"
        return "days" if self.credit_days is not None else "multiple"

    @property
    def credit(self) -> Decimal:
        """The credit figure, in the tier's own kind."""
        value = self.credit_percent or self.credit_days or self.credit_multiple
        return value if value is not None else Decimal(0)

    def describe(self) -> str:
        """The tier in plain words, e.g. ``< 99.9 % → 25 % of the fee``."""
        what = {
            "percent": f"{self.credit} % of the fee",
            "days": f"{self.credit} days of service",
            "multiple": f"{self.credit}× the fees for the down time",
        }[self.kind]
        return f"{self.operator} {self.below} % → {what}"


class DowntimeThreshold(_Frozen):
    """For the ``time`` method: a minute is down when the affected share passes this threshold."""

    operator: Literal[">", ">="] = ">"
    percent: Percent = Decimal(0)

    @field_validator("percent")
    @classmethod
    def _hundredths(cls, value: Decimal) -> Decimal:
        if value * 100 != (value * 100).to_integral_value():
            raise ValueError("give the threshold with at most two decimal places")
        return value


class Maintenance(_Frozen):
    """A recurring scheduled-maintenance window, in the contract's time zone, that is excluded."""

    every: Literal["week", "month"]
    weekday: Weekday | None = Field(None, description="For weekly windows.")
    day: Annotated[int, Field(ge=1, le=28)] | None = Field(None, description="For monthly windows.")
    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="Local start, 'HH:MM'.")
    duration_minutes: Annotated[int, Field(gt=0, le=7 * 24 * 60)]
    description: str = ""

    @model_validator(mode="after")
    def _anchor(self) -> Self:
        if self.every == "week" and self.weekday is None:
            raise ValueError("a weekly window needs 'weekday'")
        if self.every == "month" and self.day is None:
            raise ValueError("a monthly window needs 'day'")
        return self


class Cap(_Frozen):
    """The most a period's credits may reach: a percent of the period's fee and/or days of service.

    A contract without a ``[cap]`` table is capped at 100 % of the fee (Microsoft's general terms);
    an empty ``[cap]`` table states that the contract sets no cap.
    """

    percent: Percent | None = None
    days: Annotated[Decimal, Field(gt=0)] | None = None


class ClaimRule(_Frozen):
    """When a claim must be received.

    ``end_of_month_after``: the last day of the ``months``-th calendar month after the period's last
    month (Microsoft 365: 1; Azure and AWS: 2). ``days_after_period_end``: ``days`` after the
    period's last day (GitHub 30, Atlassian 15, Google 30). ``not_stated``: the terms give no
    deadline, so none is shown.
    """

    rule: Literal["end_of_month_after", "days_after_period_end", "not_stated"]
    months: Annotated[int, Field(ge=0, le=24)] | None = None
    days: Annotated[int, Field(ge=0, le=366)] | None = None
    how: str = Field("", description="Where and how to file the claim.")

    @model_validator(mode="after")
    def _amount(self) -> Self:
        if self.rule == "end_of_month_after" and self.months is None:
            raise ValueError("rule 'end_of_month_after' needs 'months'")
        if self.rule == "days_after_period_end" and self.days is None:
            raise ValueError("rule 'days_after_period_end' needs 'days'")
        return self

    def describe(self) -> str:
        """The rule in plain words."""
        if self.rule == "end_of_month_after":
            n = self.months
            return f"by the end of the {_ordinal(n or 0)} calendar month after the period"
        if self.rule == "not_stated":
            return "no deadline stated in the terms"
        return f"within {self.days} days after the period ends"


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third"}.get(n, f"{n}th")


class Source(_Frozen):
    """Where the terms come from."""

    url: str = Field(pattern=r"^https?://")
    version: str = Field(min_length=1, description="Version or date of the terms.")
    confidence: Literal["primary", "copy", "3rd", "unverified"]
    notes: str = ""


class Contract(_Frozen):
    """An SLA contract. Built from a TOML file whose stem is the ``id``."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    service: str = Field(min_length=1)
    commitment_percent: Percent
    period: PeriodKind = "month"
    timezone: str = "UTC"
    method: Literal["user_minutes", "time"]
    downtime_threshold: DowntimeThreshold = DowntimeThreshold()
    minimum_downtime_minutes: Annotated[Decimal, Field(ge=0)] = Decimal(0)
    counted_cohorts: tuple[str, ...] | None = Field(
        None, description="Only these cohorts count toward SLA downtime; the rest is impact only."
    )
    maintenance: tuple[Maintenance, ...] = ()
    tiers: tuple[Tier, ...] = Field(min_length=1)
    cap: Cap = Cap(percent=Decimal(100))
    minimum_credit: Annotated[Decimal, Field(ge=0)] | None = Field(
        None, description="A credit is issued only if it is greater than this amount."
    )
    minimum_credit_currency: str = Field(
        "USD",
        pattern=r"^[A-Z]{3}$",
        description="Currency of minimum_credit; the minimum applies to fees in this currency.",
    )
    claim: ClaimRule
    source: Source
    unverified: tuple[str, ...] = Field(
        (), description="Terms the reference marks unverified; check the live SLA before relying."
    )
    feed_names: tuple[str, ...] = Field(
        (),
        description="The names the provider's incident feeds give this service (Graph's service, "
        "Statuspage component names, AWS service codes, Google product names), so a feed's "
        "windows find their contract.",
    )
    notes: str = ""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    @field_validator("tiers")
    @classmethod
    def _ordered(cls, tiers: tuple[Tier, ...]) -> tuple[Tier, ...]:
        bounds = [t.below for t in tiers]
        if bounds != sorted(bounds, reverse=True) or len(set(bounds)) != len(bounds):
            raise ValueError("list tiers from the highest boundary down, each boundary once")
        if len({t.kind for t in tiers}) != 1:
            raise ValueError("all tiers must pay the same kind of credit")
        credits = [t.credit for t in tiers]
        if credits != sorted(credits):
            raise ValueError("a lower tier must not pay less than a higher one")
        return tiers

    @model_validator(mode="after")
    def _threshold_for_time(self) -> Self:
        if self.method == "user_minutes" and self.downtime_threshold != DowntimeThreshold():
            raise ValueError("downtime_threshold applies only to method 'time'")
        return self

    @property
    def credit_kind(self) -> Literal["percent", "days", "multiple"]:
        """The kind of credit every tier pays."""
        return self.tiers[0].kind


def _bundled_dir() -> Path:
    package = Path(__file__).resolve().parents[1]
    packaged = package / "_contracts"
    return packaged if packaged.is_dir() else package.parent / "contracts"


def list_contracts() -> list[str]:
    """The ids of the bundled contracts, sorted."""
    return sorted(p.stem for p in _bundled_dir().glob("*.toml"))


def contract_schema() -> dict[str, Any]:
    """The JSON Schema of a contract file (the ``id`` comes from the file name)."""
    schema = Contract.model_json_schema()
    schema["properties"].pop("id", None)
    schema["required"] = [r for r in schema.get("required", []) if r != "id"]
    return schema


def parse_contract(text: str, contract_id: str, origin: str) -> Contract:
    """Validate TOML ``text`` as a contract; errors name ``origin``, the field and the problem."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise ContractError(f"{origin}: not valid TOML: {exc}") from None
    if "id" in data:
        raise ContractError(f"{origin}: id: remove it; a contract's id is its file name")
    try:
        return Contract.model_validate({**data, "id": contract_id})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(file)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ContractError(f"{origin}: {problems}") from None


def _load_path(path: Path) -> Contract:
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise ContractError(f"{path}: cannot read the contract file: {exc}") from None
    return _load_cached(path, stamp)


@cache
def _load_cached(path: Path, stamp: int) -> Contract:
    """Parse once per file version: an edited file is read again (the app runs for days)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContractError(f"{path}: cannot read the contract file: {exc}") from None
    return parse_contract(text, path.stem, str(path))


def load_contract(id_or_path: str | Path | Contract) -> Contract:
    """Load a bundled contract by id (``"microsoft-365-exchange-online"``) or a TOML file path."""
    if isinstance(id_or_path, Contract):
        return id_or_path
    text = str(id_or_path)
    path = Path(text)
    if path.suffix.lower() == ".toml" or path.is_file():
        if not path.is_file():
            raise ContractError(f"{path}: no such contract file")
        return _load_path(path.resolve())
    bundled = _bundled_dir() / f"{text}.toml"
    if not bundled.is_file():
        known = ", ".join(list_contracts())
        raise ContractError(f"unknown contract {text!r}; bundled contracts are: {known}")
    return _load_path(bundled)


def contract_json(contract: Contract) -> str:
    """The contract as canonical JSON: a hashable cache key and a stable record for evidence."""
    return json.dumps(contract.model_dump(mode="json"), sort_keys=True)
