"""Claim terms of a period: the deadline by the contract's rule, and the margin to the next tier."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pendulum

from slacalc.contract import Contract
from slacalc.credits import I64, Obj
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
    tier: I64,
    up: Obj,
    total: Obj,
    per_second: Obj,
    up_seconds: I64,
) -> tuple[I64, I64]:
    """Seconds of extra full outage that move each row to its next tier, and that tier (−1: none).

    The availability is ``100 × up / total`` and each extra second of full outage takes
    ``per_second`` from ``up``; it must fit in the ``up_seconds`` that were not down yet.
    """
    n = len(tier)
    seconds = np.full(n, -1, dtype=np.int64)
    target = np.full(n, -1, dtype=np.int64)
    minimum = max(1, int(np.ceil(float(contract.minimum_downtime_minutes) * 60)))
    for index, t in enumerate(contract.tiers):
        rows = np.flatnonzero(tier + 1 == index)
        if len(rows) == 0 or t.kind == "multiple":
            continue
        b = Fraction(t.below)
        # After x seconds: 100·(up − x·per_second)/total  op  b
        #   ⇔  x·per_second·100·den  >(=)  100·den·up − num·total
        need = 100 * b.denominator * up[rows] - b.numerator * total[rows]
        step = 100 * b.denominator * per_second[rows]
        x = need // step + 1 if t.operator == "<" else -((-need) // step)
        x = np.maximum(np.asarray(x, dtype=object), minimum)
        fits = np.asarray(x <= up_seconds[rows], dtype=bool)
        seconds[rows[fits]] = np.asarray(x[fits], dtype=np.int64)
        target[rows[fits]] = index
    return seconds, target
