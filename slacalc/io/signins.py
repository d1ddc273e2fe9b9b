"""Entra ID sign-in logs in: the distinct users of the affected client in each outage window.

A month of sign-ins for 50,000 users is millions of rows, so the log is never held whole: the
admin center's CSV download is read in chunks of :data:`CHUNK_ROWS` rows, and Graph's
``auditLogs/signIns`` JSON one page (document) at a time; what is kept between chunks is one set
of user names per window, bounded by the number of users, not of sign-ins.

For each window and its cohort (a :class:`Client` says which sign-ins are that cohort's: the
application, the client app, the operating system), the log gives:

* ``users_during``: the distinct users who signed in with that client during the window — the
  users the outage could hit, the measured ``affected_users``;
* ``users_before``: the distinct users of that client in the ``cohort_days`` (30) days before the
  window — the cohort's size;
* ``failed_during``: the failed sign-ins (``status.errorCode`` not 0) during the window, as
  supporting evidence.

Columns are recognised by their Graph names (``createdDateTime``, ``userPrincipalName``,
``appDisplayName``, ``clientAppUsed``, ``deviceDetail.operatingSystem``, ``status.errorCode``)
and the admin center's headers (``Date (UTC)``, ``Username``, ``Application``, ``Client app``,
``Operating System``, ``Sign-in error code``).
Reference: https://learn.microsoft.com/graph/api/resources/signin
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from slacalc.errors import InputError
from slacalc.io.feeds.detect import load_documents, records
from slacalc.io.headers import normalise
from slacalc.io.tables import TableSource, _decode, _read_bytes

#: Sign-in rows read per chunk of a CSV log.
CHUNK_ROWS = 200_000

_COLUMNS = {
    "when": ("created date time", "date utc", "date"),
    "user": ("user principal name", "username", "user"),
    "app": ("app display name", "application"),
    "client": ("client app used", "client app"),
    "os": ("device detail operating system", "operating system"),
    "error": ("status error code", "sign in error code", "error code"),
}


@dataclass(frozen=True)
class Client:
    """Which sign-ins belong to a cohort: each given part must be in the sign-in (any case).

    ``Client(app="Outlook", os=("iOS", "Android"))`` is Outlook on a phone.
    """

    app: str = ""
    client: str = ""
    os: tuple[str, ...] = ()


#: The Email apps usage report's mobile and Mac cohorts, as sign-ins show them.
EMAIL_CLIENTS = {
    "Outlook for Mobile": Client(app="Outlook", os=("iOS", "Android")),
    "Outlook for Mac": Client(app="Outlook", os=("MacOs", "Mac OS", "macOS")),
}


@dataclass(frozen=True)
class SigninSummary:
    """Per window: distinct users during it and before it, failed sign-ins; and what was read."""

    windows: pd.DataFrame
    rows_read: int
    rows_used: int
    source: str
    notes: tuple[str, ...] = field(default=())

    @property
    def cohorts(self) -> dict[str, int]:
        """Each cohort's size: its distinct users in the days before its first window, or the
        most users one of its windows hit if that is more (a cohort is never smaller)."""
        first = self.windows.sort_values("start").drop_duplicates("cohort")
        sizes = dict(zip(first["cohort"], first["users_before"].astype(int), strict=True))
        for cohort, hit in self.windows.groupby("cohort")["users_during"].max().items():
            sizes[str(cohort)] = max(sizes.get(str(cohort), 0), int(hit))
        return sizes

    def summary(self) -> str:
        """What was read, and the users found per window, in plain lines."""
        lines = [
            f"{self.source}: {self.rows_read:,} sign-in(s) read, {self.rows_used:,} of the "
            "affected clients"
        ]
        lines.extend(
            f"{r.id} {r.cohort}: {r.users_during:,} user(s) signed in during the window, "
            f"{r.users_before:,} in the {r.cohort_days} days before, {r.failed_during:,} failed "
            "sign-in(s) during it"
            for r in self.windows.itertuples()
        )
        lines.extend(self.notes)
        return "\n".join(lines)


def summarise_signins(
    source: TableSource,
    windows: pd.DataFrame,
    clients: Mapping[str, Client] | None = None,
    *,
    cohort_days: int = 30,
    chunk_rows: int = CHUNK_ROWS,
) -> SigninSummary:
    """Count the users of each window's cohort in a sign-in log (CSV or Graph JSON).

    ``windows`` has ``id``, ``cohort``, ``start`` and ``end`` (aware); only windows whose cohort
    has a :class:`Client` in ``clients`` (default :data:`EMAIL_CLIENTS`) are counted.
    """
    rules = dict(EMAIL_CLIENTS if clients is None else clients)
    wanted = windows[windows["cohort"].isin(list(rules))].reset_index(drop=True)
    if wanted.empty:
        known = ", ".join(rules)
        raise InputError(f"sign-in log: no window has a cohort it can count ({known})")
    starts = pd.DatetimeIndex(wanted["start"]).tz_convert("UTC")
    ends = pd.DatetimeIndex(wanted["end"]).tz_convert("UTC")
    before = starts - pd.Timedelta(days=cohort_days)
    during: list[set[str]] = [set() for _ in range(len(wanted))]
    earlier: list[set[str]] = [set() for _ in range(len(wanted))]
    failed = np.zeros(len(wanted), dtype=np.int64)
    read = used = 0
    origin = ""
    for chunk, origin in _chunks(source, chunk_rows):
        read += len(chunk)
        when = pd.DatetimeIndex(pd.to_datetime(chunk["when"], utc=True, errors="coerce"))
        bad = int(np.count_nonzero(when.isna()))
        if bad:
            raise InputError(f"{origin}: {bad} sign-in(s) with no readable time")
        users = chunk["user"].str.casefold()
        any_rule = np.zeros(len(chunk), dtype=bool)
        errors = chunk["error"].fillna("0").astype(str) != "0"
        for i, cohort in enumerate(wanted["cohort"]):
            match = _matches(chunk, rules[str(cohort)])
            any_rule |= match
            inside = match & (when >= starts[i]) & (when < ends[i])
            during[i].update(users[inside])
            failed[i] += int((inside & errors.to_numpy(dtype=bool)).sum())
            earlier[i].update(users[match & (when >= before[i]) & (when < starts[i])])
        used += int(any_rule.sum())
    out = wanted[["id", "cohort", "start", "end"]].copy()
    out["users_during"] = [len(s) for s in during]
    out["users_before"] = [len(s) for s in earlier]
    out["failed_during"] = failed
    out["cohort_days"] = cohort_days
    return SigninSummary(windows=out, rows_read=read, rows_used=used, source=origin)


def apply_signins(frame: pd.DataFrame, summary: SigninSummary) -> pd.DataFrame:
    """The outage windows with ``affected_users`` measured from the log (``users_source``)."""
    out = frame.copy()
    found = summary.windows.set_index(["id", "cohort", "start"])["users_during"]
    for position, key in enumerate(zip(out["id"], out["cohort"], out["start"], strict=True)):
        if key in found.index and pd.isna(out["affected_users"].iloc[position]):
            out.loc[out.index[position], "affected_users"] = float(found[key])
            out.loc[out.index[position], "affected_percent"] = float("nan")
            out.loc[out.index[position], "users_source"] = "sign-in log"
    return out


def _matches(chunk: pd.DataFrame, rule: Client) -> np.ndarray:
    match = np.ones(len(chunk), dtype=bool)
    for column, wanted in (("app", (rule.app,)), ("client", (rule.client,)), ("os", rule.os)):
        parts = [w for w in wanted if w]
        if parts:
            text = chunk[column].fillna("").str.casefold()
            hit = np.zeros(len(chunk), dtype=bool)
            for part in parts:
                hit |= text.str.contains(part.casefold(), regex=False).to_numpy(dtype=bool)
            match &= hit
    return match


def _chunks(source: TableSource, chunk_rows: int) -> Iterator[tuple[pd.DataFrame, str]]:
    """The log as frames of the six columns, a chunk (CSV) or a page (JSON) at a time.

    A CSV file on disk is read from the disk a chunk at a time, never whole, whatever its size;
    bytes, an open file and JSON are read whole first (within the size limit of uploads).
    """
    path = Path(source) if isinstance(source, str | os.PathLike) else None
    if path is not None and path.suffix.lower() in (".csv", ".tsv") and path.is_file():
        origin = str(path)
        reader = pd.read_csv(
            path, dtype=str, chunksize=chunk_rows, keep_default_na=False, encoding="utf-8-sig"
        )
        yield from _csv_chunks(reader, origin)
        return
    data, name = _read_bytes(source)
    origin = name or "the sign-in log"
    if data.lstrip()[:1] in (b"{", b"["):
        documents, _ = load_documents(data)
        for document in documents:
            yield _page(records(document)), origin
        return
    text, _ = _decode(data, origin)
    reader = pd.read_csv(io.StringIO(text), dtype=str, chunksize=chunk_rows, keep_default_na=False)
    yield from _csv_chunks(reader, origin)


def _csv_chunks(reader: Iterable[pd.DataFrame], origin: str) -> Iterator[tuple[pd.DataFrame, str]]:
    """Each chunk of a CSV log with its columns named as :data:`_COLUMNS` (missing ones empty)."""
    columns: dict[str, str] | None = None
    chunks = iter(reader)
    while True:
        try:
            chunk = next(chunks)
        except StopIteration:
            return
        except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
            raise InputError(f"{origin}: not a readable CSV sign-in log: {exc}") from None
        if columns is None:
            columns = _find_columns(list(chunk.columns), origin)
        named = chunk.rename(columns={v: k for k, v in columns.items() if v})
        for key in _COLUMNS:
            if key not in named:
                named[key] = ""
        yield named[list(_COLUMNS)], origin


def _find_columns(headers: list[str], origin: str) -> dict[str, str]:
    by_name = {normalise(h): h for h in headers}
    found: dict[str, str] = {}
    for key, spellings in _COLUMNS.items():
        hit = next((by_name[s] for s in spellings if s in by_name), None)
        if hit is None and key in ("when", "user"):
            raise InputError(f"{origin}: not a sign-in log: no {spellings[0]!r} column")
        if hit is not None:
            found[key] = hit
    for key in _COLUMNS:
        found.setdefault(key, "")
    return found


def _page(items: list[dict[str, object]]) -> pd.DataFrame:
    def nested(record: dict[str, object], outer: str, inner: str) -> str:
        value = record.get(outer)
        return str(value.get(inner, "") or "") if isinstance(value, dict) else ""

    return pd.DataFrame(
        {
            "when": [str(r.get("createdDateTime", "")) for r in items],
            "user": [str(r.get("userPrincipalName", "") or "") for r in items],
            "app": [str(r.get("appDisplayName", "") or "") for r in items],
            "client": [str(r.get("clientAppUsed", "") or "") for r in items],
            "os": [nested(r, "deviceDetail", "operatingSystem") for r in items],
            "error": [nested(r, "status", "errorCode") or "0" for r in items],
        },
        dtype=object,
    )
