"""The life of a claim: its statuses, the changes each allows and what each change must say.

::

    draft → filed → acknowledged → approved | partly_approved | denied
                                   approved | partly_approved → credited
    draft, filed, acknowledged, approved, partly_approved → expired

A provider may answer without acknowledging first, so ``filed`` leads straight to an answer too.
``denied``, ``credited`` and ``expired`` are final. Two more event kinds leave the status as it
is: ``recalculated`` (a re-run on corrected data came out differently) and ``note``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal, get_args

from slacalc.errors import RegisterError

Status = Literal[
    "draft", "filed", "acknowledged", "approved", "partly_approved", "denied", "credited", "expired"
]
Kind = Status | Literal["recalculated", "note"]

STATUSES: Final[tuple[Status, ...]] = get_args(Status)
OPEN: Final = frozenset({"draft", "filed", "acknowledged", "approved", "partly_approved"})
ANSWERED: Final = frozenset({"approved", "partly_approved", "credited"})

NEXT: Final[dict[str, frozenset[str]]] = {
    "draft": frozenset({"filed", "expired"}),
    "filed": frozenset({"acknowledged", "approved", "partly_approved", "denied", "expired"}),
    "acknowledged": frozenset({"approved", "partly_approved", "denied", "expired"}),
    "approved": frozenset({"credited", "expired"}),
    "partly_approved": frozenset({"credited", "expired"}),
    "denied": frozenset(),
    "credited": frozenset(),
    "expired": frozenset(),
}


@dataclass(frozen=True)
class Change:
    """What someone records about a claim: the new status and what the provider said.

    ``on`` is the day it happened (the filing day, the invoice's date) in the zone it was
    entered in; ``amount`` is approved or credited money in the claim's currency.
    """

    status: Status
    on: dt.date | None = None
    ticket: str = ""
    amount: Decimal | None = None
    invoice: str = ""
    reason: str = ""


def check(current: str, change: Change, claimed: Decimal) -> Change:
    """``change`` as it will be recorded, or a :class:`RegisterError` saying why it cannot be.

    An approval without an amount approves the amount claimed; one below the claim is a partial
    approval, whichever word was used; one above it is refused (the register records claims, it
    does not raise them).
    """
    if change.status not in NEXT.get(current, frozenset()):
        allowed = (
            ", ".join(sorted(NEXT.get(current, ()))).replace("_", " ") or "nothing: it is final"
        )
        raise RegisterError(
            f"a {current} claim cannot become {change.status}; it can become {allowed}"
        )
    if change.amount is not None and (not change.amount.is_finite() or change.amount < 0):
        raise RegisterError(f"{change.amount} is not an amount of zero or more")
    if change.status == "filed" and not change.ticket.strip():
        raise RegisterError("filed: give the provider's ticket or case number")
    if change.status == "denied" and not change.reason.strip():
        raise RegisterError("denied: give the provider's reason")
    if change.status == "credited" and (change.amount is None or not change.invoice.strip()):
        raise RegisterError("credited: give the amount credited and the invoice number")
    if change.status in ("approved", "partly_approved"):
        amount = claimed if change.amount is None else change.amount
        if amount > claimed:
            raise RegisterError(f"approved: {amount} is more than the {claimed} claimed")
        status: Status = "approved" if amount == claimed else "partly_approved"
        return Change(status, change.on, change.ticket, amount, change.invoice, change.reason)
    return change
