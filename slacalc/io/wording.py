"""How a message names an option: as the library's keyword or as the command line's flag.

A reader's message tells the user what to pass (``dayfirst=True``), but a user of the command line
types ``--dayfirst``. The readers build such hints with :func:`option`; the command line runs inside
:func:`command_line`, so the same message names the flag there and the keyword everywhere else.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_CLI: ContextVar[bool] = ContextVar("slacalc_command_line", default=False)

#: Flags whose command-line form is not ``--name value``: (name, value) → flag.
_FLAGS = {("dayfirst", "True"): "--dayfirst", ("dayfirst", "False"): "--monthfirst"}
#: What a flag's value is called in a hint without one (``--as-of TIME``).
_METAVARS = {"as_of": "TIME", "sheet": "NAME", "columns": "COLUMN=FIELD", "cohorts": "NAME=N"}
#: Keywords that take a mapping; a value ``"key=item"`` is shown as ``{"key": "item"}``.
_MAPPINGS = frozenset({"columns", "cohorts"})
#: Keywords whose flag has another name.
_FLAG_NAMES = {"columns": "map", "cohorts": "cohort"}


@contextmanager
def command_line() -> Iterator[None]:
    """Within this block, :func:`option` names command-line flags."""
    token = _CLI.set(True)
    try:
        yield
    finally:
        _CLI.reset(token)


def option_name(name: str) -> str:
    """The option alone: ``as_of`` or ``--as-of``."""
    return "--" + _FLAG_NAMES.get(name, name).replace("_", "-") if _CLI.get() else name


def option(name: str, value: object = None) -> str:
    """``name`` set to ``value`` as the user types it: ``--as-of TIME`` or ``as_of=``.

    ``value`` None names the option without a value (``--as-of TIME``, ``as_of=``).
    """
    if not _CLI.get():
        if name in _MAPPINGS and isinstance(value, str) and "=" in value:
            key, _, item = value.partition("=")
            return f"{name}={{{key!r}: {item if name == 'cohorts' else repr(item)}}}"
        return f"{name}=" if value is None else f"{name}={value!r}"
    flag = _FLAGS.get((name, str(value)))
    if flag is not None:
        return flag
    dashed = "--" + _FLAG_NAMES.get(name, name).replace("_", "-")
    return f"{dashed} {_METAVARS.get(name, 'VALUE') if value is None else shlex.quote(str(value))}"
