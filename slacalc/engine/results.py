"""The results of a calculation: one row per tenant, service and period, and the evidence."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import pandas as pd

from slacalc.engine.columns import DATE, FIGURE, IDS, MONEY, PERCENT, UNITS, VERDICT_COLUMNS
from slacalc.errors import RowProblem
from slacalc.io.cells import first_rows
from slacalc.io.customers import Customers
from slacalc.io.outages import ASSUMED_ALL, Outages
from slacalc.model.contract import Contract

#: The columns of ``Results.to_frame()``, in order. Seconds are exact integers; minutes are
#: floats for reading (they only measure); availability, commitment, credits and money are exact
#: Arrow decimals, the claim deadline an Arrow date, incident ids an Arrow list of strings (see
#: :mod:`slacalc.engine.columns`). A single customer's tenant is missing (NA).
#: ``tier_number`` is 1 for the contract's first tier, 0 when no tier applies. ``terms_version``
#: names the dated text of the contract the period was measured under (its ``source.version``);
#: ``credit_limited_by`` the rule that lowered the tier's credit (the cap, the minimum credit, or
#: a claim group's one credit per period, which names the contract whose credit was kept), "" when
#: none did.
#: ``users_assumed`` counts the row's downtime windows that gave no affected-user count, so count
#: every user of their population (``Outages.frame["users_source"] == "assumed all"``; see
#: ``assumed_users``).
RESULT_COLUMNS = (
    "tenant",
    "service",
    "contract",
    "period",
    "period_start",
    "period_end",
    "timezone",
    "period_days",
    "period_months",
    "licensed_users",
    "measured_seconds",
    "measured_minutes",
    "excluded_seconds",
    "downtime_seconds",
    "downtime_minutes",
    "user_minutes",
    "downtime_user_seconds",
    "user_minutes_lost",
    "impact_user_minutes",
    *VERDICT_COLUMNS,
    "seconds_to_next_tier",
    "minutes_to_next_tier",
    "next_tier",
    "incident_ids",
    "users_assumed",
)

#: The columns of ``Results.evidence``: downtime that counted, clipped and merged per period;
#: ``users_source`` lists where the affected users of its windows came from ("given", "feed",
#: "assumed all", ...).
EVIDENCE_COLUMNS = (
    "tenant",
    "service",
    "contract",
    "period",
    "start",
    "end",
    "minutes",
    "peak_affected_users",
    "user_minutes_lost",
    "incident_ids",
    "users_source",
)

#: The columns of ``Results.exclusions``: time removed from measurement, per period, with reasons.
EXCLUSION_COLUMNS = ("tenant", "service", "contract", "period", "start", "end", "minutes", "reason")


_TEXT = (
    "tenant",
    "service",
    "contract",
    "period",
    "timezone",
    "tier",
    "currency",
    "next_tier",
    "terms_version",
    "credit_limited_by",
)
_TIME = "datetime64[us, UTC]"
#: The type of each column of the three tables (``RESULT_COLUMNS``, ``EVIDENCE_COLUMNS``,
#: ``EXCLUSION_COLUMNS``), so an empty table has them too.
DTYPES: dict[str, object] = {
    **dict.fromkeys(_TEXT, "str"),
    **dict.fromkeys(("period_start", "period_end", "start", "end"), _TIME),
    **dict.fromkeys(
        (
            "period_days",
            "period_months",
            "licensed_users",
            "measured_seconds",
            "excluded_seconds",
            "downtime_seconds",
            "tier_number",
            "users_assumed",
        ),
        "int64",
    ),
    **dict.fromkeys(
        (
            "measured_minutes",
            "downtime_minutes",
            "user_minutes",
            "user_minutes_lost",
            "impact_user_minutes",
            "minutes_to_next_tier",
            "minutes",
        ),
        "float64",
    ),
    "breached": "bool",
    "seconds_to_next_tier": "Int64",
    "reason": "str",
    **{
        name: pd.ArrowDtype(kind)
        for names, kind in (
            (("availability_percent", "commitment_percent"), PERCENT),
            (("credit_percent", "credit_days"), FIGURE),
            (("credit_amount", "monthly_fee", "period_fee"), MONEY),
            (("downtime_user_seconds", "peak_affected_users"), UNITS),
            (("claim_deadline",), DATE),
            (("incident_ids", "users_source"), IDS),
        )
        for name in names
    },
}


def empty_table(columns: tuple[str, ...]) -> pd.DataFrame:
    """A table of ``columns`` with no rows and each column's type."""
    return pd.DataFrame({c: pd.Series(dtype=DTYPES[c]) for c in columns})  # type: ignore[call-overload]


