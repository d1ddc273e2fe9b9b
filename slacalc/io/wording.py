"""How a message names an option: as the library's keyword, the command line's flag, or the app's
control.

A reader's message tells the user what to pass (``dayfirst=True``), but a user of the command line
types ``--dayfirst``, and a user of the app sets *Dates like 03/04/2026* to *Day first* under
*Reading options*. The readers build such hints with :func:`option` (the option as the subject of
a message: ``as_of='x': not a date``) and :func:`advise` (what to do: ``pass dayfirst=True or
dayfirst=False``). The command line runs inside :func:`command_line` and the app inside
:func:`in_app`, so the same message names the flag or the control there and the keyword
everywhere else. The app labels its widgets with :data:`CONTROLS`, so the page and its messages
say the same words.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from itertools import groupby
from typing import Literal

Interface = Literal["library", "command line", "app"]

_INTERFACE: ContextVar[Interface] = ContextVar("slacalc_interface", default="library")

#: Flags whose command-line form is not ``--name value``: (name, value) → flag.
_FLAGS = {("dayfirst", "True"): "--dayfirst", ("dayfirst", "False"): "--monthfirst"}
#: What a flag's value is called in a hint without one (``--as-of TIME``).
_METAVARS = {
    "as_of": "TIME",
    "sheet": "NAME",
    "columns": "COLUMN=FIELD",
    "cohorts": "NAME=N",
    "billing_day": "DAY",
}
#: Keywords that take a mapping; a value ``"key=item"`` is shown as ``{"key": "item"}``.
_MAPPINGS = frozenset({"columns", "cohorts"})
#: Keywords whose flag has another name.
_FLAG_NAMES = {"columns": "map", "cohorts": "cohort"}

#: Where the app's controls for reading a file are (an expander of the Data page).
READING_OPTIONS = "Reading options"
#: The app's table of cohort sizes (in the customer form of the Data page).
COHORT_SIZES = "Cohort sizes"


#: Where the app asks how a provider feed's partial outages count (the Data page's feed form).
FEED_FORM = "the feed's form"

#: Where the app asks for a metrics table's own options (the Error rate page, beside its upload).
ERROR_RATE_PAGE = "the Error rate page"


@dataclass(frozen=True)
class Control:
    """An app control: its label, the label of each value it offers, by ``str(value)``
    (``"None"``: the reader decides), and where it is."""

    label: str
    choices: Mapping[str, str] = field(default_factory=dict)
    place: str = READING_OPTIONS

    def choice(self, value: object) -> str:
        """How a message names ``value``: its choice's label in double quotes, else the value
        as typed (``'2026-03-31 00:00'``)."""
        label = self.choices.get(str(value))
        return repr(value) if label is None else f'"{label}"'


#: The app's control for each reading option the readers hint at.
CONTROLS: Mapping[str, Control] = {
    "dayfirst": Control(
        "Dates like 03/04/2026", {"None": "Detect", "True": "Day first", "False": "Month first"}
    ),
    "decimal": Control("Decimal mark", {"None": "Detect", ".": "Point (.)", ",": "Comma (,)"}),
    "thousands": Control(
        "Thousands separator",
        {
            "None": "Detect",
            ".": "Point (.)",
            ",": "Comma (,)",
            " ": "Space",
            "'": "Apostrophe (')",
        },
    ),
    "sheet": Control("Sheet"),
    "ambiguous": Control(
        "A time that happens twice (clocks go back)",
        {"raise": "Reject the row", "earliest": "Take the earlier", "latest": "Take the later"},
    ),
    "nonexistent": Control(
        "A time that does not exist (clocks go forward)",
        {"raise": "Reject the row", "shift_forward": "Shift it forward"},
    ),
    "as_of": Control("As of"),
    "partial_share": Control("Share of users a partial outage cuts off (percent)", place=FEED_FORM),
    "billing_day": Control("Billing cycles start on day", place=ERROR_RATE_PAGE),
}


@contextmanager
def _speaking(which: Interface) -> Iterator[None]:
    token = _INTERFACE.set(which)
    try:
        yield
    finally:
        _INTERFACE.reset(token)


@contextmanager
def command_line() -> Iterator[None]:
    """Within this block, :func:`option` and :func:`advise` name command-line flags."""
    with _speaking("command line"):
        yield


@contextmanager
def in_app() -> Iterator[None]:
    """Within this block, :func:`option` and :func:`advise` name the app's controls."""
    with _speaking("app"):
        yield


