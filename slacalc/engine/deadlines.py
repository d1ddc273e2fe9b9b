"""Claim deadlines: the last day a claim for a period may be received, by the contract's rule."""

from __future__ import annotations

import pendulum

from slacalc.model.contract import Contract
from slacalc.model.periods import Period


def claim_deadline(
    contract: Contract,
    period: Period,
    first_downtime: pendulum.DateTime | None = None,
    billing_day: int = 1,
) -> pendulum.Date | None:
    """The last day a claim for ``period`` may be received, in the contract's zone.

    Microsoft 365: incident on 15 February → 31 March (end of the following month); Azure: end of
    the second month after; GitHub: 30 days after the quarter's last day. The clocks that start at
    the incident (Auth0: 10 days after; AWS: the end of the second billing cycle after) start at
    ``first_downtime``, the first counted downtime of the period; without one there is nothing to
    claim and no deadline. ``billing_day`` is the day of the month the customer's billing cycles
    start (1: calendar months).
    """
    rule = contract.claim
    if rule.rule == "not_stated":
        return None
    if rule.rule == "end_of_month_after":
        last_month = period.last_day.start_of("month")
        return last_month.add(months=rule.months or 0).end_of("month")
    if rule.rule == "days_after_period_end":
        return period.last_day.add(days=rule.days or 0)
    if first_downtime is None:
        return None
    return incident_deadline(
        contract, first_downtime.in_timezone(contract.timezone).date(), billing_day
    )


def incident_deadline(
    contract: Contract, day: pendulum.Date, billing_day: int = 1
) -> pendulum.Date:
    """The deadline of a clock that starts at the incident, for an incident on ``day`` (the
    contract's zone): ``days`` after it, or the end of the ``cycles``-th billing cycle after its
    own."""
    rule = contract.claim
    if rule.rule == "days_after_incident":
        return day.add(days=rule.days or 0)
    return billing_cycle_start(day, billing_day).add(months=(rule.cycles or 0) + 1).subtract(days=1)


def billing_cycle_start(day: pendulum.Date, billing_day: int) -> pendulum.Date:
    """The first day of the billing cycle holding ``day``, for cycles starting on ``billing_day``
    of each month (1 to 28, so every month has it)."""
    start = day.replace(day=billing_day)
    return start if start <= day else start.subtract(months=1)
