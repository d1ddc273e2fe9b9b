"""Screen pieces more than one page shows: the data line, rejected rows, the answer, downloads."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import streamlit as st

from slacalc.app import cached, display
from slacalc.app.inputs import Inputs
from slacalc.engine.results import Results
from slacalc.engine.scenarios import Scenario
from slacalc.errors import RowProblem, SlacalcError
from slacalc.report.totals import credit_by_currency, days_left_words, deadline_status
from slacalc.report.values import missing, records

#: The page scripts, by absolute path: Streamlit would resolve a relative one against the script
#: it was started on, ``app.py`` in a checkout but ``slacalc/app/main.py`` when installed.
PAGES = Path(__file__).resolve().with_name("pages")
CLAIM_PAGE = PAGES / "claim.py"
DATA_PAGE = PAGES / "data.py"
CONTRACT_PAGE = PAGES / "contract.py"
WHATIF_PAGE = PAGES / "whatif.py"
CLAIMS_PAGE = PAGES / "claims.py"

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


def source_line(inputs: Inputs) -> None:
    """What the numbers on the page are computed from, in one line."""
    who = (
        "customers table " + inputs.customers.name
        if inputs.customers is not None
        else (
            f"{inputs.customer.users:,} licensed users · "
            f"{display.money(inputs.customer.monthly_fee, inputs.customer.currency)} a month"
        )
    )
    contract = inputs.contract or "each tenant's own contract"
    st.caption(
        f"**Data:** {inputs.label} · naive times read in {inputs.timezone} · {who} · "
        f"**contract:** {contract}"
    )


def rejected(problems: Sequence[RowProblem], *, rows_read: int | None = None) -> None:
    """Rows that could not be used, each with its row, column and problem; the rest still counts."""
    if not problems:
        return
    rows = sorted({p.row for p in problems})
    total = f" of {rows_read:,}" if rows_read else ""
    st.error(
        f"**{len(rows):,} row(s){total} could not be used** and are left out; every other row "
        "is computed. Fix them in the file and upload it again.",
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


def answer(table: pd.DataFrame) -> None:
    """The answer in one sentence: what can be claimed, for which periods, by when."""
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
    parts = []
    today = dt.date.today()
    status = deadline_status(breached, today)["days_left"].tolist()
    for record, left in zip(records(breached), status, strict=True):
        deadline = record["claim_deadline"]
        words = days_left_words(None if missing(left) else left)
        by = f", claim by **{display.day(deadline)}** ({words})" if deadline is not None else ""
        parts.append(
            f"{display.period(str(record['period']))}: "
            f"**{display.money(record['credit_amount'], str(record['currency']))}** "
            f"({display.credit_terms(record)}){by}"
        )
    totals = credit_by_currency(breached)
    total = " + ".join(display.money(v, c) for c, v in totals.items())
    st.success(
        f"### Credit earned: {total}\n" + "  \n".join(parts), icon=":material/request_quote:"
    )


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
    today = dt.date.today()
    days_left = deadline_status(table, today)["days_left"].tolist()
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
            middle.metric(
                "Credit",
                display.money(record["credit_amount"], str(record["currency"])),
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
    from decimal import Decimal

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


def page_links() -> None:
    """Links to the other pages, for the end of a page."""
    columns = st.columns(5)
    columns[0].page_link(CLAIM_PAGE, label="Claim", icon=":material/request_quote:")
    columns[1].page_link(DATA_PAGE, label="Data", icon=":material/upload_file:")
    columns[2].page_link(CONTRACT_PAGE, label="Contract", icon=":material/gavel:")
    columns[3].page_link(WHATIF_PAGE, label="What-if", icon=":material/compare_arrows:")
    columns[4].page_link(CLAIMS_PAGE, label="Claims", icon=":material/fact_check:")


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
