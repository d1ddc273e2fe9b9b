"""The what-if page: named scenarios built from the baseline, compared side by side with it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pandas as pd
import streamlit as st

from slacalc.app import cached, charts, display, state, widgets
from slacalc.app import inputs as pure
from slacalc.app.inputs import Inputs
from slacalc.app.state import Widget
from slacalc.engine.results import Results
from slacalc.engine.scenarios import Scenario
from slacalc.errors import SlacalcError
from slacalc.report.totals import credit_by_currency

ALL = "All outages"
SAME = "(the baseline's)"
#: How a length change applies: the choice's label and the Scenario's ``each``.
EACH = {"Each incident (its last window)": "incident", "Each window": "window"}

#: One-click scenarios people ask for most.
PRESETS = (
    (
        "A day longer",
        "every incident lasts 1,440 min longer: its last window is extended",
        Scenario("A day longer", extend_minutes=1440),
    ),
    (
        "Each window a day longer",
        "every window 1,440 min longer: five windows, five more days of outage",
        Scenario("Each window a day longer", extend_minutes=1440, each="window"),
    ),
    (
        "Twice as long",
        "every incident lasts twice as long: its last window is extended by its duration",
        Scenario("Twice as long", extend_percent=Decimal(100)),
    ),
    (
        "Half the users",
        "half the affected users",
        Scenario("Half the users", affected_factor=Decimal("0.5")),
    ),
    (
        "Exclusions refused",
        "excluded windows count",
        Scenario("Exclusions refused", exclusions=False),
    ),
)


def render() -> None:
    """The what-if page."""
    state.init()
    current = state.inputs()
    st.title("What if?")
    widgets.source_line(current)
    baseline = cached.results(current)
    _presets(current)
    _form(current, baseline)
    scenarios = state.scenarios()
    if not scenarios:
        st.info(
            "Add a scenario above: each is computed from the baseline data with your changes and "
            "shown here beside the baseline.",
            icon=":material/compare_arrows:",
        )
        return
    _listed(scenarios)
    _comparison(current, baseline, scenarios)
    _downloads(current, scenarios)


def _add(current: Inputs, scenario: Scenario) -> None:
    """Keep the scenario if it computes (one of the same name is replaced); else say why not."""
    try:
        cached.results(current, scenario)
    except SlacalcError as exc:
        st.error(f"**Scenario {scenario.name!r} not added:** {exc}", icon=":material/warning:")
        return
    kept = tuple(s for s in state.scenarios() if s.name != scenario.name)
    state.set_scenarios((*kept, scenario))


def _presets(current: Inputs) -> None:
    st.markdown("**Quick scenarios**")
    columns = st.columns(len(PRESETS))
    for column, (label, help_text, scenario) in zip(columns, PRESETS, strict=True):
        if column.button(label, help=help_text, key=f"{Widget.PRESET}.{label}", width="stretch"):
            _add(current, scenario)


def _form(current: Inputs, baseline: Results) -> None:
    frame = baseline.outages.frame
    counted = frame[frame["excluded"] == ""]
    targets = [ALL, *sorted({i for i in counted["id"] if i})]
    if len(counted) <= 300:
        targets += [f"row {r}" for r in counted["row"]]
    contracts = [SAME, *pure.contract_ids(current)]
    with st.form(Widget.SCENARIO_FORM, border=True, clear_on_submit=True):
        st.markdown("**Build a scenario**")
        top = st.columns([2, 2])
        name = top[0].text_input(
            "Name", value=f"Scenario {len(state.scenarios()) + 1}", key=Widget.SCENARIO_NAME
        )
        target = top[1].selectbox(
            "Which outages change",
            targets,
            key=Widget.SCENARIO_TARGET,
            help="All counted outages, one incident's windows, or one input row.",
        )
        length = st.columns(4)
        each = length[0].radio(
            "Longer or shorter applies to",
            list(EACH),
            key=Widget.SCENARIO_EACH,
            help="Each incident: the window that ends the incident is extended, so the incident "
            "lasts that much longer. Each window: every window of it changes, so five windows "
            "a day longer are five more days of outage.",
        )
        minutes = length[1].number_input(
            "Longer by minutes (negative: shorter)",
            min_value=-100_000,
            max_value=100_000,
            value=0,
            step=60,
            key=Widget.SCENARIO_MINUTES,
        )
        percent = length[2].number_input(
            "Longer by % (negative: shorter)",
            min_value=-100.0,
            max_value=1000.0,
            value=0.0,
            step=10.0,
            key=Widget.SCENARIO_PERCENT,
            help="Each incident: a share of its whole duration, first start to last end. Each "
            "window: a share of its own length.",
        )
        factor = length[3].number_input(
            "Affected users ×",
            min_value=0.0,
            max_value=100.0,
            value=1.0,
            step=0.1,
            key=Widget.SCENARIO_FACTOR,
            help="Never more than the group's or the licensed users.",
        )
        terms = st.columns(4)
        users = terms[0].number_input(
            "Licensed users",
            min_value=1,
            value=current.customer.users,
            step=1,
            key=Widget.SCENARIO_USERS,
            disabled=current.portfolio,
            help="One customer only; a customers table keeps each tenant's.",
        )
        fee = terms[1].text_input(
            "Monthly fee",
            value="" if current.customer.monthly_fee is None else str(current.customer.monthly_fee),
            key=Widget.SCENARIO_FEE,
            disabled=current.portfolio,
        )
        contract = terms[2].selectbox("Contract", contracts, key=Widget.SCENARIO_CONTRACT)
        exclusions = terms[3].checkbox(
            "Exclusions accepted",
            value=True,
            key=Widget.SCENARIO_EXCLUSIONS,
            help="Off: excluded windows count as outages and scheduled maintenance is not removed.",
        )
        submitted = st.form_submit_button("Add scenario", type="primary", icon=":material/add:")
    if not submitted:
        return
    try:
        scenario = Scenario(
            name=str(name).strip(),
            target="" if target == ALL else str(target),
            extend_minutes=int(minutes),
            extend_percent=Decimal(str(percent)).quantize(Decimal("0.01")),
            each="window" if EACH.get(str(each)) == "window" else "incident",
            affected_factor=Decimal(str(factor)).quantize(Decimal("0.0001")),
            licensed_users=None
            if current.portfolio or int(users) == current.customer.users
            else int(users),
            monthly_fee=None if current.portfolio else _changed_fee(str(fee), current),
            contract=None if contract == SAME else str(contract),
            exclusions=bool(exclusions),
        )
    except (SlacalcError, InvalidOperation, ValueError) as exc:
        st.error(f"**Scenario not added:** {exc}", icon=":material/warning:")
        return
    _add(current, scenario)


def _changed_fee(text: str, current: Inputs) -> Decimal | None:
    value = pure.monthly_fee(text)
    return None if value == current.customer.monthly_fee else value


def _listed(scenarios: tuple[Scenario, ...]) -> None:
    st.subheader("Scenarios")
    for scenario in scenarios:
        left, right = st.columns([6, 1], vertical_alignment="center")
        left.markdown(f"**{scenario.name}** — {scenario.describe()}")
        if right.button(
            "Remove", key=f"{Widget.REMOVE_SCENARIO}.{scenario.name}", icon=":material/delete:"
        ):
            state.set_scenarios(tuple(s for s in state.scenarios() if s.name != scenario.name))
            st.rerun()


def _comparison(current: Inputs, baseline: Results, scenarios: tuple[Scenario, ...]) -> None:
    compared = cached.comparison(current, scenarios)
    st.subheader("Side by side")
    if compared.empty:
        st.info("Nothing to compare: no period has downtime in any scenario.")
        return
    if compared["tenant"].nunique() > 1 or current.portfolio:
        st.dataframe(_portfolio_totals(compared), hide_index=True, width="stretch")
        st.caption("Totals over every tenant and period; each scenario against the baseline.")
        return
    st.markdown(_summary(compared))
    for label, group in compared.groupby("period", sort=True):
        st.markdown(f"**{display.period(str(label))}**")
        st.dataframe(_period_rows(group), hide_index=True, width="stretch")
    st.altair_chart(charts.scenario_credits(compared), width="stretch")
    _ = baseline


def _summary(compared: pd.DataFrame) -> str:
    """Each scenario in one line: its total credit, the change, and each period's outcome."""
    lines = []
    for name, group in compared.groupby("scenario", sort=False):
        totals = credit_by_currency(group)
        total = " + ".join(display.money(v, c) for c, v in totals.items()) or "no fee given"
        currency = str(group["currency"].iloc[0])
        change = (
            ""
            if name == "Baseline"
            else f" ({display.money_change(group['credit_change'].sum(), currency)})"
        )
        periods = "; ".join(
            f"{display.period(str(p))} {display.percent(a)}, "
            f"{display.credit_terms({'credit_percent': cp, 'credit_days': cd})}"
            for p, a, cp, cd in zip(
                group["period"],
                group["availability_percent"],
                group["credit_percent"],
                group["credit_days"],
                strict=True,
            )
        )
        lines.append(f"- **{name}**: credit {total}{change} · {periods}")
    return "\n".join(lines)


