"""Outage windows in: read, check and normalise them; every row is counted, excluded or rejected.

The normalised table (``Outages.frame``) is what the engine reads; its columns are:

=================  ==========================  ===============================================
column             dtype                       meaning
=================  ==========================  ===============================================
``row``            int64                       the row number as the user sees it (file line)
``id``             str ("" if none)            incident id, e.g. ``EX1256020``
``tenant``         str ("" if none)            customer; "" for a single customer
``service``        str ("" if none)            service; "" means the contract's service
``cohort``         str ("" = whole population) user group the window hit
``start``/``end``  datetime64[ns, UTC]         the window, ``start < end``
``affected_users`` float64 (NaN if not given)  whole users hit
``affected_percent`` float64 (NaN if not given) percent of the cohort/population hit, ≤ 2 decimals
``excluded``       str ("" if it counts)       why the window does not count
``users_source``   str                         where the affected users came from (below)
=================  ==========================  ===============================================

Reading (:func:`read_outages`) accepts CSV, Excel ``.xlsx``, JSON or a DataFrame (see
:mod:`slacalc.io.tables`), recognises the usual header spellings (:data:`OUTAGE_FIELDS`), and reads
times as :mod:`slacalc.io.times` describes. Every data row ends in exactly one of: counted, excluded
(with its reason) or rejected (a :class:`RowProblem` per bad cell, all of them at once), so
``counted + excluded + rejected == rows_read``. Rules decided here:

* Numbers may be written as a locale writes them (``1.200`` users, ``12,5 %``): ``decimal=`` and
  ``thousands=`` say how, or a decimal comma is detected and noted (:mod:`slacalc.io.numbers`).
  ``columns=`` maps headers slacalc does not know to fields.
* Unknown columns are ignored and listed (``ignored_columns`` and a note), never used; a near miss
  of a known spelling is pointed out ("did you mean ...").
* An empty end is an open window: counted up to ``as_of`` when given (and listed in
  ``open_ended``), rejected otherwise.
* Both ``affected_users`` and ``affected_percent`` on a row are checked against each other only
  when the population is known: ``licensed_users=`` for a row without a cohort. They agree when the
  users, as a percent of the population, round to the percent as written (to its own decimals).
* The same window twice (every field equal) is a duplicate: the later rows are rejected. One
  incident id may have several windows (intermittent incidents; noted, not refused), but rows of one
  id, tenant, service and cohort that start at the same time and end at different times contradict
  each other, and all of them are rejected.
* A window with neither ``affected_users`` nor ``affected_percent`` hit its whole population (all
  licensed users, or its whole cohort): the contract's worst case. That is an assumption, so it
  is recorded: ``users_source`` is ``"assumed all"`` there and ``"given"`` where a count or a
  percent was written. An input column ``users_source`` may say more precisely where a count came
  from (:data:`USERS_SOURCES`: ``usage report``, ``sign-in log``, ``feed``); it must agree with
  the row (``assumed all`` only without a count, ``given`` only with one; a feed, usage report
  or sign-in log without a count states the whole population or cohort itself).
* An ``excluded`` cell of ``no``/``false``/``n``/``0``/``-``/empty counts the row;
  ``yes``/``true``/``y``/``1``/``x`` excludes it with the reason "excluded (no reason given)";
  text naming a kind of exclusion (``maintenance``, ``planned``, ``customer``, ``force-majeure``,
  ... :data:`slacalc.io.cells.REASON_WORDS`) excludes it with that text as the reason; anything
  else (``N/A``, ``0.0``, ``not excluded``) is rejected. Free text goes in an
  ``exclusion_reason`` column: beside a yes/no ``excluded`` it is the reason of the excluded rows
  (and a reason on a counted row is rejected); alone, a reason excludes its row.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from slacalc.errors import InputError, RowProblem
from slacalc.io.cells import (
    Checked,
    Distinct,
    cell_text,
    check_exclusion,
    check_percent,
    check_text,
    check_whole,
    distinct,
    each_distinct,
    fingerprints,
    first_rows,
    no_problems,
    take,
    text_cells,
)
from slacalc.io.headers import (
    TENANT_SPELLINGS,
    Fields,
    HeaderMap,
    MissingColumnError,
    holds,
    map_headers,
    suggest_missing,
)
from slacalc.io.numbers import NumberFormat, choose, in_format, number_format
from slacalc.io.tables import RawTable, TableSource, read_table
from slacalc.io.times import (
    Ambiguous,
    Nonexistent,
    ParsedTimes,
    check_policy,
    describe_zone,
    infer_dayfirst,
    parse_aware_column,
    parse_instant,
    parse_times,
    zone_of,
)
from slacalc.io.wording import advise, option_name

COLUMNS = (
    "row",
    "id",
    "tenant",
    "service",
    "cohort",
    "start",
    "end",
    "affected_users",
    "affected_percent",
    "excluded",
    "users_source",
)
TEXT_COLUMNS = ("id", "tenant", "service", "cohort", "excluded", "users_source")
NO_REASON = "excluded (no reason given)"
#: An ``exclusion_reason`` cell that gives no reason.
_NO_REASON_TEXT = frozenset({"", "-", "none", "n/a", "na"})
#: Where a window's affected users came from: the values of ``users_source``.
GIVEN, ASSUMED_ALL = "given", "assumed all"
USERS_SOURCES = (GIVEN, "usage report", "sign-in log", "feed", ASSUMED_ALL)

#: The fields of an outage table and the header spellings each is recognised by.
OUTAGE_FIELDS = Fields(
    spellings={
        "id": (
            "incident id",
            "incident",
            "incident number",
            "incident no",
            "incident ref",
            "ticket",
            "ticket id",
            "ticket number",
            "issue",
            "issue id",
            "event id",
            "case",
            "case id",
            "reference",
            "ref",
            "outage id",
        ),
        "tenant": TENANT_SPELLINGS,
        "service": (
            "service name",
            "workload",
            "product",
            "application",
            "app",
            "service id",
        ),
        "cohort": (
            "client type",
            "client app",
            "user group",
            "group",
            "segment",
            "platform",
            "affected cohort",
            "affected group",
        ),
        "start": (
            "start time",
            "start date",
            "start datetime",
            "start date time",
            "started",
            "started at",
            "start at",
            "starts",
            "begin",
            "began",
            "begins",
            "beginning",
            "from",
            "outage start",
            "incident start",
            "impact start",
            "start of impact",
            "since",
        ),
        "end": (
            "end time",
            "end date",
            "end datetime",
            "end date time",
            "ended",
            "ended at",
            "ends",
            "finish",
            "finished",
            "finished at",
            "resolved",
            "resolved at",
            "resolution time",
            "to",
            "until",
            "stop",
            "stopped",
            "outage end",
            "incident end",
            "impact end",
            "end of impact",
            "mitigated",
            "mitigated at",
            "recovered",
            "restored",
        ),
        "affected_users": (
            "users affected",
            "affected users",
            "users",
            "affected",
            "impacted users",
            "users impacted",
            "user count",
            "affected user count",
            "number of users",
            "number users",
            "users number",
            "affected seats",
            "seats affected",
            "impacted",
            "impacted seats",
            "seats impacted",
            "impacted user count",
            "impacted users count",
            "users impacted count",
            "affected count",
            "affected users count",
            "users affected count",
            "users count",
            "number affected",
            "number impacted",
            "number of affected users",
            "number of impacted users",
            "number of users affected",
            "number of users impacted",
            "number affected users",
            "number impacted users",
        ),
        "affected_percent": (
            "percent",
            "percent affected",
            "affected percent",
            "percent users",
            "users percent",
            "percent of users",
            "percentage",
            "percentage affected",
            "affected percentage",
            "impact percent",
            "users affected percent",
            "affected users percent",
            "impacted percent",
            "percent impacted",
            "impacted percentage",
            "percentage impacted",
            "impacted users percent",
            "users impacted percent",
            "percent of users affected",
            "percent of users impacted",
            "percent users affected",
            "percent users impacted",
        ),
        "excluded": (
            "exclusion",
            "exclude",
            "exempt",
            "exemption",
            "sla excluded",
            "not counted",
        ),
        "exclusion_reason": (
            "excluded reason",
            "reason excluded",
            "exclusion reason",
            "excluded because",
            "reason for exclusion",
            "exemption reason",
            "reason",
        ),
        "users_source": (
            "users source",
            "source of users",
            "affected users source",
            "user count source",
            "users from",
        ),
    },
    zoned=frozenset({"start", "end"}),
    yielding=frozenset({"id"}),
)


@dataclass(frozen=True)
class Outages:
    """A validated outage table, with the rows that were rejected and how the input was read."""

    frame: pd.DataFrame
    rejected: tuple[RowProblem, ...] = ()
    timezone: str = "UTC"
    mapping: dict[str, str] = field(default_factory=dict)
    rows_read: int = 0
    source: str = ""
    format: str = ""
    details: str = ""
    #: The sheet read, of a workbook ("" for other formats): the first, or the one that held
    #: the table when the first did not (see ``notes``).
    sheet: str = ""
    #: How ``03/04/2026`` was read: day first (True), month first (False), or None when no date
    #: needed it or the table did not settle it; given by the caller or detected (see ``notes``).
    dayfirst: bool | None = None
    #: The numbers' marks, given by the caller or detected (see ``notes``); None: plain numbers.
    number_format: NumberFormat | None = None
    assumed_timezones: dict[str, str] = field(default_factory=dict)
    as_of: pd.Timestamp | None = None
    open_ended: tuple[int, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    blank_rows: int = 0
    notes: tuple[str, ...] = ()
    #: The one tenant kept by :func:`one_tenant` (None: every row is read).
    tenant: str | None = None
    #: Rows of other tenants that :func:`one_tenant` set aside.
    other_tenants: tuple[int, ...] = ()
    #: The words a provider's feed gave each window (its posts, status, impact), by input row;
    #: empty for a table. The workbook's evidence lists them beside the windows.
    evidence: Mapping[int, str] = field(default_factory=dict)

    @property
    def counted(self) -> pd.DataFrame:
        """Rows that count as outages."""
        return self.frame[self.frame["excluded"] == ""]

    @property
    def excluded(self) -> pd.DataFrame:
        """Rows that do not count, each with its reason in ``excluded``."""
        return self.frame[self.frame["excluded"] != ""]

    @property
    def rejected_rows(self) -> tuple[int, ...]:
        """The row numbers rejected, each once, in order (a row may have several problems)."""
        return tuple(sorted({p.row for p in self.rejected}))

    @property
    def counts(self) -> dict[str, int]:
        """Rows read, and where each went: ``counted + excluded + rejected == rows_read``; for a
        table narrowed to one tenant (:func:`one_tenant`), ``+ other_tenants``."""
        excluded = int((self.frame["excluded"] != "").sum())
        counts = {
            "rows_read": self.rows_read,
            "counted": len(self.frame) - excluded,
            "excluded": excluded,
            "rejected": len(self.rejected_rows),
        }
        if self.tenant is not None:
            counts["other_tenants"] = len(self.other_tenants)
        return counts

    def summary(self) -> str:
        """Where every row went and how the input was read, in a few plain lines."""
        c = self.counts
        others = f", {c['other_tenants']} of other tenants" if self.tenant is not None else ""
        lines = [
            f"{self.source}: {c['rows_read']} row(s) read: {c['counted']} counted, "
            f"{c['excluded']} excluded, {c['rejected']} rejected{others}"
        ]
        if self.details:
            lines.append(f"read as {self.details}")
        if self.mapping:
            pairs = ", ".join(f"{k!r} → {v}" for k, v in self.mapping.items())
            lines.append(f"columns: {pairs}")
        lines.extend(self.notes)
        lines.extend(str(p) for p in self.rejected)
        return "\n".join(lines)


def one_tenant(outages: Outages, tenant: str | None) -> Outages:
    """The windows of the one customer a calculation with ``users=`` is about.

    A table whose rows name several tenants is several customers: calculated as one, their
    windows would add up into one customer's downtime. Without ``tenant`` it is refused, naming
    the tenants; with it, the rows of other tenants are set aside (counted in ``other_tenants``,
    listed in a note) and rows without a tenant, which apply to everyone, are kept.
    """
    named = outages.frame["tenant"]
    tenants = sorted(str(t) for t in named.unique() if t != "")
    if tenant is None:
        if len(tenants) > 1:
            raise InputError(
                f"{outages.source}: the rows name {len(tenants)} tenants ({_some(tenants)}), but "
                "one customer's users were given; give a customers table (--customers, "
                "customers=) to calculate each, or pick one (--tenant NAME, tenant=)"
            )
        return outages
    if tenant not in tenants:
        listed = f"the rows name {_some(tenants)}" if tenants else "the rows name no tenant"
        raise InputError(f"{outages.source}: no row of tenant {tenant!r}; {listed}")
    other = ((named != "") & (named != tenant)).to_numpy(dtype=bool)
    rows = tuple(int(r) for r in outages.frame["row"].to_numpy()[other])
    notes = outages.notes
    if rows:
        notes = (
            *notes,
            f"{len(rows)} row(s) of other tenants set aside (only {tenant!r} is calculated): "
            f"row(s) {first_rows(rows)}",
        )
    return replace(
        outages,
        frame=outages.frame[~other].reset_index(drop=True),
        tenant=tenant,
        other_tenants=rows,
        notes=notes,
    )


def _some(names: list[str], most: int = 5) -> str:
    shown = ", ".join(repr(n) for n in names[:most])
    return shown if len(names) <= most else f"{shown} and {len(names) - most} more"


def empty_frame() -> pd.DataFrame:
    """A normalised outage table with no rows."""
    return normalise_frame(pd.DataFrame({c: [] for c in COLUMNS}))


def normalise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Give an already-valid table the exact dtypes of the normalised layout."""
    return _normalised({name: frame[name] for name in COLUMNS}, len(frame), copy=True)


