"""One credit across contracts: the contracts of one claim group pay one credit per period.

Some texts let a customer claim under only one of several service levels: Microsoft's general
terms ask to choose one service level for an incident and allow one Service Credit per Service
per month; a customer with two service levels of one Azure service holds two contracts that share
a ``claim_group``. Credits are a function of a whole period's availability, which cannot be split
by incident, so the rule is applied per period: among a tenant's result rows of one group that
cover the same period and pay a credit, the largest credit is kept and the others are set to
zero, their ``credit_limited_by`` naming the group and the contract whose credit was kept
(docs/contracts.md, "One credit across contracts").

The order is stated and deterministic: the largest credit amount first; a row without an amount
(no fee given) after every row with one; then the larger credit percent, the more days of
service, and finally the contract id in alphabetical order.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from itertools import groupby

import numpy as np
import pandas as pd

from slacalc.engine.columns import FIGURE, MONEY, from_decimals, missing
from slacalc.errors import CalculationError
from slacalc.model.contract import Contract
from slacalc.model.terms import one_credit_words

_CREDITS = (("credit_amount", MONEY), ("credit_percent", FIGURE), ("credit_days", FIGURE))


def one_credit(table: pd.DataFrame, contracts: Mapping[str, Contract]) -> pd.DataFrame:
    """``table`` (the result rows) with the claim groups' rule applied; a copy when it changes."""
    group_of = {cid: c.claim_group for cid, c in contracts.items() if c.claim_group}
    if not group_of or table.empty:
        return table
    in_group = table["contract"].isin(list(group_of)).to_numpy(dtype=bool)
    if not in_group.any():
        return table
    tenant = table["tenant"].fillna("").astype(str)
    group = table["contract"].map(group_of)
    held = pd.DataFrame(
        {
            "tenant": tenant,
            "group": group,
            "contract": table["contract"],
            "currency": table["currency"],
        }
    )[in_group].drop_duplicates()
    # Most tenants hold one contract of a group: only those holding several are compared.
    _comparable(held[held.duplicated(["tenant", "group"], keep=False)], contracts)
    # Only rows that pay compete, and only where another row of the same group and period does.
    positive = {name: table[name].gt(0).fillna(False).to_numpy(dtype=bool) for name, _ in _CREDITS}
    paid = np.where(
        table["credit_amount"].notna().to_numpy(dtype=bool),
        positive["credit_amount"],
        positive["credit_percent"] | positive["credit_days"],
    )
    key = pd.DataFrame(
        {
            "tenant": tenant,
            "group": group,
            "start": table["period_start"],
            "end": table["period_end"],
        }
    )
    rows = np.flatnonzero(in_group & paid)
    rows = rows[key.iloc[rows].duplicated(keep=False).to_numpy(dtype=bool)]
    if not len(rows):
        return table
    lost = _losers(rows, key.iloc[rows], table.iloc[rows])
    out = table.copy()
    for name, kind in _CREDITS:
        column = out[name].to_numpy(dtype=object)
        given = [i for i in lost if not missing(column[i])]
        column[given] = Decimal(0)
        out[name] = from_decimals([None if missing(v) else v for v in column], kind)
    reasons = out["credit_limited_by"].to_numpy(dtype=object)
    reasons[list(lost)] = list(lost.values())
    out["credit_limited_by"] = pd.Series(reasons, index=out.index, dtype="str")
    return out


def _losers(positions: np.ndarray, key: pd.DataFrame, rows: pd.DataFrame) -> dict[int, str]:
    """The positions (in the result table) of the credits given up, with the words saying which
    contract's credit was kept; ``key`` and ``rows`` are the competing rows at ``positions``."""
    ranked = []
    for position, k, amount, percent, days, contract in zip(
        positions.tolist(),
        key.itertuples(index=False),
        *(rows[name].tolist() for name, _ in _CREDITS),
        rows["contract"].tolist(),
        strict=True,
    ):
        a, p, d = (None if missing(v) else Decimal(str(v)) for v in (amount, percent, days))
        # Ascending, the first row of each period holds the largest credit (module docstring).
        order = (a is None, -(a or 0), -(p or 0), -(d or 0), str(contract))
        ranked.append((tuple(k), order, position, str(contract)))
    ranked.sort(key=lambda r: (r[0], r[1]))
    lost: dict[int, str] = {}
    for (_, group, _, _), competing in groupby(ranked, key=lambda r: r[0]):
        kept, *others = competing
        for _, _, position, _ in others:
            lost[position] = one_credit_words(str(group), kept[3])
    return lost


def _comparable(held: pd.DataFrame, contracts: Mapping[str, Contract]) -> None:
    """Refuse a tenant's contracts of one group whose credits cannot be set side by side: periods
    of another kind or zone, or fees in another currency. ``held``: the (tenant, group, contract,
    currency) rows of tenants holding several contracts of a group."""
    triples = sorted(
        (str(t), str(g), str(c), str(m))
        for t, g, c, m in zip(
            held["tenant"], held["group"], held["contract"], held["currency"], strict=True
        )
    )
    for (tenant, group), mine in groupby(triples, key=lambda h: h[:2]):
        subs = list(mine)
        ids = sorted({c for _, _, c, _ in subs})
        who = f"tenant {tenant!r}" if tenant else "the customer"
        why = ""
        if len({(contracts[c].period, contracts[c].timezone) for c in ids}) > 1:
            why = (
                "measure different periods ("
                + "; ".join(
                    f"{c}: calendar {contracts[c].period}s in {contracts[c].timezone}" for c in ids
                )
                + "); give the contracts the same period and time zone"
            )
        elif len({m for *_, m in subs}) > 1:
            why = "are paid in different currencies; give their fees in one currency"
        if why:
            raise CalculationError(
                f"{who}: contracts {', '.join(ids)} share claim group {group!r}, so one credit "
                f"per period is chosen among them, but they {why}"
            )
