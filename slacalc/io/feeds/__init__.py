"""Provider incident feeds in: the windows they describe, in slacalc's outage columns.

::

    imported = read_feed("issues.json", contract="microsoft-365-exchange-online")
    print(imported.summary())               # format, windows, what was excluded and why
    results = calculate(imported.outages, "microsoft-365-exchange-online", users=5000, ...)

One module per format (:mod:`.graph`, :mod:`.statuspage`, :mod:`.aws_health`,
:mod:`.google_status`, :mod:`.pagerduty`, :mod:`.opsgenie`); :mod:`.detect` recognises the format
from the content and :mod:`.windows` does what is common (names to contracts, open windows,
the result). See docs/feeds.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from slacalc.errors import InputError
from slacalc.io.feeds import aws_health, google_status, graph, opsgenie, pagerduty, statuspage
from slacalc.io.feeds.detect import FORMATS, detect, load_documents
from slacalc.io.feeds.windows import (
    ImportedWindows,
    ServiceMap,
    Skipped,
    Window,
    finish,
    read_service_map,
)
from slacalc.io.tables import TableSource
from slacalc.io.times import parse_instant
from slacalc.io.wording import option
from slacalc.model.contract import Contract

__all__ = [
    "FORMATS",
    "ImportedWindows",
    "ServiceMap",
    "detect",
    "is_feed",
    "read_feed",
    "read_service_map",
]


def read_feed(
    source: TableSource | Iterable[TableSource] | Mapping[str, Any],
    format: str | None = None,
    *,
    contract: str | Contract | None = None,
    service_map: TableSource | Mapping[str, str] | ServiceMap | None = None,
    as_of: object = None,
    partial_share: Decimal | int | str | None = None,
) -> ImportedWindows:
    """The windows of a saved feed (a path, bytes, open file, parsed JSON, or several files).

    ``format`` forces one of :data:`FORMATS` (default: recognised from the content).
    ``contract`` keeps the windows of its services and excludes the others, with the reason.
    ``service_map`` maps the feed's names the contracts do not list (see
    :class:`~slacalc.io.feeds.windows.ServiceMap`). ``as_of`` (aware time or ISO string) closes
    windows still open. ``partial_share`` is the percent of users a partial outage cuts off.
    """
    documents, origin = _documents(source)
    found = detect(documents, origin or "the feed")
    chosen = format or found
    if chosen not in FORMATS:
        raise InputError(f"format={chosen!r}: give one of {', '.join(FORMATS)}")
    if format and format != found:
        raise InputError(
            f"{origin or 'the feed'}: format={format} given, but the content is {found}"
        )
    share = _share(partial_share)
    cutoff = None if as_of is None else parse_instant(as_of, "UTC", what="as_of")
    windows: list[Window]
    skipped: list[Skipped]
    notes: list[str]
    questions: list[str] = []
    if chosen == "graph":
        windows, skipped, notes = graph.read(documents)
    elif chosen == "statuspage":
        windows, skipped, notes, questions = statuspage.read(documents, partial_share=share)
    elif chosen == "aws_health":
        windows, skipped, notes = aws_health.read(documents)
    elif chosen == "google_status":
        windows, skipped, notes, questions = google_status.read(documents, partial_share=share)
    elif chosen == "pagerduty":
        windows, skipped, notes = pagerduty.read(documents)
    else:
        windows, skipped, notes = opsgenie.read(documents)
    return finish(
        windows,
        chosen,
        origin=origin,
        contract=contract,
        service_map=None if service_map is None else read_service_map(service_map),
        as_of=cutoff,
        skipped=skipped,
        notes=notes,
        questions=questions,
    )


def is_feed(source: TableSource) -> str:
    """The feed format of a file, or ``""`` if it is not a feed (e.g. a table of windows)."""
    try:
        documents, origin = load_documents(source)
        return detect(documents, origin)
    except InputError:
        return ""


def _documents(source: Any) -> tuple[list[Any], str]:
    if isinstance(source, list | tuple) and source and not isinstance(source[0], dict):
        documents: list[Any] = []
        names = []
        for one in source:
            found, name = load_documents(one)
            documents.extend(found)
            names.append(name)
        return documents, ", ".join(n for n in names if n)
    return load_documents(source)


def _share(value: Decimal | int | str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        share = Decimal(str(value).rstrip("% "))
    except InvalidOperation:
        raise InputError(f"{option('partial_share', value)}: give a percent such as 25") from None
    if not share.is_finite() or not 0 < share <= 100:
        raise InputError(
            f"{option('partial_share', value)}: give a percent above 0 and at most 100"
        )
    if share * 100 != (share * 100).to_integral_value():
        raise InputError(f"{option('partial_share', value)}: give at most two decimal places")
    return share
