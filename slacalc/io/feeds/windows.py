"""What every feed importer produces: windows in slacalc's outage columns, with their evidence.

An importer turns a provider's records into :class:`Window` values, each carrying the feed's own
service name and words. :func:`finish` then does what is common to every feed:

* the feed's service name becomes the contract's service, through the user's mapping first
  (:class:`ServiceMap`, ``--service-map FILE``), then the contracts' ``feed_names``; a name that
  fits no contract is reported with the closest known name and left as it is (so the calculation
  names it, row and column, rather than dropping it);
* with a contract given, a window of a service the contract does not cover is not counted, with
  the reason, never dropped;
* an open window is closed at ``as_of`` when one is given (and listed), and otherwise left open so
  that reading it refuses it with the usual message.

Two reasons keep a window out, and they differ: ``excluded`` is the SLA's exclusion (scheduled
maintenance), whose time leaves the measured period as the contract says; ``not_counted`` is a
window that is not downtime at all (an advisory, degraded performance, another contract's
service, a share of users not yet given): it is kept and shown with its reason, but it is no
outage row, so it neither counts nor shortens the period.

The result, :class:`ImportedWindows`, holds the windows frame (the outage columns, ready for
:func:`slacalc.io.outages.read_outages`), beside it per window its source and the feed's words,
the records that gave no window at all with the reason, the mapping applied and the questions the
feed leaves open (a partial outage's share of users).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Any

import numpy as np
import pandas as pd

from slacalc.errors import InputError
from slacalc.io.cells import cell_text
from slacalc.io.tables import TableSource, read_table
from slacalc.io.wording import advise
from slacalc.model.contract import Contract, list_contracts, load_contract

#: Where a window's affected users come from (the ``users_source`` outage column).
USERS_SOURCES = ("given", "usage report", "sign-in log", "feed", "assumed all")

#: The columns of :attr:`ImportedWindows.frame`: the outage columns, then the evidence.
FRAME_COLUMNS = (
    "id",
    "start",
    "end",
    "tenant",
    "service",
    "cohort",
    "affected_users",
    "affected_percent",
    "excluded",
    "users_source",
    "not_counted",
    "source",
    "evidence",
)
#: The columns :func:`slacalc.io.outages.read_outages` reads.
OUTAGE_COLUMNS = FRAME_COLUMNS[:10]

_DOTNET_DATE = re.compile(r"^/Date\((?P<ms>-?\d+)(?:[+-]\d{4})?\)/$")


@dataclass(frozen=True)
class Window:
    """One window as an importer reads it, before names are mapped to contracts.

    ``name`` is the feed's service name (``alias`` another name the feed gives it, used when
    ``name`` is not known) and ``feature`` its finer name (Graph's feature, AWS's region), used
    only to look up a mapping. ``percent`` is the share of
    users hit when the feed says it (``None``: all of them, or as mapped).
    """

    id: str
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    name: str = ""
    alias: str = ""
    feature: str = ""
    tenant: str = ""
    cohort: str = ""
    percent: Decimal | None = None
    users_source: str = "assumed all"
    excluded: str = ""
    not_counted: str = ""
    source: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class Skipped:
    """A feed record that gave no window, and why (nothing is dropped without a reason)."""

    id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.id}: {self.reason}"


@dataclass(frozen=True)
class ImportedWindows:
    """The windows a feed gave, how they were read, and what it leaves for the user to say."""

    frame: pd.DataFrame
    format: str
    source: str = ""
    skipped: tuple[Skipped, ...] = ()
    mapping: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()

    @property
    def outages(self) -> pd.DataFrame:
        """The outage rows (counted or SLA-excluded), for :func:`.read_outages`."""
        rows = self.frame[self.frame["not_counted"] == ""]
        return rows[list(OUTAGE_COLUMNS)].reset_index(drop=True)

    @property
    def evidence(self) -> dict[int, str]:
        """The feed's words for each row of :attr:`outages`, by its row number there (from 1),
        as :func:`.read_outages` numbers the rows of a DataFrame."""
        words = self.frame.loc[self.frame["not_counted"] == "", "evidence"].tolist()
        return {i: str(w) for i, w in enumerate(words, start=1) if w}

    @property
    def counted(self) -> pd.DataFrame:
        """Windows that count as downtime."""
        return self.frame[(self.frame["excluded"] == "") & (self.frame["not_counted"] == "")]

    @property
    def not_counted(self) -> pd.DataFrame:
        """Windows that are not downtime, each with its reason in ``not_counted``."""
        return self.frame[self.frame["not_counted"] != ""]

    def summary(self) -> str:
        """What was found, excluded and mapped, in a few plain lines."""
        excluded = self.frame[self.frame["excluded"] != ""]
        ignored = self.not_counted
        lines = [
            f"{self.source or 'feed'}: read as {self.format}: {len(self.frame)} window(s): "
            f"{len(self.counted)} counted, {len(excluded)} SLA-excluded (maintenance), "
            f"{len(ignored)} not downtime; {len(self.skipped)} record(s) gave no window"
        ]
        if self.mapping:
            pairs = ", ".join(f"{k!r} → {v}" for k, v in self.mapping.items())
            lines.append(f"services: {pairs}")
        for label, rows, column in (
            ("excluded", excluded, "excluded"),
            ("not counted", ignored, "not_counted"),
        ):
            lines.extend(
                f"{label} {key} ({service or 'no service'}): {why}"
                for key, service, why in zip(rows["id"], rows["service"], rows[column], strict=True)
            )
        lines.extend(f"no window: {s}" for s in self.skipped)
        lines.extend(self.notes)
        lines.extend(f"to answer: {q}" for q in self.questions)
        return "\n".join(dict.fromkeys(lines))  # a component's windows share their reason


# Times -----------------------------------------------------------------------------------------


def share_question(windows: Iterable[Window], unknown: str, what: str) -> list[str]:
    """The question a feed leaves open when some of its ``windows`` are not counted because the
    share of users ``what`` cut off is not given (their ``not_counted`` is ``unknown``): asked in
    the interface's own words for ``partial_share``. Empty when nothing waits for it."""
    if not any(w.not_counted == unknown for w in windows):
        return []
    return [f"what percent of users did {what} cut off? ({advise(('partial_share', None))})"]


