"""Screen pieces more than one page shows: the data line, rejected rows, the answer, downloads."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

import pandas as pd
import streamlit as st

from slacalc.app import cached, display, state
from slacalc.app.inputs import Inputs
from slacalc.engine.results import Results
from slacalc.engine.scenarios import Scenario
from slacalc.errors import RowProblem, SlacalcError
from slacalc.io.wording import READING_OPTIONS
from slacalc.report.totals import days_left_words, deadline_status, judged_on, totals
from slacalc.report.values import missing, records

#: The page scripts, by absolute path: Streamlit would resolve a relative one against the script
#: it was started on, ``app.py`` in a checkout but ``slacalc/app/main.py`` when installed.
PAGES = Path(__file__).resolve().with_name("pages")
CLAIM_PAGE = PAGES / "claim.py"
DATA_PAGE = PAGES / "data.py"
CONTRACT_PAGE = PAGES / "contract.py"
WHATIF_PAGE = PAGES / "whatif.py"
CLAIMS_PAGE = PAGES / "claims.py"
ERROR_RATE_PAGE = PAGES / "error_rate.py"

OWN_CONTRACTS = "each tenant's own, from the customers table"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_log = logging.getLogger(__name__)


def guarded(render: Callable[[], None]) -> None:
    """Run a page: the one place where errors are caught, so no traceback ever reaches a user.

    A :class:`SlacalcError` is shown as its message. Anything else is a bug (a date beyond what
    pandas holds, a recursion, memory): the page says so in plain words with a reference, and
    the traceback goes to the server log under that reference, never to the page, which would
    show the server's file paths. Nothing is stored, so the session keeps working.
    """
    try:
        render()
    except SlacalcError as exc:
        st.error(f"**Cannot compute this:** {exc}", icon=":material/warning:")
    except Exception:
        reference = uuid.uuid4().hex[:12]
        _log.exception("slacalc app: unexpected error, reference %s", reference)
        st.error(
            "**Something went wrong on our side** while computing this page; it is not a "
            "problem of your data that we know how to name. Try again, or go back to the data "
            "you had before (the Data page). If it happens again, give this reference to whoever "
            f"runs slacalc: **{reference}** (the server log has the details).",
            icon=":material/error:",
        )


def source_line(inputs: Inputs, *, ask_here: bool = False) -> None:
    """Whose figures these are (the customer and the contract) and what they are computed from.

    Every page shows it first. While an uploaded file's customer has not been given, the figures
    use the previous customer's numbers as placeholders, and this says so in a warning, with a
    link to the Data page (``ask_here``: this is the page with the form, so no link)."""
    contract = f"**contract:** {inputs.contract or OWN_CONTRACTS}"
    if inputs.customers is not None:
        who = f"**customers:** every tenant of the table {inputs.customers.name}"
    else:
        who = f"**customer:** {customer_words(inputs)}"
    st.caption(
        f"{who} · {contract}  \n**Data:** {inputs.label} · naive times read in {inputs.timezone}"
    )
    if not inputs.customer_given and inputs.customers is None:
        st.warning(
            "**Whose outages are these?** The figures still use the previous customer's numbers "
            f"({customer_terms(inputs)}), not yours. Give the customer on the Data page.",
            icon=":material/person_alert:",
        )
        if not ask_here:  # the Data page has the form itself, just below
            st.page_link(DATA_PAGE, label="Give the customer", icon=":material/person_edit:")


def customer_words(inputs: Inputs) -> str:
    """The single customer in one line: name, ids, and the terms the figures use."""
    names = [inputs.tenant or "unnamed customer"]
    if inputs.account_id:
        names.append(f"id {inputs.account_id}")
    if inputs.organisation:
        names.append(inputs.organisation)
    return f"{' · '.join(names)} ({customer_terms(inputs)})"


def customer_terms(inputs: Inputs) -> str:
    """The single customer's numbers: users, fee, cohort sizes."""
    customer = inputs.customer
    fee = (
        "no fee: credits in percent"
        if customer.monthly_fee is None
        else f"{display.money(customer.monthly_fee, customer.currency)} a month"
    )
    cohorts = "".join(f", {name} {size:,}" for name, size in customer.cohorts)
    return f"{customer.users:,} licensed users, {fee}{cohorts}"


def row_counts(result: Results) -> dict[str, int]:
    """Where every outage row went, from the one list of rejected rows every page shows: rows
    refused on reading and rows the calculation refused (more affected users than licensed, an
    unknown tenant). ``counted + excluded + rejected == rows_read``."""
    bad = {p.row for p in result.rejected}
    frame = result.outages.frame
    kept = frame[~frame["row"].isin(bad)]
    excluded = int((kept["excluded"] != "").sum())
    return {
        "rows_read": result.outages.rows_read,
        "counted": len(kept) - excluded,
        "excluded": excluded,
        "rejected": len(bad),
    }


