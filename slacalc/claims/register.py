"""The claims register: ``Register(url)`` records claims, their history and their deadlines.

::

    from slacalc.claims import Register
    register = Register()                      # SQLite in the user's data folder
    recorded = register.record(results)        # a draft per breached period with a credit
    register.update(recorded[0].claim.id, "filed", ticket="MS-4471902")
    register.list(due=14)                      # drafts due within 14 days

Claims are written once; every change is an appended event, each taken under a lock on its
claim (a row lock on a server, the database lock on SQLite), so concurrent writers never lose
one. The schema is brought up to date when the register is opened.
"""

from __future__ import annotations

import builtins
import datetime as dt
import getpass
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pendulum.tz
from alembic.util import CommandError
from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from slacalc.claims import store, views
from slacalc.claims.drafts import Draft, drafts
from slacalc.claims.lifecycle import Change, Status, check
from slacalc.claims.models import claim_events, claims
from slacalc.claims.records import Claim, Event
from slacalc.engine.results import Results
from slacalc.errors import RegisterError
from slacalc.model.money import parse_amount

Outcome = Literal["added", "unchanged", "differs"]


@dataclass(frozen=True)
class Recorded:
    """What recording a calculation did to one claim: ``added`` a draft, found it ``unchanged``,
    or found that the calculation now ``differs`` from what was claimed (the claim is kept as it
    was; the new amount is a ``recalculated`` event)."""

    claim: Claim
    outcome: Outcome
    amount: Decimal

    @property
    def difference(self) -> Decimal:
        """The calculation's amount less the amount claimed."""
        return self.amount - self.claim.amount


