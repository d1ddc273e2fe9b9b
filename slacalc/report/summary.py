"""Two terminal tables beside the per-period one: the liability summary and a what-if comparison.

The liability summary is :func:`slacalc.report.totals.liability` aligned for a terminal: per
contract and currency, the credits earned, how much can still be claimed, how much lapsed, and
the next claim deadline. The comparison is :func:`slacalc.engine.scenarios.compare` the same way,
with each scenario's changes in words and its total against the baseline.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import pandas as pd

from slacalc.engine.columns import missing
from slacalc.report.export import _availability as availability_text
from slacalc.report.export import _credit as credit_text
from slacalc.report.export import _figure as figure_text
from slacalc.report.export import aligned
from slacalc.report.totals import Today, credit_by_currency, days_left_words, liability
from slacalc.report.values import money, records


def liability_text(table: pd.DataFrame, today: Today) -> str:
    """The liability per contract and currency, with where each stands against its deadlines."""
    frame = liability(table, today)
    if frame.empty:
        return "No outage fell in a period to report: no liability.\n"
    head = ["contract", "currency", "periods", "breached", "credits", "claimable", "lapsed"]
    head.append("next claim deadline")
    rows = []
    for r in frame.to_dict("records"):
        deadline = r["next_deadline"]
        next_one = "" if missing(deadline) else f"{deadline} ({days_left_words(r['days_left'])})"
        rows.append(
            [
                str(r["contract"]),
                str(r["currency"]),
                f"{r['periods']:,}",
                f"{r['breached']:,}",
                f"{r['credits']:,f}",
                f"{r['claimable']:,f}",
                f"{r['passed']:,f}",
                next_one,
            ]
        )
    text = aligned(head, rows, right={2, 3, 4, 5, 6})
    return text + "Lapsed: credits earned whose claim deadline has passed.\n"


def comparison_text(compared: pd.DataFrame, changes: Mapping[str, str]) -> str:
    """Baseline and scenarios side by side, each scenario's changes (``changes``: name → words)
    and its total credit per currency against the baseline's."""
    if compared.empty:
        return "No period has downtime in the baseline or the scenario: nothing to compare.\n"
    show_tenant = bool(compared["tenant"].fillna("").astype(bool).any())
    show_service = compared["service"].nunique() > 1  # another contract: its own services
    head = ["tenant"] if show_tenant else []
    head += ["service"] if show_service else []
    head += ["period", "scenario", "availability %", "Δ points", "tier", "credit", "Δ credit"]
    head.append("min to next tier")
    right = {len(head) - 6, len(head) - 5, len(head) - 3, len(head) - 2, len(head) - 1}
    rows = []
    for r in records(compared):
        row = [str(r["tenant"] or "")] if show_tenant else []
        row += [str(r["service"])] if show_service else []
        change = r["credit_change"]
        row += [
            str(r["period"]),
            str(r["scenario"]),
            availability_text(r["availability_percent"]),
            _points(r["availability_change"]),
            credit_text({**r, "breached": bool(r["tier"])}),
            "—" if r["credit_amount"] is None else f"{r['credit_amount']:,f} {r['currency']}",
            "" if change is None else _signed(money(change, str(r["currency"])), r["currency"]),
            "" if r["minutes_to_next_tier"] is None else figure_text(r["minutes_to_next_tier"]),
        ]
        rows.append(row)
    lines = [aligned(head, rows, right=right).rstrip("\n"), ""]
    base = credit_by_currency(compared[compared["scenario"] == "Baseline"])
    for name, group in compared.groupby("scenario", sort=False):
        sums = credit_by_currency(group)
        total = ", ".join(f"{v:,f} {c}" for c, v in sums.items()) or "no fee given"
        if name == "Baseline":
            lines.append(f"Baseline: credit {total}.")
            continue
        delta = ", ".join(_signed(v - base.get(c, Decimal(0)), c) for c, v in sums.items())
        lines.append(f"{name} ({changes.get(str(name), '')}): credit {total} ({delta}).")
    return "\n".join(lines) + "\n"


def _points(value: Decimal | None) -> str:
    """A change of availability in percentage points, floored like the availability itself."""
    if value is None:
        return ""
    return "0" if value == 0 else ("+" if value > 0 else "") + availability_text(value)


def _signed(value: Decimal, currency: object) -> str:
    return f"{'+' if value > 0 else ''}{value:,f} {currency}"
