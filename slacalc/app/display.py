"""How numbers, contracts and result tables read on screen: formatting and plain words, no widgets.

Display rounding never flatters: availabilities are floored (99.99995 % shows as 99.999 %, never
100 % while there was downtime) and minutes still needed to reach a tier are rounded up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import pandas as pd

from slacalc.model.contract import Contract
from slacalc.model.money import minor_unit_digits
from slacalc.report.terms import contract_terms as terms_of
from slacalc.report.totals import days_left_words, deadline_status
from slacalc.report.values import missing

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def percent(value: object, places: int = 3) -> str:
    """An availability for display, floored: ``99.137 %``; exactly 100 shows as ``100 %``."""
    number = _decimal(value)
    if number is None:
        return "—"
    if number == 100:
        return "100 %"
    shown = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_FLOOR)
    return f"{shown:.{places}f} %"


def commitment(value: object) -> str:
    """A committed percent as the contract states it: ``99.9 %``."""
    number = _decimal(value)
    return "—" if number is None else f"{number.normalize():f} %"


def points(value: object, places: int = 3) -> str:
    """A change of availability in percentage points, signed: ``−0.138 pp``."""
    number = _decimal(value)
    if number is None:
        return "—"
    shown = number.quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_FLOOR if number > 0 else ROUND_CEILING
    )
    if shown == 0:
        return "±0 pp"
    return f"{shown:+.{places}f} pp".replace("-", "−")


def money(value: object, currency: str) -> str:
    """An amount in its currency's minor unit: ``2,000.00 USD``; ``—`` when there is no fee."""
    shown = amount(value, currency)
    return shown if shown == "—" else f"{shown} {currency}".strip()


def amount(value: object, currency: str) -> str:
    """An amount in its currency's minor unit without the code (``2,000.00``), for a figure whose
    label names the currency; ``—`` when there is no fee."""
    number = _decimal(value)
    if number is None:
        return "—"
    return f"{number:,.{minor_unit_digits(currency)}f}"


def money_change(value: object, currency: str) -> str:
    """A signed change of money: ``+2,000.00 USD``."""
    number = _decimal(value)
    if number is None:
        return "—"
    if number == 0:
        return f"±0 {currency}".strip()
    digits = minor_unit_digits(currency)
    return f"{number:+,.{digits}f} {currency}".replace("-", "−").strip()


def minutes_needed(value: object) -> str:
    """Minutes still needed to reach a tier, rounded up: ``61.52 min (1 h 2 min)``."""
    number = _decimal(value)
    if number is None:
        return "—"
    shown = number.quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    return f"{shown:,.2f} min ({duration(number)})"


def duration(minutes: object) -> str:
    """A length of time in words, rounded up to the minute: ``1 d 4 h 5 min``."""
    number = _decimal(minutes)
    if number is None:
        return "—"
    total = int(number.to_integral_value(rounding=ROUND_CEILING))
    days, rest = divmod(total, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{mins} min"]
    if mins == 0 and (days or hours):
        parts[2] = ""
    return " ".join(p for p in parts if p)


def count(value: object) -> str:
    """A whole or decimal count with thousands separators: ``384,300``."""
    number = _decimal(value)
    if number is None:
        return "—"
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number:,.2f}"


def period(label: str) -> str:
    """``2026-03`` → ``March 2026``; ``2026-Q1`` → ``Q1 2026``."""
    year, _, part = label.partition("-")
    if part.upper().startswith("Q"):
        return f"{part.upper()} {year}"
    if part.isdigit() and 1 <= int(part) <= 12:
        return f"{_MONTHS[int(part) - 1]} {year}"
    return label


