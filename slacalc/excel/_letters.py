"""The words of the workbook: a claim letter per breached period, and the assumptions page.

Letters carry the engine's figures (not live formulas): they are what gets sent, so they say
exactly what slacalc computed, with the facts a provider's claim form asks for.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from slacalc.excel._tables import (
    CALCULATION,
    DOWNTIME,
    EXCLUDED,
    REJECTED,
    SUMMARY,
    TIERS,
    WINDOWS,
    Plan,
    ids_text,
    percent_text,
    texts,
)
from slacalc.model.money import ROUNDING_RULE, minor_unit_digits
from slacalc.report.values import missing, records

#: Most letters written; past this the Summary still lists every breached period.
MAX_LETTERS = 2_000
#: Most downtime windows listed in one letter; the rest are on the Downtime counted sheet.
MAX_WINDOWS = 40
#: Most lines of assumed affected users on the Assumptions sheet.
MAX_ASSUMED_LINES = 50


@dataclass(frozen=True)
class Letter:
    """One claim: a title, then label and text lines."""

    title: str
    lines: tuple[tuple[str, str], ...]


def money_text(amount: object, currency: str) -> str:
    """An amount with thousands separators and the currency's minor unit, then the currency."""
    digits = minor_unit_digits(currency)
    return f"{Decimal(str(amount)):,.{digits}f} {currency}"


