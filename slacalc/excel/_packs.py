"""Claim packs: one claim workbook per breached tenant of a portfolio, on request.

Each pack is the workbook a single customer gets (:func:`slacalc.excel.export_excel`) on that
tenant's share of the results: its periods, the downtime and excluded time that counted, and the
outage windows that name it or no tenant (those apply to every tenant). Rejected input rows
belong to no tenant and are left to the portfolio's evidence (``rejected`` files).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from slacalc.engine.results import Results
from slacalc.errors import SlacalcError
from slacalc.excel._workbook import _aware, export_excel

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def export_claim_packs(
    results: Results, folder: str | os.PathLike[str], *, now: dt.datetime | None = None
) -> list[Path]:
    """Write ``TENANT.xlsx`` into ``folder`` (made if missing) for every tenant with a breached
    period; return the paths, in tenant order. ``now`` as for :func:`export_excel`."""
    where = Path(folder)
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SlacalcError(f"--claim-packs: cannot make {where}: {exc.strerror}") from None
    moment = _aware(now)
    table = results.table
    breached = sorted({str(t) for t in table.loc[table["breached"], "tenant"].unique()})
    groups = {
        name: _rows_by_tenant(frame)
        for name, frame in (
            ("table", table),
            ("evidence", results.evidence),
            ("exclusions", results.exclusions),
            ("outages", results.outages.frame),
            ("customers", results.customers.frame),
            ("cohorts", results.customers.cohorts),
        )
    }
    everyone = groups["outages"].get("", np.zeros(0, dtype=np.int64))
    written: list[Path] = []
    for tenant in breached:

        def rows(name: str, frame: pd.DataFrame, tenant: str = tenant) -> pd.DataFrame:
            return frame.iloc[groups[name].get(tenant, np.zeros(0, dtype=np.int64))]

        windows = np.sort(np.concatenate([groups["outages"].get(tenant, everyone[:0]), everyone]))
        part = Results(
            table=rows("table", table).reset_index(drop=True),
            evidence=rows("evidence", results.evidence).reset_index(drop=True),
            exclusions=rows("exclusions", results.exclusions).reset_index(drop=True),
            rejected=(),
            contracts=results.contracts,
            outages=dataclasses.replace(
                results.outages,
                frame=results.outages.frame.iloc[windows].reset_index(drop=True),
                rejected=(),
            ),
            customers=dataclasses.replace(
                results.customers,
                frame=rows("customers", results.customers.frame).reset_index(drop=True),
                cohorts=rows("cohorts", results.customers.cohorts).reset_index(drop=True),
                rejected=(),
            ),
        )
        path = where / pack_name(tenant)
        try:
            export_excel(part, path, now=moment)
        except OSError as exc:
            raise SlacalcError(f"--claim-packs: cannot write {path}: {exc.strerror}") from None
        written.append(path)
    return written


def pack_name(tenant: str) -> str:
    """The file name of ``tenant``'s pack: its name where that is safe in a file name, else the
    safe part and a short hash of the name, so two tenants never share a file."""
    safe = _UNSAFE.sub("_", tenant).strip("._")[:80]
    if safe == tenant:
        return f"{tenant}.xlsx"
    digest = hashlib.sha256(tenant.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{safe or 'tenant'}-{digest}.xlsx"


def _rows_by_tenant(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The positions of each tenant's rows in ``frame``."""
    if frame.empty or "tenant" not in frame.columns:
        return {}
    groups = frame.groupby("tenant", sort=False).indices
    return {str(k): np.asarray(v, dtype=np.int64) for k, v in groups.items()}
