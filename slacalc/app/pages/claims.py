"""The claims page: the register as a table with filters, the deadlines on a calendar, and a
form to record what the provider said (filed, acknowledged, approved, denied, credited).

The page only renders: every change goes through :class:`slacalc.claims.Register`, the same
register the command line and the library write to.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

import altair as alt
import pandas as pd
import streamlit as st

from slacalc.app import cached, display, state, widgets
from slacalc.app.charts import Chart
from slacalc.app.state import Model, Widget
from slacalc.claims.lifecycle import NEXT, STATUSES
from slacalc.claims.records import Claim
from slacalc.claims.register import Register, default_author
from slacalc.claims.store import default_url
from slacalc.claims.views import days_waiting, status_records
from slacalc.errors import SlacalcError
from slacalc.report.totals import days_left_words

#: The actions the form offers, by the status they record.
ACTIONS = {
    "filed": "Filed with the provider",
    "acknowledged": "Acknowledged by the provider",
    "approved": "Approved (in full or in part)",
    "denied": "Denied",
    "credited": "Credited on an invoice",
    "expired": "Expired (deadline passed)",
}


def render() -> None:
    """The claims page."""
    state.init()
    st.title("Claims register")
    url = default_url()
    register = cached.register(url)
    st.caption(
        f"**Register:** `{register.location}` · shared with `slacalc claims` and the library"
    )
    notice = state.text(Model.CLAIMS_NOTICE)
    if notice:
        st.success(notice, icon=":material/fact_check:")
        state.set_text(Model.CLAIMS_NOTICE, "")
    claims = register.list()
    if not claims:
        st.info(
            "No claims yet. On the Claim page, **Record as claim** turns each period with a "
            "credit into a draft here.",
            icon=":material/info:",
        )
        return
    today = dt.date.today()
    _metrics(claims, today)
    shown = _filtered(claims, today)
    table, calendar = st.tabs(["Claims", "Deadline calendar"])
    with table:
        st.dataframe(claims_table(shown, today), hide_index=True, width="stretch")
    with calendar:
        st.altair_chart(deadline_calendar(shown, today), width="stretch")
        st.caption("Each point is a claim's deadline, coloured by its status; the rule is today.")
    st.divider()
    _update(register, claims)


def _metrics(claims: list[Claim], today: dt.date) -> None:
    drafts = [c for c in claims if c.status == "draft" and c.deadline is not None]
    due = [c for c in drafts if c.deadline is not None and c.deadline <= today + dt.timedelta(14)]
    waiting = [
        c for c in claims if c.status in ("filed", "acknowledged") and days_waiting(c, today) >= 30
    ]
    credited: dict[str, Decimal] = {}
    for c in claims:
        if c.credited is not None:
            credited[c.currency] = credited.get(c.currency, Decimal(0)) + c.credited
    left, middle, right, last = st.columns(4)
    left.metric("Claims", f"{len(claims):,}")
    middle.metric("Drafts due within 14 days", f"{len(due):,}")
    right.metric("Waiting 30 days or more", f"{len(waiting):,}")
    last.metric(
        "Credits received",
        " + ".join(display.money(v, k) for k, v in sorted(credited.items())) or "—",
    )


def _filtered(claims: list[Claim], today: dt.date) -> list[Claim]:
    providers = sorted({c.provider for c in claims})
    left, middle, right = st.columns([3, 3, 2])
    chosen = left.multiselect(
        "Status",
        STATUSES,
        format_func=lambda s: s.replace("_", " "),
        placeholder="every status",
        key=Widget.CLAIMS_STATUS,
    )
    who = middle.multiselect(
        "Provider", providers, placeholder="every provider", key=Widget.CLAIMS_PROVIDER
    )
    due = right.number_input(
        "Due within (days; 0: any)", min_value=0, value=0, step=7, key=Widget.CLAIMS_DUE
    )
    shown = [
        c for c in claims if (not chosen or c.status in chosen) and (not who or c.provider in who)
    ]
    if due:
        limit = today + dt.timedelta(days=int(due))
        shown = [c for c in shown if c.deadline is not None and c.deadline <= limit]
    return shown


def claims_table(claims: list[Claim], today: dt.date) -> pd.DataFrame:
    """The register as the page shows it: money in its currency, days in words."""
    rows = []
    for r in status_records(claims, today):
        currency = str(r["currency"])
        deadline = r["deadline"]
        rows.append(
            {
                "Claim": r["id"],
                "Status": str(r["status"]).replace("_", " "),
                "Since": display.day(r["since"]),
                "Provider": r["provider"],
                "Tenant": r["tenant"] or "—",
                "Period": display.period(str(r["period"])),
                "Claimed": display.money(r["claimed"], currency),
                "Claim by": display.day(deadline),
                "Deadline": days_left_words((deadline - today).days)
                if r["status"] == "draft" and isinstance(deadline, dt.date)
                else "",
                "Ticket": r["ticket"],
                "Approved": display.money(r["approved"], currency),
                "Credited": display.money(r["credited"], currency),
                "Invoice": r["invoice"],
                "A re-run gives": display.money(r["recalculated"], currency)
                if r["recalculated"] is not None
                else "",
            }
        )
    return pd.DataFrame(rows)


def deadline_calendar(claims: list[Claim], today: dt.date) -> Chart:
    """Deadlines on a time line, one row per provider, coloured by status."""
    frame = pd.DataFrame(
        [
            {
                "claim": c.id,
                "deadline": pd.Timestamp(c.deadline),
                "provider": c.provider,
                "status": c.status.replace("_", " "),
                "period": c.period,
                "tenant": c.tenant,
                "claimed": display.money(c.amount, c.currency),
            }
            for c in claims
            if c.deadline is not None
        ],
        columns=["claim", "deadline", "provider", "status", "period", "tenant", "claimed"],
    )
    points = (
        alt.Chart(frame)
        .mark_circle(size=120)
        .encode(
            x=alt.X("deadline:T", title="Claim by"),
            y=alt.Y("provider:N", title=None),
            color=alt.Color("status:N", title="Status"),
            tooltip=["claim", "tenant", "period", "claimed", "status", "deadline:T"],
        )
    )
    now = alt.Chart(pd.DataFrame({"today": [pd.Timestamp(today)]})).mark_rule(
        strokeDash=[4, 4], color="grey"
    )
    return alt.layer(points, now.encode(x="today:T")).properties(height=220)


def _update(register: Register, claims: list[Claim]) -> None:
    st.subheader("Record what happened")
    open_claims = [c for c in claims if NEXT[c.status]]
    if not open_claims:
        st.info("Every claim is settled: credited, denied or expired.", icon=":material/info:")
        return
    labels = {
        c.id: " ".join(
            part
            for part in (f"{c.id}:", c.provider, c.tenant, display.period(c.period) + ",")
            if part
        )
        + f" {display.money(c.amount, c.currency)}"
        for c in open_claims
    }
    with st.form(Widget.CLAIMS_FORM, clear_on_submit=True):  # no value carries to the next
        left, right = st.columns(2)
        claim_id = left.selectbox(
            "Claim", list(labels), format_func=labels.__getitem__, key=Widget.CLAIMS_CLAIM
        )
        action = right.selectbox(
            "What happened",
            list(ACTIONS),
            format_func=ACTIONS.__getitem__,
            key=Widget.CLAIMS_ACTION,
        )
        first, second, third = st.columns(3)
        ticket = first.text_input("Ticket or case number", key=Widget.CLAIMS_TICKET)
        amount = second.text_input(
            "Amount (approved or credited)",
            key=Widget.CLAIMS_AMOUNT,
            help="An approval without an amount approves the amount claimed.",
        )
        invoice = third.text_input("Invoice number", key=Widget.CLAIMS_INVOICE)
        reason = st.text_input("The provider's words (a denial's reason)", key=Widget.CLAIMS_REASON)
        on_left, on_right = st.columns(2)
        on = on_left.date_input("On", value=dt.date.today(), key=Widget.CLAIMS_ON)
        author = on_right.text_input(
            "Recorded by", value=default_author(), key=Widget.CLAIMS_AUTHOR
        )
        submitted = st.form_submit_button("Record", icon=":material/save:")
    if not submitted or claim_id is None:
        return
    try:
        money = Decimal(amount.replace(",", "").strip()) if amount.strip() else None
    except InvalidOperation:
        st.error(f"**{amount}** is not an amount such as 4000.00", icon=":material/warning:")
        return
    try:
        claim = register.update(
            int(claim_id),
            action,  # type: ignore[arg-type]
            on=on if isinstance(on, dt.date) else None,
            ticket=ticket,
            amount=money,
            invoice=invoice,
            reason=reason,
            author=author,
            zone=state.inputs().timezone,
        )
    except SlacalcError as exc:
        st.error(f"**Not recorded:** {exc}", icon=":material/warning:")
        return
    state.set_text(
        Model.CLAIMS_NOTICE, f"Claim {claim.id} is now **{claim.status.replace('_', ' ')}**."
    )
    st.rerun()


if __name__ == "__main__":
    widgets.guarded(render)
