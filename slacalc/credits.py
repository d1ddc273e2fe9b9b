"""Credit tiers and amounts: the exact availability picks a tier, the tier and caps give the credit.

Tiers are compared on the exact rational availability with the operator the contract states, so
99.9 % exactly is not ``< 99.9`` (Microsoft) but is ``<= 99.9`` (GitHub). Money is rounded once, at
the end, half-up to the currency's minor unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from slacalc.contract import Contract, Tier
from slacalc.money import round_money


def tier_matches(tier: Tier, availability_percent: Fraction) -> bool:
    """Whether ``availability_percent`` falls under ``tier``'s boundary, compared exactly."""
    bound = Fraction(tier.below)
    return availability_percent < bound if tier.operator == "<" else availability_percent <= bound


def choose_tier(contract: Contract, availability_percent: Fraction) -> int | None:
    """Index of the most severe tier whose boundary the availability falls under, or ``None``."""
    chosen = None
    for index, tier in enumerate(contract.tiers):
        if tier_matches(tier, availability_percent):
            chosen = index
    return chosen


@dataclass(frozen=True, slots=True)
class Credit:
    """The credit a period earns: its terms and, when the fee is known, its amount."""

    percent: Decimal | None  # percent of the period's fee, after the cap
    days: Decimal | None  # days of service, after the cap
    amount: Decimal | None  # money, rounded once; None when no fee was given
    capped: bool


def credit_for(
    contract: Contract,
    tier: int | None,
    availability_percent: Fraction,
    period_fee: Decimal | None,
    period_days: int,
    currency: str,
) -> Credit:
    """The credit for a period under ``contract`` (rule 6: caps, minimum, one rounding)."""
    if tier is None:
        zero = None if period_fee is None else round_money(Decimal(0), currency)
        kind = contract.credit_kind
        return Credit(
            Decimal(0) if kind != "days" else None,
            Decimal(0) if kind == "days" else None,
            zero,
            False,
        )
    chosen = contract.tiers[tier]
    cap = contract.cap
    percent: Fraction | None = None
    days: Fraction | None = None
    if chosen.kind == "percent":
        percent = Fraction(chosen.credit)
    elif chosen.kind == "multiple":
        # Slack: a multiple of the fees for the down part of the period.
        percent = Fraction(chosen.credit) * (100 - availability_percent)
    else:
        days = Fraction(chosen.credit)
    capped = False
    if percent is not None and cap.percent is not None and percent > Fraction(cap.percent):
        percent, capped = Fraction(cap.percent), True
    if cap.days is not None:
        if days is not None and days > Fraction(cap.days):
            days, capped = Fraction(cap.days), True
        if percent is not None and percent > Fraction(cap.days) * 100 / period_days:
            percent, capped = Fraction(cap.days) * 100 / period_days, True
    amount: Decimal | None = None
    if period_fee is not None:
        fee = Fraction(period_fee)
        exact = fee * percent / 100 if percent is not None else fee * (days or 0) / period_days
        amount = round_money(exact, currency)
        minimum = contract.minimum_credit
        if (
            minimum is not None
            and currency == contract.minimum_credit_currency
            and amount <= minimum
        ):
            amount = round_money(Decimal(0), currency)
    return Credit(
        percent=None if percent is None else _decimal(percent),
        days=None if days is None else _decimal(days),
        amount=amount,
        capped=capped,
    )


def _decimal(value: Fraction) -> Decimal:
    """A tier or cap figure as Decimal (exact for terminating values, else 10 places)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact if Fraction(exact) == value else exact.quantize(Decimal("1e-10"))
