"""Column headers to fields: recognise the usual spellings, and say which column went where.

A header is compared by its words, ignoring case, spacing, punctuation and camelCase, so
``Start time``, ``start_time``, ``START-TIME`` and ``startTime`` are one spelling. ``%`` counts as
the word "percent". A time zone in brackets or as the last word (``Start (UTC)``, ``End time UTC``,
``Start (Europe/Paris)``) is taken off the name and returned as the zone of that column's naive
times; a bracketed word that is not a zone (``Start (PST)``) is refused, since guessing it could
move every time by hours.

Columns that match no field are returned as ``ignored`` (the caller lists them to the user), with
a field when a known spelling is near, word for word, so a misspelt ``Affected usrs`` is pointed
out, not used; a header is never pointed to a field it merely shares letters with (``Impacted`` is
not ``impact end``).
Two columns that map to the same field are refused: slacalc will not pick one silently. The one
exception is a field in ``Fields.yielding`` (an outage's ``id``): a column named exactly as the
field is used, and another spelling of it (``Ticket``) is left aside and listed.

A header is bounded before any matching: at most :data:`MAX_COLUMNS` columns of at most
:data:`MAX_HEADER_CHARS` characters each (fuzzy matching costs the product of the lengths).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from slacalc.errors import InputError
from slacalc.io.times import zone_of
from slacalc.io.wording import advise, option

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_BRACKET = re.compile(r"^(?P<base>.*?)\s*[\(\[]\s*(?P<tag>[^\)\]]*?)\s*[\)\]]\s*$")
_TRAILING_ZONE = re.compile(r"^(?P<base>.*?)[\s_\-]+(?P<tag>utc|gmt)$", re.IGNORECASE)
_NOT_A_ZONE = {"", "local", "local time", "time", "date", "datetime", "date time"}

#: Most columns in a table; a wider header is refused before it is matched.
MAX_COLUMNS = 1000
#: Longest header cell, in characters.
MAX_HEADER_CHARS = 200
#: How alike a word must be to the word of a known spelling to be pointed out as a near miss.
_NEAR_WORD = 0.75


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


#: Headers of German, French, Spanish and Japanese exports, by field: a table recognises those of
#: its fields beside its own spellings (:meth:`Fields.lookup`).
LOCAL_SPELLINGS: Mapping[str, tuple[str, ...]] = {
    "id": (
        "vorfall",
        "vorfall id",
        "vorfallsnummer",
        "störung",
        "störungs id",
        "ticketnummer",
        "numéro d'incident",
        "identifiant",
        "id de l'incident",
        "incidente",
        "id de incidente",
        "número de incidente",
        "インシデント",
        "インシデントid",
        "インシデント番号",
    ),
    "tenant": (
        "kunde",
        "kundenname",
        "mandant",
        "locataire",
        "nom du client",
        "cliente",
        "inquilino",
        "nombre del cliente",
        "テナント",
        "顧客",
        "顧客名",
    ),
    "service": ("dienst", "servicename", "servicio", "サービス", "サービス名"),
    "cohort": ("benutzergruppe", "gruppe", "groupe", "grupo", "グループ", "ユーザーグループ"),
    "start": (
        "beginn",
        "anfang",
        "startzeit",
        "startzeitpunkt",
        "störungsbeginn",
        "beginn der störung",
        "début",
        "date de début",
        "heure de début",
        "début de l'incident",
        "inicio",
        "fecha de inicio",
        "hora de inicio",
        "comienzo",
        "開始",
        "開始日時",
        "開始時刻",
        "発生日時",
    ),
    "end": (
        "ende",
        "endzeit",
        "endzeitpunkt",
        "störungsende",
        "ende der störung",
        "behoben",
        "behoben am",
        "fin",
        "date de fin",
        "heure de fin",
        "fin de l'incident",
        "final",
        "fecha de fin",
        "hora de fin",
        "終了",
        "終了日時",
        "終了時刻",
        "復旧日時",
    ),
    "affected_users": (
        "benutzer",
        "betroffene benutzer",
        "nutzer",
        "betroffene nutzer",
        "anzahl benutzer",
        "anzahl betroffener benutzer",
        "utilisateurs",
        "utilisateurs affectés",
        "utilisateurs concernés",
        "nombre d'utilisateurs",
        "usuarios",
        "usuarios afectados",
        "número de usuarios",
        "影響ユーザー数",
        "ユーザー数",
        "影響を受けたユーザー数",
    ),
    "affected_percent": (
        "prozent",
        "anteil",
        "betroffen prozent",
        "anteil betroffen",
        "pourcentage",
        "pourcentage affecté",
        "porcentaje",
        "porcentaje afectado",
        "割合",
        "影響率",
        "影響割合",
    ),
    "excluded": ("ausgeschlossen", "ausnahme", "exclu", "excluido", "除外"),
    "exclusion_reason": (
        "grund",
        "ausschlussgrund",
        "motif",
        "raison",
        "motivo",
        "除外理由",
    ),
    "users": (
        "benutzer",
        "lizenzen",
        "anzahl benutzer",
        "utilisateurs",
        "licences utilisateurs",
        "usuarios",
        "licencias",
        "ユーザー数",
        "ライセンス数",
    ),
    "contract": ("vertrag", "contrat", "contrato", "契約"),
    "monthly_fee": (
        "monatsgebühr",
        "monatliche gebühr",
        "gebühr",
        "frais mensuels",
        "redevance mensuelle",
        "cuota mensual",
        "tarifa mensual",
        "月額料金",
        "月額",
    ),
    "currency": ("währung", "devise", "monnaie", "moneda", "divisa", "通貨"),
}


@lru_cache(maxsize=4096)
def normalise(header: str) -> str:
    """A header as lower-case words: ``"Start Time (UTC)"`` → ``"start time utc"``.

    Accents are dropped and case folded (``Début`` → ``debut``, ``Straße`` → ``strasse``), and
    letters of any script are kept (``開始日時``), so headers in other languages match too.
    Remembered: every table read matches its headers against the same few hundred spellings.
    """
    text = _CAMEL.sub(" ", header.replace("%", " percent ").replace("#", " number "))
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


@dataclass(frozen=True)
class Fields:
    """The fields of one kind of table: each with the spellings it is recognised by."""

    spellings: Mapping[str, Sequence[str]]
    zoned: frozenset[str] = frozenset()
    #: Fields whose other spellings give way to a column named exactly as the field (a ``Ticket``
    #: column beside an ``id`` column is left aside rather than refused).
    yielding: frozenset[str] = frozenset()

    def lookup(self) -> dict[str, str]:
        """Normalised spelling → field: the table's spellings and the :data:`LOCAL_SPELLINGS`
        of its fields."""
        table: dict[str, str] = {}
        for name, words in self.spellings.items():
            for spelling in (name, *words, *LOCAL_SPELLINGS.get(name, ())):
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


def check_headers(headers: Sequence[str], origin: str) -> None:
    """Refuse a header of more than :data:`MAX_COLUMNS` cells or a cell above
    :data:`MAX_HEADER_CHARS` characters: such a table is not an outage or customers table, and
    matching it would take time and memory out of proportion to the file."""
    if len(headers) > MAX_COLUMNS:
        raise InputError(
            f"{origin}: {len(headers):,} columns, above the limit of {MAX_COLUMNS:,}; is the first "
            "line the header of the table?"
        )
    for pos, header in enumerate(headers):
        if len(header) > MAX_HEADER_CHARS:
            raise InputError(
                f"{origin}: the header of column {pos + 1} has {len(header):,} characters, above "
                f"the limit of {MAX_HEADER_CHARS}; is the first line the header of the table?"
            )


def near_miss(header: str, spellings: Iterable[str]) -> str | None:
    """The known spelling ``header`` looks like a misspelling of, or None.

    Compared word by word (both normalised): the same number of words, each word at least
    :data:`_NEAR_WORD` alike, not all of them equal. Comparing whole strings letter by letter would
    point ``Impacted`` to ``impact end``; by words it is one word against two, so it is not near.
    """
    words = normalise(header).split()
    best: tuple[float, str] | None = None
    for spelling in spellings:
        known = spelling.split()
        if len(known) != len(words) or known == words:
            continue
        pairs = zip(words, known, strict=True)
        score = min(difflib.SequenceMatcher(None, a, b).ratio() for a, b in pairs)
        if score >= _NEAR_WORD and (best is None or score > best[0]):
            best = (score, spelling)
    return None if best is None else best[1]


def map_headers(
    headers: Sequence[str],
    fields: Fields,
    origin: str,
    *,
    keep: Iterable[int] = (),
    columns: Mapping[str, str] | None = None,
) -> HeaderMap:
    """Map each header to a field; ``keep`` lists positions the caller reads itself.

    ``columns`` maps a user's header to a field (``{"Beginn": "start"}``: the command line's
    ``--map Beginn=start``); those columns are taken as said, before any spelling is matched.
    """
    check_headers(headers, origin)
    lookup = fields.lookup()
    found = _given_columns(headers, fields, origin, columns or {})
    kept = set(keep) | set(found.values())
    zones: dict[str, str] = {}
    ignored: list[int] = []
    hints: dict[int, str] = {}
    for pos, header in enumerate(headers):
        if pos in kept:
            continue
        name, zone = _field_of(header, lookup, fields.zoned, origin)
        if name is None:
            ignored.append(pos)
            close = near_miss(header, lookup)
            if close is not None:
                hints[pos] = lookup[close]
            continue
        if name in found and found[name] in kept:  # the user chose another column for it
            ignored.append(pos)
            continue
        if name in found and name in fields.yielding:
            exact = [p for p in (found[name], pos) if normalise(headers[p]) == normalise(name)]
            if len(exact) == 1:
                ignored.append(pos if exact[0] == found[name] else found[name])
                found[name] = exact[0]
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
    return HeaderMap(tuple(headers), found, zones, tuple(sorted(ignored)), hints)


def holds(
    fields: Fields, names: Iterable[str], columns: Mapping[str, str] | None = None
) -> Callable[[Sequence[str]], bool]:
    """A test of a header row: does it have a column for each of ``names`` (with the user's
    ``columns`` mapping)? Tells the sheet that holds a table from a cover page."""
    wanted = tuple(names)

    def test(headers: Sequence[str]) -> bool:
        try:
            found = map_headers(headers, fields, "", columns=columns).fields
        except InputError:
            return False
        return all(name in found for name in wanted)

    return test


def _given_columns(
    headers: Sequence[str], fields: Fields, origin: str, columns: Mapping[str, str]
) -> dict[str, int]:
    """Field → position of the columns the user mapped; refuses a header or field not there."""
    found: dict[str, int] = {}
    for header, name in columns.items():
        if name not in fields.spellings:
            known = ", ".join(repr(f) for f in fields.spellings)
            raise InputError(
                f"{origin}: {option('columns', f'{header}={name}')}: {name!r} is not a field; "
                f"the fields are {known}"
            )
        matches = [p for p, h in enumerate(headers) if h.strip() == header.strip()]
        if not matches:
            matches = [p for p, h in enumerate(headers) if normalise(h) == normalise(header)]
        if len(matches) != 1:
            shown = ", ".join(repr(h) for h in headers if h) or "none"
            why = "no column" if not matches else f"{len(matches)} columns"
            raise InputError(
                f"{origin}: {option('columns', f'{header}={name}')}: {why} named {header!r}; "
                f"columns found: {shown}"
            )
        if name in found:
            raise InputError(
                f"{origin}: {headers[found[name]]!r} and {header!r} are both mapped to {name!r}"
            )
        found[name] = matches[0]
    return found


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


class MissingColumnError(InputError):
    """A table without a column a field needs: ``field``, and the ``headers`` it has, so a
    front end can offer them to pick from (the app's column picker)."""

    def __init__(self, message: str, field: str, headers: Sequence[str]) -> None:
        super().__init__(message)
        self.field = field
        self.headers = tuple(h for h in headers if h)


def suggest_missing(headers: Sequence[str], fields: Fields, name: str) -> str:
    """A sentence for a missing field: the spellings accepted, and a near header if there is one."""
    spellings = [name, *fields.spellings[name]]
    wanted = {normalise(s) for s in spellings}
    near = [h for h in headers if near_miss(h, wanted) is not None]
    accepted = ", ".join(repr(s) for s in spellings[:6])
    found = ", ".join(repr(h) for h in headers) or "none"
    if near:
        hint = f"; is {near[0]!r} meant to be it? If so, {advise(('columns', f'{near[0]}={name}'))}"
    else:
        hint = f"; to use one of them, {advise(('columns', f'COLUMN={name}'))}"
    return f"no {name!r} column (accepted: {accepted}, ...); columns found: {found}{hint}"
