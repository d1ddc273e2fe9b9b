"""The evidence of a portfolio's results as files: Parquet (typed, for tools) and CSV (for people).

Beside the liability workbook (:func:`slacalc.excel.export_liability`), which holds one row per
tenant and period, ``write_evidence`` writes what those rows rest on:

- ``windows``: the outage windows as read, one row per input row, with why a row was excluded;
- ``downtime``: the downtime that counted, merged per tenant and period, with incident ids;
- ``excluded``: time a tenant's own excluded windows removed from measurement, with the reason;
- ``maintenance``: the contracts' scheduled maintenance, once per contract and period (it is the
  same for every tenant on the contract, so it is not repeated for each);
- ``rejected``: every input row that could not be used, naming the row, column and problem.

Each table is written as ``NAME.parquet`` and ``NAME.csv``. In the CSV files times are ISO 8601
in UTC, and several incident ids share a cell, joined by ``;`` as in the results' CSV.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pendulum
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pyarrow import csv

from slacalc.engine.maintenance import maintenance_reason, maintenance_windows
from slacalc.engine.results import Results
from slacalc.errors import SlacalcError
from slacalc.report.export import ID_SEPARATOR

#: CSV cells quoted only where they need it, as a person writes them.
_CSV = csv.WriteOptions(quoting_style="needed")

#: The tables written, in order.
NAMES = ("windows", "downtime", "excluded", "maintenance", "rejected")


def write_evidence(results: Results, folder: str | os.PathLike[str]) -> list[Path]:
    """Write the evidence tables of ``results`` into ``folder`` (made if missing); return the
    paths written, Parquet then CSV for each table of :data:`NAMES`."""
    where = Path(folder)
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SlacalcError(f"--evidence: cannot make {where}: {exc.strerror}") from None
    excluded, maintenance = split_maintenance(results)
    frames = {
        "windows": results.outages.frame,
        "downtime": results.evidence,
        "excluded": excluded,
        "maintenance": maintenance,
        "rejected": rejected(results),
    }
    written: list[Path] = []
    for name in NAMES:
        frame = frames[name]
        try:
            pq.write_table(
                pa.Table.from_pandas(frame, preserve_index=False), where / f"{name}.parquet"
            )
            csv.write_csv(_csv(frame), where / f"{name}.csv", _CSV)
        except OSError as exc:
            raise SlacalcError(f"--evidence: cannot write {where / name}: {exc.strerror}") from None
        written += [where / f"{name}.parquet", where / f"{name}.csv"]
    return written


def split_maintenance(results: Results) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The exclusions as (a tenant's own excluded time, the contracts' scheduled maintenance once
    per contract and period).

    A piece is maintenance when it carries the reason of one of its contract's maintenance
    windows and lies within such a window; the maintenance table drops the tenant and service
    columns and keeps each distinct piece once.
    """
    frame = results.exclusions
    is_maintenance = np.zeros(len(frame), dtype=bool)
    contracts = frame["contract"].astype(str).to_numpy()
    reasons = frame["reason"].astype(str).to_numpy()
    starts = _epoch_seconds(frame["start"])
    ends = _epoch_seconds(frame["end"])
    for contract_id in np.unique(contracts).tolist():
        contract = results.contracts[contract_id]
        known = {maintenance_reason(w) for w in contract.maintenance}
        mine = np.flatnonzero((contracts == contract_id) & np.isin(reasons, list(known)))
        if not len(mine):
            continue
        first = pendulum.from_timestamp(int(starts[mine].min()))
        last = pendulum.from_timestamp(int(ends[mine].max()))
        m_start, m_end, m_reason = maintenance_windows(contract, first, last)
        if not len(m_start):
            continue
        order = np.argsort(m_start, kind="stable")
        m_start, m_end = m_start[order], m_end[order]
        m_reason_sorted = np.asarray(m_reason, dtype=object)[order]
        at = np.searchsorted(m_start, starts[mine], side="right") - 1
        inside = at >= 0
        at = np.maximum(at, 0)
        inside &= ends[mine] <= m_end[at]
        inside &= m_reason_sorted[at] == reasons[mine]
        is_maintenance[mine[inside]] = True
    own = frame[~is_maintenance].reset_index(drop=True)
    shared = (
        frame[is_maintenance]
        .drop(columns=["tenant", "service"])
        .drop_duplicates(ignore_index=True)
        .sort_values(["contract", "start", "period"], kind="stable", ignore_index=True)
    )
    return own, shared


def rejected(results: Results) -> pd.DataFrame:
    """Every rejected input row: its table, row, column, value and problem."""
    problems = [("outages", p) for p in results.rejected] + [
        ("customers", p) for p in results.customers.rejected
    ]
    return pd.DataFrame(
        {
            "table": pd.Series([t for t, _ in problems], dtype=str),
            "row": pd.Series([p.row for _, p in problems], dtype="Int64"),
            "column": pd.Series([p.column for _, p in problems], dtype=str),
            "value": pd.Series([p.value for _, p in problems], dtype=str),
            "problem": pd.Series([p.problem for _, p in problems], dtype=str),
        }
    )


def _epoch_seconds(stamps: pd.Series) -> np.ndarray:
    return pd.DatetimeIndex(stamps).tz_convert("UTC").as_unit("s").asi8


def _csv(frame: pd.DataFrame) -> pa.Table:
    """``frame`` for a CSV file: times in UTC ISO 8601 to the second, lists of ids joined by
    ``;``, the rest as Arrow writes it."""
    columns = {}
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.DatetimeTZDtype):
            seconds = pd.DatetimeIndex(column).tz_convert("UTC").tz_localize(None).as_unit("s")
            text = np.datetime_as_string(seconds.to_numpy(), unit="s")
            columns[name] = pa.array(np.char.add(text, "Z").tolist(), pa.string())
            continue
        values = pa.Table.from_pandas(frame[[name]], preserve_index=False).column(0)
        if pa.types.is_list(values.type):
            values = pc.binary_join(values, ID_SEPARATOR)
        columns[name] = values
    return pa.table(columns) if columns else pa.table({})
