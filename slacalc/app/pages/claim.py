"""The claim page: the answer first (availability, credit, deadline), then pictures and evidence.

One customer: a card per period and the charts. Many tenants (a customers table): totals, the
tenants with the largest credits, filters, and the charts for the tenants shown.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from slacalc.app import cached, charts, display, state, widgets
from slacalc.app.inputs import Inputs
from slacalc.app.state import Widget
from slacalc.claims.store import default_url
from slacalc.claims.views import recorded_lines
from slacalc.engine.results import Results
from slacalc.report.totals import credit_by_currency, deadline_status


def render() -> None:
    """The claim page."""
    state.init()
    current = state.inputs()
    st.title("SLA credit claim")
    widgets.source_line(current)
    result = cached.results(current)
    widgets.rejected_rows(result)
    table = result.table
    if current.portfolio or table["tenant"].nunique() > 1:
        _portfolio(current, result)
    else:
        _one_customer(current, result)
    st.divider()
    _record(current, result)
    st.subheader("Download")
    widgets.downloads(current, None, key=f"{Widget.DOWNLOAD}.claim")


def _record(current: Inputs, result: Results) -> None:
    """The "Record as claim" button: a draft in the claims register per period with a credit."""
    if st.button(
        "Record as claim",
        key=Widget.RECORD_CLAIM,
        icon=":material/fact_check:",
        help="A draft claim per period with a credit, in the claims register; a period "
        "recorded before is compared, never changed.",
    ):
        recorded = cached.register(default_url()).record(result, zone=current.timezone)
        st.success("  \n".join(recorded_lines(recorded)), icon=":material/fact_check:")
        st.page_link(widgets.CLAIMS_PAGE, label="Open the claims register", icon=":material/list:")


def _one_customer(current: Inputs, result: Results) -> None:
    table = result.table
    widgets.answer(table)
    widgets.assumed_users(result)
    if table.empty:
        return
    widgets.period_cards(table)
    contract = result.contracts[str(table["contract"].iloc[0])]
    timeline, tiers, curve, numbers, proof = st.tabs(
        ["Timeline", "Availability vs tiers", "Credit vs extra downtime", "Numbers", "Evidence"]
    )
    with timeline:
        st.altair_chart(
            charts.timeline(result.outages.frame, table, result.exclusions, current.timezone),
            width="stretch",
        )
        st.caption(
            "Each bar is a window as reported, cut at the period edges; windows that overlap in "
            "one group of users are drawn one above the other (within a group the largest count "
            "counts, not the sum). Grey with ▼: excluded time. Dashed: period edges."
        )
    with tiers:
        st.altair_chart(charts.availability(table, contract), width="stretch")
    with curve:
        _credit_curve(current, table)
    with numbers:
        st.dataframe(display.period_table(table, widgets.today()), hide_index=True, width="stretch")
        st.caption(
            "SLA downtime is what counts under the contract (exclusions removed); impact is every "
            "user-minute lost. Minutes to the next tier assume a further outage of every user."
        )
    with proof:
        widgets.evidence(result, current.timezone)


def _credit_curve(current: Inputs, table: pd.DataFrame) -> None:
    labels = [display.period(p) for p in table["period"]]
    choice = st.selectbox(
        "Period", range(len(labels)), format_func=lambda i: labels[i], key=Widget.CURVE_PERIOD
    )
    index = int(choice or 0)
    steps = cached.steps(current, None, index)
    if len(steps) < 2:
        st.info("No further tier can be reached in this period.")
    record = table.iloc[index]
    st.altair_chart(
        charts.credit_steps(
            steps, str(record["currency"]), f"{labels[index]}: credit against extra full outage"
        ),
        width="stretch",
    )
    st.caption(
        "Computed from the contract's tiers with the engine's own rules: each step is the least "
        "extra outage of every user that reaches the next tier."
    )


def _portfolio(current: Inputs, result: Results) -> None:
    table = result.table
    if table.empty:
        st.info("No outage falls in a period to measure: nothing to claim.")
        return
    periods = sorted(table["period"].unique())
    tiers = sorted({t or "no credit" for t in table["tier"]})
    left, middle, right, last = st.columns([2, 3, 2, 1])
    chosen_periods = left.multiselect(
        "Periods", periods, default=periods, format_func=display.period, key=Widget.FILTER_PERIODS
    )
    chosen_tiers = middle.multiselect("Tiers", tiers, default=tiers, key=Widget.FILTER_TIERS)
    name = right.text_input("Tenant contains", key=Widget.FILTER_TENANT)
    top = last.number_input("Top", min_value=5, max_value=500, value=20, step=5, key=Widget.TOP_N)
    shown = table[
        table["period"].isin(chosen_periods)
        & table["tier"].replace("", "no credit").isin(chosen_tiers)
        & table["tenant"].str.contains(name, case=False, regex=False)
    ]
    breached = shown[shown["breached"]]
    everyone = table["tenant"].nunique()
    metrics = st.columns(4)
    metrics[0].metric(
        "Tenants",
        f"{shown['tenant'].nunique():,}"
        + ("" if len(shown) == len(table) else f" of {everyone:,}"),
    )
    metrics[1].metric("Tenants with a credit", f"{breached['tenant'].nunique():,}")
    totals = credit_by_currency(breached)
    metrics[2].metric(
        "Credit liability",
        " + ".join(display.money(v, c) for c, v in totals.items()) or "—",
    )
    metrics[3].metric("Periods", ", ".join(display.period(p) for p in chosen_periods) or "—")
    if len(breached):
        st.caption(f"Of the credit liability, {widgets.deadline_words(breached)}.")
    if len(shown) < len(table):
        st.caption(_filtered(chosen_periods, periods, chosen_tiers, tiers, name, everyone))
    widgets.assumed_users(result)

    ranked = _top_tenants(shown, int(top), widgets.today())
    st.subheader(f"Top {len(ranked):,} tenants by credit")
    st.dataframe(ranked, hide_index=True, width="stretch")

    contract_id = str(shown["contract"].iloc[0]) if len(shown) else str(table["contract"].iloc[0])
    contract = result.contracts[contract_id]
    spread, timeline, numbers, proof = st.tabs(
        ["Availability vs tiers", "Timeline (top tenants)", "Every tenant", "Evidence"]
    )
    with spread:
        st.altair_chart(charts.availability_spread(shown, contract), width="stretch")
    with timeline:
        tenants = list(ranked["Tenant"].head(15))
        frame = result.outages.frame
        mine = frame[frame["tenant"].isin(tenants) | (frame["tenant"] == "")]  # the input table
        st.altair_chart(
            charts.timeline(
                mine,
                table,
                result.exclusions[result.exclusions["tenant"].isin(tenants)]
                if len(result.exclusions)
                else result.exclusions,
                current.timezone,
                portfolio=True,
            ),
            width="stretch",
        )
        st.caption("Windows of the first 15 tenants above; rows without a tenant hit every tenant.")
    with numbers:
        st.dataframe(display.period_table(shown, widgets.today()), hide_index=True, width="stretch")
    with proof:
        widgets.evidence(result, current.timezone)


def _filtered(
    periods: list[str],
    every_period: list[str],
    tiers: list[str],
    every_tier: list[str],
    name: str,
    everyone: int,
) -> str:
    """Which filters narrow the figures above, so a count is never read as every tenant's."""
    why = []
    if len(periods) < len(every_period):
        why.append("periods " + (", ".join(display.period(p) for p in periods) or "none"))
    if len(tiers) < len(every_tier):
        why.append("tiers " + (", ".join(tiers) or "none"))
    if name:
        why.append(f"tenant names containing {name!r}")
    return f"Filtered to {'; '.join(why)}: the figures are not all {everyone:,} tenants'."