Lazy = pd.DataFrame | Callable[[], pd.DataFrame]


class Results:
    """What ``slacalc.calculate`` returns.

    ``table`` has one row per tenant, service and period (see ``RESULT_COLUMNS``); ``evidence`` the
    merged downtime windows that counted; ``exclusions`` the excluded time with its reasons;
    ``rejected`` every input row that could not be used, with the reason. The evidence and the
    exclusions of a provider-wide run can hold millions of windows, so they are built the first
    time they are read.
    """

    __slots__ = (
        "_evidence",
        "_exclusions",
        "contracts",
        "customers",
        "outages",
        "rejected",
        "table",
    )

    def __init__(
        self,
        *,
        table: pd.DataFrame,
        evidence: Lazy,
        exclusions: Lazy,
        rejected: tuple[RowProblem, ...],
        contracts: Mapping[str, Contract],
        outages: Outages,
        customers: Customers,
    ) -> None:
        self.table = table
        self._evidence = evidence
        self._exclusions = exclusions
        self.rejected = rejected
        self.contracts = contracts
        self.outages = outages
        self.customers = customers

    @property
    def evidence(self) -> pd.DataFrame:
        """Downtime that counted, merged per period (``EVIDENCE_COLUMNS``)."""
        if callable(self._evidence):
            self._evidence = self._evidence()
        return self._evidence

    @property
    def exclusions(self) -> pd.DataFrame:
        """Time removed from measurement, per period, with reasons (``EXCLUSION_COLUMNS``)."""
        if callable(self._exclusions):
            self._exclusions = self._exclusions()
        return self._exclusions

    def assumed_users(self) -> tuple[str, ...]:
        """One line per tenant and cohort whose counted windows gave no affected-user count, so
        count every user of their population (the contract's worst case), e.g. ``rows 3, 7: no
        affected-user count; all 5,000 licensed users assumed``. Empty when every window gave a
        count or a percent. The CLI, the app and the workbook show these lines as they are."""
        frame = self.outages.frame
        rejected = [p.row for p in self.rejected]
        mine = frame[
            (frame["users_source"] == ASSUMED_ALL)
            & (frame["excluded"] == "")
            & ~frame["row"].isin(rejected)
        ]
        customers = self.customers.frame
        single = len(customers) == 1 and customers["tenant"].iloc[0] == ""
        licensed: dict[str, set[int]] = {}  # a tenant holding several contracts has a row each
        for owner, users in zip(customers["tenant"], customers["users"], strict=True):
            licensed.setdefault(owner, set()).add(int(users))
        cohorts = self.customers.cohorts
        sizes = {
            (t, c): int(u)
            for t, c, u in zip(cohorts["tenant"], cohorts["cohort"], cohorts["users"], strict=True)
        }
        lines = []
        for (tenant, cohort), group in mine.groupby(["tenant", "cohort"], sort=True):
            owner = "" if single else str(tenant)
            rows = group["row"].tolist()
            where = f"row{'s' if len(rows) > 1 else ''} {first_rows(rows)}"
            if not single:
                where = f"tenant {owner!r}, {where}" if owner else f"{where} (every tenant)"
            if cohort:
                size = sizes.get((owner, str(cohort)))
                who = f"all {size:,} users" if size is not None else "all users"
                who += f" of cohort {cohort!r}"
            elif (owner or single) and len(licensed[owner]) == 1:
                who = f"all {next(iter(licensed[owner])):,} licensed users"
            elif owner:
                who = "all licensed users of each of its contracts"
            else:
                who = "all licensed users of each tenant"
            lines.append(f"{where}: no affected-user count; {who} assumed")
        return tuple(lines)

    def to_frame(self) -> pd.DataFrame:
        """The results as a DataFrame (a copy, safe to change)."""
        return self.table.copy()

    def __len__(self) -> int:
        return len(self.table)

    def __iter__(self) -> Iterator[dict[str, object]]:
        """Each result row as a dict of column → value."""
        for record in self.table.to_dict("records"):
            yield {str(k): v for k, v in record.items()}

    def __repr__(self) -> str:
        return f"<Results: {len(self.table)} rows, {len(self.rejected)} rejected>"
