"""The words of the workbook: a claim letter per breached period, and the assumptions page.

Letters carry the engine's figures (not live formulas): they are what gets sent, so they say
exactly what slacalc computed, with the facts a provider's claim form asks for.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from babel.numbers import format_currency

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
from slacalc.io.outages import ASSUMED_ALL, GIVEN
from slacalc.model.money import ROUNDING_RULE
from slacalc.report.customer import Customer
from slacalc.report.values import missing, money, records

#: Most letters written; past this the Summary still lists every breached period.
MAX_LETTERS = 2_000
#: Most downtime windows listed in one letter; the rest are on the Downtime counted sheet.
MAX_WINDOWS = 40
#: The locale whose way of writing money the letters follow unless told otherwise.
DEFAULT_LOCALE = "en_US"
#: Most lines of assumed affected users on the Assumptions sheet.
MAX_ASSUMED_LINES = 50


@dataclass(frozen=True)
class Letter:
    """One claim: a title, then label and text lines."""

    title: str
    lines: tuple[tuple[str, str], ...]


def money_text(amount: object, currency: str, locale: str = DEFAULT_LOCALE) -> str:
    """An amount at the currency's minor unit, written as ``locale`` writes money (babel)."""
    value = money(Decimal(str(amount)), currency)
    return format_currency(value, currency, locale=locale)


