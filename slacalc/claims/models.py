"""The register's schema: two tables, claims and their events, in SQLAlchemy 2 Core.

A claim row is written once and never changed; everything that happens to it afterwards (filed,
acknowledged, approved, denied, credited, a re-run that came out differently) is a new row in
``claim_events``, numbered per claim, so the history is the record and nothing is overwritten.

Money is exact: ``NUMERIC`` where the database has it, text decimals on SQLite (whose NUMERIC
is a float). Times are stored in UTC beside the IANA zone they were entered in.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator, TypeEngine

metadata = MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    }
)


class Money(TypeDecorator[Decimal]):
    """An exact decimal: ``NUMERIC`` (unconstrained, so the scale entered is kept) or, on SQLite,
    its text, since SQLite would store a NUMERIC as a binary float."""

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(64))
        return dialect.type_descriptor(Numeric(asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal) or not value.is_finite():
            raise TypeError(f"money must be a finite Decimal, not {value!r}")
        return format(value, "f") if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(str(value))


class UTCTime(TypeDecorator[dt.datetime]):
    """An aware time stored as UTC; read back aware, in UTC, on every database."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return dialect.type_descriptor(DateTime(timezone=dialect.name != "sqlite"))

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise TypeError(f"a stored time must carry its zone: {value!r}")
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


claims = Table(
    "claims",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tenant", String(200), nullable=False, default=""),
    Column("account_id", String(200), nullable=False, default=""),
    Column("provider", String(200), nullable=False),
    Column("contract_id", String(200), nullable=False),
    Column("contract_version", String(200), nullable=False),
    Column("contract_hash", String(64), nullable=False),
    Column("service", String(200), nullable=False),
    Column("period", String(16), nullable=False),
    Column("period_start", UTCTime, nullable=False),
    Column("period_end", UTCTime, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("amount", Money, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("deadline", Date, nullable=True),
    Column("fingerprint", String(64), nullable=False, default=""),
    Column("result", Text, nullable=False, default="{}"),
    Column("created_at", UTCTime, nullable=False),
    Column("created_zone", String(64), nullable=False),
    Column("created_by", String(200), nullable=False),
    UniqueConstraint("tenant", "account_id", "contract_id", "service", "period"),
)
"""One claim per tenant (and account), contract, service and period: what was claimed and why.

``result`` is the calculation's result row as JSON (exact strings for Decimals), ``fingerprint``
the SHA-256 of the inputs it came from, so the claim can be shown and re-run.
"""

claim_events = Table(
    "claim_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("claim_id", ForeignKey("claims.id", ondelete="RESTRICT"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("status", String(32), nullable=False),
    Column("at", UTCTime, nullable=False),
    Column("zone", String(64), nullable=False),
    Column("author", String(200), nullable=False),
    Column("on_date", Date, nullable=True),
    Column("amount", Money, nullable=True),
    Column("ticket", String(200), nullable=False, default=""),
    Column("invoice", String(200), nullable=False, default=""),
    Column("reason", Text, nullable=False, default=""),
    Column("details", Text, nullable=False, default="{}"),
    UniqueConstraint("claim_id", "seq"),
)
"""Every change to a claim, in order (``seq`` 1, 2, … per claim); ``status`` is the claim's
status after the event. ``on_date`` is the day it happened in ``zone`` (a filing date, the
invoice's date), ``at`` when it was recorded."""
