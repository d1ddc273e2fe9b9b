"""What the register hands back: a claim with its whole history, as frozen records."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from slacalc.claims.drafts import Draft
from slacalc.claims.lifecycle import ANSWERED


@dataclass(frozen=True)
class Event:
    """One change to a claim. ``at`` is when it was recorded (UTC), ``zone`` the zone its author
    entered it in, ``on`` the day it happened there; ``status`` is the claim's status after it."""

    seq: int
    kind: str
    status: str
    at: dt.datetime
    zone: str
    author: str
    on: dt.date | None = None
    amount: Decimal | None = None
    ticket: str = ""
    invoice: str = ""
    reason: str = ""
    details: str = "{}"

    @property
    def local_time(self) -> dt.datetime:
        """``at`` in the zone it was entered in."""
        return self.at.astimezone(ZoneInfo(self.zone))


@dataclass(frozen=True, kw_only=True)
class Claim(Draft):
    """A claim as recorded: its draft's fields, its number, and its events oldest first (the
    first is its ``draft``)."""

    id: int
    events: tuple[Event, ...]

    @property
    def status(self) -> str:
        """The status after the last event."""
        return self.events[-1].status

    @property
    def last_change(self) -> Event:
        """The last event that set the status (recalculations and notes leave it)."""
        return next(e for e in reversed(self.events) if e.kind == e.status)

    def latest(self, *kinds: str) -> Event | None:
        """The newest event of one of ``kinds``, if any."""
        return next((e for e in reversed(self.events) if e.kind in kinds), None)

    @property
    def ticket(self) -> str:
        """The provider's ticket or case number, once filed."""
        filed = self.latest("filed")
        return filed.ticket if filed else ""

    @property
    def approved(self) -> Decimal | None:
        """The amount the provider approved (``None`` before an approval or after a denial)."""
        if self.status not in ANSWERED:
            return None
        event = self.latest("approved", "partly_approved")
        return None if event is None else event.amount

    @property
    def credited(self) -> Decimal | None:
        """The amount credited on an invoice, once received."""
        event = self.latest("credited")
        return None if event is None else event.amount

    @property
    def recalculated(self) -> Decimal | None:
        """The amount a later re-run gave, when it differs from the claim (``None`` otherwise)."""
        event = self.latest("recalculated")
        return None if event is None or event.amount == self.amount else event.amount

    @property
    def result_row(self) -> dict[str, Any]:
        """The calculation's result row the claim was made from (JSON values)."""
        value = json.loads(self.result)
        assert isinstance(value, dict)
        return value

    @property
    def year(self) -> int:
        """The year of the period claimed for."""
        return int(self.period[:4])
