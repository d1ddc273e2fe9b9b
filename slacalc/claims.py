"""Claim terms of a period: the deadline by the contract's rule, and the margin to the next tier."""

from __future__ import annotations

import math
from fractions import Fraction

import pendulum

from slacalc.availability import UNITS_PER_USER
from slacalc.contract import Contract
from slacalc.periods import Period


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


def seconds_to_next_tier(
    contract: Contract,
    tier: int | None,
    measured_seconds: int,
    downtime_seconds: int,
    downtime_units: int,
    licensed_users: int,
) -> tuple[int, int] | None:
    """Seconds of extra full outage that move the credit to the next tier, and that tier's index.

    The extra outage is taken to hit every licensed user at a time that was up; ``None`` when there
    is no further tier or the period has too little up time left to reach it.
    """
    nxt = 0 if tier is None else tier + 1
    if nxt >= len(contract.tiers) or contract.tiers[nxt].kind == "multiple":
        return None
    target = contract.tiers[nxt]
    bound = Fraction(target.below)
    if contract.method == "user_minutes":
        total = measured_seconds * licensed_users * UNITS_PER_USER
        per_second = licensed_users * UNITS_PER_USER
        lost = downtime_units
    else:
        total, per_second, lost = measured_seconds, 1, downtime_seconds
    if total == 0:
        return None
    # availability after x more seconds = (total − lost − x·per_second) / total × 100
    # '<':  x > (100·(total − lost) − bound·total) / (100·per_second); '<=': x ≥ that.
    need = (100 * (total - lost) - bound * total) / (100 * per_second)
    seconds = math.floor(need) + 1 if target.operator == "<" else math.ceil(need)
    seconds = max(seconds, 1, math.ceil(contract.minimum_downtime_minutes * 60))
    if seconds > measured_seconds - downtime_seconds:
        return None
    return seconds, nxt