def default_author() -> str:
    """Who is recording: the login name, else ``unknown``."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def default_zone() -> str:
    """The zone times are entered in: ``$TZ`` or the machine's zone, else UTC."""
    try:
        name = os.environ.get("TZ") or str(pendulum.tz.get_local_timezone().name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


class Register:
    """A claims register in the database at ``url`` (default: :func:`store.default_url`)."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or store.default_url()
        self._engine = store.connect(self.url)
        try:
            found = store.current(self._engine)
            if found is not None and not store.known(found):
                self._engine.dispose()
                raise RegisterError(
                    f"the register's schema ({found}) is newer than this slacalc knows "
                    f"({store.head()}); upgrade slacalc to use it"
                )
            if found != store.head():
                store.upgrade(self._engine)
        except (SQLAlchemyError, CommandError) as exc:
            self._engine.dispose()
            raise RegisterError(f"cannot open the register: {_reason(exc)}") from None

    def close(self) -> None:
        """Close the database connections."""
        self._engine.dispose()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def location(self) -> str:
        """The register's database URL, with any password hidden (for showing)."""
        return self._engine.url.render_as_string(hide_password=True)

    def __repr__(self) -> str:
        return f"<Register {self.location}>"

    # Writing -------------------------------------------------------------------------------

    def add(
        self,
        draft: Draft,
        *,
        author: str | None = None,
        zone: str | None = None,
        now: dt.datetime | None = None,
    ) -> Claim:
        """Record ``draft`` as a new claim; a claim for the same tenant, account, contract,
        service and period already recorded is refused."""
        recorded = self._write(draft, author, zone, now, refuse_existing=True)
        return recorded.claim

    def record(
        self,
        results: Results,
        *,
        account_id: str = "",
        author: str | None = None,
        zone: str | None = None,
        now: dt.datetime | None = None,
    ) -> builtins.list[Recorded]:
        """A draft for every breached period of ``results`` with a credit; a period already
        claimed is compared, never changed (see :class:`Recorded`)."""
        return [
            self._write(d, author, zone, now, refuse_existing=False)
            for d in drafts(results, account_id=account_id)
        ]

    def update(
        self,
        claim_id: int,
        status: Status,
        *,
        on: dt.date | None = None,
        ticket: str = "",
        amount: Decimal | int | str | None = None,
        invoice: str = "",
        reason: str = "",
        author: str | None = None,
        zone: str | None = None,
        now: dt.datetime | None = None,
    ) -> Claim:
        """Record what happened to a claim: filed (with the ticket), acknowledged, approved or
        partly approved (amount), denied (reason), credited (amount, invoice) or expired.

        ``on`` is the day it happened in ``zone`` (default: today there).
        """
        try:
            money = None if amount is None else parse_amount(amount)
        except (TypeError, ValueError):
            raise RegisterError(f"{amount!r} is not an amount such as 4000.00") from None
        change = Change(status, on, ticket.strip(), money, invoice.strip(), reason.strip())
        return self._append(claim_id, change, author, zone, now)

    def note(
        self,
        claim_id: int,
        text: str,
        *,
        author: str | None = None,
        zone: str | None = None,
        now: dt.datetime | None = None,
    ) -> Claim:
        """Add a note to a claim's history; its status stays."""
        if not text.strip():
            raise RegisterError("a note needs some text")
        return self._append(claim_id, text.strip(), author, zone, now)

    # Reading -------------------------------------------------------------------------------

    def get(self, claim_id: int) -> Claim:
        """One claim with its history."""
        with self._connection() as connection:
            found = _claims(connection, claim_id)
        if not found:
            raise RegisterError(f"no claim {claim_id} in the register")
        return found[0]

    def totals(self) -> builtins.list[views.Totals]:
        """Credits claimed, approved and received per provider, year and currency."""
        return views.received_vs_claimed(self.list())

    def export(
        self,
        path: str | os.PathLike[str],
        *,
        results: Results | None = None,
        today: dt.date | None = None,
    ) -> None:
        """Write the register as an Excel workbook with a "Claim status" sheet.

        With ``results``, the calculation's claim workbook is written, its "Claim status" sheet
        holding the claims made from those results.
        """
        from slacalc.excel import export_excel, export_register  # openpyxl only when exporting

        chosen = self.list()
        day = today or dt.datetime.now(dt.UTC).date()
        if results is None:
            export_register(views.status_records(chosen, day), path)
            return
        mine = {(d.tenant, d.contract_id, d.service, d.period) for d in drafts(results)}
        shown = [c for c in chosen if (c.tenant, c.contract_id, c.service, c.period) in mine]
        export_excel(results, path, claim_status=views.status_records(shown, day))

    def list(
        self,
        *,
        status: Sequence[str] = (),
        provider: str | None = None,
        due: int | None = None,
        waiting: int | None = None,
        today: dt.date | None = None,
    ) -> builtins.list[Claim]:
        """Claims, oldest first, or one of the views: ``due`` (drafts due within that many days),
        ``waiting`` (filed, no answer for that many days), by ``status`` or ``provider``.

        ``today`` is the day the views count from (default: today in UTC).
        """
        with self._connection() as connection:
            found = _claims(connection)
        if status:
            found = [c for c in found if c.status in status]
        if provider:
            found = [c for c in found if c.provider.casefold() == provider.casefold()]
        day = today or dt.datetime.now(dt.UTC).date()
        if due is not None:
            found = views.due_soon(found, day, due)
        if waiting is not None:
            found = views.waiting(found, day, waiting)
        return found

    # Inside --------------------------------------------------------------------------------

    def _connection(self) -> Connection:
        try:
            return self._engine.connect()
        except SQLAlchemyError as exc:
            raise RegisterError(f"cannot reach the register: {_reason(exc)}") from None

    def _write(
        self,
        draft: Draft,
        author: str | None,
        zone: str | None,
        now: dt.datetime | None,
        *,
        refuse_existing: bool,
    ) -> Recorded:
        stamp = _Stamp.of(author, zone, now)
        key = (draft.tenant, draft.account_id, draft.contract_id, draft.service, draft.period)
        for _attempt in range(2):  # a claim added by another writer meanwhile: compare with it
            try:
                with self._engine.begin() as connection:
                    existing = _find(connection, *key)
                    if existing is None:
                        claim_id = _insert(connection, draft, stamp)
                        return Recorded(_claims(connection, claim_id)[0], "added", draft.amount)
                    if refuse_existing:
                        raise RegisterError(
                            f"claim {existing} already claims {draft.contract_id} "
                            f"{draft.period} for {draft.tenant or 'this customer'}"
                        )
                    return _compare(connection, existing, draft, stamp)
            except IntegrityError:
                continue
            except SQLAlchemyError as exc:
                raise RegisterError(f"cannot record the claim: {_reason(exc)}") from None
        raise RegisterError(f"cannot record the claim for {draft.period}: it keeps conflicting")

    def _append(
        self,
        claim_id: int,
        change: Change | str,
        author: str | None,
        zone: str | None,
        now: dt.datetime | None,
    ) -> Claim:
        stamp = _Stamp.of(author, zone, now)
        try:
            with self._engine.begin() as connection:
                # Lock the claim's row: a second writer waits here, then sees this event.
                locked = connection.execute(
                    select(claims.c.id, claims.c.amount)
                    .where(claims.c.id == claim_id)
                    .with_for_update()
                ).one_or_none()
                if locked is None:
                    raise RegisterError(f"no claim {claim_id} in the register")
                seq, status = _last_event(connection, claim_id)
                if isinstance(change, str):
                    values: dict[str, Any] = {"kind": "note", "status": status, "reason": change}
                else:
                    done = check(status, change, locked.amount)
                    values = {
                        "kind": done.status,
                        "status": done.status,
                        "on_date": done.on or stamp.today,
                        "amount": done.amount,
                        "ticket": done.ticket,
                        "invoice": done.invoice,
                        "reason": done.reason,
                    }
                _insert_event(connection, claim_id, seq + 1, stamp, values)
                return _claims(connection, claim_id)[0]
        except SQLAlchemyError as exc:
            raise RegisterError(f"cannot update claim {claim_id}: {_reason(exc)}") from None


@dataclass(frozen=True)
class _Stamp:
    """Who records a change, in which zone, and when."""

    author: str
    zone: str
    at: dt.datetime

    @classmethod
    def of(cls, author: str | None, zone: str | None, now: dt.datetime | None) -> _Stamp:
        name = zone or default_zone()
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise RegisterError(
                f"{name!r} is not an IANA time zone such as Europe/London"
            ) from None
        at = now or dt.datetime.now(dt.UTC)
        if at.tzinfo is None:
            raise RegisterError("the time of a change must carry its zone")
        return cls((author or default_author()).strip() or "unknown", name, at)

    @property
    def today(self) -> dt.date:
        return self.at.astimezone(ZoneInfo(self.zone)).date()


def _reason(exc: Exception) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


def _find(connection: Connection, *key: str) -> int | None:
    tenant, account_id, contract_id, service, period = key
    return connection.execute(
        select(claims.c.id)
        .where(
            claims.c.tenant == tenant,
            claims.c.account_id == account_id,
            claims.c.contract_id == contract_id,
            claims.c.service == service,
            claims.c.period == period,
        )
        .with_for_update()
    ).scalar_one_or_none()


def _insert(connection: Connection, draft: Draft, stamp: _Stamp) -> int:
    claim_id = connection.execute(
        insert(claims)
        .values(
            **asdict(draft), created_at=stamp.at, created_zone=stamp.zone, created_by=stamp.author
        )
        .returning(claims.c.id)
    ).scalar_one()
    _insert_event(
        connection,
        claim_id,
        1,
        stamp,
        {"kind": "draft", "status": "draft", "on_date": stamp.today, "amount": draft.amount},
    )
    return int(claim_id)


def _insert_event(
    connection: Connection, claim_id: int, seq: int, stamp: _Stamp, values: dict[str, Any]
) -> None:
    connection.execute(
        insert(claim_events).values(
            claim_id=claim_id,
            seq=seq,
            at=stamp.at,
            zone=stamp.zone,
            author=stamp.author,
            **values,
        )
    )


def _last_event(connection: Connection, claim_id: int) -> tuple[int, str]:
    """The sequence number and the status after the claim's last event."""
    seq, status = connection.execute(
        select(claim_events.c.seq, claim_events.c.status)
        .where(claim_events.c.claim_id == claim_id)
        .order_by(claim_events.c.seq.desc())
        .limit(1)
    ).one()
    return int(seq), str(status)


def _compare(connection: Connection, claim_id: int, draft: Draft, stamp: _Stamp) -> Recorded:
    """A period claimed before: same amount, or a ``recalculated`` event with the new one."""
    claim = _claims(connection, claim_id)[0]
    known = claim.latest("recalculated")
    known_amount = claim.amount if known is None else known.amount
    if draft.amount == claim.amount and known_amount == claim.amount:
        return Recorded(claim, "unchanged", draft.amount)
    if draft.amount != known_amount:
        details = {"fingerprint": draft.fingerprint, "result": json.loads(draft.result)}
        if draft.deadline != claim.deadline:
            details["deadline"] = None if draft.deadline is None else draft.deadline.isoformat()
        _insert_event(
            connection,
            claim_id,
            claim.events[-1].seq + 1,
            stamp,
            {
                "kind": "recalculated",
                "status": claim.status,
                "on_date": stamp.today,
                "amount": draft.amount,
                "reason": f"a re-run gives {draft.amount} {draft.currency}, "
                f"{claim.amount} {claim.currency} was claimed",
                "details": json.dumps(details, sort_keys=True),
            },
        )
        claim = _claims(connection, claim_id)[0]
    outcome: Outcome = "unchanged" if draft.amount == claim.amount else "differs"
    return Recorded(claim, outcome, draft.amount)


def _claims(connection: Connection, claim_id: int | None = None) -> builtins.list[Claim]:
    query = select(claims).order_by(claims.c.id)
    events = select(claim_events).order_by(claim_events.c.claim_id, claim_events.c.seq)
    if claim_id is not None:
        query = query.where(claims.c.id == claim_id)
        events = events.where(claim_events.c.claim_id == claim_id)
    history: dict[int, builtins.list[Event]] = {}
    for e in connection.execute(events).mappings():
        history.setdefault(e["claim_id"], []).append(
            Event(
                seq=e["seq"],
                kind=e["kind"],
                status=e["status"],
                at=e["at"],
                zone=e["zone"],
                author=e["author"],
                on=e["on_date"],
                amount=e["amount"],
                ticket=e["ticket"],
                invoice=e["invoice"],
                reason=e["reason"],
                details=e["details"],
            )
        )
    fields = [f for f in Claim.__dataclass_fields__ if f != "events"]
    return [
        Claim(**{f: row[f] for f in fields}, events=tuple(history.get(row["id"], ())))
        for row in connection.execute(query).mappings()
    ]
