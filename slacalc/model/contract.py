"""SLA contracts as data: the pydantic model of a contract file and the loader of its TOML.

A contract states every term that moves a number: the commitment, the period and its time zone, how
downtime is measured (minutes, user-minutes, or an average error rate over fixed intervals), the
credit bands with both bounds as the text states them, caps, minimums, the value of a day of
service and the claim clock. Earlier dated texts of the same contract are ``versions``; a period
is measured under the text in force on its first day. The contract's id is its file's stem.
"""

from __future__ import annotations

import datetime as dt
import itertools
import tomllib
import zoneinfo
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from slacalc.errors import ContractError, InputError
from slacalc.model.bundled import shipped
from slacalc.model.money import MAX_FEE_DIGITS, MAX_FEE_PLACES, currency_code
from slacalc.model.periods import PeriodKind

#: Bounds on a contract's numbers, so that every figure of every accepted contract is computed
#: exactly and quickly (docs/limits.md): a percent has at most ``PLACES`` decimals, days of
#: credit or cap at most a leap year's, a minimum run at most a 92-day quarter's minutes.
PLACES = 10
MAX_DAYS = 366
MAX_MULTIPLE = 1000
MAX_MINIMUM_DOWNTIME_MINUTES = 92 * 24 * 60

Percent = Annotated[Decimal, Field(ge=0, le=100, decimal_places=PLACES)]
Days = Annotated[Decimal, Field(gt=0, le=MAX_DAYS, decimal_places=PLACES)]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Tier(_Frozen):
    """One credit band: availability ``operator`` ``below`` (and ``above_operator`` ``above``, when
    the contract states a lower bound) pays the stated credit.

    Without ``above`` the band reaches down to the next tier's upper bound, so the tiers meet with
    neither gap nor overlap. With it the band is closed on both sides exactly as the text says:
    GitHub's "less than or equal to 99.9 %, but greater than 99.0 %" is ``below = 99.9``,
    ``operator = "<="``, ``above = 99``, ``above_operator = ">"``, and exactly 99.0 % then falls in
    no band. Exactly one of ``credit_percent`` (of the period's fee), ``credit_days`` (days of
    service) or ``credit_multiple`` (times the fees for the down part of the period, Slack style)
    is set.
    """

    below: Percent = Field(description="The upper bound of the band, as the contract states it.")
    operator: Literal["<", "<="] = Field(
        "<", description="'<' when the contract says 'less than', '<=' for 'equal to or less than'."
    )
    above: Percent | None = Field(
        None,
        description=(
            "The lower bound of the band when the contract states one ('but greater than 99.0 %'); "
            "without it the band reaches down to the next tier."
        ),
    )
    above_operator: Literal[">", ">="] = Field(
        ">=",
        description="'>' for 'greater than', '>=' for 'equal to or greater than' (with 'above').",
    )
    credit_percent: Percent | None = None
    credit_days: Days | None = None
    credit_multiple: (
        Annotated[Decimal, Field(gt=0, le=MAX_MULTIPLE, decimal_places=PLACES)] | None
    ) = None

    @model_validator(mode="after")
    def _one_credit(self) -> Self:
        given = [self.credit_percent, self.credit_days, self.credit_multiple]
        if sum(v is not None for v in given) != 1:
            raise ValueError("set exactly one of credit_percent, credit_days, credit_multiple")
        return self

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if self.above is not None and self.above >= self.below:
            raise ValueError(
                f"above: {self.above} must be below the upper bound {self.below}: the band "
                "would hold no availability (or one single value)"
            )
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

    def bounds(self) -> str:
        """The band in symbols, e.g. ``<= 99.9 % and > 99 %``."""
        upper = f"{self.operator} {self.below} %"
        return upper if self.above is None else f"{upper} and {self.above_operator} {self.above} %"

    def describe(self) -> str:
        """The tier in plain words, e.g. ``< 99.9 % → 25 % of the fee``."""
        what = {
            "percent": f"{self.credit} % of the fee",
            "days": f"{self.credit} days of service",
            "multiple": f"{self.credit}× the fees for the down time",
        }[self.kind]
        return f"{self.bounds()} → {what}"


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
    an empty ``[cap]`` table states that the contract sets no cap. ``invoice = "future"`` records a
    cap measured against the invoice the credit is applied to (Atlassian); the period's fee stands
    in for it, since that invoice is not known yet.
    """

    percent: Percent | None = None
    days: Days | None = None
    invoice: Literal["period", "future"] = Field(
        "period",
        description=(
            "'period': the cap is a share of the fees of the period measured; 'future': of the "
            "invoice the credit is applied to."
        ),
    )


class ErrorRate(_Frozen):
    """Availability measured as an average error rate over fixed intervals, from a metrics table.

    Amazon S3: per request type, the error rate of each five-minute interval is the failed
    requests over the requests of that type in it, and the month's availability is 100 % minus
    the average of those rates over every interval of the billing cycle. Azure Storage: the same
    over hourly intervals. An interval with no requests has an error rate of 0 %.
    """

    interval_minutes: Annotated[int, Field(ge=1, le=1440)] = Field(
        description="Length of each interval (S3: 5, Azure Storage: 60); it divides a day."
    )
    per_request_type: bool = Field(
        True, description="Each request type has its own availability and credit (S3)."
    )

    @field_validator("interval_minutes")
    @classmethod
    def _divides_a_day(cls, value: int) -> int:
        if 1440 % value:
            raise ValueError("give an interval that divides a day (5, 10, 15, 30, 60, ...)")
        return value


class ClaimRule(_Frozen):
    """When a claim must be received: the claim clock.

    ``end_of_month_after``: the last day of the ``months``-th calendar month after the period's last
    month (Microsoft 365: 1; Azure: 2, "within two months of the end of the billing month").
    ``days_after_period_end``: ``days`` after the period's last day (GitHub 30, Atlassian 15; Google
    30, since eligibility begins at the close of the month). ``days_after_incident``: ``days``
    after the day the first counted downtime of the period began (Auth0: "within 10 days of the
    event"). ``end_of_billing_cycle_after``: the last day of the ``cycles``-th billing cycle after
    the cycle in which the first counted downtime began (AWS: 2); a cycle starts on the customer's
    billing day (``billing_day`` in the customers table; the 1st, a calendar month, without it).
    ``not_stated``: the terms give no deadline, so none is shown.
    """

    rule: Literal[
        "end_of_month_after",
        "days_after_period_end",
        "days_after_incident",
        "end_of_billing_cycle_after",
        "not_stated",
    ]
    months: Annotated[int, Field(ge=0, le=24)] | None = None
    days: Annotated[int, Field(ge=0, le=366)] | None = None
    cycles: Annotated[int, Field(ge=0, le=24)] | None = Field(
        None, description="For 'end_of_billing_cycle_after': how many billing cycles after."
    )
    how: str = Field("", description="Where and how to file the claim, and what it must contain.")
    channel: str = Field(
        "",
        description=(
            "The provider's claim channel, where the claim letter goes (its 'To:' line): the "
            "portal, form, support case or address the provider names for service credit claims."
        ),
    )

    @model_validator(mode="after")
    def _amount(self) -> Self:
        needs = {
            "end_of_month_after": ("months", self.months),
            "days_after_period_end": ("days", self.days),
            "days_after_incident": ("days", self.days),
            "end_of_billing_cycle_after": ("cycles", self.cycles),
        }
        if self.rule in needs:
            name, value = needs[self.rule]
            if value is None:
                raise ValueError(f"rule {self.rule!r} needs {name!r}")
        return self

    @property
    def from_incident(self) -> bool:
        """Whether the clock starts at the incident rather than at the period's end."""
        return self.rule in ("days_after_incident", "end_of_billing_cycle_after")

    def describe(self) -> str:
        """The rule in plain words."""
        if self.rule == "end_of_month_after":
            n = self.months
            return f"by the end of the {_ordinal(n or 0)} calendar month after the period"
        if self.rule == "not_stated":
            return "no deadline stated in the terms"
        if self.rule == "days_after_incident":
            return f"within {self.days} days after the day the first counted downtime began"
        if self.rule == "end_of_billing_cycle_after":
            return (
                f"by the end of the {_ordinal(self.cycles or 0)} billing cycle after the cycle "
                "in which the first counted downtime began"
            )
        return f"within {self.days} days after the period ends"


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third"}.get(n, f"{n}th")


class Source(_Frozen):
    """Where the terms come from."""

    url: str = Field(pattern=r"^https?://")
    version: str = Field(min_length=1, description="Version or date of the terms.")
    confidence: Literal["primary", "copy", "3rd", "unverified"]
    notes: str = ""


DayValue = Annotated[int, Field(ge=1, le=366)]
MinimumCredit = Annotated[
    Decimal, Field(ge=0, lt=Decimal(10) ** MAX_FEE_DIGITS, decimal_places=MAX_FEE_PLACES)
]


class Version(_Frozen):
    """An earlier dated text of the same contract: the terms it said differently, in force for
    periods that start before ``until``.

    The contract's top-level terms are its current text, which every view shows; a version lists
    only what the earlier text said otherwise, and a term left out is the current one. Only the
    terms that decide the credit may differ (commitment, tiers, cap, minimum credit, the value of
    a day, the claim clock); how downtime is measured stays the contract's.
    """

    until: dt.date = Field(
        description=(
            "The first day (in the contract's zone) on which the next text applies: periods "
            "starting before it are measured under this one."
        )
    )
    commitment_percent: Percent | None = None
    tiers: tuple[Tier, ...] | None = Field(None, min_length=1)
    cap: Cap | None = None
    minimum_credit: MinimumCredit | None = None
    day_value_days: DayValue | None = None
    claim: ClaimRule | None = None
    source: Source = Field(description="The official address and date of this text.")
    unverified: tuple[str, ...] | None = None


class Contract(_Frozen):
    """An SLA contract. Built from a TOML file whose stem is the ``id``."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    service: str = Field(min_length=1)
    sla_url: str | None = Field(
        None,
        pattern=r"^https?://",
        description=(
            "The provider's own address of the SLA text (its licensing documents, SLA page or "
            "terms), which claim letters cite; copies used to verify a term stay in source.notes."
        ),
    )
    commitment_percent: Annotated[Percent, Field(decimal_places=10)] = Field(
        description="The committed availability; at most 10 decimals (the results' precision)."
    )
    period: PeriodKind = "month"
    timezone: str = "UTC"
    method: Literal["user_minutes", "time"]
    downtime_threshold: DowntimeThreshold = DowntimeThreshold()
    minimum_downtime_minutes: Annotated[
        Decimal, Field(ge=0, le=MAX_MINIMUM_DOWNTIME_MINUTES, decimal_places=PLACES)
    ] = Decimal(0)
    partial_minutes: Literal["counted", "dropped"] = Field(
        "counted",
        description=(
            "'dropped' where the text does not count partial minutes of downtime (Google: "
            "'Partial minutes ... will not be counted'): each run of downtime counts in whole "
            "minutes, rounded down. Method 'time' only."
        ),
    )
    counted_cohorts: tuple[str, ...] | None = Field(
        None, description="Only these cohorts count toward SLA downtime; the rest is impact only."
    )
    error_rate: ErrorRate | None = Field(
        None,
        description=(
            "When the text measures an average error rate over fixed intervals: computed from a "
            "metrics table (slacalc.calculate_error_rate)."
        ),
    )
    maintenance: tuple[Maintenance, ...] = ()
    tiers: tuple[Tier, ...] = Field(min_length=1)
    cap: Cap = Cap(percent=Decimal(100))
    minimum_credit: MinimumCredit | None = Field(
        None, description="A credit is issued only if it is greater than this amount."
    )
    minimum_credit_currency: str = Field(
        "USD",
        pattern=r"^[A-Z]{3}$",
        description="Currency of minimum_credit; the minimum applies to fees in this currency.",
    )
    day_value_days: DayValue | None = Field(
        None,
        description=(
            "For days-of-service credits: a day of service is worth the monthly fee divided by "
            "this many days; without it, the period's fee divided by its calendar days."
        ),
    )
    claim: ClaimRule
    claim_group: str | None = Field(
        None,
        pattern=r"^[a-z0-9][a-z0-9._-]*$",
        description=(
            "Contracts of one group pay one credit for the same unavailability: where the text "
            "says to choose one service level per incident, or allows one credit per service per "
            "month across its service levels, the levels share a group. For a customer holding "
            "several contracts of a group, only the largest credit of each period is kept "
            "(docs/contracts.md)."
        ),
    )
    source: Source
    unverified: tuple[str, ...] = Field(
        (), description="Terms the reference marks unverified; check the live SLA before relying."
    )
    versions: tuple[Version, ...] = Field(
        (),
        description=(
            "Earlier dated texts, oldest first; a period is measured under the text in force on "
            "its first day (the top-level terms from the last version's 'until' on)."
        ),
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

    @field_validator("minimum_credit_currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        try:
            return currency_code(value)
        except InputError as exc:
            raise ValueError(str(exc)) from None

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
        for i, (upper, lower) in enumerate(itertools.pairwise(tiers)):
            if upper.above is None:
                continue
            # Both bands hold the shared bound only when both operators include it.
            touch = upper.above == lower.below
            shared = upper.above_operator == ">=" and lower.operator == "<="
            if upper.above < lower.below or (touch and shared):
                raise ValueError(
                    f"tiers {i} ({upper.bounds()}) and {i + 1} ({lower.bounds()}) overlap: an "
                    "availability would fall in both bands"
                )
        return tiers

    @model_validator(mode="after")
    def _threshold_for_time(self) -> Self:
        if self.method == "user_minutes" and self.downtime_threshold != DowntimeThreshold():
            raise ValueError("downtime_threshold applies only to method 'time'")
        if self.method == "user_minutes" and self.partial_minutes == "dropped":
            raise ValueError("partial_minutes: 'dropped' applies only to method 'time'")
        return self

    @model_validator(mode="after")
    def _tiers_below_commitment(self) -> Self:
        top = self.tiers[0]
        if top.below > self.commitment_percent:
            raise ValueError(
                f"tiers.0.below: {top.below} is above commitment_percent "
                f"{self.commitment_percent}: the tier would pay a credit while the commitment "
                "is met"
            )
        return self

    @model_validator(mode="after")
    def _versions(self) -> Self:
        dates = [v.until for v in self.versions]
        if dates != sorted(set(dates)):
            raise ValueError("versions: list them oldest first, each 'until' date once")
        for i in range(1, len(self.versions) + 1):
            try:
                Contract.model_validate(self._merged(i))
            except ValidationError as exc:
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in err['loc']) or '(terms)'}: {err['msg']}"
                    for err in exc.errors()
                )
                raise ValueError(f"versions.{i - 1}: {problems}") from None
        return self

    def _merged(self, index: int) -> dict[str, Any]:
        """The terms of text ``index`` (0: the current text) as a contract's fields."""
        data = self.model_dump(exclude={"versions"})
        if index:
            version = self.versions[index - 1]
            data.update(version.model_dump(exclude={"until"}, exclude_none=True))
        return data

    @property
    def credit_kind(self) -> Literal["percent", "days", "multiple"]:
        """The kind of credit every tier pays."""
        return self.tiers[0].kind

    def version_index(self, day: dt.date) -> int:
        """Which text is in force on ``day``: ``i`` for ``versions[i - 1]``, 0 for the current."""
        return next((i for i, v in enumerate(self.versions, 1) if day < v.until), 0)

    def text(self, index: int) -> Contract:
        """Text ``index`` (see :meth:`version_index`) as a contract without versions."""
        if not self.versions:
            return self
        return Contract.model_validate({**self._merged(index), "versions": ()})

    def terms_at(self, day: dt.date) -> Contract:
        """The contract as in force on ``day``, without its other versions."""
        return self.text(self.version_index(day))


_UNVERIFIED = "unverified"  # the folder of contracts whose credit terms are not the provider's


def _bundled_dir() -> Path:
    return shipped("contracts")


def list_contracts(*, unverified: bool = False) -> list[str]:
    """The ids of the bundled contracts, sorted.

    Contracts whose credit terms could not be checked against the provider's own text live in
    ``contracts/unverified/``: they load by id but are listed only with ``unverified=True``, so
    no one picks them by default.
    """
    folders = [_bundled_dir(), *([_bundled_dir() / _UNVERIFIED] if unverified else [])]
    return sorted(p.stem for folder in folders for p in folder.glob("*.toml"))


def bundled_by_provider() -> list[Contract]:
    """The listed bundled contracts, grouped by provider (providers A–Z, then ids)."""
    return sorted(
        (load_contract(cid) for cid in list_contracts()),
        key=lambda c: (c.provider.casefold(), c.id),
    )


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
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise ContractError(
            f"{origin}: not valid TOML: arrays or tables nested too deeply"
        ) from None
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
    return bundled_contract(text)


def bundled_contract(contract_id: str) -> Contract:
    """The bundled contract of this id (never a path), listed or kept in the unverified folder."""
    if contract_id not in list_contracts(unverified=True):
        known = ", ".join(list_contracts())
        raise ContractError(f"unknown contract {contract_id!r}; bundled contracts are: {known}")
    bundled = _bundled_dir() / f"{contract_id}.toml"
    if not bundled.is_file():
        bundled = _bundled_dir() / _UNVERIFIED / f"{contract_id}.toml"
    return _load_path(bundled)
