"""Error-rate SLAs: availability is 100 % minus the average interval error rate of a metrics table.

Amazon S3 counts, per request type, the failed requests of each five-minute interval over the
requests of that type in it, and subtracts the average of those rates over every interval of the
billing cycle from 100 % (https://aws.amazon.com/s3/sla/). An interval without requests has an
error rate of 0 %, so it counts in the average. Worked example: a 30-day month has 8,640
five-minute intervals; one interval with 50 of 100 GET requests failed and the rest clean gives an
average error rate of 0.5 / 8,640 = 0.0000578…, so availability 99.99421… %.

The sum of the rates is kept as an exact fraction, so the tier is chosen exactly, as for outage
windows (:mod:`slacalc.engine.credits`).

S3 measures each "monthly billing cycle". A customer whose cycles start on another day than the
1st (``billing_day``, the customers table's column) is measured over its own cycles, from that
day's midnight in the contract's zone to the same day of the next month; such a period is
labelled by its first day (``2026-03-15``). A contract's text measures billing cycles when its
claim clock counts them (``end_of_billing_cycle_after``, every AWS SLA); a contract measured over
calendar months (any other claim clock) refuses a billing day other than the 1st rather than
measure the wrong month. Billing day 1 gives the calendar months, labelled ``2026-03``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pendulum

from slacalc.engine.columns import PERCENT, VERDICT_COLUMNS
from slacalc.engine.credits import Availability, Fees, choose_tiers, credits, fee_days
from slacalc.engine.deadlines import billing_cycle_start, claim_deadline
from slacalc.engine.results import DTYPES
from slacalc.errors import ContractError, InputError, RowProblem
from slacalc.io.metrics import Metrics, read_metrics
from slacalc.io.tables import TableSource
from slacalc.io.wording import option
from slacalc.model.contract import Contract, load_contract
from slacalc.model.money import parse_amount
from slacalc.model.periods import Period, parse_period, period_containing, periods_between

#: The columns of :attr:`ErrorRateResults.table`, one row per tenant, request type and period.
ERROR_RATE_COLUMNS = (
    "tenant",
    "request_type",
    "service",
    "contract",
    "period",
    "timezone",
    "intervals",
    "intervals_with_requests",
    "total_requests",
    "failed_requests",
    "average_error_rate_percent",
    *VERDICT_COLUMNS,
)

#: The type of each column: those of the outage results for the verdict, the same Arrow percent
#: for the error rate, whole numbers for the counts.
_DTYPES: dict[str, object] = {
    **dict.fromkeys(("tenant", "request_type", "service", "contract", "period", "timezone"), "str"),
    **dict.fromkeys(
        ("intervals", "intervals_with_requests", "total_requests", "failed_requests"), "int64"
    ),
    "average_error_rate_percent": pd.ArrowDtype(PERCENT),
    **{name: DTYPES[name] for name in VERDICT_COLUMNS},
}


def error_rate_table(rows: Iterable[Mapping[str, object]] = ()) -> pd.DataFrame:
    """Result rows (dicts of Python values) as the typed table of :data:`ERROR_RATE_COLUMNS`;
    without rows, an empty table that has the types too."""
    return pd.DataFrame(list(rows), columns=list(ERROR_RATE_COLUMNS)).astype(_DTYPES)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ErrorRateResults:
    """What :func:`calculate_error_rate` returns: the result rows, and every rejected input row."""

    table: pd.DataFrame
    rejected: tuple[RowProblem, ...]
    metrics: Metrics


def calculate_error_rate(
    metrics: Metrics | TableSource,
    contract: str | Path | Contract,
    *,
    monthly_fee: Decimal | int | str | None = None,
    fees: Mapping[str, Decimal | int | str] | None = None,
    currency: str = "USD",
    periods: Iterable[str] = (),
    timezone: str = "UTC",
    billing_day: int = 1,
) -> ErrorRateResults:
    """Availability and credits from request counts, for a contract with an ``[error_rate]`` term.

    ``monthly_fee`` is the charge for each request type (S3: the storage class in the Region);
    ``fees`` gives a request type its own. ``periods`` adds periods to report besides those the
    table touches (``2026-03``: with a ``billing_day``, the cycle that starts in March).
    ``billing_day`` is the day of the month (1 to 28) the customer's billing cycles start, as the
    customers table's column says: periods are those cycles (see the module docstring). Rows
    whose interval does not start on the contract's grid are rejected.
    """
    terms = load_contract(contract)
    rule = terms.error_rate
    if rule is None:
        raise ContractError(
            f"{terms.id}: this contract does not measure an error rate; give outage windows to "
            "slacalc.calculate instead"
        )
    table = read_metrics(metrics, timezone)
    frame = table.frame
    step = rule.interval_minutes * 60
    seconds = np.asarray(
        pd.DatetimeIndex(frame["interval_start"]).as_unit("s").asi8, dtype=np.int64
    )
    local = pd.DatetimeIndex(frame["interval_start"]).tz_convert(terms.timezone)
    since_midnight = (local.hour * 3600 + local.minute * 60 + local.second).to_numpy()
    off_grid = since_midnight % step != 0
    rejected = list(table.rejected)
    header = next((h for h, f in table.mapping.items() if f == "interval_start"), "interval_start")
    row_numbers = frame["row"].to_numpy(dtype=np.int64)
    starts = local.tz_convert("UTC")
    for i in np.flatnonzero(off_grid).tolist():
        rejected.append(
            RowProblem(
                int(row_numbers[i]),
                header,
                starts[i].isoformat(),
                f"does not start one of the contract's {rule.interval_minutes}-minute intervals "
                f"(counted from midnight in {terms.timezone})",
                "interval_start",
            )
        )
    frame = frame[~off_grid].assign(second=seconds[~off_grid])
    if not rule.per_request_type:  # one rate per interval over every request type
        frame = (
            frame.assign(request_type="")
            .groupby(["tenant", "request_type", "second"], as_index=False, sort=False)
            .agg(
                interval_start=("interval_start", "first"),
                total_requests=("total_requests", "sum"),
                failed_requests=("failed_requests", "sum"),
            )
        )
    kind, tz = terms.period, terms.timezone
    try:
        wanted = [parse_period(label, kind, tz) for label in periods]
    except ValueError as exc:
        raise InputError(f"periods: {exc} (contract {terms.id})") from None
    if billing_day != 1:
        cycle = _billing_cycles(terms, billing_day)
        wanted = [cycle(w.start.date()) for w in wanted]  # the cycle that starts in the month
    second = frame["second"].to_numpy(dtype=np.int64)
    covering = _covering(terms, billing_day, second)
    edges = np.array([int(p.start.timestamp()) for p in covering], dtype=np.int64)
    names = np.array([p.label for p in covering], dtype=object)
    by_label = {p.label: p for p in [*covering, *wanted]}
    frame = frame.assign(period=names[np.searchsorted(edges, second, side="right") - 1])
    groups = {(t, r) for t, r in zip(frame["tenant"], frame["request_type"], strict=True)}
    keys = sorted(
        {
            (t, r, p)
            for t, r, p in zip(frame["tenant"], frame["request_type"], frame["period"], strict=True)
        }
        | {(t, r, w.label) for t, r in groups for w in wanted}
    )
    grouped = dict(list(frame.groupby(["tenant", "request_type", "period"], sort=False)))
    rows = [_measure(terms, t, r, by_label[p], grouped.get((t, r, p)), step) for t, r, p in keys]
    return ErrorRateResults(
        table=_priced(terms, rows, by_label, monthly_fee, fees or {}, currency, billing_day),
        rejected=tuple(sorted(rejected, key=lambda p: p.row)),
        metrics=table,
    )


def _covering(contract: Contract, billing_day: int, seconds: npt.NDArray[np.int64]) -> list[Period]:
    """The consecutive periods (calendar, or billing cycles from ``billing_day``) from the one
    holding the earliest of ``seconds`` to the one holding the latest: each row's period is then
    found by its start among theirs, not by a calendar computed per row."""
    if not len(seconds):
        return []
    kind, tz = contract.period, contract.timezone
    first, last = int(seconds.min()), int(seconds.max())
    if billing_day == 1:
        return periods_between(
            kind, tz, period_containing(kind, tz, first), period_containing(kind, tz, last)
        )
    cycle = _billing_cycles(contract, billing_day)
    day = pendulum.from_timestamp(first, tz=tz).date()
    out = [cycle(billing_cycle_start(day, billing_day))]
    while out[-1].end.timestamp() <= last:
        out.append(cycle(out[-1].end.date()))
    return out


def measured_period(contract: Contract, label: str) -> Period:
    """The period a result row's ``period`` label names under ``contract``: a calendar period
    (``2026-03``), or a billing cycle named by its first day (``2026-03-15``)."""
    try:
        first = dt.date.fromisoformat(label)
    except ValueError:
        return parse_period(label, contract.period, contract.timezone)
    return _billing_cycles(contract, first.day)(pendulum.Date(first.year, first.month, first.day))


def _billing_cycles(contract: Contract, billing_day: int) -> Callable[[pendulum.Date], Period]:
    """The billing cycle that starts on a day (the customer's ``billing_day`` of a month), from
    its midnight in the contract's zone to the same day of the next month; refused for a
    contract measured over calendar periods (see the module docstring)."""
    if (
        isinstance(billing_day, bool)
        or not isinstance(billing_day, int)
        or not 2 <= billing_day <= 28
    ):
        raise InputError(
            f"{option('billing_day', billing_day)}: give a day of the month from 1 to 28"
        )
    kind, tz = contract.period, contract.timezone
    if kind != "month" or contract.claim.rule != "end_of_billing_cycle_after":
        raise ContractError(
            f"{contract.id}: measured over calendar {kind}s (its claim clock does not count "
            f"billing cycles), so billing cycles starting on day {billing_day} cannot be "
            "measured under it; leave the billing day empty (or 1) for this contract"
        )

    def cycle(day: pendulum.Date) -> Period:
        start = pendulum.datetime(day.year, day.month, billing_day, tz=tz)
        months = day.year * 12 + day.month  # the next month's index, counted from year 0
        end = pendulum.datetime(months // 12, months % 12 + 1, billing_day, tz=tz)
        return Period(start.date().isoformat(), start, end)

    return cycle


def _measure(
    contract: Contract,
    tenant: str,
    request_type: str,
    period: Period,
    group: pd.DataFrame | None,
    step: int,
) -> dict[str, object]:
    """The exact average error rate of one tenant, request type and period."""
    intervals = period.seconds // step
    rate_sum = Fraction(0)
    made = failed = busy = 0
    first_failure: int | None = None
    if group is not None:
        # Sum the rates exactly, grouping intervals that share a request count (one division each).
        made, failed = int(group["total_requests"].sum()), int(group["failed_requests"].sum())
        counted = group[group["total_requests"] > 0]
        busy = len(counted)
        sums = counted.groupby("total_requests")["failed_requests"].sum()
        for total, failures in zip(sums.index.tolist(), sums.tolist(), strict=True):
            rate_sum += Fraction(int(failures), int(total))
        failing = group.loc[group["failed_requests"] > 0, "second"]
        first_failure = int(failing.min()) if len(failing) else None
    lost = rate_sum / intervals  # the average error rate, as a share
    return {
        "tenant": tenant,
        "request_type": request_type,
        "service": contract.service,
        "contract": contract.id,
        "period": period.label,
        "timezone": contract.timezone,
        "intervals": intervals,
        "intervals_with_requests": busy,
        "total_requests": made,
        "failed_requests": failed,
        "average_error_rate_percent": _floored(lost * 100),
        "availability_percent": _floored(100 - lost * 100),
        "_lost": lost,
        "_first_failure": first_failure,
    }


def _floored(value: Fraction, places: int = 10) -> Decimal:
    """Exact when it fits ``places`` decimals, else floored there (never flatters)."""
    scaled = value * 10**places
    whole = scaled.numerator // scaled.denominator
    exact = Decimal(whole).scaleb(-places)
    return exact.normalize() if whole * scaled.denominator == scaled.numerator else exact


def _priced(
    contract: Contract,
    rows: list[dict[str, Any]],
    by_label: Mapping[str, Period],
    monthly_fee: Decimal | int | str | None,
    fees: Mapping[str, Decimal | int | str],
    currency: str,
    billing_day: int,
) -> pd.DataFrame:
    """Tier, credit and claim deadline of each row, under the text in force on its period."""
    out = []
    # Row dicts, not a frame: a frame would turn a period's missing first failure into NaN.
    for record in rows:
        period = by_label[str(record["period"])]
        terms = contract.terms_at(period.start.date())
        lost: Fraction = record.pop("_lost")
        first = record.pop("_first_failure")
        # Availability = 100 × up / total with up / total = 1 − lost.
        avail = Availability(
            up=np.array([lost.denominator - lost.numerator], dtype=object),
            total=np.array([lost.denominator], dtype=object),
        )
        tier = choose_tiers(terms, avail)
        given = fees.get(str(record["request_type"]), monthly_fee)
        fee = None if given is None else parse_amount(given)
        period_fee = None if fee is None else fee * period.months
        credit = credits(
            terms,
            tier,
            Availability(up=np.array([lost.numerator], dtype=object), total=avail.total),
            fee_days(
                terms,
                np.array([period.days], dtype=np.int64),
                np.array([period.months], dtype=np.int64),
            ),
            Fees.of([period_fee], [currency.upper()]),
        )
        when = None if first is None else pendulum.from_timestamp(first)
        deadline = claim_deadline(terms, period, when, billing_day)
        described = ["", *(t.describe() for t in terms.tiers)]
        record.update(
            {
                "commitment_percent": terms.commitment_percent,
                "terms_version": terms.source.version,
                "breached": bool(tier[0] >= 0),
                "tier_number": int(tier[0]) + 1,
                "tier": described[int(tier[0]) + 1],
                "credit_percent": credit.percent[0],
                "credit_days": credit.days[0],
                "credit_amount": credit.amount[0],
                "credit_limited_by": credit.limited_by[0],
                "monthly_fee": fee,
                "period_fee": period_fee,
                "currency": currency.upper(),
                "claim_deadline": None
                if deadline is None
                else dt.date(deadline.year, deadline.month, deadline.day),
            }
        )
        out.append(record)
    return error_rate_table(out)
