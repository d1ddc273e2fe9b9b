"""Metrics tables in: request counts per interval for error-rate SLAs; each row counted or rejected.

The second kind of input beside outage windows. Where a contract measures availability as an
average error rate over fixed intervals (Amazon S3: five-minute intervals per request type; Azure
Storage: hourly), the evidence is a table of counts, one row per interval and request type:

=====================  ==========================  ===========================================
column                 dtype                       meaning
=====================  ==========================  ===========================================
``row``                int64                       the row number as the user sees it
``tenant``             str ("" if none)            customer (account); "" for a single one
``request_type``       str ("" if none)            request type, e.g. ``GET`` or a storage class
``interval_start``     datetime64[ns, UTC]         the start of the interval
``total_requests``     int64                       requests in the interval
``failed_requests``    int64                       of those, the ones the SLA counts as failed
=====================  ==========================  ===========================================

:func:`read_metrics` reads CSV, ``.xlsx``, JSON records or a DataFrame, like outage windows, and
also the monitoring exports people have at hand: a CloudWatch ``GetMetricData`` response (each
result's ``Id`` is ``total_<type>`` or ``failed_<type>``, so one query holds both counts of each
request type), and an Azure Monitor metrics response (``Transactions`` split by ``ResponseType``
and optionally ``ApiName``: every response type counts toward the requests, the server-error
types ``ServerBusyError``, ``ServerOtherError`` and ``ServerTimeoutError`` toward the failures
unless ``failed_response_types`` names others; the API name is the request type). Rules decided
here:

* A row is rejected, naming its row, column and problem, when its time cannot be read, a count is
  not a whole number of zero or more, or more requests failed than were made.
* Two rows for the same tenant, request type and interval contradict each other: all are rejected,
  since which one is right cannot be known.
* ``counted + rejected == rows_read``; the engine checks that each interval starts on the
  contract's interval grid.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from slacalc.errors import InputError, RowProblem
from slacalc.io.cells import cell_text, check_text, check_whole, first_rows
from slacalc.io.headers import (
    TENANT_SPELLINGS,
    Fields,
    MissingColumnError,
    holds,
    map_headers,
    suggest_missing,
)
from slacalc.io.numbers import NumberFormat, choose, in_format, number_format
from slacalc.io.tables import TableSource, read_table
from slacalc.io.times import (
    Ambiguous,
    Nonexistent,
    check_policy,
    describe_zone,
    infer_dayfirst,
    parse_aware_column,
    parse_times,
    zone_of,
)

#: The fields of a metrics table and the header spellings each is recognised by.
METRIC_FIELDS = Fields(
    spellings={
        "tenant": TENANT_SPELLINGS,
        "request_type": ("request type", "type", "operation", "api", "api name", "storage class"),
        "interval_start": (
            "interval",
            "start",
            "timestamp",
            "time",
            "interval start time",
            "period start",
        ),
        "total_requests": ("total", "requests", "request count", "total count", "transactions"),
        "failed_requests": (
            "failed",
            "errors",
            "error count",
            "failures",
            "server errors",
            "failed transactions",
        ),
    },
    zoned=frozenset({"interval_start"}),
)


@dataclass(frozen=True)
class Metrics:
    """A validated metrics table and the rows that were rejected from it."""

    frame: pd.DataFrame
    rejected: tuple[RowProblem, ...] = ()
    rows_read: int = 0
    source: str = ""
    mapping: dict[str, str] = field(default_factory=dict)
    #: Whether ``03/04/2026`` was read day first (None: no such date, or the table did not settle
    #: it); the decimal and thousands marks counts were read with (None: plain numbers).
    dayfirst: bool | None = None
    number_format: NumberFormat | None = None
    #: The workbook sheet the table was read from ("" for other files).
    sheet: str = ""
    #: How the table was read: the zone assumed, a detected format or day order (for the CLI's
    #: and the app's notes).
    notes: tuple[str, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        """Rows read, counted and rejected: ``counted + rejected == rows_read``."""
        rejected = len({p.row for p in self.rejected})
        return {"rows_read": self.rows_read, "counted": len(self.frame), "rejected": rejected}


#: The fields a metrics table must have.
_REQUIRED = ("interval_start", "total_requests", "failed_requests")

#: Azure Monitor response types counted as failed requests unless the caller names others.
AZURE_SERVER_ERRORS = ("ServerBusyError", "ServerOtherError", "ServerTimeoutError")


def read_metrics(
    source: TableSource | Metrics,
    timezone: str = "UTC",
    *,
    sheet: str | int | None = None,
    failed_response_types: Collection[str] = AZURE_SERVER_ERRORS,
    dayfirst: bool | None = None,
    ambiguous: Ambiguous = "raise",
    nonexistent: Nonexistent = "raise",
    decimal: str | None = None,
    thousands: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> Metrics:
    """Read a metrics table (see the module docstring); naive times are read in ``timezone``.

    ``dayfirst``, ``ambiguous``, ``nonexistent``, ``decimal``, ``thousands`` and ``columns`` are
    those of :func:`~slacalc.io.outages.read_outages`, read by the same code: how ``03/04/2026``
    is read (else settled by the table, and refused when it does not settle it), what to do with
    local times a DST change makes happen twice or never, how numbers are written (``1.234.567``
    requests; a decimal comma is detected when the table settles it, and noted) and which header
    is which field (``{"Zeitpunkt": "interval_start"}``).
    """
    if isinstance(source, Metrics):
        return source
    zone_of(timezone)
    check_policy(ambiguous, nonexistent)
    given = number_format(decimal, thousands)
    exported = _exported(source, {t.casefold() for t in failed_response_types})
    table = read_table(
        exported if exported is not None else source,
        sheet=sheet,
        wanted=holds(METRIC_FIELDS, _REQUIRED, columns),
    )
    header_map = map_headers(table.headers, METRIC_FIELDS, table.source, columns=columns)
    for name in _REQUIRED:
        if name not in header_map.fields:
            missing = suggest_missing(table.headers, METRIC_FIELDS, name)
            raise MissingColumnError(f"{table.source}: {missing}", name, table.headers)
    n = len(table.cells)
    rows = table.rows
    found: list[RowProblem] = list(table.rejected)
    notes = [*table.notes]
    bad = np.zeros(n, dtype=bool)

    def column(name: str) -> pd.Series:
        if name in header_map.fields:
            return table.cells[header_map.fields[name]].reset_index(drop=True)
        return pd.Series([None] * n, dtype=object)

    def reject(name: str, problem: np.ndarray) -> None:
        header = header_map.header(name) if name in header_map.fields else name
        raw = column(name)
        for i in np.flatnonzero(problem != ""):
            found.append(
                RowProblem(int(rows[i]), header, cell_text(raw.iloc[i]), str(problem[i]), name)
            )
            bad[i] = True

    starts = column("interval_start")
    if dayfirst is None and parse_aware_column(starts) is None:
        dayfirst = infer_dayfirst([starts])
        if dayfirst is not None:
            order = "day" if dayfirst else "month"
            notes.append(f"dates such as 03/04/2026 read {order} first, as others settle")
    zone = header_map.zones.get("interval_start", timezone)
    times = parse_times(
        starts,
        zone,
        dayfirst=dayfirst,
        ambiguous=ambiguous,
        nonexistent=nonexistent,
        serial_epoch=table.serial_epoch,
    )
    if times.naive.any():
        notes.append(
            f"times without an offset in {header_map.header('interval_start')!r} read as "
            f"{describe_zone(zone)}"
        )
    problem = times.problem.astype(object).copy()
    problem[(problem == "") & times.empty] = "no interval start"
    reject("interval_start", problem)
    raw_counts = {name: column(name) for name in ("total_requests", "failed_requests")}
    fmt, note = choose(given, raw_counts.values())
    if note:
        notes.append(note)
    counts = {}
    for name, raw in raw_counts.items():
        plain, marks = in_format(raw, fmt)
        checked = check_whole(plain, "requests", formatted=fmt is not None)
        problem = np.where(marks != "", marks, checked.problem)
        problem[(problem == "") & ~checked.given] = "no count of requests"
        reject(name, problem)
        counts[name] = checked.values.to_numpy(dtype=np.float64)
    total, failed = counts["total_requests"], counts["failed_requests"]
    with np.errstate(invalid="ignore"):
        more = ~bad & (failed > total)
    problem = np.where(more, "more failed requests than requests", "").astype(object)
    reject("failed_requests", problem)
    tenant = check_text(column("tenant")).values.fillna("").astype(str)
    kind = check_text(column("request_type")).values.fillna("").astype(str)

    keep = ~bad
    frame = pd.DataFrame(
        {
            "row": np.asarray(rows, dtype=np.int64),
            "tenant": tenant.to_numpy(dtype=object),
            "request_type": kind.to_numpy(dtype=object),
            "interval_start": times.utc.reset_index(drop=True),
            "total_requests": np.nan_to_num(total).astype(np.int64),
            "failed_requests": np.nan_to_num(failed).astype(np.int64),
        }
    )[keep]
    key = ["tenant", "request_type", "interval_start"]
    twice = frame.duplicated(key, keep=False).to_numpy()
    if twice.any():
        header = header_map.header("interval_start")
        for _, group in frame[twice].groupby(key, sort=False):
            listed = first_rows(int(r) for r in group["row"])
            for r, start in zip(group["row"], group["interval_start"], strict=True):
                found.append(
                    RowProblem(
                        int(r),
                        header,
                        start.isoformat(),
                        f"the same interval and request type is on rows {listed}; keep one",
                        "interval_start",
                    )
                )
        frame = frame[~twice]
    return Metrics(
        frame=frame.reset_index(drop=True),
        rejected=tuple(sorted(found, key=lambda p: p.row)),
        rows_read=table.rows_read,
        source=table.source,
        mapping=header_map.mapping,
        dayfirst=dayfirst,
        number_format=fmt,
        sheet=table.sheet,
        notes=tuple(notes),
    )


def _exported(source: TableSource | Metrics, failed: set[str]) -> pd.DataFrame | None:
    """A monitoring export (a JSON file, or its bytes as uploaded) as a metrics table, or None if
    the source is not one."""
    try:
        if isinstance(source, bytes | bytearray) and bytes(source).lstrip()[:1] == b"{":
            data = json.loads(bytes(source).decode("utf-8-sig"))
        elif isinstance(source, str | Path) and str(source).lower().endswith(".json"):
            data = json.loads(Path(source).read_text(encoding="utf-8"))
        else:
            return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None  # not readable as an export: the table reader reports why
    if isinstance(data, dict) and "MetricDataResults" in data:
        return _cloudwatch(data, str(source))
    if isinstance(data, dict) and isinstance(data.get("value"), list):
        return _azure_monitor(data, str(source), failed)
    return None


def _cloudwatch(data: dict[str, Any], origin: str) -> pd.DataFrame:
    """A CloudWatch ``GetMetricData`` response: ``total_<type>`` and ``failed_<type>`` series."""
    counts: dict[tuple[str, str], dict[str, object]] = {}
    for result in data["MetricDataResults"]:
        ident = str(result.get("Id", ""))
        which, _, kind = ident.partition("_")
        if which not in ("total", "failed"):
            raise InputError(
                f"{origin}: MetricDataResults Id {ident!r}: name each query 'total_<type>' or "
                "'failed_<type>' so its counts can be paired"
            )
        stamps, values = result.get("Timestamps", []), result.get("Values", [])
        if len(stamps) != len(values):
            raise InputError(f"{origin}: Id {ident!r}: Timestamps and Values differ in length")
        for stamp, value in zip(stamps, values, strict=True):
            counts.setdefault((kind, str(stamp)), {})[which] = value
    return _counts_frame(counts)


def _azure_monitor(data: dict[str, Any], origin: str, failed: set[str]) -> pd.DataFrame:
    """An Azure Monitor metrics response: each series' dimensions say its API and response type."""
    totals: dict[tuple[str, str], float] = {}
    failures: dict[tuple[str, str], float] = {}
    for metric in data["value"]:
        for series in metric.get("timeseries", []):
            dims = {
                str(d.get("name", {}).get("value", "")).casefold(): str(d.get("value", ""))
                for d in series.get("metadatavalues", [])
            }
            if "responsetype" not in dims:
                raise InputError(
                    f"{origin}: a series without the ResponseType dimension: split the "
                    "Transactions metric by ResponseType so failed requests can be counted"
                )
            is_failed = dims["responsetype"].casefold() in failed
            for point in series.get("data", []):
                key = (dims.get("apiname", ""), str(point.get("timeStamp", "")))
                total = point.get("total")
                if total is None:
                    continue  # no transactions of this response type in the interval
                if isinstance(total, bool) or not isinstance(total, int | float):
                    raise InputError(f"{origin}: {key[1]}: total {total!r} is not a count")
                totals[key] = totals.get(key, 0.0) + total
                failures[key] = failures.get(key, 0.0) + (total if is_failed else 0.0)
    return _counts_frame({k: {"total": v, "failed": failures[k]} for k, v in totals.items()})


def _counts_frame(counts: Mapping[tuple[str, str], Mapping[str, object]]) -> pd.DataFrame:
    """Counts by (request type, interval start) as a metrics table, in that order."""
    ordered = sorted(counts.items())
    return pd.DataFrame(
        {
            "request_type": [k for (k, _), _ in ordered],
            "interval_start": [s for (_, s), _ in ordered],
            "total_requests": [v.get("total") for _, v in ordered],
            "failed_requests": [v.get("failed") for _, v in ordered],
        }
    )
