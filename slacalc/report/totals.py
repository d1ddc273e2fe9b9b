"""Credit totals per currency (and per contract) and where each row's claim deadline stands.

Sums run on the exact decimal columns (Arrow adds them exactly) and come back at the currency's
minor unit. A credit whose claim deadline has passed is still earned but no longer claimable:
it is counted in ``passed``, not in ``claimable``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from slacalc.engine.results import Results
from slacalc.report.values import money

#: Columns of :func:`deadline_status`.
STATUS_COLUMNS = ("claimable", "passed", "days_left", "status")

NO_CREDIT, OPEN, PASSED = "no credit due", "claim open", "deadline passed"


Today = dt.date | Mapping[str, dt.date]


def deadline_status(table: pd.DataFrame, today: Today) -> pd.DataFrame:
    """Per result row, relative to ``today``: whether a breached period can still be claimed,
    whether its deadline has passed, the days left (``NA`` without a stated deadline or breach;
    0 on the last day) and the status in words (``claim open``, ``deadline passed``,
    ``no credit due``).

    ``today`` is a date, or the date in each time zone (a deadline is a day in the contract's
    zone): a mapping from the rows' ``timezone`` to that zone's date.
    """
    breached = table["breached"].to_numpy(dtype=bool)
    deadline = pd.to_datetime(table["claim_deadline"].astype("datetime64[s]"))
    if isinstance(today, Mapping):
        zones = table["timezone"].astype(str)
        now = pd.to_datetime(zones.map({z: pd.Timestamp(d) for z, d in today.items()}))
    else:
        now = pd.Series(pd.Timestamp(today), index=table.index)
    days = (deadline - now).dt.days.astype("Int64")
    known = days.notna().to_numpy(dtype=bool)
    passed = breached & known & (days.fillna(0).to_numpy(dtype=np.int64) < 0)
    claimable = breached & ~passed
    status = np.where(breached, np.where(passed, PASSED, OPEN), NO_CREDIT)
    return pd.DataFrame(
        {
            "claimable": claimable,
            "passed": passed,
            "days_left": days.where(pd.Series(breached, index=days.index)),
            "status": status,
        },
        index=table.index,
    )


def days_left_words(days: object) -> str:
    """Days left in words: ``12 days left``, ``last day today``, ``passed 3 days ago``."""
    if days is None or days is pd.NA:
        return ""
    n = int(str(days))
    if n > 0:
        return f"{n:,} day{'s' if n != 1 else ''} left"
    if n == 0:
        return "last day today"
    return f"passed {-n:,} day{'s' if n != -1 else ''} ago"


@dataclass
class Totals:
    """Totals of one currency (or one contract and currency)."""

    periods: int = 0
    breached: int = 0
    credits: Decimal = Decimal(0)  # every credit earned
    claimable: Decimal = Decimal(0)  # of which the claim deadline has not passed
    passed: Decimal = Decimal(0)  # of which the claim deadline has passed


def totals(
    table: pd.DataFrame, today: Today | None = None, *, by_contract: bool = False
) -> dict[tuple[str, ...], Totals]:
    """Totals per currency (``(currency,)`` keys, sorted) or per ``(contract, currency)``.

    Without ``today`` every credit counts as claimable (no deadline is judged).
    """
    keys = ["contract", "currency"] if by_contract else ["currency"]
    if table.empty:
        return {}
    frame = table[[*keys, "breached", "credit_amount"]].copy()
    earned = frame["credit_amount"].where(frame["breached"])
    frame["credits"] = earned
    if today is None:
        frame["claimable"], frame["passed"] = earned, earned.where(pd.Series(False, frame.index))
    else:
        status = deadline_status(table, today)
        frame["claimable"] = earned.where(status["claimable"])
        frame["passed"] = earned.where(status["passed"])
    grouped = frame.groupby(keys, sort=True)
    sums = grouped[["credits", "claimable", "passed"]].sum(min_count=0)
    periods = grouped["breached"].size().tolist()
    breached = grouped["breached"].sum().tolist()
    out: dict[tuple[str, ...], Totals] = {}
    for i, (key, row) in enumerate(sums.iterrows()):
        k = tuple(str(v) for v in (key if isinstance(key, tuple) else (key,)))
        currency = k[-1]
        out[k] = Totals(
            periods=int(periods[i]),
            breached=int(breached[i]),
            credits=_amount(row["credits"], currency),
            claimable=_amount(row["claimable"], currency),
            passed=_amount(row["passed"], currency),
        )
    return out


def credit_by_currency(table: pd.DataFrame) -> dict[str, Decimal]:
    """Credit amounts summed per currency over the rows with a fee (a result table or a
    comparison of scenarios)."""
    priced = table[table["credit_amount"].notna()]
    sums = priced.groupby("currency", sort=True)["credit_amount"].sum()
    return {str(c): _amount(v, str(c)) for c, v in sums.items()}


def _amount(value: object, currency: str) -> Decimal:
    if value is None or value is pd.NA:
        return money(Decimal(0), currency)
    return money(Decimal(str(value)), currency)


#: Columns of :func:`liability`.
LIABILITY_COLUMNS = (
    "contract",
    "currency",
    "periods",
    "breached",
    "credits",
    "claimable",
    "passed",
    "next_deadline",
    "days_left",
)


def liability(table: pd.DataFrame, today: Today) -> pd.DataFrame:
    """Per contract and currency: periods, breached periods, the credits earned, of which still
    claimable and lapsed (:func:`totals`), and the earliest claim deadline still open with its
    days left (``None`` and ``NA`` when nothing is open)."""
    if table.empty:
        return pd.DataFrame({c: [] for c in LIABILITY_COLUMNS})
    status = deadline_status(table, today)
    open_rows = table.assign(_days=status["days_left"])[status["claimable"].to_numpy(dtype=bool)]
    rows = []
    for (contract, currency), t in totals(table, today, by_contract=True).items():
        mine = open_rows[(open_rows["contract"] == contract) & (open_rows["currency"] == currency)]
        dated = mine[mine["_days"].notna()]
        first = dated.sort_values("_days", kind="stable").head(1)
        rows.append(
            {
                "contract": contract,
                "currency": currency,
                "periods": t.periods,
                "breached": t.breached,
                "credits": t.credits,
                "claimable": t.claimable,
                "passed": t.passed,
                "next_deadline": first["claim_deadline"].iloc[0] if len(first) else None,
                "days_left": int(first["_days"].iloc[0]) if len(first) else pd.NA,
            }
        )
    return pd.DataFrame(rows, columns=list(LIABILITY_COLUMNS))


def judged_on(results: Results) -> dict[str, dt.date]:
    """The day each claim deadline is judged on, in each contract's zone: the day of the
    outages' ``as_of`` when one was given (the moment the data describes), else today."""
    return dates_in_zones(results.outages.as_of, results.table["timezone"])


def dates_in_zones(moment: pd.Timestamp | None, zones: Iterable[object]) -> dict[str, dt.date]:
    """The date of ``moment`` (None: now) in each of ``zones``: a deadline is a day in its zone."""
    now = dt.datetime.now(dt.UTC) if moment is None else moment.to_pydatetime()
    return {str(z): now.astimezone(ZoneInfo(str(z))).date() for z in set(zones)}
