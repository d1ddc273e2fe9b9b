"""The register's views, as functions of a list of claims and a day: what is due soon, what is
waiting for the provider, what was denied, and credits received against claimed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from slacalc.claims.records import Claim
from slacalc.model.money import minor_unit_digits

if TYPE_CHECKING:
    from slacalc.claims.register import Recorded


def due_soon(claims: Iterable[Claim], today: dt.date, days: int) -> list[Claim]:
    """Drafts whose deadline falls within ``days`` days of ``today`` (or has passed while the
    claim was never filed), earliest deadline first."""
    limit = today + dt.timedelta(days=days)
    found = [c for c in claims if c.status == "draft" and c.deadline and c.deadline <= limit]
    return sorted(found, key=lambda c: (c.deadline or limit, c.id))


def waiting(claims: Iterable[Claim], today: dt.date, days: int) -> list[Claim]:
    """Claims filed or acknowledged at least ``days`` days before ``today`` with no answer
    since, longest wait first."""
    found = [
        c
        for c in claims
        if c.status in ("filed", "acknowledged") and days_waiting(c, today) >= days
    ]
    return sorted(found, key=lambda c: (-days_waiting(c, today), c.id))


def days_waiting(claim: Claim, today: dt.date) -> int:
    """Days since the claim's status last changed (by the day it happened, else recorded)."""
    change = claim.last_change
    since = change.on or change.local_time.date()
    return (today - since).days


def denied(claims: Iterable[Claim]) -> list[Claim]:
    """Claims the provider denied."""
    return [c for c in claims if c.status == "denied"]


@dataclass(frozen=True)
class Totals:
    """Credits claimed, approved and received for one provider, year and currency."""

    provider: str
    year: int
    currency: str
    claims: int
    claimed: Decimal
    approved: Decimal
    credited: Decimal
    denied: Decimal

    @property
    def outstanding(self) -> Decimal:
        """Approved but not yet seen on an invoice."""
        return max(self.approved - self.credited, Decimal(0))


def received_vs_claimed(claims: Iterable[Claim]) -> list[Totals]:
    """Per provider, year (of the period claimed for) and currency, in that order.

    Sums are exact Decimals; currencies are never added together.
    """
    groups: dict[tuple[str, int, str], list[Claim]] = {}
    for claim in claims:
        groups.setdefault((claim.provider, claim.year, claim.currency), []).append(claim)
    return [
        _totals(provider, year, currency, group)
        for (provider, year, currency), group in sorted(groups.items())
    ]


def _totals(provider: str, year: int, currency: str, group: list[Claim]) -> Totals:
    zero = Decimal(0).scaleb(-minor_unit_digits(currency))  # 0.00 USD, not 0
    return Totals(
        provider=provider,
        year=year,
        currency=currency,
        claims=len(group),
        claimed=sum((c.amount for c in group), zero),
        approved=sum((c.approved or zero for c in group), zero),
        credited=sum((c.credited or zero for c in group), zero),
        denied=sum((c.amount for c in group if c.status == "denied"), zero),
    )


#: The columns of :func:`status_records`, in order: what every front end shows of a claim.
STATUS_COLUMNS = (
    "id",
    "status",
    "since",
    "provider",
    "tenant",
    "account_id",
    "contract",
    "contract_version",
    "service",
    "period",
    "claimed",
    "currency",
    "deadline",
    "days_left",
    "ticket",
    "approved",
    "credited",
    "invoice",
    "recalculated",
    "reason",
    "updated_by",
)


def status_records(claims: Iterable[Claim], today: dt.date) -> list[dict[str, object]]:
    """One record per claim with ``STATUS_COLUMNS``: money as Decimal, days as dates, and the
    days left to the deadline counted from ``today`` (negative once it has passed)."""
    records = []
    for c in claims:
        change = c.last_change
        credited = c.latest("credited")
        records.append(
            {
                "id": c.id,
                "status": c.status,
                "since": change.on or change.local_time.date(),
                "provider": c.provider,
                "tenant": c.tenant,
                "account_id": c.account_id,
                "contract": c.contract_id,
                "contract_version": c.contract_version,
                "service": c.service,
                "period": c.period,
                "claimed": c.amount,
                "currency": c.currency,
                "deadline": c.deadline,
                "days_left": None if c.deadline is None else (c.deadline - today).days,
                "ticket": c.ticket,
                "approved": c.approved,
                "credited": c.credited,
                "invoice": credited.invoice if credited else "",
                "recalculated": c.recalculated,
                "reason": change.reason,
                "updated_by": c.events[-1].author,
            }
        )
    return records


def recorded_lines(recorded: Sequence[Recorded]) -> list[str]:
    """One line per claim a calculation touched; a changed amount is shown, never applied."""
    if not recorded:
        return ["claims: no period with a credit to claim"]
    lines = []
    for r in recorded:
        c = r.claim
        what = f"claim {c.id}: {c.tenant + ' ' if c.tenant else ''}{c.contract_id} {c.period}"
        if r.outcome == "added":
            lines.append(f"{what}: draft recorded, {_amount(c.amount, c.currency)}")
        elif r.outcome == "unchanged":
            lines.append(f"{what}: already recorded ({c.status}), same amount")
        else:
            lines.append(
                f"{what}: {c.status} for {_amount(c.amount, c.currency)}, but this calculation "
                f"gives {_amount(r.amount, c.currency)} ({signed(r.difference)}); the claim is "
                "unchanged, the new figure is in its history"
            )
    return lines


def _amount(amount: Decimal, currency: str) -> str:
    return f"{amount:,f} {currency}"


def signed(amount: Decimal) -> str:
    """A difference with its sign: ``+100.00``, ``-1,000.00``."""
    return f"{'+' if amount > 0 else ''}{amount:,f}"