def number_text(value: object) -> str:
    """A count or a figure of minutes, without trailing zeros."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


def _when(stamp: pd.Timestamp, zone: str) -> str:
    return stamp.tz_convert(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class _Windows:
    """The downtime windows of one breached period: the first few, their count and peak users."""

    listed: list[tuple[pd.Timestamp, pd.Timestamp, object, object, str]]
    count: int = 0
    peak: Decimal = Decimal(0)


def letters(plan: Plan) -> tuple[list[Letter], int]:
    """Letters for the breached periods (at most :data:`MAX_LETTERS`), and how many there are."""
    table = plan.table
    if table.empty:
        return [], 0
    breached = table[table["breached"].astype(bool)]
    rows = list(_records(breached.iloc[:MAX_LETTERS]))
    windows = _windows_of(plan, {_key(row) for row in rows})
    out = [_letter(plan, row, windows.get(_key(row), _Windows([]))) for row in rows]
    return out, len(breached)


def _windows_of(plan: Plan, keys: set[tuple[str, ...]]) -> dict[tuple[str, ...], _Windows]:
    """One pass over the evidence, keeping what the letters of ``keys`` need."""
    evidence = plan.results.evidence
    found: dict[tuple[str, ...], _Windows] = {}
    if evidence.empty or not keys:
        return found
    # Only the letters' tenants' rows (a vectorised filter; order kept), not all the evidence.
    tenants = sorted({k[0] for k in keys})
    try:
        mine = evidence["tenant"].isin(tenants)
    except UnicodeEncodeError:  # a name Arrow cannot hold (a lone surrogate): read every row
        mine = pd.Series(True, index=evidence.index)
    if "" in tenants:
        mine |= evidence["tenant"].isna()
    evidence = evidence[mine.to_numpy(dtype=bool)]
    columns = [texts(evidence[c]) for c in ("tenant", "service", "contract", "period")]
    starts, ends = evidence["start"].tolist(), evidence["end"].tolist()
    minutes, peaks = evidence["minutes"].tolist(), evidence["peak_affected_users"].tolist()
    ids = evidence["incident_ids"].tolist()
    for i, key in enumerate(zip(*columns, strict=True)):
        if key not in keys:
            continue
        w = found.setdefault(key, _Windows([]))
        w.count += 1
        w.peak = max(w.peak, Decimal(str(peaks[i])))
        if len(w.listed) < MAX_WINDOWS:
            w.listed.append((starts[i], ends[i], minutes[i], peaks[i], ids_text(ids[i])))
    return found


def _records(frame: pd.DataFrame) -> Iterator[dict[str, object]]:
    yield from records(frame)


def _key(row: dict[str, object]) -> tuple[str, ...]:
    return tuple(
        "" if row[k] is None else str(row[k]) for k in ("tenant", "service", "contract", "period")
    )


def _letter(plan: Plan, row: dict[str, object], windows: _Windows) -> Letter:
    contract = plan.contract(str(row["contract"]))
    zone = contract.timezone
    currency = str(row["currency"])
    tenant = str(row["tenant"] or "") or "(the subscription this workbook was made for)"
    start, end = row["period_start"], row["period_end"]
    assert isinstance(start, pd.Timestamp)
    assert isinstance(end, pd.Timestamp)
    period = (
        f"{row['period']}: {_when(start, zone)} to {_when(end, zone)} ({zone}), "
        f"{number_text(row['measured_minutes'])} minutes measured"
    )
    ids = ids_text(row["incident_ids"]) or "none given"
    users = int(str(row["licensed_users"]))
    if contract.method == "user_minutes":
        downtime = (
            f"{number_text(row['user_minutes_lost'])} downtime user-minutes of "
            f"{number_text(row['user_minutes'])} user-minutes "
            f"({number_text(row['downtime_minutes'])} minutes with users affected)"
        )
    else:
        downtime = (
            f"{number_text(row['downtime_minutes'])} minutes of downtime of "
            f"{number_text(row['measured_minutes'])} minutes"
        )
    utc_lines, local_lines = [], []
    for a, b, minutes, peak, ids_of in windows.listed:
        what = f"{number_text(minutes)} min, up to {number_text(peak)} users"
        if ids_of:
            what += f" ({ids_of})"
        utc_lines.append(f"{_when(a, 'UTC')} to {_when(b, 'UTC')}: {what}")
        local_lines.append(f"{_when(a, zone)} to {_when(b, zone)}")
    more = windows.count - len(windows.listed)
    if more > 0:
        utc_lines.append(f"… and {more:,} more windows (see the {DOWNTIME} sheet)")
    credit = _credit_text(row, contract.credit_kind, currency)
    deadline = row["claim_deadline"]
    if missing(deadline):
        due = contract.claim.describe()
    else:
        assert isinstance(deadline, dt.date)
        left = (deadline - plan.today(zone)).days
        state = f"{left} days left" if left >= 0 else "the deadline has passed"
        due = (
            f"{deadline.isoformat()} ({contract.claim.describe()}; "
            f"{state} as of {plan.today(zone).isoformat()})"
        )
    avail = percent_text(row["availability_percent"])
    lines: list[tuple[str, str]] = [
        ("To", f"{contract.provider}: {contract.claim.how or 'support'}"),
        ("Date", plan.now.astimezone(dt.UTC).date().isoformat()),
        ("Account / tenant", tenant),
        ("Service", f"{row['service']} ({contract.name})"),
        ("Agreement", f"{contract.source.version}; {contract.source.url}"),
        ("Period", period),
        ("Incident ids", ids),
        ("Downtime", downtime),
        ("Windows (UTC)", "\n".join(utc_lines) or "none"),
    ]
    if zone != "UTC":
        lines.append((f"Windows ({zone})", "\n".join(local_lines)))
    lines.append(
        ("Affected users", f"up to {number_text(windows.peak)} of {users:,} licensed users")
    )
    assumed = int(str(row.get("users_assumed", 0)))
    if assumed:
        lines.append(
            (
                "Users assumed",
                f"{assumed:,} window(s) of this period gave no affected-user count; each is "
                "counted as every user it could have hit (all licensed users, or its whole "
                "cohort), as the agreement's worst case.",
            )
        )
    lines += [
        (
            "Availability",
            f"{avail} % against a commitment of {contract.commitment_percent} %",
        ),
        ("Credit requested", credit),
        ("Claim deadline", due),
        (
            "Request",
            f"Under the {contract.name} service level agreement we claim a service credit for "
            f"{row['period']}. The downtime listed above, counted as the agreement defines it, "
            f"brought the availability to {avail} %, which falls in the tier "
            f"\u201c{row['tier']}\u201d. We ask you to apply a credit of {credit}. The attached "
            f"workbook holds the evidence: every downtime window with its incident ids and "
            f"affected users, and the calculation.",
        ),
    ]
    title = f"Service credit claim: {row['service']}, {row['period']}"
    if row["tenant"]:
        title += f", {row['tenant']}"
    return Letter(title=title, lines=tuple(lines))


def _credit_text(row: dict[str, object], kind: str, currency: str) -> str:
    amount = row["credit_amount"]
    worth = "" if missing(amount) else money_text(amount, currency)
    if kind == "days":
        days = number_text(row["credit_days"])
        return f"{days} days of service" + (f", worth {worth}" if worth else "")
    percent = number_text(Decimal(str(row["credit_percent"])).quantize(Decimal("0.0001")))
    fee = "" if missing(row["period_fee"]) else f" of {money_text(row['period_fee'], currency)}"
    text = f"{percent} % of the fee for the period{fee}"
    return f"{worth} ({text})" if worth else text


def assumptions(plan: Plan, letters_written: int, breached: int) -> list[tuple[str, str]]:
    """The Assumptions page: how the figures were made, as label and text."""
    outages = plan.results.outages
    assumed = list(plan.results.assumed_users())
    if len(assumed) > MAX_ASSUMED_LINES:  # a cell holds 32,767 characters
        more = len(assumed) - MAX_ASSUMED_LINES
        assumed = [
            *assumed[:MAX_ASSUMED_LINES],
            f"… and {more:,} more (the results' users_assumed column counts them per period)",
        ]
    zones = sorted({f"{c.id}: {c.timezone}" for c in plan.contracts})
    created = plan.now.astimezone(dt.UTC)
    rows = [
        ("Made by", f"slacalc {plan.version}"),
        ("Created at", created.strftime("%Y-%m-%d %H:%M:%S UTC")),
        (
            "Days left, deadline passed",
            f"Cached as of {created.date().isoformat()} (each in its contract's zone); Excel "
            "and LibreOffice count them again from TODAY() when the workbook is opened.",
        ),
        ("Time zone assumed for input times without an offset", outages.timezone),
        ("Contract time zones (periods, deadlines)", "\n".join(zones) or "none"),
        (
            "Input",
            f"{outages.source or 'table'}: {outages.rows_read:,} rows read; "
            f"{len(plan.results.rejected):,} problems (see {REJECTED}).",
        ),
        (
            "Periods",
            "Calendar months or quarters in each contract's time zone, daylight saving "
            "included; a window that crosses a period edge is split at it.",
        ),
        (
            "Exclusions",
            "Excluded windows and the contract's scheduled maintenance are removed from both "
            f"the downtime and the measured time, by true interval subtraction ({EXCLUDED}).",
        ),
        (
            "Overlapping windows",
            "Never counted twice. Within one tenant and service, at each instant the users "
            "affected in a cohort are the largest count among its active windows (not their "
            "sum); the users affected overall are the sum over cohorts, never less than the "
            "largest whole-population window and never more than the licensed users. For "
            "time-based contracts the downtime is the union of the windows.",
        ),
        (
            "Affected users",
            "A window with no count and no percent counts every user it could have hit: all "
            "licensed users, or its whole cohort (the contract's worst case). "
            + (
                "Here:\n" + "\n".join(assumed)
                if assumed
                else "Every counted window here gave a count or a percent."
            ),
        ),
        (
            "Resolution",
            "Durations to the second; affected users in ten-thousandths of a user (a percent "
            "with two decimals of a population).",
        ),
        (
            "Tier choice",
            "On the exact availability with the operators the contract states, both bounds "
            "of a band where it states two: 99.9 % exactly is not below 99.9 %, and GitHub's "
            "'greater than 99.0 %' band does not hold 99.0 %. Each period is judged by the "
            "text of the contract in force on its first day (the Terms in force column). The "
            "Calculation sheet compares whole numbers, downtime × 10,000 × Scale against "
            f"measured × Allowed (see {TIERS}), which a spreadsheet holds exactly while they "
            "stay below 2^53: up to about 6.7 million users in a month at a 95 % boundary. "
            "Past that, the Check column shows any difference from the engine.",
        ),
        (
            "Credits",
            "A percent of the period's fee (monthly fee × months), or days of service worth "
            "fee × days / days in the period; capped as the contract says; a credit at or "
            "below the contract's minimum is not issued.",
        ),
        (
            "Rounding",
            f"Money: {ROUNDING_RULE}. In the workbook: ROUND(amount, minor-unit digits), which "
            "rounds halves away from zero, the same as half-up for credits, which are never "
            "negative.",
        ),
        (
            "Displayed availability",
            "Six decimals; 100 % only when it is exactly 100, never rounded up to it. The cell "
            "holds the full value. Letters show it floored to six decimals.",
        ),
        (
            "Cached values",
            "Every formula cell carries the value slacalc computed, so a reader that does not "
            "recalculate still sees the numbers; Excel and LibreOffice recalculate on opening. "
            f"The Check column of {CALCULATION} compares each live result with the engine's.",
        ),
        (
            "What-if",
            f"Change a yellow cell on {CALCULATION} (measured seconds, licensed users, "
            f"downtime minutes or user-minutes, monthly fee) or a tier on {TIERS}: availability, "
            f"tier and credit follow, and the {SUMMARY} with them. Claim letters keep the "
            f"engine's figures. Filter {CALCULATION} freely but do not sort it: the {SUMMARY} "
            "refers to its rows by position.",
        ),
        (
            "Claim letters",
            f"{letters_written:,} of {breached:,} breached periods"
            + (f"; the {SUMMARY} lists them all." if letters_written < breached else "."),
        ),
        (
            "Text from the input",
            "Written as text, never as a formula: text that starts with = + - @ or a tab "
            "carries Excel's quote prefix. The workbook has no macros and no external links.",
        ),
        ("Evidence", f"{DOWNTIME}, {EXCLUDED}, {WINDOWS}, {REJECTED}."),
    ]
    notes = getattr(outages, "notes", ())
    if notes:
        rows.append(("Notes from reading the input", "\n".join(str(n) for n in notes)))
    return rows
