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
"""

from slacalc.claims.drafts import Draft
from slacalc.claims.lifecycle import STATUSES, Change
from slacalc.claims.records import Claim, Event
from slacalc.claims.register import Recorded, Register
from slacalc.claims.views import STATUS_COLUMNS, Totals

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
