"""The claims register: from "credit due" to "credit received", with the deadlines watched.

A storage layer beside the front ends: it may import model, io and engine, and the engine never
imports it. Modules, each with one job::

    models      the schema (SQLAlchemy Core): claims, and their events
    store       where the register lives (SQLite by default, a server by URL); Alembic migrations
    lifecycle   the statuses, the changes each allows, what each change must say
    drafts      a calculation's results → claim drafts (reads plain and Arrow cells alike)
    records     a claim with its history, as returned
    views       due soon, waiting, denied, received vs claimed, the status table
    register    ``Register(url)``: add, record, update, list, export
    cli         the ``slacalc claims`` commands

Names are loaded on first use, so ``slacalc`` commands that never touch the register do not
load SQLAlchemy and Alembic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slacalc.claims.drafts import Draft
    from slacalc.claims.lifecycle import STATUSES, Change
    from slacalc.claims.records import Claim, Event
    from slacalc.claims.register import Recorded, Register
    from slacalc.claims.views import STATUS_COLUMNS, Totals

_HOMES = {
    "STATUSES": "lifecycle",
    "STATUS_COLUMNS": "views",
    "Change": "lifecycle",
    "Claim": "records",
    "Draft": "drafts",
    "Event": "records",
    "Recorded": "register",
    "Register": "register",
    "Totals": "views",
}

__all__ = [
    "STATUSES",
    "STATUS_COLUMNS",
    "Change",
    "Claim",
    "Draft",
    "Event",
    "Recorded",
    "Register",
    "Totals",
]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f"slacalc.claims.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'slacalc.claims' has no attribute {name!r}")