def _period_rows(group: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Scenario": group["scenario"],
            "Availability": [display.percent(v) for v in group["availability_percent"]],
            "Δ availability": [display.points(v) for v in group["availability_change"]],
            "Tier": [t or "none" for t in group["tier"]],
            "Credit": [
                display.money(a, c)
                for a, c in zip(group["credit_amount"], group["currency"], strict=True)
            ],
            "Δ credit": [
                display.money_change(a, c)
                for a, c in zip(group["credit_change"], group["currency"], strict=True)
            ],
            "Minutes to next tier": [
                display.minutes_needed(m) for m in group["minutes_to_next_tier"]
            ],
            "Next tier": [t or "—" for t in group["next_tier"]],
        }
    )


def _portfolio_totals(compared: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for name, group in compared.groupby("scenario", sort=False):
        credited = group[group["credit_amount"].fillna(0) > 0]
        totals = credit_by_currency(group)
        changes = {str(c): g["credit_change"].sum() for c, g in group.groupby("currency")}
        rows.append(
            {
                "Scenario": name,
                "Tenants with a credit": f"{credited['tenant'].nunique():,}",
                "Credit": " + ".join(display.money(v, c) for c, v in totals.items()) or "—",
                "Δ credit": " + ".join(display.money_change(v, c) for c, v in changes.items()),
                "Lowest availability": display.percent(group["availability_percent"].min()),
            }
        )
    return pd.DataFrame(rows)


def _downloads(current: Inputs, scenarios: tuple[Scenario, ...]) -> None:
    st.subheader("Download")
    names = ["Baseline", *(s.name for s in scenarios)]
    choice = st.selectbox("Workbook and CSV for", names, key=Widget.DOWNLOAD_CHOICE)
    chosen = next((s for s in scenarios if s.name == choice), None)
    widgets.downloads(current, chosen, key=f"{Widget.DOWNLOAD}.whatif.{choice}")


if __name__ == "__main__":
    widgets.guarded(render)
