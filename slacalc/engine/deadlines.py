"""Claim deadlines: the last day a claim for a period may be received, by the contract's rule."""

from __future__ import annotations

import pendulum

from slacalc.model.contract import Contract
from slacalc.model.periods import Period


def claim_deadline(contract: Contract, period: Period) -> pendulum.Date | None:
    """The last day a claim for ``period`` may be received, in the contract's zone.

    Microsoft 365: incident on 15 February → 31 March (end of the following month); Azure and AWS:
    end of the second month after; GitHub: 30 days after the quarter's last day.
    """
    rule = contract.claim
    if rule.rule == "not_stated":
        return None
    if rule.rule == "end_of_month_after":
        last_month = period.last_day.start_of("month")
        return last_month.add(months=rule.months or 0).end_of("month")
    return period.last_day.add(days=rule.days or 0)
