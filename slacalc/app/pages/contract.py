"""The contract page: pick a bundled contract or upload a TOML file; its terms in plain words."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import streamlit as st

from slacalc.app import cached, display, state, widgets
from slacalc.app import inputs as pure
from slacalc.app.inputs import Inputs
from slacalc.app.state import Model, Widget
from slacalc.errors import SlacalcError
from slacalc.model.contract import contract_schema

#: The picker's choice for "each tenant's own contract, from the customers table".
OWN = "(each tenant's own contract, from the customers table)"


def render() -> None:
    """The contract page."""
    state.init()
    st.title("Contract")
    top = st.container()
    with st.expander(
        "Use your own contract file (TOML)", expanded=bool(state.text(Model.CONTRACT_ERROR))
    ):
        _upload()
    current = state.inputs()
    with top:
        widgets.source_line(current)
        chosen = _picker(current)
        with st.expander("Every bundled contract, by provider"):
            st.dataframe(
                cached.bundled_contracts(),
                hide_index=True,
                width="stretch",
                column_config={"Official address": st.column_config.LinkColumn()},
            )
    current = state.inputs()
    if chosen is None:
        ids = sorted(set(cached.results(current).table["contract"]))
        st.info(
            "Each tenant is computed under the contract its row in the customers table names: "
            + ", ".join(ids),
            icon=":material/info:",
        )
        for contract_id in ids:
            _terms(current, contract_id)
    else:
        _terms(current, chosen)
    _outcome(current)


def _picker(current: Inputs) -> str | None:
    options = pure.contract_ids(current)
    if current.portfolio:
        options = [OWN, *options]
    names = {
        cid: f"{c.provider} · {c.name}"
        for cid in options
        if cid != OWN and (c := cached.contract(current, cid))
    }
    state.sync(Widget.CONTRACT, current.contract or OWN)
    choice = st.selectbox(
        "Contract",
        options,
        key=Widget.CONTRACT,
        format_func=lambda cid: cid if cid == OWN else f"{names[cid]}  ({cid})",
        help="The bundled contracts, by provider, carry the published terms with their source.",
    )
    picked = None if choice in (None, OWN) else str(choice)
    if picked != current.contract:
        state.set_inputs(dataclasses.replace(current, contract=picked))
        state.synced(Widget.CONTRACT, choice)
    return picked


def _upload() -> None:
    file = st.file_uploader(
        "Contract file (TOML)",
        type=["toml"],
        key=Widget.CONTRACT_FILE,
        help="The same format as the bundled contracts; the file name (without .toml) is its id.",
    )
    if file is not None and file.file_id != state.text(Model.LAST_CONTRACT_UPLOAD):
        state.set_text(Model.LAST_CONTRACT_UPLOAD, file.file_id)
        try:
            cid, text = pure.read_contract_file(file.name, file.getvalue())
        except SlacalcError as exc:
            state.set_text(Model.CONTRACT_ERROR, str(exc))
        else:
            current = state.inputs()
            files = (*((c, t) for c, t in current.contract_files if c != cid), (cid, text))
            state.set_text(Model.CONTRACT_ERROR, "")
            state.set_inputs(dataclasses.replace(current, contract_files=files, contract=cid))
    problem = state.text(Model.CONTRACT_ERROR)
    if problem:
        st.error(f"**That contract file was not used.** {problem}", icon=":material/warning:")
    st.download_button(
        "JSON Schema of the contract format",
        data=json.dumps(contract_schema(), indent=2),
        file_name="slacalc-contract.schema.json",
        mime="application/json",
        icon=":material/data_object:",
        on_click="ignore",
    )


def _terms(current: Inputs, contract_id: str) -> None:
    contract = cached.contract(current, contract_id)
    st.header(contract.name)
    st.caption(f"id `{contract.id}` · terms of {contract.source.version}")
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.table(
            pd.DataFrame(display.contract_terms(contract), columns=["Term", "In plain words"]),
            hide_index=True,
        )
    with right:
        st.markdown("**Credit tiers**")
        st.table(display.tier_table(contract), hide_index=True)
        if contract.unverified:
            st.warning(
                "Terms the reference marks unverified; check the live SLA before relying on "
                "them: " + "; ".join(contract.unverified),
                icon=":material/warning:",
            )
        if contract.notes:
            st.caption(contract.notes)
        if contract.source.notes:
            st.caption(contract.source.notes)


def _outcome(current: Inputs) -> None:
    """The result under the contract chosen, so a switch shows what it changes."""
    table = cached.results(current).table
    if table.empty or table["tenant"].nunique() > 1:
        return
    st.subheader("Your result under this contract")
    st.dataframe(
        display.period_table(table, widgets.today())[
            ["Period", "Availability", "Tier", "Credit", "Claim by"]
        ],
        hide_index=True,
        width="stretch",
    )


if __name__ == "__main__":
    widgets.guarded(render)
