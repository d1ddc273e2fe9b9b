"""The results of a calculation: one row per tenant, service and period, and the evidence."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pandas as pd

from slacalc.contract import Contract
from slacalc.customers import Customers
from slacalc.outages import Outages, RowProblem

#: The columns of ``Results.to_frame()``, in order.
RESULT_COLUMNS = (
    "tenant",
    "service",
    "contract",
    "period",
    "period_start",
    "period_end",
    "timezone",
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
    "availability_percent",
    "commitment_percent",
    "breached",
    "tier",
    "credit_percent",
    "credit_days",
    "credit_amount",
    "period_fee",
    "currency",
    "claim_deadline",
    "minutes_to_next_tier",
    "next_tier",
    "incident_ids",
)

#: The columns of ``Results.evidence``: downtime that counted, clipped and merged per period.
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
)

#: The columns of ``Results.exclusions``: time removed from measurement, per period, with reasons.
EXCLUSION_COLUMNS = ("tenant", "service", "contract", "period", "start", "end", "minutes", "reason")


@dataclass(frozen=True)
class Results:
    """What ``slacalc.calculate`` returns.

    ``table`` has one row per tenant, service and period (see ``RESULT_COLUMNS``); ``evidence`` the
    merged downtime windows that counted; ``exclusions`` the excluded time with its reasons;
    ``rejected`` every input row that could not be used, with the reason.
    """

    table: pd.DataFrame
    evidence: pd.DataFrame
    exclusions: pd.DataFrame
    rejected: tuple[RowProblem, ...]
    contracts: Mapping[str, Contract]
    outages: Outages
    customers: Customers

    def to_frame(self) -> pd.DataFrame:
        """The results as a DataFrame (a copy, safe to change)."""
        return self.table.copy()

    def __len__(self) -> int:
        return len(self.table)

    def __iter__(self) -> Iterator[dict[str, object]]:
        """Each result row as a dict of column → value."""
        for record in self.table.to_dict("records"):
            yield {str(k): v for k, v in record.items()}
