"""The one exception tree of slacalc, so callers catch ``SlacalcError`` once.

::

    SlacalcError
    ├── ContractError        a contract file or id is unusable
    ├── InputError           an outage or customers table is unusable as a whole
    └── CalculationError     the inputs are valid but cannot be combined

A single bad row is not an exception: it becomes a ``RowProblem`` record (row, column, value,
problem) returned beside the results, so one bad row never hides the others.
"""

from __future__ import annotations


class SlacalcError(Exception):
    """Base class of every error slacalc raises on purpose; the message is meant for the user."""


class ContractError(SlacalcError):
    """A contract could not be found, read or validated."""


class InputError(SlacalcError):
    """Outage or customer data that cannot be used at all (wrong format, empty, too large)."""


class CalculationError(SlacalcError):
    """Valid inputs that cannot be combined, e.g. a tenant with no licensed users."""