def feed_time(value: Any, what: str) -> pd.Timestamp | None:
    """A feed's time as an aware UTC timestamp; ``None`` when the feed gives none.

    Feeds write times as ISO 8601 with an offset, epoch seconds (AWS's API and CLI v1 give floats
    such as ``1586473044.284``, read exactly to the millisecond), RFC 1123 (``Sat, 04 Jun 2016
    05:01:10 GMT`` in AWS EventBridge events) or .NET's ``/Date(ms)/`` (old PowerShell). A time
    without an offset is refused: a feed that does not say its zone cannot be read safely.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise InputError(f"{what}: {value!r} is not a time")
    if isinstance(value, int | float):
        try:
            nanos = int(Decimal(repr(value)) * 10**9)
        except InvalidOperation:
            raise InputError(f"{what}: {value!r} is not a time") from None
        return pd.Timestamp(nanos, unit="ns", tz="UTC")
    text = str(value).strip()
    dotnet = _DOTNET_DATE.match(text)
    if dotnet:
        return pd.Timestamp(int(dotnet["ms"]), unit="ms", tz="UTC")
    parsed: datetime | pd.Timestamp
    try:
        parsed = pd.Timestamp(text)
    except (ValueError, OverflowError):
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            raise InputError(f"{what}: {text!r} is not a time slacalc reads") from None
    if parsed.tzinfo is None:
        raise InputError(f"{what}: {text!r} has no time zone; a feed's times must say theirs")
    return pd.Timestamp(parsed).tz_convert(UTC)


# Names -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapRule:
    """One row of a user's service map: feed name (and feature) → service and cohorts."""

    name: str
    feature: str
    service: str
    cohorts: tuple[str, ...]


@dataclass(frozen=True)
class ServiceMap:
    """The user's mapping of a feed's names to services (contract ids) and cohorts.

    A CSV (or ``.xlsx``/JSON) table with columns ``feed_name``, ``service`` and optionally
    ``feature`` and ``cohort``; ``cohort`` may list several cohorts separated by ``;`` (one
    window each). A rule with a feature applies only to that feature; one without, to every
    feature of the name.
    """

    rules: tuple[MapRule, ...] = ()

    def find(self, name: str, feature: str) -> MapRule | None:
        """The rule for a name and feature: the feature's own rule first, then the name's."""
        key, sub = name.casefold(), feature.casefold()
        for want_feature in (True, False):
            for rule in self.rules:
                if rule.name.casefold() != key:
                    continue
                if (
                    (rule.feature.casefold() == sub and rule.feature)
                    if want_feature
                    else not (rule.feature)
                ):
                    return rule
        return None