def day(value: object) -> str:
    """A date in words: ``30 April 2026``."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
    return "—" if missing(value) else str(value)


def deadline(value: object, days_left: object) -> str:
    """A claim deadline with where it stands: ``30 April 2026 (passed 214 days ago)``."""
    if missing(value):
        return "none stated"
    words = days_left_words(None if missing(days_left) else days_left)
    return f"{day(value)} ({words})" if words else day(value)


def credit_terms(row: dict[str, object]) -> str:
    """What the credit is, in words: ``25 % of the fee`` or ``3 days of service``."""
    days = _decimal(row.get("credit_days"))
    pct = _decimal(row.get("credit_percent"))
    if days is not None and days > 0:
        return f"{days.normalize():f} days of service"
    if pct is not None and pct > 0:
        return f"{pct.normalize():f} % of the fee"
    return "no credit"


def _decimal(value: object) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return None if value != value else Decimal(repr(value))
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


# --- contracts ------------------------------------------------------------------------------------


def contract_terms(contract: Contract) -> list[tuple[str, str]]:
    """The terms of a contract as (term, plain words) rows: the report layer's wording."""
    return [(t.label.capitalize(), t.words) for t in terms_of(contract)]


def tier_table(contract: Contract) -> pd.DataFrame:
    """The credit tiers as a small table: availability condition → credit."""
    rows = []
    for tier in contract.tiers:
        what = {
            "percent": f"{tier.credit} % of the {contract.period}'s fee",
            "days": f"{tier.credit} days of service",
            "multiple": f"{tier.credit}× the fees for the down time",
        }[tier.kind]
        rows.append({"Availability": tier.bounds(), "Credit": what})
    return pd.DataFrame(rows)


# --- result tables -------------------------------------------------------------------------------


def period_table(table: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """One row per tenant and period, for reading: formatted text, the columns people ask about.
    A claim deadline says how many days are left on ``today``, or how long ago it passed."""
    days_left = deadline_status(table, today)["days_left"].tolist()
    out = pd.DataFrame(
        {
            "Tenant": table["tenant"],
            "Period": [period(p) for p in table["period"]],
            "Availability": [percent(v) for v in table["availability_percent"]],
            "Commitment": [commitment(v) for v in table["commitment_percent"]],
            "SLA downtime (user-min)": [count(v) for v in table["user_minutes_lost"]],
            "Impact (user-min)": [count(v) for v in table["impact_user_minutes"]],
            "Tier": [t or "none" for t in table["tier"]],
            "Credit": [
                money(a, c) for a, c in zip(table["credit_amount"], table["currency"], strict=True)
            ],
            "Claim by": [
                deadline(d, n) if b else "—"
                for d, b, n in zip(
                    table["claim_deadline"], table["breached"], days_left, strict=True
                )
            ],
            "Full-outage minutes to next tier": [
                minutes_needed(m) for m in table["minutes_to_next_tier"]
            ],
            "Incidents": [", ".join(ids) for ids in table["incident_ids"]],
        }
    )
    if table["tenant"].isna().all():
        out = out.drop(columns=["Tenant"])
    return out


def window_table(frame: pd.DataFrame, timezone: str, columns: Iterable[str]) -> pd.DataFrame:
    """Evidence or exclusion windows with their times shown in ``timezone`` (naive, for reading)."""
    out = frame[list(columns)].copy()
    for name in ("start", "end"):
        if name in out:
            out[name] = (
                pd.to_datetime(out[name], utc=True).dt.tz_convert(timezone).dt.tz_localize(None)
            )
    if "incident_ids" in out:
        out["incident_ids"] = [", ".join(ids) for ids in out["incident_ids"]]
    for name in ("minutes", "user_minutes_lost", "peak_affected_users"):
        if name in out:
            out[name] = [count(v) for v in out[name]]
    if "tenant" in out and out["tenant"].isna().all():
        out = out.drop(columns=["tenant"])
    if "period" in out:
        out["period"] = [period(str(p)) for p in out["period"]]
    return out.rename(columns=_WINDOW_HEADERS)


_WINDOW_HEADERS = {
    "tenant": "Tenant",
    "period": "Period",
    "start": "From",
    "end": "To",
    "minutes": "Minutes",
    "peak_affected_users": "Peak users affected",
    "user_minutes_lost": "User-minutes lost",
    "incident_ids": "Incidents",
    "reason": "Reason",
}
