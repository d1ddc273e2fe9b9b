"""Scale-out: the same engine on a Dask cluster, each partition holding whole tenants.

When the outage windows outgrow one machine, :func:`calculate_dask` takes them as a
``dask.dataframe.DataFrame`` (the optional ``dask`` extra), shuffles them so that every tenant's
windows sit in one partition, and runs :func:`slacalc.calculate` on each partition with the
customers of that partition's tenants. A tenant's numbers depend only on its own windows, so the
results are exactly those of the pandas path; only the work is spread.

How the rows travel:

1. The customers table (small, on the client) is cut into ``partitions`` groups of tenants, in
   tenant order; group *i* becomes output partition *i*.
2. Every outage row gets its row number (its position in the Dask DataFrame, from 1, as
   :func:`slacalc.read_outages` numbers a DataFrame) and the group of its tenant, read as
   :func:`slacalc.read_outages` reads it (text, stripped).
3. ``set_index`` on the group, with the groups as divisions, moves each row to its partition. A row
   without a tenant applies to every tenant (docs/rules.md), so those rows are gathered once and
   added to every partition instead.
4. Per partition: ``read_outages`` checks the rows (so duplicates within a tenant are still found),
   the row numbers are put back, and ``calculate`` runs with that group's customers.
5. Each partition's results stay where they were computed (``persist``); the client fetches and
   concatenates the partitions' tables; a problem with a row every partition saw is reported once.
6. The evidence and the exclusions (about twice the windows' size) are built and fetched only when
   first read, as in the pandas path: most portfolio runs need the table alone.

The returned :class:`~slacalc.engine.results.Results` has the same ``table`` as the pandas path,
row for row. ``evidence`` and ``exclusions`` hold the same rows, ordered by contract, customer and
time; they are fetched from the cluster, so read them before its client closes. ``outages``
carries the row counts and problems but an empty ``frame``: the validated windows stay on the
cluster.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import CancelledError
from decimal import Decimal
from pathlib import Path
from typing import Any, ParamSpec

import numpy as np
import pandas as pd

from slacalc.engine.calculate import calculate
from slacalc.engine.results import (
    EVIDENCE_COLUMNS,
    EXCLUSION_COLUMNS,
    RESULT_COLUMNS,
    Results,
    empty_table,
)
from slacalc.errors import InputError, RowProblem, SlacalcError
from slacalc.io.cells import as_text
from slacalc.io.customers import Customers
from slacalc.io.headers import map_headers
from slacalc.io.outages import OUTAGE_FIELDS, Outages, empty_frame, read_outages
from slacalc.model.contract import Contract
from slacalc.model.registry import ContractRegistry, ContractSources

_ROW, _GROUP = "_slacalc_row", "_slacalc_group"


def calculate_dask(
    outages: Any,
    contract: str | Path | Contract | None = None,
    *,
    users: int | None = None,
    monthly_fee: Decimal | int | str | None = None,
    currency: str = "USD",
    periods: Iterable[str] | None = None,
    customers: Customers | pd.DataFrame | str | Path | None = None,
    cohorts: Mapping[str, int] | None = None,
    timezone: str = "UTC",
    contracts: ContractSources | None = None,
    tenant: str | None = None,
    partitions: int | None = None,
) -> Results:
    """:func:`slacalc.calculate` for a ``dask.dataframe.DataFrame`` of outage windows.

    The arguments are those of ``calculate``; ``partitions`` is how many groups of tenants to
    compute apart (default: the DataFrame's partition count). Runs on the current Dask scheduler:
    a ``distributed.Client`` when one is active. One customer (``users=``) has no tenants to
    spread, so its windows are gathered and computed in this process; ``tenant=`` (which picks
    one customer's rows of a pandas table) is refused: select the rows of the Dask DataFrame.
    """
    if tenant is not None:
        raise InputError("tenant=: pick the tenant's rows of a Dask DataFrame before calculate")
    options: dict[str, Any] = {
        "users": users,
        "monthly_fee": monthly_fee,
        "currency": currency,
        "periods": None if periods is None else tuple(periods),
        "cohorts": cohorts,
        "timezone": timezone,
        "contracts": ContractRegistry.of(contracts),  # read once, sent to every partition
    }
    if customers is None:
        return calculate(outages.compute(), contract, **options)
    if not isinstance(customers, Customers):
        from slacalc.io.customers import read_customers

        customers = read_customers(customers, known_contracts=options["contracts"])
    from dask.dataframe import dispatch  # defines what the docs list as ..utils.make_meta
    from dask.delayed import delayed

    bounds = _group_bounds(customers, partitions or outages.npartitions)
    tenant_at = _tenant_position(list(outages.columns))
    empty_like: Callable[[Any], pd.DataFrame] = dispatch.make_meta  # its columns, no rows
    meta = _keyed(empty_like(outages), tenant_at, bounds)
    keyed = outages.map_partitions(_keyed, tenant_at, bounds, meta=meta)
    keyed[_ROW] = keyed[_ROW].cumsum()  # row numbers across partitions, from 1
    everyone = keyed[keyed[_GROUP] < 0].to_delayed()
    broadcast = delayed(_concat_frames)(everyone, meta)
    shuffled = keyed[keyed[_GROUP] >= 0].set_index(
        _GROUP, divisions=[*range(len(bounds)), len(bounds) - 1]
    )
    groups = _group_of(customers.frame["tenant"], bounds)
    tasks = [
        delayed(_one_partition)(
            part,
            broadcast,
            _customer_group(customers, groups == i),
            contract,
            options,
        )
        for i, part in enumerate(shuffled.to_delayed())
    ]
    kept = _persist(*tasks)  # each partition's Results stays where it was computed
    parts: list[_Part] = list(_compute(*[delayed(_Part.of)(held) for held in kept]))
    return _merge(parts, kept, customers, timezone)


@dataclasses.dataclass(frozen=True)
class _Held:
    """A partition's results as they stay on its worker: the evidence not built yet."""

    results: Results
    rows_read: int
    broadcast_rows: int


@dataclasses.dataclass(frozen=True)
class _Part:
    """What a partition sends back at once: its result table and problems (not its windows,
    nor its evidence)."""

    table: pd.DataFrame
    rejected: tuple[RowProblem, ...]
    contracts: Mapping[str, Contract]
    rows_read: int
    broadcast_rows: int

    @staticmethod
    def of(held: _Held) -> _Part:
        r = held.results
        return _Part(r.table, r.rejected, dict(r.contracts), held.rows_read, held.broadcast_rows)


def _fetched(
    kept: tuple[Any, ...], which: str, columns: tuple[str, ...], position: Mapping[str, int]
) -> Callable[[], pd.DataFrame]:
    """The partitions' ``evidence`` or ``exclusions``, built on the workers and fetched when
    first read (:class:`~slacalc.engine.results.Results` calls it then)."""

    def fetch() -> pd.DataFrame:
        from dask.delayed import delayed

        try:
            frames = _compute(*[delayed(_frame_of)(held, which) for held in kept])
        except (ValueError, CancelledError) as error:  # what a closed client's futures give
            raise SlacalcError(
                f"the {which} of this Dask calculation stayed on its cluster and cannot be "
                f"fetched now ({type(error).__name__}: {error}); read results.{which} "
                "while the cluster's client is still open"
            ) from error
        return _ordered(list(frames), columns, position)

    return fetch


def _compute(*args: Any) -> tuple[Any, ...]:
    """``dask.compute``: the values of Dask objects, on the current scheduler."""
    from dask.base import compute

    run: Callable[..., tuple[Any, ...]] = compute
    return run(*args)


def _persist(*args: Any) -> tuple[Any, ...]:
    """``dask.persist``: Dask objects computed and kept where they were computed."""
    from dask.base import persist

    run: Callable[..., tuple[Any, ...]] = persist
    return run(*args)


def _frame_of(held: _Held, which: str) -> pd.DataFrame:
    frame: pd.DataFrame = getattr(held.results, which)
    return frame


def _tenant_position(headers: list[str]) -> int | None:
    """Which column holds the tenant, read as ``read_outages`` maps headers (None: no tenant)."""
    found = map_headers([str(h) for h in headers], OUTAGE_FIELDS, "the Dask DataFrame")
    return found.fields.get("tenant")


def _group_bounds(customers: Customers, groups: int) -> np.ndarray:
    """The first tenant of each group: the customers' tenants in order, cut into ``groups`` runs."""
    tenants = np.unique(customers.frame["tenant"].astype(str).to_numpy(dtype=object))
    if len(tenants) == 0:
        raise InputError("the customers table has no tenants to spread over the cluster")
    step = -(-len(tenants) // max(1, min(groups, len(tenants))))
    return tenants[::step]


def _group_of(tenants: pd.Series, bounds: np.ndarray) -> np.ndarray:
    """The group of each tenant (its run among ``bounds``); -1 for a row without a tenant."""
    text = as_text(tenants).to_numpy(dtype=object)
    group = np.maximum(np.searchsorted(bounds, text, side="right") - 1, 0).astype(np.int64)
    group[text == ""] = -1
    return group


def _keyed(frame: pd.DataFrame, tenant_at: int | None, bounds: np.ndarray) -> pd.DataFrame:
    """One input partition with its rows' groups, and ones to sum into row numbers."""
    if tenant_at is None:
        group = np.full(len(frame), -1, dtype=np.int64)
    else:
        group = _group_of(frame.iloc[:, tenant_at], bounds)
    return frame.assign(**{_ROW: np.ones(len(frame), np.int64), _GROUP: group})


def _concat_frames(frames: list[pd.DataFrame], meta: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([meta, *frames], ignore_index=True)


def _customer_group(customers: Customers, mask: np.ndarray) -> Customers:
    frame = customers.frame[mask].reset_index(drop=True)
    cohorts = customers.cohorts[customers.cohorts["tenant"].isin(set(frame["tenant"]))]
    return Customers(frame=frame, cohorts=cohorts.reset_index(drop=True))


def _one_partition(
    frame: pd.DataFrame,
    broadcast: pd.DataFrame,
    customers: Customers,
    contract: str | Path | Contract | None,
    options: dict[str, Any],
) -> _Held:
    """``read_outages`` and ``calculate`` on one partition, the input's row numbers put back."""
    mine = frame.reset_index(drop=True)
    rows_read = len(mine)
    if len(broadcast):
        mine = pd.concat([mine, broadcast.drop(columns=[_GROUP])], ignore_index=True)
    mine = mine.sort_values(_ROW, kind="stable", ignore_index=True)
    number = mine[_ROW].to_numpy(dtype=np.int64)
    raw = mine.drop(columns=[_ROW])
    outages = _renumbered(read_outages(raw, options["timezone"]), number)
    results = calculate(outages, contract, customers=customers, **options)
    return _Held(results, rows_read, len(broadcast))


def _renumbered(outages: Outages, number: np.ndarray) -> Outages:
    """``read_outages`` numbered the partition's rows from 1; give them the input's numbers."""

    def at(row: int) -> int:
        return int(number[row - 1])

    frame = outages.frame.assign(row=number[outages.frame["row"].to_numpy(dtype=np.int64) - 1])
    return dataclasses.replace(
        outages,
        frame=frame,
        rejected=tuple(dataclasses.replace(p, row=at(p.row)) for p in outages.rejected),
        open_ended=tuple(at(r) for r in outages.open_ended),
    )


def _merge(
    parts: list[_Part], kept: tuple[Any, ...], customers: Customers, timezone: str
) -> Results:
    """One Results from the partitions', ordered as the pandas path orders them."""
    tables = [p.table for p in parts if len(p.table)]
    table = pd.concat(tables, ignore_index=True) if tables else empty_table(RESULT_COLUMNS)
    table = table[list(RESULT_COLUMNS)].sort_values(
        ["tenant", "service", "period"], kind="stable", ignore_index=True
    )
    position = {t: i for i, t in enumerate(customers.frame["tenant"])}
    rejected: dict[RowProblem, None] = {}
    contracts: dict[str, Contract] = {}
    for p in parts:
        rejected.update(dict.fromkeys(p.rejected))
        contracts.update(p.contracts)
    broadcast = parts[0].broadcast_rows if parts else 0
    outages = Outages(
        frame=empty_frame(),
        rejected=tuple(sorted(rejected, key=lambda p: p.row)),
        timezone=timezone,
        rows_read=sum(p.rows_read for p in parts) + broadcast,
        source="Dask DataFrame",
        notes=("the validated windows stay on the Dask cluster; frame is left empty",),
    )
    return Results(
        table=table,
        evidence=_fetched(kept, "evidence", EVIDENCE_COLUMNS, position),
        exclusions=_fetched(kept, "exclusions", EXCLUSION_COLUMNS, position),
        rejected=outages.rejected,
        contracts=contracts,
        outages=outages,
        customers=customers,
    )


def _ordered(
    frames: list[pd.DataFrame], columns: tuple[str, ...], position: Mapping[str, int]
) -> pd.DataFrame:
    """Concatenated and ordered by contract, customer (as in the customers table) and time."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_table(columns)
    out = pd.concat(frames, ignore_index=True)[list(columns)]
    order = out.assign(_customer=out["tenant"].map(position)).sort_values(
        ["contract", "_customer", "start", "end"], kind="stable"
    )
    return out.loc[order.index].reset_index(drop=True)


_P = ParamSpec("_P")


def _dask_aware(here: Callable[_P, Results]) -> Callable[_P, Results]:
    """``here`` (the engine's ``calculate``), handing a Dask DataFrame of outages to
    :func:`calculate_dask` instead; so the engine itself never imports this front end."""
    on_dask: Callable[..., Results] = calculate_dask

    @functools.wraps(here)
    def calculate(*args: _P.args, **kwargs: _P.kwargs) -> Results:
        outages = args[0] if args else kwargs.get("outages")
        run = on_dask if type(outages).__module__.startswith("dask.") else here
        return run(*args, **kwargs)

    return calculate


#: :func:`slacalc.calculate`: the engine's ``calculate`` for pandas, files and tables, and
#: :func:`calculate_dask` for a ``dask.dataframe.DataFrame``.
calculate_anywhere = _dask_aware(calculate)