def read_service_map(source: TableSource | Mapping[str, str] | ServiceMap) -> ServiceMap:
    """A :class:`ServiceMap` from a table file, or from a plain ``{feed name: service}`` dict."""
    if isinstance(source, ServiceMap):
        return source
    if isinstance(source, Mapping):
        return ServiceMap(tuple(MapRule(str(k), "", str(v), ()) for k, v in source.items()))
    table = read_table(source)
    headers = {h.strip().casefold().replace(" ", "_"): i for i, h in enumerate(table.headers)}
    missing = [c for c in ("feed_name", "service") if c not in headers]
    if missing:
        raise InputError(
            f"{table.source}: a service map needs columns feed_name and service (and optionally "
            f"feature, cohort); missing {', '.join(missing)}"
        )
    rules = []
    for position, row in enumerate(table.cells.itertuples(index=False)):

        def cell(column: str, row: tuple[Any, ...] = row) -> str:
            return cell_text(row[headers[column]]).strip() if column in headers else ""

        name, service = cell("feed_name"), cell("service")
        if not name or not service:
            raise InputError(
                f"{table.source}: row {int(table.rows[position])}: give both feed_name and service"
            )
        cohorts = tuple(c.strip() for c in cell("cohort").split(";") if c.strip())
        rules.append(MapRule(name, cell("feature"), service, cohorts))
    return ServiceMap(tuple(rules))


def _known_names(contracts: Iterable[Contract]) -> dict[str, list[str]]:
    """Feed name (case-folded) → the ids of the contracts whose feeds use it."""
    known: dict[str, list[str]] = {}
    for contract in contracts:
        for name in contract.feed_names:
            known.setdefault(name.casefold(), []).append(contract.id)
    return known


def closest(name: str, candidates: Collection[str]) -> str:
    """The known name nearest to ``name`` (for "did you mean"), or ``""`` if none is near."""
    folded = {c.casefold(): c for c in candidates}
    near = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.5)
    return folded[near[0]] if near else ""


# The common last step ----------------------------------------------------------------------------


def finish(
    windows: Iterable[Window],
    feed_format: str,
    *,
    origin: str,
    contract: str | Contract | None = None,
    service_map: ServiceMap | None = None,
    as_of: pd.Timestamp | None = None,
    skipped: Iterable[Skipped] = (),
    notes: Iterable[str] = (),
    questions: Iterable[str] = (),
) -> ImportedWindows:
    """Map names, close open windows at ``as_of`` and build the :class:`ImportedWindows`."""
    chosen = None if contract is None else load_contract(contract)
    pool = [chosen] if chosen is not None else [load_contract(c) for c in list_contracts()]
    known = _known_names(pool)
    rules = service_map or ServiceMap()
    all_names = sorted({n for c in pool for n in c.feed_names} | {r.name for r in rules.rules})
    mapping: dict[str, str] = {}
    unknown: dict[str, str] = {}
    rows: list[Window] = []
    opened: list[str] = []
    for window in windows:
        mapped = _map(window, rules, known, chosen, mapping, unknown, all_names)
        for one in mapped:
            if (
                one.end is None
                and one.start is not None
                and as_of is not None
                and one.start < as_of
            ):
                one = replace(one, end=as_of)
                opened.append(one.id)
            rows.append(one)
    extra = list(notes)
    # two of the feed's names for one contract (Gmail and Drive, both Google Workspace) give the
    # same window twice: it is one outage of that contract, read once
    same: dict[tuple[object, ...], Window] = {}
    for w in rows:
        same.setdefault((w.id, w.start, w.end, w.tenant, w.name, w.cohort, w.percent), w)
    if len(same) < len(rows):
        extra.append(
            f"{len(rows) - len(same)} window(s) repeated once their names were mapped to "
            "contracts (one incident naming several services of one contract); each read once"
        )
        kept = {id(w) for w in same.values()}
        rows = [w for w in rows if id(w) in kept]
    for name, near in unknown.items():
        hint = f" (closest known: {near!r})" if near else ""
        extra.append(
            f"unknown service name {name!r}{hint}: no contract lists it in feed_names; map it "
            "with a service map (--service-map FILE)"
        )
    if opened:
        extra.append(
            f"{len(opened)} open window(s) counted up to as_of {as_of}: {', '.join(opened)}"
        )
    return ImportedWindows(
        frame=_frame(rows),
        format=feed_format,
        source=origin,
        skipped=tuple(skipped),
        mapping=mapping,
        notes=tuple(extra),
        questions=tuple(dict.fromkeys(questions)),
    )