def _normalised(columns: dict[str, Any], n: int, *, copy: bool) -> pd.DataFrame:
    """The normalised table from its columns (Series or arrays of ``n`` values, by position).

    ``copy=False`` is for arrays made by the check itself: the table then takes them as they are.
    """
    out: dict[str, Any] = {"row": np.asarray(columns["row"], dtype=np.int64)}
    for name in TEXT_COLUMNS:
        column = columns[name]
        if not isinstance(column, pd.Series):
            column = pd.Series(column)
        if n and column.dtype != object and pd.api.types.is_string_dtype(column.dtype):
            # already text: keep it as is rather than round-trip through Python objects
            out[name] = column.fillna("").reset_index(drop=True).astype("str")
        else:
            out[name] = pd.Series(column, dtype=object).fillna("").astype(str).to_numpy()
    for name in ("start", "end"):
        times = columns[name]
        if isinstance(times, pd.Series) and isinstance(times.dtype, pd.DatetimeTZDtype):
            # aware already: convert as a column (to_numpy would give Timestamp objects)
            out[name] = pd.DatetimeIndex(times.dt.tz_convert("UTC")).as_unit("ns")
        else:
            stamps = times.to_numpy() if isinstance(times, pd.Series) else np.asarray(times)
            if stamps.dtype == np.dtype("M8[ns]"):  # UTC instants already: no parse
                out[name] = pd.DatetimeIndex(stamps.view(np.int64), dtype="datetime64[ns, UTC]")
            else:
                out[name] = pd.to_datetime(stamps, utc=True).as_unit("ns")
    for name in ("affected_users", "affected_percent"):
        out[name] = pd.to_numeric(columns[name], errors="raise").astype(np.float64)
        if isinstance(out[name], pd.Series):
            out[name] = out[name].to_numpy()
    return pd.DataFrame(out, index=pd.RangeIndex(n), copy=copy)[list(COLUMNS)]