def option_name(name: str) -> str:
    """The option alone: ``as_of``, ``--as-of`` or ``"As of"``."""
    match _INTERFACE.get():
        case "command line":
            return "--" + _FLAG_NAMES.get(name, name).replace("_", "-")
        case "app":
            return f'"{CONTROLS[name].label}"' if name in CONTROLS else name
        case _:
            return name


def option(name: str, value: object = None) -> str:
    """``name`` set to ``value`` as the user gives it: ``as_of=``, ``--as-of TIME``, or the app's
    control (``"As of" set to 'x'``).

    ``value`` None names the option without a value (``--as-of TIME``, ``as_of=``).
    """
    match _INTERFACE.get():
        case "command line":
            flag = _FLAGS.get((name, str(value)))
            if flag is not None:
                return flag
            dashed = "--" + _FLAG_NAMES.get(name, name).replace("_", "-")
            shown = _METAVARS.get(name, "VALUE") if value is None else shlex.quote(str(value))
            return f"{dashed} {shown}"
        case "app":
            return _control(name, value)
        case _:
            if name in _MAPPINGS and isinstance(value, str) and "=" in value:
                key, _, item = value.partition("=")
                return f"{name}={{{key!r}: {item if name == 'cohorts' else repr(item)}}}"
            return f"{name}=" if value is None else f"{name}={value!r}"


def advise(*choices: tuple[str, object]) -> str:
    """What to do, given as the options that would do it: ``pass dayfirst=True or
    dayfirst=False``, ``pass --dayfirst or --monthfirst``, or in the app ``set "Dates like
    03/04/2026" to "Day first" or "Month first" under Reading options``."""
    if _INTERFACE.get() != "app":
        return "pass " + " or ".join(option(name, value) for name, value in choices)
    steps: list[str] = []
    for name, group in groupby(choices, key=lambda c: c[0]):
        values = [value for _, value in group]
        if name == "columns":
            steps.extend(_pick(str(v)) for v in values)
        elif name not in CONTROLS:  # cohort sizes: given in the customer form
            steps.extend(f"give {_control(name, v)}" for v in values)
        elif values == [None]:
            steps.append(f'fill in "{CONTROLS[name].label}"')
        else:
            control = CONTROLS[name]
            shown = " or ".join(control.choice(v) for v in values)
            steps.append(f'set "{control.label}" to {shown}')
    said = " or ".join(steps)
    places = {CONTROLS[name].place for name, _ in choices if name in CONTROLS}
    if len(places) == 1 and all(name in CONTROLS for name, _ in choices):
        return f"{said} under {places.pop()}"
    return said


def _control(name: str, value: object) -> str:
    """The option as the app names it, as the subject of a message."""
    if name == "columns" and isinstance(value, str) and "=" in value:
        header, _, wanted = value.partition("=")
        return f"the column {header!r} picked as {wanted}"
    if name == "cohorts":
        return f"the size of cohort {_key(value)!r} under {COHORT_SIZES}"
    if name not in CONTROLS:
        return f"{name}={value!r}"
    control = CONTROLS[name]
    if value is None:
        return f'"{control.label}" under {control.place}'
    return f'"{control.label}" set to {control.choice(value)}'


def _pick(value: str) -> str:
    """``HEADER=FIELD`` as the app's column picker is used (``COLUMN``: any of the file's)."""
    header, _, wanted = value.partition("=")
    if header == "COLUMN":
        return f"pick the file's {wanted} column below"
    return f"pick {header!r} as the {wanted} column below"


def _key(value: object) -> str:
    """The name in a ``NAME=N`` value."""
    return str(value).partition("=")[0]
