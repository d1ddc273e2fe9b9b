"""The one exception tree of slacalc, so callers catch ``SlacalcError`` once.

::

    SlacalcError
    ├── ContractError        a contract file or id is unusable
    ├── InputError           an outage or customers table is unusable as a whole (also a
    │                        ValueError, so code that validates with ``except ValueError`` works)
    ├── CalculationError     the inputs are valid but cannot be combined
    └── RegisterError        the claims register cannot do what was asked

A single bad row is not an exception: it becomes a ``RowProblem`` record (row, column, value,
problem) returned beside the results, so one bad row never hides the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class SlacalcError(Exception):
    """Base class of every error slacalc raises on purpose; the message is meant for the user."""


class ContractError(SlacalcError):
    """A contract could not be found, read or validated."""


class InputError(SlacalcError, ValueError):
    """Outage or customer data that cannot be used at all (wrong format, empty, too large).

    ``problems`` lists the rejected rows behind the error, when there are any (e.g. every
    customer row was rejected), so a front end can show them beside the message.
    """

    def __init__(self, message: str, problems: Iterable[RowProblem] = ()) -> None:
        super().__init__(message)
        self.problems: tuple[RowProblem, ...] = tuple(problems)


class CalculationError(SlacalcError):
    """Valid inputs that cannot be combined, e.g. a tenant with no licensed users."""


class RegisterError(SlacalcError):
    """The claims register refused a request: an unknown claim, a change its status does not
    allow, a database it cannot reach or whose schema is newer than this slacalc."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why one input row was rejected: where it is, what it held, what is wrong with it.

    ``column`` is the column as the user named it in the input (its header); ``field`` is the
    slacalc field it was read as (``"end"``, ``"affected_users"``, ...), when there is one.
    """

    row: int
    column: str
    value: str
    problem: str
    field: str = ""

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column!r} ({self.value!r}): {self.problem}"