def read_outages(
    source: TableSource | Outages,
    timezone: str = "UTC",
    *,
    sheet: str | int | None = None,
    as_of: object = None,
    dayfirst: bool | None = None,
    ambiguous: Ambiguous = "raise",
    nonexistent: Nonexistent = "raise",
    licensed_users: int | None = None,
    known_tenants: Collection[str] | None = None,
    known_services: Collection[str] | None = None,
    max_rows: int | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> Outages:
    """Read outage windows from CSV, ``.xlsx`` or JSON (a path, bytes or open file) or a DataFrame.

    Naive times are read in ``timezone`` (an IANA name), unless a header names the zone of its
    column (``Start (UTC)``). ``sheet`` picks an Excel sheet by name or position (default: the
    first). ``as_of`` (an aware datetime or ISO string; naive is read in ``timezone``) closes
    windows that have no end yet. ``dayfirst`` settles ``03/04/2026`` when the table does not.
    ``ambiguous`` and ``nonexistent`` say what to do with local times that a DST change makes
    happen twice or never; ``"raise"`` rejects those rows. ``licensed_users``,
    ``known_tenants`` and ``known_services``, when given, reject rows that do not fit them.
    ``decimal`` and ``thousands`` (as in ``pandas.read_csv``) say how numbers are written
    (``decimal=","``, ``thousands="."`` for ``1.200`` users and ``12,5 %``); without them a
    decimal comma is detected when the table settles it, and noted (:mod:`slacalc.io.numbers`).
    ``columns`` maps headers to fields when the table's own are not recognised
    (``{"Beginn": "start"}``).

    Size: a file is refused above :data:`slacalc.io.tables.MAX_BYTES` bytes or
    :data:`slacalc.io.tables.MAX_FILE_ROWS` rows (1 million; ``max_rows=`` lifts it up to
    :data:`slacalc.io.tables.MAX_ROWS`, 5 million), since it may be an untrusted upload; the other
    limits (columns, workbooks, JSON, times) are in :mod:`slacalc.io.tables` and docs/limits.md.
    A DataFrame is held to ``MAX_ROWS`` unless the program passes ``max_rows=`` (a larger
    number, e.g. ``len(frame)``): it may also have come from an upload, and checking it takes a
    few times the memory of its columns, so accepting more is the caller's explicit decision.

    Rows that cannot be used are returned in ``rejected``; an input that cannot be used at all
    raises :class:`~slacalc.errors.InputError`.
    """
    if isinstance(source, Outages):
        return source
    zone_of(timezone)
    check_policy(ambiguous, nonexistent)
    fmt = number_format(decimal, thousands)
    if licensed_users is not None and (
        isinstance(licensed_users, bool)
        or not isinstance(licensed_users, int | np.integer)
        or licensed_users <= 0
    ):
        raise InputError(f"licensed_users={licensed_users!r}: give a whole number above zero")
    cutoff = None
    if as_of is not None:
        cutoff = parse_instant(as_of, timezone, what="as_of", ambiguous=ambiguous)
    table = read_table(
        source,
        sheet=sheet,
        max_rows=max_rows,
        wanted=holds(OUTAGE_FIELDS, ("start", "end"), columns),
    )
    if not table.headers:
        return _outages(table, None, empty_frame(), list(table.rejected), timezone, cutoff)
    header_map = map_headers(table.headers, OUTAGE_FIELDS, table.source, columns=columns)
    for name in ("start", "end"):
        if name not in header_map.fields:
            found = suggest_missing(table.headers, OUTAGE_FIELDS, name)
            raise MissingColumnError(f"{table.source}: {found}", name, table.headers)
    check = _Check(
        table,
        header_map,
        timezone=timezone,
        as_of=cutoff,
        dayfirst=dayfirst,
        ambiguous=ambiguous,
        nonexistent=nonexistent,
    )
    with ThreadPoolExecutor(max_workers=2) as pool:
        check.start(pool)
        check.times()
        check.numbers(licensed_users, fmt)
        check.texts(known_tenants, known_services)
    check.duplicates()
    return _outages(table, check, check.frame(), check.problems(), timezone, cutoff)


def _outages(
    table: RawTable,
    check: _Check | None,
    frame: pd.DataFrame,
    problems: list[RowProblem],
    timezone: str,
    as_of: pd.Timestamp | None,
) -> Outages:
    notes = [*table.notes]
    mapping: dict[str, str] = {}
    ignored: tuple[str, ...] = ()
    assumed: dict[str, str] = {}
    open_ended: tuple[int, ...] = ()
    if check is not None:
        mapping = check.map.mapping
        ignored = check.map.ignored_headers()
        assumed = check.assumed
        open_ended = tuple(int(r) for r in check.open_rows)
        if check.map.ignored:
            notes.append(f"columns not used: {check.map.describe_ignored()}")
        notes.extend(check.notes)
        if open_ended:
            notes.append(
                f"{len(open_ended)} window(s) with no end counted up to as_of {as_of}: row(s) "
                f"{first_rows(open_ended)}"
            )
    return Outages(
        frame=frame,
        rejected=tuple(problems),
        timezone=timezone,
        mapping=mapping,
        rows_read=table.rows_read,
        source=table.source,
        format=table.format,
        details=table.details,
        sheet=table.sheet,
        dayfirst=None if check is None else check.dayfirst,
        number_format=None if check is None else check.number_format,
        assumed_timezones=assumed,
        as_of=as_of,
        open_ended=open_ended,
        ignored_columns=ignored,
        blank_rows=table.blank_rows,
        notes=tuple(notes),
    )


class _Check:
    """The row checks of one table, column by column; each bad cell becomes one RowProblem."""

    def __init__(
        self,
        table: RawTable,
        header_map: HeaderMap,
        *,
        timezone: str,
        as_of: pd.Timestamp | None,
        dayfirst: bool | None,
        ambiguous: Ambiguous,
        nonexistent: Nonexistent,
    ) -> None:
        self.table = table
        self.map = header_map
        self.n = len(table.cells)
        self.timezone = timezone
        self.as_of = as_of
        self.dayfirst = dayfirst
        self.ambiguous: Ambiguous = ambiguous
        self.nonexistent: Nonexistent = nonexistent
        self.bad = np.zeros(self.n, dtype=bool)
        self.found: list[tuple[np.ndarray, str, np.ndarray]] = []
        self.values: dict[str, Any] = {}
        self.assumed: dict[str, str] = {}
        self.open_mask = np.zeros(self.n, dtype=bool)
        self.notes: list[str] = []
        self.plain: dict[str, pd.Series] = {}
        self.number_format: NumberFormat | None = None
        self.distincts: dict[str, Distinct | None] = {}
        self.pending: dict[str, Future[Distinct | None]] = {}
        self.end_cast: Future[ParsedTimes | None] | None = None
        self.codes: dict[str, np.ndarray | None] = {}
        self.id_check: Future[tuple[Checked, np.ndarray | None]] | None = None
        self.id_prints: np.ndarray | None = None
        self.pairs: Future[np.ndarray | None] | None = None

    def raw(self, name: str) -> pd.Series:
        """The column of a field as read (numbers as plain text once :meth:`numbers` has read
        their format), or an empty column if the table does not have it."""
        if name in self.plain:
            return self.plain[name]
        if name in self.map.fields:
            return self.table.cells[self.map.fields[name]].reset_index(drop=True)
        return pd.Series([None] * self.n, dtype=object)

    def start(self, pool: Executor) -> None:
        """Set going, in ``pool``, the column passes that Arrow runs outside the GIL, so that
        they overlap the checks, in the order the checks need them: the end times' cast (beside
        the start's, in :meth:`times`), the hashes of the numbers (:meth:`numbers`), the ids'
        check and fingerprints, then the other hashes (:meth:`texts`), and last which rows'
        (id, tenant) pairs may repeat (:meth:`_several_windows`)."""
        self.end_cast = pool.submit(parse_aware_column, self.raw("end"))
        for name in _PASSES:
            if name not in self.map.fields:
                continue
            if name == "id":
                self.id_check = pool.submit(_check_ids, self.raw(name))
            else:
                self.pending[name] = pool.submit(distinct, self.raw(name))
        if self.id_check is not None:
            # taken after the passes it waits for, so a worker never waits for a queued one
            tenants = self.pending.get("tenant")
            self.pairs = pool.submit(_pairs_by_codes, self.id_check, tenants)

    def distinct(self, name: str) -> Distinct | None:
        """The distinct values of a field's column as :meth:`raw` gives it, found once (one hash
        pass) and shared by the checks of that column; None when it has none to find."""
        if name in self.pending:
            self.distincts[name] = self.pending.pop(name).result()
        if name not in self.distincts:
            self.distincts[name] = distinct(self.raw(name)) if name in self.map.fields else None
        return self.distincts[name]

    def reject(self, name: str, problem: np.ndarray, failed: np.ndarray | None = None) -> None:
        """Record a reason per cell (``""`` where fine) against the field's column; ``failed``,
        when the check gave it, says which cells have one (no pass over the reasons)."""
        where = np.flatnonzero(problem != "" if failed is None else failed)
        self._found(name, where, problem[where])

    def reject_some(self, name: str, reasons: dict[int, str]) -> None:
        """Record the reasons of a few cells, by position, against the field's column."""
        where = np.array(sorted(reasons), dtype=np.intp)
        self._found(name, where, np.array([reasons[p] for p in where], dtype=object))

    def _found(self, name: str, where: np.ndarray, reasons: np.ndarray) -> None:
        if len(where):
            self.found.append((where, name, reasons))
            self.bad[where] = True

    def times(self) -> None:
        starts, ends = self.raw("start"), self.raw("end")
        # columns of only ISO times with offsets are read in one cast, and hold no d/m/y value;
        # the start's here while a worker casts the end's
        aware = {"start": parse_aware_column(starts)}
        aware["end"] = parse_aware_column(ends) if self.end_cast is None else self.end_cast.result()
        dayfirst = self.dayfirst
        if dayfirst is None:
            dayfirst = infer_dayfirst(
                [raw for name, raw in (("start", starts), ("end", ends)) if aware[name] is None]
            )
            if dayfirst is not None:
                order = "day" if dayfirst else "month"
                self.notes.append(f"dates such as 03/04/2026 read {order} first, as others settle")
            self.dayfirst = dayfirst
        parsed: dict[str, ParsedTimes] = {}
        for name, raw in (("start", starts), ("end", ends)):
            zone = self.map.zones.get(name, self.timezone)
            got = aware[name] or parse_times(
                raw,
                zone,
                dayfirst=dayfirst,
                ambiguous=self.ambiguous,
                nonexistent=self.nonexistent,
                serial_epoch=self.table.serial_epoch,
            )
            parsed[name] = got
            if got.naive.any():
                self.assumed[name] = describe_zone(zone)
            if got.serial.any():
                self.notes.append(
                    f"{int(got.serial.sum())} value(s) in {self.map.header(name)!r} read as Excel "
                    "serial dates"
                )
        # each ParsedTimes was made by this call: their reasons are completed in place
        start, end = parsed["start"], parsed["end"]
        problem = start.problem
        problem[start.empty] = "no start time"
        self.reject("start", problem, start.failed | start.empty)
        begin = start.utc.to_numpy(dtype="M8[ns]")
        finish = end.utc.to_numpy(dtype="M8[ns]")
        # the end's reasons, and which cells have one (each reason set below is not empty)
        problem, failed = end.problem, end.failed
        still_open = end.empty & ~start.empty
        if self.as_of is None:
            problem[end.empty] = (
                "no end time: the window is still open; fill in its end, or "
                f"{advise(('as_of', None))} to count it up to a time you choose"
            )
            failed |= end.empty
        else:
            cut = self.as_of.tz_convert("UTC").tz_localize(None).as_unit("ns").to_datetime64()
            finish = finish.copy()  # the open windows' ends are written in
            finish[still_open] = cut
            late = still_open & (begin >= cut)
            problem[late] = (
                f"no end time, and the start is not before {option_name('as_of')} ({self.as_of})"
            )
            problem[end.empty & start.empty] = "no end time"
            failed |= late | (end.empty & start.empty)
            self.open_mask = still_open
        both = ~failed & ~start.failed & ~start.empty
        order = both & ~np.isnat(finish) & ~np.isnat(begin) & (finish <= begin)
        # the start as text only for the rows that fail (never a whole typed column)
        for i in np.flatnonzero(order):
            problem[i] = f"the end is not after the start ({cell_text(starts.iloc[i])})"
        self.reject("end", problem, failed | order)
        if self.assumed:
            columns = " and ".join(repr(self.map.header(n)) for n in self.assumed)
            zones = ", ".join(sorted(set(self.assumed.values())))
            self.notes.append(f"times without an offset in {columns} read as {zones}")
        self.values["start"], self.values["end"] = begin, finish

    def numbers(self, licensed: int | None, given: NumberFormat | None) -> None:
        names = ("affected_users", "affected_percent")
        columns = [self._distinct_or_raw(n) for n in names if n in self.map.fields]
        fmt, note = choose(given, columns)
        self.number_format = fmt
        if note:
            self.notes.append(note)
        marks: dict[str, np.ndarray] = {}
        for name in names:
            if fmt is not None and name in self.map.fields:
                found = self.distinct(name)
                if found is None:
                    self.plain[name], marks[name] = in_format(self.raw(name), fmt)
                    continue
                text, mark = in_format(found.values, fmt)
                self.plain[name] = pd.Series(text.to_numpy()[found.codes])
                self.distincts[name] = Distinct(text, found.codes)
                marks[name] = mark[found.codes]
        users = check_whole(
            self.raw("affected_users"),
            "users",
            self.distinct("affected_users"),
            formatted=fmt is not None,
        )
        percent = check_percent(self.raw("affected_percent"), self.distinct("affected_percent"))
        failed: dict[str, np.ndarray] = {}
        checks = {"affected_users": users, "affected_percent": percent}
        for name, checked in list(checks.items()):
            failed[name] = checked.problem != "" if checked.failed is None else checked.failed
            if name in marks:
                wrong = marks[name] != ""
                checked.values[wrong] = np.nan
                # a new array of reasons: the check's own may be read-only (found_none)
                problem = np.where(wrong, marks[name], checked.problem)
                checks[name] = replace(checked, problem=problem)
                failed[name] = failed[name] | wrong
        users, percent = checks["affected_users"], checks["affected_percent"]
        problem = users.problem
        counts = users.values.to_numpy(dtype=np.float64)
        if licensed is not None:
            above = ~failed["affected_users"] & (counts > licensed)
            problem = problem.copy()  # users.problem stays the check's own, for _agree
            problem[above] = f"more than the {licensed} licensed users"
            failed["affected_users"] = failed["affected_users"] | above
        self.reject("affected_users", problem, failed["affected_users"])
        self.reject("affected_percent", percent.problem, failed["affected_percent"])
        self.values["affected_users"] = counts
        self.values["affected_percent"] = percent.values.to_numpy(dtype=np.float64)
        if licensed is not None:
            self._agree(users, percent, licensed)
        self._users_source(users.given | percent.given)

    def _distinct_or_raw(self, name: str) -> pd.Series:
        """The column's distinct values if it has them, else the column (for a check whose
        answer does not depend on how often a value occurs)."""
        found = self.distinct(name)
        return self.raw(name) if found is None else found.values

    def _users_source(self, counted: np.ndarray) -> None:
        """Where each row's affected users came from: as stated, else given or assumed all."""
        derived = take(pd.Series([ASSUMED_ALL, GIVEN], dtype="str"), counted.view(np.int8))
        if "users_source" not in self.map.fields:  # nothing stated: no cell to check
            self.values["users_source"] = derived
            return
        stated = check_text(self.raw("users_source"), self.distinct("users_source"))
        said = stated.values.str.strip().str.casefold().to_numpy(dtype=object)
        problem = stated.problem.copy()
        known = np.isin(said, USERS_SOURCES)
        listed = ", ".join(repr(s) for s in USERS_SOURCES)
        problem[(problem == "") & stated.given & ~known] = f"not a users source; one of {listed}"
        problem[(problem == "") & (said == ASSUMED_ALL) & counted] = (
            "says 'assumed all' but the row gives affected users"
        )
        # A feed, a usage report or a sign-in log may state the whole population or cohort
        # ("major outage"; "users of Outlook for Mac", its size measured): the source's count, not
        # an assumption. Only "given" without a count contradicts its row.
        problem[(problem == "") & (said == GIVEN) & ~counted] = (
            "says 'given' but the row gives no affected users; give them, or write 'assumed all'"
        )
        self.reject("users_source", problem)
        self.values["users_source"] = pd.Series(
            np.where(stated.given & known, said, derived.to_numpy(dtype=object)), dtype=object
        )

    def _agree(self, users: Checked, percent: Checked, licensed: int) -> None:
        """Users and percent on one row must say the same thing, to the percent's own decimals."""
        cohort = check_text(self.raw("cohort"), self.distinct("cohort"))
        both = users.given & percent.given & (users.problem == "") & (percent.problem == "")
        both &= ~cohort.given & ~self.bad
        problem = no_problems(self.n)
        percents = self.raw("affected_percent")
        counts = self.values["affected_users"]
        for i in np.flatnonzero(both):
            written = cell_text(percents.iloc[i]).rstrip("% ").strip()
            given = Fraction(written)
            decimals = len(written.partition(".")[2])
            share = Fraction(int(counts[i]) * 100, licensed)
            if abs(share - given) > Fraction(1, 2 * 10**decimals):
                problem[i] = (
                    f"disagrees with affected_users: {int(counts[i])} of {licensed} licensed "
                    f"users is {float(share):.2f} %"
                )
        self.reject("affected_percent", problem)

    def texts(self, tenants: Collection[str] | None, services: Collection[str] | None) -> None:
        for name in ("id", "tenant", "service", "cohort"):
            known = {"tenant": tenants, "service": services}.get(name)
            if name == "id" and self.id_check is not None:
                checked, self.id_prints = self.id_check.result()
            elif name == "id":
                checked = text_cells(self.raw(name))
            elif known is None:
                checked = check_text(self.raw(name), self.distinct(name))
            else:
                allowed = {str(k) for k in known}
                known_text = partial(_known, name, allowed=allowed)
                checked = each_distinct(known_text, self.raw(name), self.distinct(name))
            self.reject(name, checked.problem, checked.failed)
            self.values[name] = checked.values
            self.codes[name] = checked.codes
        self._exclusions()

    def _exclusions(self) -> None:
        """``excluded`` (yes/no or a kind of reason) and ``exclusion_reason`` (free text) give one
        reason per row, ``""`` where the window counts."""
        flag = check_exclusion(self.raw("excluded"), NO_REASON, self.distinct("excluded"))
        self.reject("excluded", flag.problem, flag.failed)
        self.values["excluded"] = flag.values
        if "exclusion_reason" not in self.map.fields:
            return
        why = check_text(self.raw("exclusion_reason"), self.distinct("exclusion_reason"))
        problem = why.problem.copy()
        text = why.values.where(~why.values.str.lower().isin(_NO_REASON_TEXT), "")
        given = (text != "").to_numpy(dtype=bool) & (problem == "")
        if "excluded" in self.map.fields:
            counts = given & (flag.problem == "") & ~flag.given
            problem[counts] = (
                f"a reason, but {self.map.header('excluded')!r} says the window counts; mark it "
                "excluded, or empty the reason"
            )
            given &= ~counts
        self.reject("exclusion_reason", problem)
        self.values["excluded"] = flag.values.where(~given, text)

    def duplicates(self) -> None:
        """Reject repeated rows, and rows of one incident that contradict each other."""
        keep = np.flatnonzero(~self.bad)
        if len(keep) < 2:
            return
        # Rows that repeat or contradict each other share a start and an id: look only at those.
        keep = keep[_repeating(self.values["start"][keep].view(np.int64))]
        if len(keep) > 1:
            pairs = pd.DataFrame(
                {"start": self.values["start"][keep], "id": _at(self.values["id"], keep)}
            )
            keep = keep[pairs.duplicated(keep=False).to_numpy()]
        if len(keep) < 2:
            self._several_windows()
            return
        frame = pd.DataFrame({name: _at(self.values[name], keep) for name in _KEY})
        frame["_pos"] = keep
        repeated = {
            position: f"the same window as row {self.table.rows[first]} (a duplicate)"
            for position, first in _repeated(frame, list(_KEY))
        }
        self.reject_some("id" if "id" in self.map.fields else "start", repeated)
        frame = frame[(frame["id"] != "") & ~self.bad[frame["_pos"].to_numpy()]]
        if len(frame) < 2:
            self._several_windows()
            return
        window = ["id", "tenant", "service", "cohort"]
        starts = frame.groupby([*window, "start"], sort=False)["end"].transform("nunique")
        clash = frame[starts.to_numpy() > 1]
        contradicted: dict[int, str] = {}
        for _, group in clash.groupby([*window, "start"], sort=False):
            rows = [int(self.table.rows[p]) for p in group["_pos"]]
            for position in group["_pos"]:
                contradicted[int(position)] = (
                    f"incident {group['id'].iloc[0]!r} has rows {first_rows(rows)} starting at the "
                    "same time with different ends; keep the one that is right"
                )
        self.reject_some("end", contradicted)
        self._several_windows()

    def _several_windows(self) -> None:
        """Note the incidents with several windows (intermittent), which are allowed."""
        if "id" not in self.map.fields:
            return
        ids, tenants = self.values["id"], self.values["tenant"]
        given = (ids != "").to_numpy(dtype=bool)
        rows = np.flatnonzero(given & ~self.bad)
        # An incident with several windows has rows of one id and tenant: first the rows whose
        # pair's fingerprint may repeat (no hash of a million ids, most of them distinct); a
        # worker found them by the tenants' codes, which hold when their check kept every
        # tenant as written
        maybe = None
        if self.pairs is not None and (
            self.codes.get("tenant") is not None or "tenant" not in self.map.fields
        ):
            maybe = self.pairs.result()
        if maybe is None:
            tenant_prints = fingerprints(tenants)
            if self.id_prints is not None and tenant_prints is not None:
                maybe = _pairs_may_repeat(self.id_prints, tenant_prints, given)
        if maybe is not None:
            rows = rows[maybe[rows]]
        if not len(rows):
            return
        # Counted per incident: the windows of one id for one tenant, whatever their service or
        # cohort (grouping by cohort too counted an incident in two cohorts twice).
        incident = pd.factorize(_at(ids, rows))[0].astype(np.int64)
        tenant = pd.factorize(_at(tenants, rows))[0].astype(np.int64)
        # one number per (id, tenant) pair, in the order the pairs first come
        pair = pd.factorize(incident * (int(tenant.max()) + 1) + tenant)[0]
        windows = np.bincount(pair)
        several = np.flatnonzero(windows > 1)
        if len(several):
            incidents = len(np.unique(incident[np.isin(pair, several)]))
            first = str(ids.iloc[rows[np.argmax(pair == several[0])]])
            self.notes.append(
                f"{incidents} incident(s) have several windows (e.g. {first!r}: "
                f"{int(windows[several[0]])}); each window counts on its own"
            )

    @property
    def open_rows(self) -> np.ndarray:
        """Rows of open windows closed at ``as_of`` that were kept."""
        return np.asarray(self.table.rows[self.open_mask & ~self.bad], dtype=np.int64)

    def problems(self) -> list[RowProblem]:
        """Every problem found, by row and then in the input's column order."""
        order = dict(self.map.fields)
        out: list[tuple[int, int, RowProblem]] = []
        for where, name, reasons in self.found:
            raw = self.raw(name)
            column = self.map.header(name) if name in self.map.fields else name
            for position, reason in zip(where, reasons, strict=True):
                row = int(self.table.rows[position])
                value = cell_text(raw.iloc[position])
                out.append((row, order.get(name, 99), RowProblem(row, column, value, reason, name)))
        out.sort(key=lambda item: item[:2])
        rejected = [p for _, _, p in out]
        return [*self.table.rejected, *rejected] if self.table.rejected else rejected

    def frame(self) -> pd.DataFrame:
        """The rows that passed, in the normalised layout."""
        keep = np.flatnonzero(~self.bad)
        good: dict[str, Any] = {"row": self.table.rows[keep]}
        for name in COLUMNS[1:]:
            values = self.values[name]
            if len(keep) < self.n:
                values = _at(values, keep)
            good[name] = values.reset_index(drop=True) if isinstance(values, pd.Series) else values
        return _normalised(good, len(keep), copy=False)


_KEY = COLUMNS[1:]  # every field but the row number
#: The fields whose columns a worker reads before the checks need them, in the order they are
#: needed: the hash of each (its checks run on its distinct values), but for the ids, whose
#: check and fingerprints run there instead (most ids are distinct: their hash would be for
#: nothing; the duplicate checks find the few that repeat without one).
_PASSES = (
    "affected_users",
    "affected_percent",
    "id",
    "tenant",
    "service",
    "cohort",
    "excluded",
    "exclusion_reason",
    "users_source",
)


def _at(values: pd.Series | np.ndarray, positions: np.ndarray) -> pd.Series | np.ndarray:
    if isinstance(values, pd.Series):
        return take(values, positions)
    return np.asarray(values[positions])


def _repeated(frame: pd.DataFrame, key: list[str]) -> list[tuple[int, int]]:
    """(position, position of its first copy) for every row equal to an earlier one."""
    hashed = pd.util.hash_pandas_object(frame[key], index=False)
    maybe = hashed.duplicated(keep=False).to_numpy()
    if not maybe.any():
        return []
    subset = frame[maybe]
    firsts = subset.groupby(key, sort=False, dropna=False)["_pos"].transform("first")
    return [
        (int(p), int(f)) for p, f in zip(subset["_pos"], firsts, strict=True) if int(p) != int(f)
    ]


def _check_ids(values: pd.Series) -> tuple[Checked, np.ndarray | None]:
    """The id column checked cell by cell (most ids are distinct: a check of the distinct values
    would first hash them all for nothing), and the fingerprints of the ids as checked."""
    checked = text_cells(values)
    return checked, fingerprints(checked.values)


def _pairs_by_codes(
    id_check: Future[tuple[Checked, np.ndarray | None]], tenants: Future[Distinct | None] | None
) -> np.ndarray | None:
    """:func:`_pairs_may_repeat` of the ids' fingerprints and the tenants' codes (all tenants
    one when the table has none), once the passes that find them are done; None without them."""
    checked, prints = id_check.result()
    found = None if tenants is None else tenants.result()
    if prints is None or (tenants is not None and found is None):
        return None
    codes = np.zeros(len(prints), dtype=np.int64) if found is None else found.codes
    return _pairs_may_repeat(prints, codes, checked.given)


def _pairs_may_repeat(ids: np.ndarray, tenants: np.ndarray, given: np.ndarray) -> np.ndarray:
    """Which rows with an id (``given``) may share their (id, tenant) pair with another row,
    from a number per id and per tenant that equal values share: every row that does, and a
    few that do not."""
    rows = np.flatnonzero(given)
    keys = ids[rows] * _MULTIPLIERS[0] ^ tenants[rows].astype(np.uint64)
    out = np.zeros(len(given), dtype=bool)
    out[rows[_may_repeat(keys)]] = True
    return out


def _repeating(keys: np.ndarray) -> np.ndarray:
    """Which of ``keys`` (int64) occur more than once: by comparing neighbours when they are in
    order (as most exports list windows by start), else by hashing them."""
    if len(keys) > 1 and bool(np.all(keys[1:] >= keys[:-1])):
        same = keys[1:] == keys[:-1]
        out = np.zeros(len(keys), dtype=bool)
        out[1:] |= same
        out[:-1] |= same
        return out
    return np.asarray(pd.Series(keys).duplicated(keep=False).to_numpy(), dtype=bool)


def _may_repeat(keys: np.ndarray) -> np.ndarray:
    """Which of ``keys`` (uint64) may occur more than once: every key that does, and a few that
    do not. Equal keys always fall in one bin, so each round keeps the keys whose bin (of at
    most 2**20: a small table of counts) another key shares, and the next round bins the keys
    kept by another multiplier. Cheaper than a hash table of a million keys that are
    mostly distinct; an exact test of the few left follows."""
    kept = np.arange(len(keys))
    left = keys
    for multiplier in _MULTIPLIERS:
        if len(kept) < 2:
            kept = kept[:0]
            break
        bits = min(max(len(kept).bit_length() + 2, 10), 20)
        bins = ((left * multiplier) >> np.uint64(64 - bits)).view(np.int64)  # below 2**20
        shared = np.bincount(bins, minlength=1 << bits)[bins] > 1
        kept, left = kept[shared], left[shared]
    out = np.zeros(len(keys), dtype=bool)
    out[kept] = True
    return out


#: Odd 64-bit constants: multiplying by one spreads a number's bits into the top ones.
_MULTIPLIERS = tuple(
    np.uint64(m)
    for m in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93)
)


def _known(name: str, values: pd.Series, allowed: set[str]) -> Checked:
    """:func:`check_text` of every cell, and a tenant or service outside ``allowed`` refused
    (an empty service means the contract's own)."""
    checked = text_cells(values)
    problem = checked.problem.copy()
    text = checked.values
    outside = (problem == "") & ~text.isin(allowed).to_numpy(dtype=bool)
    if name == "service":
        outside &= checked.given
    for i in np.flatnonzero(outside):
        problem[i] = _unknown(name, str(text.iloc[i]), allowed)
    return Checked(text, checked.given, problem)


def _unknown(name: str, value: str, allowed: set[str]) -> str:
    if not value:
        return f"no {name}; expected one of the known {name}s"
    near = [a for a in allowed if a.casefold() == value.casefold()]
    if near:
        return f"unknown {name} (did you mean {near[0]!r}? names are case-sensitive)"
    return f"unknown {name}: not among the {len(allowed)} known"