def rejected_rows(result: Results) -> None:
    """The outage rows that could not be used: the same count and table on every page."""
    rejected(result.rejected, rows_read=result.outages.rows_read)


def rejected(
    problems: Sequence[RowProblem], *, rows_read: int | None = None, options: str = "the Data page"
) -> None:
    """Rows that could not be used, each with its row, column and problem; the rest still counts.
    ``options``: the page whose Reading options read the file."""
    if not problems:
        return
    rows = sorted({p.row for p in problems})
    total = f" of {rows_read:,}" if rows_read else ""
    st.error(
        f"**{len(rows):,} row(s){total} could not be used** and are left out; every other row "
        f"is computed. Fix them in the file and upload it again, or change how it is read "
        f"({READING_OPTIONS}, on {options}).",
        icon=":material/block:",
    )
    st.dataframe(problem_table(problems), hide_index=True, width="stretch")


def problem_table(problems: Sequence[RowProblem]) -> pd.DataFrame:
    """Rejected rows as a table: row, column, value, problem."""
    return pd.DataFrame(
        {
            "row": [p.row for p in problems],
            "column": [p.column for p in problems],
            "value": [p.value for p in problems],
            "problem": [p.problem for p in problems],
        }
    )


def today() -> dt.date:
    """The date claim deadlines are judged against (one place, so tests can fix it): the day of
    the data's *As of* moment when one is given, as the command line judges them
    (:func:`~slacalc.report.totals.judged_on`; of several contract zones, the latest day, so no
    passed deadline shows as open), else today."""
    current = state.inputs()
    if not current.as_of:
        return dt.date.today()
    return max(judged_on(cached.results(current)).values(), default=dt.date.today())


def answer(table: pd.DataFrame) -> None:
    """The answer first: what can still be claimed and by when, what is lost to a passed
    deadline, and what is due soon; the totals and the deadline status are the report layer's."""
    if table.empty:
        st.info("No outage falls in a period to measure: nothing to claim.")
        return
    breached = table[table["breached"]]
    if breached.empty:
        commitment = display.commitment(table["commitment_percent"].iloc[0])
        st.info(
            f"**No credit.** Every period met the {commitment} commitment.",
            icon=":material/check_circle:",
        )
        return
    now = today()
    sums = totals(breached, now)
    status = deadline_status(breached, now)
    claimable = _sum_words({k[0]: t.claimable for k, t in sums.items() if t.claimable})
    passed = _sum_words({k[0]: t.passed for k, t in sums.items() if t.passed})
    lines = [
        _period_line(record, None if missing(left) else int(str(left)))
        for record, left in zip(records(breached), status["days_left"].tolist(), strict=True)
    ]
    soon = [
        line
        for line, left, open_ in zip(lines, status["days_left"], status["claimable"], strict=True)
        if open_ and not missing(left) and int(str(left)) <= DUE_SOON_DAYS
    ]
    notes = [f"**Lost to a passed deadline: {passed}**"] if passed else []
    if soon:
        notes.append(f"**Due within {DUE_SOON_DAYS} days:** " + "; ".join(soon))
    body = f"### Still claimable: {claimable or 'nothing'}\n" + "  \n".join([*notes, *lines])
    if claimable:
        st.success(body, icon=":material/request_quote:")
    else:
        st.warning(body, icon=":material/event_busy:")


#: A claim whose deadline is this many days away or fewer is "due soon".
DUE_SOON_DAYS = 14


def _period_line(record: dict[str, object], days_left: int | None) -> str:
    """One breached period: its credit and its deadline, marked when passed."""
    credit = display.money(record["credit_amount"], str(record["currency"]))
    text = f"{display.period(str(record['period']))}: **{credit}** ({display.credit_terms(record)})"
    deadline = record["claim_deadline"]
    if deadline is None:
        return text + ", no claim deadline stated"
    words = days_left_words(days_left)
    if days_left is not None and days_left < 0:
        return f"{text}, ~~claim by {display.day(deadline)}~~ **deadline {words}**"
    return f"{text}, claim by **{display.day(deadline)}** ({words})"


def deadline_words(table: pd.DataFrame) -> str:
    """Of the credits in ``table``, what is still claimable and what a passed deadline lost, in
    words (``still claimable: 100.00 USD · lost to a passed deadline: 50.00 USD``)."""
    sums = totals(table[table["breached"]], today())
    claimable = _sum_words({k[0]: t.claimable for k, t in sums.items() if t.claimable})
    passed = _sum_words({k[0]: t.passed for k, t in sums.items() if t.passed})
    words = [f"still claimable: {claimable or 'nothing'}"]
    if passed:
        words.append(f"lost to a passed deadline: {passed}")
    return " · ".join(words)


def _sum_words(amounts: dict[str, Decimal]) -> str:
    return " + ".join(display.money(v, c) for c, v in sorted(amounts.items()))