def number_text(value: object) -> str:
    """A count or a figure of minutes, without trailing zeros."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


def _when(stamp: pd.Timestamp, zone: str) -> str:
    return stamp.tz_convert(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class _Window:
    """One outage window as reported (an input row), for a letter."""

    id: str
    cohort: str
    start: pd.Timestamp
    end: pd.Timestamp
    users: object
    percent: object
    source: str
    words: str  # the first line of the feed's words for it (its title), if from a feed


@dataclass
class _Windows:
    """The reported windows of one breached period: the first few and their count."""

    listed: list[_Window]
    count: int = 0


def letters(
    plan: Plan, customer: Customer, locale: str = DEFAULT_LOCALE
) -> tuple[list[Letter], int]:
    """Letters for the breached periods (at most :data:`MAX_LETTERS`), and how many there are.

    Each names ``customer`` and writes its amounts as ``locale`` writes money.
    """
    table = plan.table
    if table.empty:
        return [], 0
    breached = table[table["breached"].astype(bool)]
    rows = list(records(breached.iloc[:MAX_LETTERS]))
    reported = _reported(plan)
    peaks = _peaks(plan)
    out = [
        _letter(
            plan,
            row,
            _windows_in(plan, reported, row),
            peaks.get(_key(row), Decimal(0)),
            customer,
            locale,
        )
        for row in rows
    ]
    return out, len(breached)


def _key(row: dict[str, object]) -> tuple[str, ...]:
    return tuple(
        "" if row[k] is None else str(row[k]) for k in ("tenant", "service", "contract", "period")
    )


def _peaks(plan: Plan) -> dict[tuple[str, ...], Decimal]:
    """The most users affected at once in each period, from the evidence of counted downtime."""
    evidence = plan.results.evidence
    if evidence.empty:
        return {}
    columns = [texts(evidence[c]) for c in ("tenant", "service", "contract", "period")]
    found: dict[tuple[str, ...], Decimal] = {}
    peaks = evidence["peak_affected_users"].tolist()
    for key, peak in zip(zip(*columns, strict=True), peaks, strict=True):
        found[key] = max(found.get(key, Decimal(0)), Decimal(str(peak)))
    return found


def _reported(plan: Plan) -> dict[tuple[str, str], list[int]]:
    """The positions of the counted input windows, by tenant and case-folded service.

    The letter lists windows as the provider or the customer reported them, one line each, not
    the merged downtime of the Downtime counted sheet: a provider matches a claim against its
    own incident records.
    """
    frame = plan.results.outages.frame
    keys = zip(texts(frame["tenant"]), texts(frame["service"]), strict=True)
    counted = (frame["excluded"] == "").tolist()
    found: dict[tuple[str, str], list[int]] = {}
    for i, ((tenant, service), use) in enumerate(zip(keys, counted, strict=True)):
        if use:
            found.setdefault((tenant, service.casefold()), []).append(i)
    return found


def _windows_in(
    plan: Plan, reported: dict[tuple[str, str], list[int]], row: dict[str, object]
) -> _Windows:
    """The reported windows that apply to the period of ``row``, in input order.

    As the engine pairs them: a window without a tenant applies to every tenant (and a single
    customer, whose rows have no tenant, takes every window); one without a service to every
    service; a service may be named by the service or by the contract's id.
    """
    tenant = str(row["tenant"] or "")
    services = {"", str(row["service"] or "").casefold(), str(row["contract"]).casefold()}
    positions = sorted(
        i
        for (t, s), rows in reported.items()
        if s in services and (not tenant or t in ("", tenant))
        for i in rows
    )
    if not positions:
        return _Windows([])
    frame = plan.results.outages.frame.iloc[positions]
    start, end = row["period_start"], row["period_end"]
    inside = frame[(frame["start"] < end) & (frame["end"] > start)]
    head = inside.iloc[:MAX_WINDOWS]
    starts: list[pd.Timestamp] = head["start"].tolist()
    ends: list[pd.Timestamp] = head["end"].tolist()
    evidence = plan.results.outages.evidence
    words = [evidence.get(int(r), "").split("\n", 1)[0] for r in head["row"].tolist()]
    listed = [
        _Window(*fields)
        for fields in zip(
            texts(head["id"], repeated=False),
            texts(head["cohort"]),
            starts,
            ends,
            head["affected_users"].tolist(),
            head["affected_percent"].tolist(),
            texts(head["users_source"]),
            words,
            strict=True,
        )
    ]
    return _Windows(listed, len(inside))


def _users_text(window: _Window, licensed: int) -> str:
    """The users a reported window affected, and where the figure came from."""
    if window.source == ASSUMED_ALL:
        scope = f"its whole cohort {window.cohort}" if window.cohort else f"all {licensed:,} users"
        return f"no count given: assumed {scope}"
    if not missing(window.users):
        figure = f"{number_text(window.users)} users"
    else:
        figure = f"{number_text(window.percent)} % of users"
    return figure if window.source == GIVEN else f"{figure} (from the {window.source})"


def _window_lines(
    windows: _Windows, zone: str, licensed: int, period: tuple[pd.Timestamp, pd.Timestamp]
) -> list[str]:
    """A line per reported window: id, cohort, times as reported and the users it affected."""
    lines = []
    for w in windows.listed:
        what = w.id or "no incident id"
        if w.cohort:
            what += f", {w.cohort}"
        when = f"{_when(w.start, 'UTC')} to {_when(w.end, 'UTC')} UTC"
        if zone != "UTC":
            when += f" ({_when(w.start, zone)} to {_when(w.end, zone)} {zone})"
        if w.start < period[0] or w.end > period[1]:
            when += " (counted within the period only)"
        line = f"{what}: {when}; {_users_text(w, licensed)}"
        if w.words:
            line += f"; the provider's words: \u201c{w.words}\u201d"
        lines.append(line)
    more = windows.count - len(windows.listed)
    if more > 0:
        lines.append(f"… and {more:,} more windows (see the {WINDOWS} sheet)")
    return lines


def _letter(
    plan: Plan,
    row: dict[str, object],
    windows: _Windows,
    peak: Decimal,
    customer: Customer,
    locale: str,
) -> Letter:
    contract = plan.contract(str(row["contract"]))
    zone = contract.timezone
    currency = str(row["currency"])
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
    credit = _credit_text(row, contract.credit_kind, currency, locale)
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
    claim = contract.claim
    lines: list[tuple[str, str]] = [
        ("To", f"{contract.provider}: {claim.channel or claim.how or 'support'}"),
    ]
    if claim.channel and claim.how:
        lines.append(("The claim must hold", claim.how))
    lines += [
        ("Date", plan.now.astimezone(dt.UTC).date().isoformat()),
        *customer.lines(str(row["tenant"] or "")),
        ("Service", f"{row['service']} ({contract.name})"),
        ("Agreement", f"{contract.source.version}; {contract.sla_url or contract.source.url}"),
        ("Period", period),
        ("Incident ids", ids),
        ("Downtime", downtime),
        (
            "Windows as reported",
            "\n".join(_window_lines(windows, zone, users, (start, end))) or "none",
        ),
        (
            "Affected users",
            f"up to {number_text(peak)} of {users:,} licensed users at once",
        ),
    ]
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
    else:
        lines.append(("Users assumed", "none: every window gave a count or a percent."))
    lines += [
        (
            "Availability",
            f"{avail} % against a commitment of {contract.commitment_percent} %",
        ),
        ("Credit requested", credit),
        *(
            [("Credit limited by", str(row["credit_limited_by"]))]
            if row["credit_limited_by"]
            else []
        ),
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
    named = customer.organisation or customer.tenant or str(row["tenant"] or "")
    if named:
        title += f", {named}"
    return Letter(title=title, lines=tuple(lines))


def _credit_text(row: dict[str, object], kind: str, currency: str, locale: str) -> str:
    amount = row["credit_amount"]
    worth = "" if missing(amount) else money_text(amount, currency, locale)
    if kind == "days":
        days = number_text(row["credit_days"])
        return f"{days} days of service" + (f", worth {worth}" if worth else "")
    percent = number_text(Decimal(str(row["credit_percent"])).quantize(Decimal("0.0001")))
    fee = (
        ""
        if missing(row["period_fee"])
        else f" of {money_text(row['period_fee'], currency, locale)}"
    )
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