def _map(
    window: Window,
    rules: ServiceMap,
    known: Mapping[str, list[str]],
    chosen: Contract | None,
    mapping: dict[str, str],
    unknown: dict[str, str],
    all_names: list[str],
) -> list[Window]:
    """The window under its contract's service name (and cohorts, if the user's map says)."""
    if (
        window.alias
        and rules.find(window.name, window.feature) is None
        and window.name.casefold() not in known
        and (window.alias.casefold() in known or rules.find(window.alias, window.feature))
    ):
        window = replace(window, name=window.alias)
    label = window.name if not window.feature else f"{window.name} / {window.feature}"
    rule = rules.find(window.name, window.feature) if window.name else None
    if rule is not None:
        mapping[label if rule.feature else window.name] = rule.service + (
            f" (cohorts {', '.join(rule.cohorts)})" if rule.cohorts else ""
        )
        cohorts = rule.cohorts or (window.cohort,)
        return [replace(window, name=rule.service, cohort=c) for c in cohorts]
    if not window.name:
        return [window]
    ids = known.get(window.name.casefold(), [])
    if chosen is not None:
        if chosen.id in ids:
            mapping[window.name] = chosen.id
            return [replace(window, name=chosen.id)]
        if chosen.feed_names:
            names = ", ".join(map(repr, chosen.feed_names))
            why = f"{window.name}: not a service of {chosen.id} (its feeds call it {names})"
        else:
            why = f"{window.name}: {chosen.id} lists no feed names; map it with a service map"
        return [replace(window, not_counted=window.not_counted or why)]
    if len(ids) == 1:
        mapping[window.name] = ids[0]
        return [replace(window, name=ids[0])]
    if len(ids) > 1:
        unknown.setdefault(window.name, f"one of {', '.join(ids)}: give --contract")
        return [window]
    unknown.setdefault(window.name, closest(window.name, all_names))
    return [window]


def _frame(rows: list[Window]) -> pd.DataFrame:
    def stamps(values: list[pd.Timestamp | None]) -> pd.Series:
        nanos = [v.as_unit("ns").value if v is not None else pd.NaT.value for v in values]
        moments = np.array(nanos, dtype=np.int64).view("M8[ns]")
        return pd.Series(pd.DatetimeIndex(moments).tz_localize("UTC"))

    return pd.DataFrame(
        {
            "id": pd.Series([w.id for w in rows], dtype=object),
            "start": stamps([w.start for w in rows]),
            "end": stamps([w.end for w in rows]),
            "tenant": pd.Series([w.tenant for w in rows], dtype=object),
            "service": pd.Series([w.name for w in rows], dtype=object),
            "cohort": pd.Series([w.cohort for w in rows], dtype=object),
            "affected_users": pd.Series([float("nan")] * len(rows), dtype="float64"),
            "affected_percent": pd.Series(
                [float(w.percent) if w.percent is not None else float("nan") for w in rows],
                dtype="float64",
            ),
            "excluded": pd.Series([w.excluded for w in rows], dtype=object),
            "users_source": pd.Series([w.users_source for w in rows], dtype=object),
            "not_counted": pd.Series([w.not_counted for w in rows], dtype=object),
            "source": pd.Series([w.source for w in rows], dtype=object),
            "evidence": pd.Series([w.evidence for w in rows], dtype=object),
        },
        columns=list(FRAME_COLUMNS),
    )


def mark_measured(frame: pd.DataFrame, cohorts: Collection[str], how: str) -> pd.DataFrame:
    """The windows, with ``users_source`` set to ``how`` where the cohort's size is measured.

    A window that hits a whole cohort (no count or percent of its own) of a measured size has
    its affected users from that measurement (``"usage report"``, ``"sign-in log"``); a window
    of the whole population, or with a count given, keeps its own source.
    """
    if how not in USERS_SOURCES:
        raise InputError(f"users source {how!r}: give one of {', '.join(USERS_SOURCES)}")
    out = frame.copy()
    measured = (
        out["cohort"].isin(list(cohorts))
        & (out["cohort"] != "")
        & out["affected_users"].isna()
        & (out["users_source"] == "assumed all")
    )
    out.loc[measured, "users_source"] = how
    return out


def users_line(frame: pd.DataFrame) -> str:
    """Where the windows' affected users come from, counted: ``3 assumed all, 1 feed``."""
    counts = frame["users_source"].value_counts()
    parts = [f"{int(counts[k])} {k}" for k in USERS_SOURCES if k in counts.index]
    return "affected users per window: " + (", ".join(parts) or "no windows")


def windows_csv(frame: pd.DataFrame, *, evidence: bool = False) -> str:
    """The windows as the outage CSV slacalc reads (times in ISO 8601 UTC).

    ``evidence`` adds the ``source`` and ``evidence`` columns, which reading lists as not used.
    """
    columns = [*OUTAGE_COLUMNS, *(("source", "evidence") if evidence else ())]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in frame[columns].itertuples(index=False):
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if isinstance(value, pd.Timestamp):
        return value.isoformat().replace("+00:00", "Z")
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is pd.NaT else str(value)