def assumed_users(result: Results, *, most: int = 5) -> None:
    """Beside the figure: the windows that gave no affected-user count and were counted as every
    user of their population, the contract's worst case, which the credit depends on."""
    lines = result.assumed_users()
    if not lines:
        return
    shown = "  \n".join(lines[:most])
    if len(lines) > most:
        shown += f"  \n… and {len(lines) - most:,} more (every tenant: the workbook's Assumptions)"
    st.warning(
        "**Affected users assumed.** Windows without a count are counted as every user they "
        f"could have hit:  \n{shown}  \nGive the counts (Data page) if you have them.",
        icon=":material/group:",
    )


def period_cards(table: pd.DataFrame) -> None:
    """A row per period: availability against the commitment, credit, deadline, next tier."""
    days_left = deadline_status(table, today())["days_left"].tolist()
    for record, days in zip(records(table), days_left, strict=True):
        with st.container(border=True):
            head, left, middle, right = st.columns([5, 4, 4, 4], vertical_alignment="top")
            with head:
                _period_head(record)
            change = display.points(
                _minus(record["availability_percent"], record["commitment_percent"])
            )
            commitment = display.commitment(record["commitment_percent"])
            left.metric(
                "Availability",
                display.percent(record["availability_percent"]),
                delta=f"{change} vs {commitment}".replace("−", "-"),
                delta_color="normal",
                help="Floored for display, never rounded up; the exact value decides the tier.",
            )
            currency = str(record["currency"])
            middle.metric(  # the code in the label: a long amount is never cut to "10,000.00 U…"
                f"Credit ({currency})" if currency else "Credit",
                display.amount(record["credit_amount"], currency),
                delta=display.credit_terms(record),
                delta_color="off",
                delta_arrow="off",
            )
            deadline = record["claim_deadline"]
            if record["breached"] and deadline is not None:
                status = days_left_words(None if missing(days) else days)
                right.metric(
                    "Claim by",
                    display.day(deadline),
                    delta=status,
                    delta_color="inverse" if status.startswith("passed") else "off",
                    delta_arrow="off",
                )
            else:
                right.metric(
                    "Claim by", "—", delta="nothing to claim", delta_color="off", delta_arrow="off"
                )


def _period_head(record: dict[str, object]) -> None:
    st.markdown(f"### {display.period(str(record['period']))}")
    st.markdown(f"**{record['tier']}**" if record["breached"] else "Commitment met")
    margin = record["minutes_to_next_tier"]
    if not missing(margin) and record["next_tier"]:
        st.caption(
            f"Another **{display.minutes_needed(margin)}** of full outage (every user) moves "
            f"this period to **{record['next_tier']}**."
        )
    else:
        st.caption("No further tier can be reached in this period.")


def _minus(a: object, b: object) -> object:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a - b
    return None


def downloads(inputs: Inputs, scenario: Scenario | None, *, key: str) -> None:
    """The claim workbook and the results CSV for the baseline or a scenario."""
    name = "baseline" if scenario is None else _slug(scenario.name)
    left, right = st.columns(2)
    with left:
        st.download_button(
            "Claim workbook (.xlsx)",
            data=lambda: cached.workbook(inputs, scenario),
            file_name=f"slacalc-claim-{name}.xlsx",
            mime=XLSX,
            icon=":material/table_view:",
            key=f"{key}.xlsx",
            on_click="ignore",
            width="stretch",
            help="Summary, per-period calculation with live formulas, evidence, contract terms.",
        )
    with right:
        st.download_button(
            "Results (.csv)",
            data=cached.results_csv(inputs, scenario),
            file_name=f"slacalc-results-{name}.csv",
            mime="text/csv",
            icon=":material/description:",
            key=f"{key}.csv",
            on_click="ignore",
            width="stretch",
        )


def _slug(text: str) -> str:
    kept = "".join(ch if ch.isalnum() else "-" for ch in text.lower())
    return "-".join(part for part in kept.split("-") if part) or "scenario"


def evidence(result: Results, timezone: str) -> None:
    """The downtime that counted (merged windows with their incident ids) and the excluded time."""
    if len(result.evidence):
        st.markdown(f"**Downtime that counted** (merged windows, times in {timezone})")
        st.dataframe(
            display.window_table(
                result.evidence,
                timezone,
                [
                    "tenant",
                    "period",
                    "start",
                    "end",
                    "minutes",
                    "peak_affected_users",
                    "user_minutes_lost",
                    "incident_ids",
                ],
            ),
            hide_index=True,
            width="stretch",
        )
    if len(result.exclusions):
        st.markdown("**Excluded time** (taken out of both the downtime and the measured time)")
        st.dataframe(
            display.window_table(
                result.exclusions,
                timezone,
                ["tenant", "period", "start", "end", "minutes", "reason"],
            ),
            hide_index=True,
            width="stretch",
        )
