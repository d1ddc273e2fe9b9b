"""What-if scenarios: pure changes to the outages and the customer terms, and their comparison.

A :class:`Scenario` says what to change relative to the baseline (outages longer or shorter, more
or fewer affected users, other licensed users, fee or contract, exclusions honoured or not);
:func:`run` applies it and calls the engine; :func:`compare` lines the results up against the
baseline; and :func:`credit_steps` gives the exact credit as a function of extra full outage, from
the contract's tiers through the engine's own tier and margin rules. Nothing here reads files or
draws anything::

    base = run(outages, contract, customer=Customer(users=1000, monthly_fee=Decimal(8000)))
    longer = run(outages, contract, Scenario("A day longer", extend_minutes=1440), customer=...)
    compare(base.to_frame(), {"A day longer": longer.to_frame()})
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import numpy as np
import pandas as pd

from slacalc.engine.calculate import calculate, calculate_moved, incident_keys
from slacalc.engine.columns import FIGURE, MONEY, PERCENT, from_decimals, missing
from slacalc.engine.credits import (
    Availability,
    Fees,
    choose_tiers,
    credits,
    fee_days,
    seconds_to_next_tier,
)
from slacalc.engine.results import Results
from slacalc.engine.sweep import UNITS_PER_USER
from slacalc.errors import CalculationError, InputError
from slacalc.io.customers import Customers
from slacalc.io.outages import Outages
from slacalc.model.contract import Contract
from slacalc.model.money import round_money
from slacalc.model.registry import ContractRegistry

_WHOLE = 10_000  # factors and percents are handled in 1/10,000 so every step is integer-exact
_MAX_PERCENT = Decimal(1000)


@dataclass(frozen=True, slots=True)
class Customer:
    """One customer given inline: licensed users, monthly fee and the sizes of its cohorts."""

    users: int
    monthly_fee: Decimal | None = None
    currency: str = "USD"
    cohorts: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Scenario:
    """A what-if relative to the baseline; every field left at its default changes nothing.

    ``target`` picks the outages whose length or reach changes: ``""`` for every counted outage, an
    incident id (``"EX1268771"``) for that incident's windows, or ``"row 7"`` for one input row.
    Length changes move window ends. With ``each="incident"`` (the default) each incident lasts
    longer: the windows that end when the incident ends (its last window, one per cohort that was
    hit until then) get ``extend_minutes`` more, and ``extend_percent`` of the incident's whole
    duration (first start to last end); its earlier windows stay as they were. A window without an
    incident id is an incident of its own. With ``each="window"`` every selected window gets the
    change (five windows, ``extend_minutes=1440``: five more days of outage). Negative values
    shorten; a window shortened to nothing is dropped.
    ``affected_factor`` scales the affected users (never above the cohort or the licensed users; a
    window that hit everyone hits that share of them when the factor is below 1).
    ``exclusions=False`` counts the excluded windows as outages and drops the contract's
    scheduled maintenance, for "what if the exclusion is not accepted?".
    """

    name: str
    target: str = ""
    extend_minutes: int = 0
    extend_percent: Decimal = Decimal(0)
    each: Literal["incident", "window"] = "incident"
    affected_factor: Decimal = Decimal(1)
    licensed_users: int | None = None
    monthly_fee: Decimal | None = None
    contract: str | None = None
    exclusions: bool = True

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InputError("scenario: give it a name")
        if self.each not in ("incident", "window"):
            raise InputError(f"each: {self.each!r} is neither 'incident' nor 'window'")
        if not Decimal(-100) <= self.extend_percent <= _MAX_PERCENT:
            raise InputError(f"extend_percent: {self.extend_percent} is outside -100 to 1000")
        if self.extend_percent != self.extend_percent.quantize(Decimal("0.01")):
            raise InputError(f"extend_percent: {self.extend_percent} has more than 2 decimals")
        if not Decimal(0) <= self.affected_factor <= Decimal(100):
            raise InputError(f"affected_factor: {self.affected_factor} is outside 0 to 100")
        if self.affected_factor != self.affected_factor.quantize(Decimal("0.0001")):
            raise InputError(f"affected_factor: {self.affected_factor} has more than 4 decimals")
        if self.licensed_users is not None and self.licensed_users <= 0:
            raise InputError(f"licensed_users: {self.licensed_users} is not a positive number")
        if self.monthly_fee is not None and self.monthly_fee < 0:
            raise InputError(f"monthly_fee: {self.monthly_fee} is negative")

    def describe(self) -> str:
        """The changes in plain words, e.g. ``every incident lasts 1 day (1,440 min) longer``."""
        parts = []
        who = "every outage" if not self.target else self.target
        if self.extend_minutes or self.extend_percent:
            parts.append(self._length_words())
        if self.affected_factor != 1:
            parts.append(f"{who}: affected users ×{self.affected_factor.normalize()}")
        if self.licensed_users is not None:
            parts.append(f"{self.licensed_users:,} licensed users")
        if self.monthly_fee is not None:
            parts.append(f"fee {self.monthly_fee:,}")
        if self.contract:
            parts.append(f"contract {self.contract}")
        if not self.exclusions:
            parts.append("exclusions not accepted")
        return "; ".join(parts) or "no change"

    def _length_words(self) -> str:
        """What a length change does, naming incidents or windows as the scenario works."""
        change = []
        if self.extend_minutes:
            change.append(minutes_words(abs(self.extend_minutes)))
        if self.extend_percent:
            whole = "of its duration" if self.each == "incident" else "of its length"
            change.append(f"{abs(self.extend_percent).normalize():f} % {whole}")
        longer = "longer" if self.extend_minutes >= 0 and self.extend_percent >= 0 else "shorter"
        if self.extend_minutes * self.extend_percent < 0:
            longer = "changed"
            change = [f"{self.extend_minutes:+,} min", f"{self.extend_percent:+} %"]
        amount = " and ".join(change)
        if self.each == "window":
            who = "every counted window" if not self.target else f"each window of {self.target}"
            return f"{who} {amount} {longer}"
        who = "every incident" if not self.target else self.target
        return f"{who} lasts {amount} {longer} (its last window)"


def minutes_words(minutes: int) -> str:
    """Minutes for people: ``1 day (1,440 min)``, ``2 h (120 min)``, ``45 min``."""
    for size, unit in ((1440, "day"), (60, "h")):
        if minutes >= size and minutes % size == 0:
            count = minutes // size
            plural = "s" if unit == "day" and count != 1 else ""
            return f"{count:,} {unit}{plural} ({minutes:,} min)"
    return f"{minutes:,} min"


def selected(frame: pd.DataFrame, target: str) -> np.ndarray:
    """Which counted rows of a normalised outage table ``target`` names (see :class:`Scenario`)."""
    counted = (frame["excluded"] == "").to_numpy(dtype=bool)
    text = target.strip()
    if not text:
        return counted
    if text.lower().startswith("row "):
        number = text[4:].strip()
        if not number.isdigit():
            raise InputError(f"target: {target!r} is not like 'row 7'")
        rows = frame["row"].to_numpy(dtype=np.int64)
        return np.asarray(counted & (rows == int(number)), dtype=bool)
    ids = frame["id"].astype(str).str.casefold().to_numpy(dtype=object)
    return np.asarray(counted & (ids == text.casefold()), dtype=bool)


def resize(
    frame: pd.DataFrame,
    mask: np.ndarray,
    minutes: int,
    percent: Decimal,
    *,
    each: Literal["incident", "window"] = "window",
    keys: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Windows under ``mask`` made longer (or shorter); see :class:`Scenario` for ``each``.

    ``each="window"``: ``end = start + duration × (1 + percent/100) + minutes`` for every window.
    ``each="incident"``: the windows that end when their incident ends (among those under
    ``mask``; an incident is a tenant's windows of one id, a window without id its own) get
    ``incident duration × percent/100 + minutes`` more. Scaled durations are rounded half-up to
    the millisecond; windows whose new end is not after their start are dropped. ``keys``:
    each row's tenant and incident id as codes (−1: no id), when the caller has them hashed
    (:func:`~slacalc.engine.calculate.incident_keys`).
    """
    if not mask.any() or (minutes == 0 and percent == 0):
        return frame
    start = frame["start"].to_numpy(dtype="datetime64[ms]").astype(np.int64)
    end = frame["end"].to_numpy(dtype="datetime64[ms]").astype(np.int64)
    factor = int(percent * 100)
    if each == "incident":
        last_end, first_start = _incident_span(frame, mask, start, end, keys)
        grow = mask & (end == last_end)
        duration = last_end - first_start
    else:
        grow, duration = mask, end - start
    extra = (duration * factor + _WHOLE // 2) // _WHOLE + minutes * 60_000
    new_end = np.where(grow, end + extra, end)
    # The other columns are shared, not copied (pandas copies on write).
    out = frame.assign(end=pd.to_datetime(new_end, unit="ms", utc=True).as_unit("ns"))
    keep = new_end > start
    return (out if keep.all() else out[keep]).reset_index(drop=True)


def _incident_span(
    frame: pd.DataFrame,
    mask: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    keys: tuple[np.ndarray, np.ndarray] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the last end and first start of its incident's windows under ``mask``."""
    if keys is None:
        tenant, _ = pd.factorize(frame["tenant"].astype(str))
        ids, _ = pd.factorize(frame["id"].astype(str))
        ids = np.where((frame["id"].astype(str) == "").to_numpy(dtype=bool), -1, ids)
    else:
        tenant, ids = keys
    n = len(frame)
    width = int(ids.max()) + 1 if n else 0
    incident = np.where(ids < 0, width + np.arange(n), ids)  # no id: its own
    # One integer per (tenant, incident), hashed; the extremes gathered per code.
    key, codes = pd.factorize(np.asarray(tenant, dtype=np.int64) * (width + n) + incident)
    low, high = np.iinfo(np.int64).min, np.iinfo(np.int64).max
    last = np.full(len(codes), low, dtype=np.int64)
    np.maximum.at(last, key, np.where(mask, end, low))
    first = np.full(len(codes), high, dtype=np.int64)
    np.minimum.at(first, key, np.where(mask, start, high))
    return last[key], first[key]


def populations(frame: pd.DataFrame, customers: Customers, *, single: bool) -> np.ndarray:
    """Per row, the users of its cohort (or, with no cohort, of its tenant); NaN if unknown.

    ``single``: one customer takes every row whatever its tenant column says. A tenant holding
    several contracts counts the fewest licensed users among them, so a scaled row stays within
    every contract it may apply to.
    """
    tenant_of = (
        pd.Series(
            customers.frame["users"].to_numpy(dtype=np.float64),
            index=customers.frame["tenant"].to_numpy(dtype=object),
        )
        .groupby(level=0)
        .min()
    )
    sizes = customers.cohorts
    if single:
        licensed = float(customers.frame["users"].iloc[0])
        whole = np.full(len(frame), licensed)
        by_cohort = dict(zip(sizes["cohort"], sizes["users"].astype(np.float64), strict=True))
        cohort = frame["cohort"].map(by_cohort).to_numpy(dtype=np.float64)
    else:
        whole = frame["tenant"].map(tenant_of).to_numpy(dtype=np.float64)
        keyed = sizes.set_index(["tenant", "cohort"])["users"].astype(np.float64)
        pairs = pd.MultiIndex.from_arrays([frame["tenant"], frame["cohort"]])
        cohort = keyed.reindex(pairs).to_numpy(dtype=np.float64)
    return np.where(frame["cohort"].to_numpy() == "", whole, cohort)


def scale_affected(
    frame: pd.DataFrame, mask: np.ndarray, factor: Decimal, population: np.ndarray
) -> pd.DataFrame:
    """Affected users of the rows under ``mask`` times ``factor``, rounded half-up.

    Counts stay whole users and never exceed ``population`` (where known); percents keep two
    decimals and never exceed 100; a row that hit everyone hits ``factor × 100`` percent of them
    when the factor is below 1 and stays as it is otherwise. A row with both a count and a percent
    keeps the count.
    """
    if not mask.any() or factor == 1:
        return frame
    f = int(factor * _WHOLE)
    users = frame["affected_users"].to_numpy(dtype=np.float64)
    percent = frame["affected_percent"].to_numpy(dtype=np.float64)
    has_users, has_percent = ~np.isnan(users), ~np.isnan(percent)
    counts = np.nan_to_num(users).astype(np.int64)
    scaled_users = (counts * f + _WHOLE // 2) // _WHOLE
    cap = np.where(np.isnan(population), np.inf, population)
    new_users = np.minimum(scaled_users.astype(np.float64), cap)
    hundredths = np.rint(np.nan_to_num(percent) * 100).astype(np.int64)
    new_hundredths = np.minimum((hundredths * f + _WHOLE // 2) // _WHOLE, 100 * 100)
    everyone = ~has_users & ~has_percent
    out = frame.copy()
    out["affected_users"] = np.where(mask & has_users, new_users, users)
    new_percent = np.where(has_percent, new_hundredths / 100, min(f, _WHOLE) / 100)
    change_percent = mask & ~has_users & (has_percent | (everyone & (f < _WHOLE)))
    out["affected_percent"] = np.where(
        change_percent, new_percent, np.where(mask & has_users, np.nan, percent)
    )
    return out


def count_exclusions(frame: pd.DataFrame) -> pd.DataFrame:
    """Every excluded window counted as an outage (its reason not accepted)."""
    if not (frame["excluded"] != "").any():
        return frame
    return frame.assign(excluded="")


def apply_outages(
    outages: Outages, scenario: Scenario, customers: Customers, *, single: bool
) -> Outages:
    """The outage table as the scenario changes it; rejected rows and the mapping are kept."""
    frame = outages.frame
    if not scenario.exclusions:
        frame = count_exclusions(frame)
    mask = selected(frame, scenario.target)
    if scenario.affected_factor != 1:
        frame = scale_affected(
            frame,
            mask,
            scenario.affected_factor,
            populations(frame, customers, single=single),
        )
    frame = resize(
        frame,
        mask,
        scenario.extend_minutes,
        scenario.extend_percent,
        each=scenario.each,
        keys=incident_keys(outages),  # the rows are still those of outages
    )
    return dataclasses.replace(outages, frame=frame)


def apply_customer(customer: Customer, scenario: Scenario) -> Customer:
    """The single customer as the scenario changes it; cohorts never exceed the licensed users."""
    users = customer.users if scenario.licensed_users is None else scenario.licensed_users
    fee = customer.monthly_fee if scenario.monthly_fee is None else scenario.monthly_fee
    cohorts = tuple((name, min(size, users)) for name, size in customer.cohorts)
    return dataclasses.replace(customer, users=users, monthly_fee=fee, cohorts=cohorts)


def apply_contract(contract: Contract, scenario: Scenario) -> Contract:
    """The contract with its scheduled maintenance dropped when exclusions are not accepted."""
    if scenario.exclusions or not contract.maintenance:
        return contract
    return contract.model_copy(update={"maintenance": ()})


def run(
    outages: Outages,
    contract: Contract | None,
    scenario: Scenario | None = None,
    *,
    customer: Customer | None = None,
    customers: Customers | None = None,
    contracts: ContractRegistry | None = None,
    periods: Iterable[str] | None = None,
    tenant: str | None = None,
) -> Results:
    """Compute the baseline (``scenario=None``) or a scenario, for one customer or a portfolio.

    ``contract`` is the baseline contract (``None`` with ``customers``: each tenant's own);
    ``contracts`` holds the user's contracts besides the bundled ones (uploaded contracts), for a
    scenario's contract id and the ids in the customers table. ``periods`` and ``tenant`` are
    :func:`~slacalc.engine.calculate.calculate`'s.
    """
    if (customer is None) == (customers is None):
        raise InputError("give either customer= (one customer) or customers= (a table)")
    scenario = scenario or Scenario("Baseline")
    registry = ContractRegistry.of(contracts)
    chosen = registry.resolve(scenario.contract) if scenario.contract else contract
    if customer is not None:
        if chosen is None:
            raise InputError("choose a contract for the customer")
        customer = apply_customer(customer, scenario)
        single = Customers.single(
            contract=chosen.id,
            users=customer.users,
            monthly_fee=customer.monthly_fee,
            currency=customer.currency,
            cohorts=dict(customer.cohorts),
        )
        changed = apply_outages(outages, scenario, single, single=True)
        return calculate(
            changed,
            apply_contract(chosen, scenario),
            users=customer.users,
            monthly_fee=customer.monthly_fee,
            currency=customer.currency,
            cohorts=dict(customer.cohorts),
            periods=periods,
            tenant=tenant,
        )
    if tenant is not None:
        raise InputError(
            "tenant= picks the rows of one customer; with customers= each is calculated"
        )
    assert customers is not None
    changed = apply_outages(outages, scenario, customers, single=False)
    if _moves_only(scenario, outages, changed):  # matching and users as in the baseline
        return calculate_moved(
            outages,
            changed.frame,
            chosen,
            customers=customers,
            contracts=registry,
            periods=periods,
        )
    if chosen is None:
        if scenario.exclusions:
            return calculate(changed, customers=customers, contracts=registry, periods=periods)
        ids = sorted(set(customers.frame["contract"]))
        if len(ids) > 1:
            raise InputError("exclusions off needs one contract for every tenant; pick one")
        chosen = registry.resolve(ids[0])
    return calculate(
        changed,
        apply_contract(chosen, scenario),
        customers=customers,
        contracts=registry,
        periods=periods,
    )


def _moves_only(scenario: Scenario, outages: Outages, changed: Outages) -> bool:
    """Whether the scenario changed nothing but the times of windows it kept (every row is
    still there, in its place), so the baseline's matching and affected users still hold."""
    return (
        scenario.exclusions
        and scenario.affected_factor == 1
        and len(changed.frame) == len(outages.frame)
    )


#: Columns of :func:`compare`.
COMPARE_COLUMNS = (
    "tenant",
    "service",
    "period",
    "scenario",
    "availability_percent",
    "availability_change",
    "tier",
    "credit_percent",
    "credit_days",
    "credit_amount",
    "credit_change",
    "currency",
    "minutes_to_next_tier",
    "next_tier",
)
_KEY = ["tenant", "service", "period"]


def compare(baseline: pd.DataFrame, scenarios: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Baseline and scenarios side by side: one row per tenant, service, period and scenario.

    Changes are against the baseline, in percentage points of availability and in money. A period
    that has no row in one of them had no downtime there: 100 % and no credit.
    """
    tables = {"Baseline": baseline, **scenarios}
    for name, table in tables.items():
        twice = table[_KEY].duplicated() if len(table) else pd.Series(dtype=bool)
        if twice.any():
            tenant, service, period = table[_KEY][twice].iloc[0].tolist()
            raise CalculationError(
                f"{name}: tenant {tenant!r} holds two contracts for the service {service!r} in "
                f"{period}; the comparison lines rows up by tenant, service and period, so give "
                "each contract its own service name"
            )
    every = pd.concat([t for t in tables.values() if len(t)], ignore_index=True)
    if not len(every):
        return pd.DataFrame({c: [] for c in COMPARE_COLUMNS})
    keys = every[_KEY].drop_duplicates().sort_values(_KEY, kind="stable", ignore_index=True)
    tenants = every.drop_duplicates("tenant").set_index("tenant")
    priced = every.groupby("tenant", dropna=False)["credit_amount"].agg(
        lambda s: bool(s.notna().any())
    )
    frames = []
    base = _aligned(keys, baseline, tenants["currency"], priced)
    for order, (name, table) in enumerate(tables.items()):
        mine = _aligned(keys, table, tenants["currency"], priced)
        mine["scenario"] = name
        mine["_order"] = order
        mine["availability_change"] = [
            a - b
            for a, b in zip(mine["availability_percent"], base["availability_percent"], strict=True)
        ]
        mine["credit_change"] = [
            None if a is None or b is None else a - b
            for a, b in zip(mine["credit_amount"], base["credit_amount"], strict=True)
        ]
        frames.append(mine)
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values([*_KEY, "_order"], kind="stable", ignore_index=True)
    for name, kind in _TYPED:  # typed like the result table (see slacalc.engine.columns)
        out[name] = from_decimals(out[name].to_numpy(dtype=object), kind)
    out["minutes_to_next_tier"] = pd.to_numeric(out["minutes_to_next_tier"]).astype("float64")
    text = [*_KEY, "tier", "currency", "next_tier"]
    out[text] = out[text].astype("str")
    return out[list(COMPARE_COLUMNS)]


_TYPED = (
    ("availability_percent", PERCENT),
    ("availability_change", PERCENT),  # −100 to 100 points: the same precision holds it
    ("credit_percent", FIGURE),
    ("credit_days", FIGURE),
    ("credit_amount", MONEY),
    ("credit_change", MONEY),
)


_ALIGNED = (
    "availability_percent",
    "tier",
    "credit_percent",
    "credit_days",
    "credit_amount",
    "currency",
    "minutes_to_next_tier",
    "next_tier",
)


def _aligned(
    keys: pd.DataFrame, table: pd.DataFrame, currency: pd.Series, priced: pd.Series
) -> pd.DataFrame:
    """``table``'s rows for ``keys``; a missing row is a period without downtime."""
    if len(table):
        merged = keys.merge(table[[*_KEY, *_ALIGNED]], on=_KEY, how="left")
    else:
        merged = keys.assign(**dict.fromkeys(_ALIGNED))
    merged = merged.astype(object)
    absent = merged["availability_percent"].isna().to_numpy()
    rows = []
    for gone, record in zip(absent, merged.to_dict("records"), strict=True):
        if gone:
            cur = str(currency.get(record["tenant"], ""))
            record.update(
                availability_percent=Decimal(100),
                tier="",
                next_tier="",
                currency=cur,
                credit_amount=round_money(Decimal(0), cur)
                if priced.get(record["tenant"])
                else None,
            )
        rows.append({k: (None if missing(v) else v) for k, v in record.items()})
    return pd.DataFrame.from_records(rows, columns=[*_KEY, *_ALIGNED]).astype(object)


#: Columns of :func:`credit_steps`.
STEP_COLUMNS = (
    "extra_minutes",
    "extra_seconds",
    "availability_percent",
    "tier",
    "credit_percent",
    "credit_days",
    "credit_amount",
)


def credit_steps(row: Mapping[str, object], contract: Contract) -> pd.DataFrame:
    """The credit as a function of extra full outage in one result row's period, exactly.

    The first row is the period as it is (0 extra minutes); each further row is the least extra
    outage, hitting every licensed user at a time that was up, that reaches the next tier (the
    engine's own margin rule), with the tier and credit the engine gives there. Tiers out of reach
    in the period, and tiers paying a multiple of the down time's fees, are left out. The terms
    are those of the contract's text in force on the period's first day.
    """
    contract = contract.terms_at(pd.Timestamp(str(row["period_start"])).date())
    measured = _int(row["measured_seconds"])
    down_s = _int(row["downtime_seconds"])
    users = _int(row["licensed_users"])
    if contract.method == "user_minutes":
        total = measured * users * UNITS_PER_USER
        lost = int(Decimal(str(row["downtime_user_seconds"])) * UNITS_PER_USER)
        per_second = users * UNITS_PER_USER
    else:
        total, lost, per_second = measured, down_s, 1
    if total == 0:
        return pd.DataFrame({c: [] for c in STEP_COLUMNS})

    def column(*values: int) -> np.ndarray:
        return np.array(list(values), dtype=object)

    now = choose_tiers(contract, Availability(up=column(total - lost), total=column(total)))
    extras = [0]
    for target in range(int(now[0]) + 1, len(contract.tiers)):
        seconds, reached = seconds_to_next_tier(
            contract,
            np.array([target - 1], dtype=np.int64),
            column(total - lost),
            column(total),
            column(per_second),
            np.array([measured - down_s], dtype=np.int64),
        )
        if reached[0] == target:
            extras.append(int(seconds[0]))
    extras = sorted(set(extras))
    n = len(extras)
    lost_at = column(*(lost + x * per_second for x in extras))
    totals = column(*([total] * n))
    availability = Availability(up=totals - lost_at, total=totals)
    tiers = choose_tiers(contract, availability)
    fee = row["period_fee"]
    start, end = pd.Timestamp(str(row["period_start"])), pd.Timestamp(str(row["period_end"]))
    days = (end.date() - start.date()).days
    credit = credits(
        contract,
        tiers,
        Availability(up=lost_at, total=totals),
        fee_days(
            contract,
            np.full(n, days, dtype=np.int64),
            np.full(n, _int(row["period_months"]), dtype=np.int64),
        ),
        Fees.of([fee if isinstance(fee, Decimal) else None] * n, [str(row["currency"])] * n),
    )
    described = ["", *(t.describe() for t in contract.tiers)]
    return pd.DataFrame(
        {
            "extra_minutes": [_minutes(x) for x in extras],
            "extra_seconds": extras,
            "availability_percent": availability.percent(),
            "tier": [described[t + 1] for t in tiers.tolist()],
            "credit_percent": credit.percent,
            "credit_days": credit.days,
            "credit_amount": credit.amount,
        },
        columns=list(STEP_COLUMNS),
    )


def _minutes(seconds: int) -> Decimal:
    """Seconds as minutes, like the engine's ``minutes_to_next_tier``: exact or 6 places."""
    exact = Decimal(seconds) / 60
    return Decimal(seconds // 60) if seconds % 60 == 0 else exact.quantize(Decimal("1e-6"))


def _int(value: object) -> int:
    return int(str(value))