def _top_tenants(table: pd.DataFrame, n: int, today: dt.date) -> pd.DataFrame:
    """Tenants ranked by their total credit over the periods shown (ranked on whole columns)."""
    if table.empty:
        return pd.DataFrame()
    # Exact decimals: no credit counts as zero for the ranking.
    score = table.assign(
        _credit=table["credit_amount"].fillna(0),
        _avail=table["availability_percent"],
        _left=deadline_status(table, today)["days_left"],
    )
    totals = score.groupby("tenant", sort=False)["_credit"].sum().reset_index()
    totals = totals.sort_values(["_credit", "tenant"], ascending=[False, True], kind="stable")
    rows = []
    for tenant in totals["tenant"].head(n):
        group = score[score["tenant"] == tenant]
        worst = group.loc[group["_avail"].idxmin()]
        amounts = group["credit_amount"]
        rows.append(
            {
                "Tenant": tenant,
                "Credit": display.money(
                    amounts.sum() if amounts.notna().any() else None,
                    str(group["currency"].iloc[0]),
                ),
                "Lowest availability": display.percent(worst["availability_percent"]),
                "In": display.period(str(worst["period"])),
                "Tier": worst["tier"] or "none",
                "Licensed users": f"{int(group['licensed_users'].iloc[0]):,}",
                "Claim by": (
                    display.deadline(worst["claim_deadline"], worst["_left"])
                    if worst["breached"]
                    else "—"
                ),
            }
        )
    return pd.DataFrame(rows)


if __name__ == "__main__":
    widgets.guarded(render)
