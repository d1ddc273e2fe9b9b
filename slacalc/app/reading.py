"""The Data page's *Reading options*: how the outage file is read, the command line's flags as
controls (``--dayfirst``, ``--decimal``, ``--thousands``, ``--sheet``, ``--ambiguous``,
``--nonexistent``, ``--as-of``).

The Error rate page offers the same controls for its metrics table, drawn by :func:`choice` and
described by :func:`order_read` and :func:`mark_read`.

The controls show the options of the data in use, or of a file that waits because it could not be
used as it was read; left to the reader, a control says what the reader found in this file.
Changing one reads the file again with it. Labels come from :data:`slacalc.io.wording.CONTROLS`,
the words the app's messages use when they tell the user which control to change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Protocol, cast

import streamlit as st

from slacalc.app import cached, state
from slacalc.app.inputs import Inputs
from slacalc.app.state import Widget
from slacalc.errors import SlacalcError
from slacalc.io.numbers import NumberFormat
from slacalc.io.outages import Outages
from slacalc.io.times import Ambiguous, Nonexistent
from slacalc.io.wording import CONTROLS, READING_OPTIONS


class Read(Protocol):
    """What a reader found in a file (an outage or a metrics table): its day order and marks."""

    @property
    def dayfirst(self) -> bool | None: ...

    @property
    def number_format(self) -> NumberFormat | None: ...


#: The day-order choice's key (``str`` of the value, as :data:`CONTROLS` keys it) → its value.
ORDERS: dict[str, bool | None] = {"None": None, "True": True, "False": False}


def render(
    target: Inputs, read: Outages | None, use: Callable[[Inputs, str], None], *, open_: bool
) -> None:
    """The options of ``target`` (as read: ``read``; None when it could not be), in an expander
    open when ``open_``; a change is handed to ``use`` with the file's name, then the page is
    drawn again."""
    with st.expander(READING_OPTIONS, expanded=open_, icon=":material/tune:"):
        if target is state.pending():
            st.caption(f"For **{target.outages.name}**, which is not used yet (see above).")
        left, right = st.columns(2, gap="large")
        with left:
            dayfirst = choice(Widget.READ_DAYFIRST, "dayfirst", target.dayfirst, order_read(read))
            decimal = choice(Widget.READ_DECIMAL, "decimal", target.decimal, mark_read(read, 0))
            thousands = choice(
                Widget.READ_THOUSANDS, "thousands", target.thousands, mark_read(read, 1)
            )
            sheet = _sheet(target, read)
        with right:
            ambiguous = choice(Widget.READ_AMBIGUOUS, "ambiguous", target.ambiguous)
            nonexistent = choice(Widget.READ_NONEXISTENT, "nonexistent", target.nonexistent)
            state.sync(Widget.READ_AS_OF, target.as_of)
            as_of = st.text_input(
                CONTROLS["as_of"].label,
                key=Widget.READ_AS_OF,
                placeholder="e.g. 2026-03-31 18:00",
                help=(
                    "Windows with no end yet are counted up to this moment: a date and time "
                    "(2026-03-31 18:00, read in the zone above) or ISO 8601 with an offset. "
                    "Claim deadlines are judged on its day. Empty: windows with no end are "
                    "rejected, and deadlines are judged today."
                ),
            )
    changed = dataclasses.replace(
        target,
        dayfirst=ORDERS[dayfirst],
        decimal=None if decimal == "None" else decimal,
        thousands=None if thousands == "None" else thousands,
        sheet=sheet,
        # the choices are CONTROLS' keys, which are the readers' values
        ambiguous=cast(Ambiguous, ambiguous),
        nonexistent=cast(Nonexistent, nonexistent),
        as_of=as_of.strip(),
    )
    if changed != target:
        use(changed, target.outages.name)
        st.rerun()


def choice(widget: Widget, name: str, value: object, found: str = "") -> str:
    """A radio of the option's choices, showing ``value``; ``found`` is what the reader found
    when the option is left to it, the caption of its "Detect" choice. The choices' labels
    never change: the browser keeps a radio's choice by its label, so a label that changed
    once the file was read lost it (the radio showed nothing chosen, and the next run got the
    old label's text as the option's value)."""
    control = CONTROLS[name]
    state.sync(widget, str(value))
    keys = list(control.choices)
    chosen = st.radio(
        control.label,
        keys,
        key=widget,
        horizontal=True,
        format_func=control.choices.__getitem__,
        captions=[f"this file: {found}" if key == "None" and found else "" for key in keys],
    )
    return str(chosen)


def order_read(read: Read | None) -> str:
    """How the reader read ``03/04/2026`` in this file, in the control's words."""
    if read is None or read.dayfirst is None:  # nothing to settle, or the file does not
        return ""
    return CONTROLS["dayfirst"].choices[str(read.dayfirst)]


def mark_read(read: Read | None, which: int) -> str:
    """The decimal mark (0) or the thousands separator (1) the reader used in this file."""
    if read is None:
        return ""
    fmt = read.number_format
    if fmt is None:
        return "plain numbers"
    mark = fmt.decimal if which == 0 else fmt.thousands
    if mark is None:
        return "none"
    return CONTROLS["decimal" if which == 0 else "thousands"].choices[mark]


def _sheet(target: Inputs, read: Outages | None) -> str:
    """The workbook's sheet to read ("" when the outages are no workbook, or the reader picks)."""
    try:
        names = cached.sheets(target.outages)
    except SlacalcError:  # the file's own message is shown above
        return target.sheet
    if not names:
        return target.sheet
    used = target.sheet or (read.sheet if read is not None else "")
    state.sync(Widget.READ_SHEET, used or None)
    chosen = st.selectbox(
        CONTROLS["sheet"].label,
        names,
        key=Widget.READ_SHEET,
        placeholder="Choose the sheet that holds the windows",
    )
    if read is not None and read.sheet:
        st.caption(f"Read: sheet {read.sheet!r}.")
    return target.sheet if chosen is None or chosen == used else str(chosen)
