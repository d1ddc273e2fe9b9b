"""Column headers to fields: recognise the usual spellings, and say which column went where.

A header is compared by its words, ignoring case, spacing, punctuation and camelCase, so
``Start time``, ``start_time``, ``START-TIME`` and ``startTime`` are one spelling. ``%`` counts as
the word "percent". A time zone in brackets or as the last word (``Start (UTC)``, ``End time UTC``,
``Start (Europe/Paris)``) is taken off the name and returned as the zone of that column's naive
times; a bracketed word that is not a zone (``Start (PST)``) is refused, since guessing it could
move every time by hours.

Columns that match no field are returned as ``ignored`` (the caller lists them to the user), with
the closest known spelling when one is near, so a misspelt ``Affected usrs`` is pointed out, not
used.
Two columns that map to the same field are refused: slacalc will not pick one silently.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from slacalc.errors import InputError
from slacalc.io.times import zone_of

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_BRACKET = re.compile(r"^(?P<base>.*?)\s*[\(\[]\s*(?P<tag>[^\)\]]*?)\s*[\)\]]\s*$")
_TRAILING_ZONE = re.compile(r"^(?P<base>.*?)[\s_\-]+(?P<tag>utc|gmt)$", re.IGNORECASE)
_NOT_A_ZONE = {"", "local", "local time", "time", "date", "datetime", "date time"}


#: How tables name the customer: the same spellings in outage and customers tables.
TENANT_SPELLINGS = (
    "tenant id",
    "tenant name",
    "customer",
    "customer id",
    "customer name",
    "client",
    "client id",
    "client name",
    "account",
    "account id",
    "account name",
    "organisation",
    "organization",
    "org",
    "org id",
    "subscription",
    "subscription id",
)


def normalise(header: str) -> str:
    """A header as lower-case words: ``"Start Time (UTC)"`` → ``"start time utc"``."""
    text = _CAMEL.sub(" ", header.replace("%", " percent ").replace("#", " number "))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


@dataclass(frozen=True)
class Fields:
    """The fields of one kind of table: each with the spellings it is recognised by."""

    spellings: Mapping[str, Sequence[str]]
    zoned: frozenset[str] = frozenset()

    def lookup(self) -> dict[str, str]:
        """Normalised spelling → field."""
        table: dict[str, str] = {}
        for name, words in self.spellings.items():
            for spelling in (name, *words):
                table[normalise(spelling)] = name
        return table


@dataclass(frozen=True)
class HeaderMap:
    """Which input column (by position) feeds which field, and what was left aside."""

    headers: tuple[str, ...]
    fields: dict[str, int]
    zones: dict[str, str] = field(default_factory=dict)
    ignored: tuple[int, ...] = ()
    hints: dict[int, str] = field(default_factory=dict)

    def header(self, name: str) -> str:
        """The user's header of a mapped field."""
        return self.headers[self.fields[name]]

    @property
    def mapping(self) -> dict[str, str]:
        """Input column → field, in the input's column order."""
        ordered = sorted(self.fields.items(), key=lambda kv: kv[1])
        return {self.headers[pos]: name for name, pos in ordered}

    def ignored_headers(self) -> tuple[str, ...]:
        """The headers of the ignored columns (``column N`` for one without a header)."""
        return tuple(self.headers[p] or f"column {p + 1}" for p in self.ignored)

    def describe_ignored(self) -> str:
        """The ignored columns in words, with a "did you mean" where one is near."""
        parts = []
        for pos in self.ignored:
            name = self.headers[pos] or f"column {pos + 1} (no header)"
            hint = self.hints.get(pos)
            parts.append(f"{name!r} (did you mean {hint!r}?)" if hint else repr(name))
        return ", ".join(parts)


def map_headers(
    headers: Sequence[str],
    fields: Fields,
    origin: str,
    *,
    keep: Iterable[int] = (),
) -> HeaderMap:
    """Map each header to a field; ``keep`` lists positions the caller reads itself."""
    lookup = fields.lookup()
    kept = set(keep)
    found: dict[str, int] = {}
    zones: dict[str, str] = {}
    ignored: list[int] = []
    hints: dict[int, str] = {}
    for pos, header in enumerate(headers):
        if pos in kept:
            continue
        name, zone = _field_of(header, lookup, fields.zoned, origin)
        if name is None:
            ignored.append(pos)
            close = difflib.get_close_matches(normalise(header), list(lookup), n=1, cutoff=0.8)
            if close:
                hints[pos] = lookup[close[0]]
            continue
        if name in found:
            first = headers[found[name]]
            raise InputError(
                f"{origin}: columns {first!r} and {header!r} both read as {name!r}; keep one, or "
                "rename the other"
            )
        found[name] = pos
        if zone is not None:
            zones[name] = zone
    return HeaderMap(tuple(headers), found, zones, tuple(ignored), hints)


def _field_of(
    header: str, lookup: Mapping[str, str], zoned: frozenset[str], origin: str
) -> tuple[str | None, str | None]:
    whole = lookup.get(normalise(header))
    if whole is not None:
        return whole, None
    for pattern in (_BRACKET, _TRAILING_ZONE):
        match = pattern.match(header.strip())
        if not match:
            continue
        base = lookup.get(normalise(match["base"]))
        if base is None:
            continue
        tag = match["tag"].strip()
        if base not in zoned or tag.lower() in _NOT_A_ZONE:
            return base, None
        try:
            zone_of(tag)
        except InputError:
            raise InputError(
                f"{origin}: column {header!r}: {tag!r} is not a time zone slacalc knows; write an "
                "IANA name (e.g. 'Start (America/Los_Angeles)'), UTC, or an offset ('+01:00')"
            ) from None
        return base, "UTC" if tag.upper() in ("UTC", "GMT", "Z") else tag
    return None, None


def suggest_missing(headers: Sequence[str], fields: Fields, name: str) -> str:
    """A sentence for a missing field: the spellings accepted, and a near header if there is one."""
    spellings = [name, *fields.spellings[name]]
    wanted = {normalise(s) for s in spellings}
    near = [h for h in headers if difflib.get_close_matches(normalise(h), wanted, n=1, cutoff=0.7)]
    accepted = ", ".join(repr(s) for s in spellings[:6])
    found = ", ".join(repr(h) for h in headers) or "none"
    hint = f"; is {near[0]!r} meant to be it?" if near else ""
    return f"no {name!r} column (accepted: {accepted}, ...); columns found: {found}{hint}"
