"""Cached calls: each wraps one pure function of :mod:`slacalc.app.inputs` or the engine.

Arguments are frozen, hashable values (inputs with the data as bytes, a scenario, a contract id),
never a pydantic object or an open file, and every cache is bounded by ``max_entries``. A call that
raises is not cached; the pages show its :class:`~slacalc.errors.SlacalcError` message. Results
are the one resource cache (see :func:`results`); everything else is data, returned as a copy.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from slacalc.app import inputs as pure
from slacalc.app.inputs import Inputs, Upload
from slacalc.claims import Register
from slacalc.engine.results import Results
from slacalc.engine.scenarios import Scenario, compare, credit_steps
from slacalc.io.customers import Customers
from slacalc.io.outages import Outages
from slacalc.model.contract import Contract


@st.cache_resource(
    show_spinner="Preparing the calculation engine: it is compiled once after slacalc is "
    "installed (about ten seconds), and loaded from disk after that…"
)
def engine() -> bool:
    """The compiled sweep, loaded (or compiled) once per app process before the first page."""
    pure.warm_engine()
    return True


@st.cache_data(max_entries=8, show_spinner="Reading the outage table…")
def outages(inputs: Inputs) -> Outages:
    """The outage table as read (rejected rows included)."""
    return pure.read(inputs)


@st.cache_data(max_entries=8, show_spinner=False)
def sheets(upload: Upload) -> tuple[str, ...]:
    """The sheets of an uploaded workbook (none for other files)."""
    return pure.sheets(upload)


@st.cache_data(max_entries=8, show_spinner="Reading the customers table…")
def customers(inputs: Inputs) -> Customers | None:
    """The customers table as read, when one is given."""
    return pure.read_customer_table(inputs)


@st.cache_resource(max_entries=32, show_spinner="Computing availability and credits…")
def results(inputs: Inputs, scenario: Scenario | None = None) -> Results:
    """The baseline (``scenario=None``) or a scenario's results.

    A resource cache, not a data cache: ``Results`` builds its evidence lazily (a closure), so it
    cannot be pickled, and one object shared read-only is what we want anyway. Pages never change
    it (``to_frame()`` gives a copy to change).
    """
    return pure.compute(inputs, scenario)


@st.cache_data(show_spinner=False)
def bundled_contracts() -> pd.DataFrame:
    """Every bundled contract, by provider, with its official address."""
    return pure.bundled_contracts()


@st.cache_data(max_entries=32, show_spinner=False)
def contract(inputs: Inputs, contract_id: str) -> Contract:
    """A contract by id: uploaded or bundled."""
    return pure.resolve(inputs, contract_id)


@st.cache_data(max_entries=64, show_spinner=False)
def steps(inputs: Inputs, scenario: Scenario | None, row: int) -> pd.DataFrame:
    """The credit against extra full outage for one result row (see ``scenarios.credit_steps``)."""
    computed = results(inputs, scenario)
    record = {str(k): v for k, v in computed.table.iloc[row].items()}
    terms = computed.contracts[str(record["contract"])]
    return credit_steps(record, terms)


@st.cache_data(max_entries=16, show_spinner=False)
def comparison(inputs: Inputs, scenarios: tuple[Scenario, ...]) -> pd.DataFrame:
    """The baseline and the scenarios side by side (see ``scenarios.compare``)."""
    tables = {s.name: results(inputs, s).table for s in scenarios}
    return compare(results(inputs).table, tables)


@st.cache_data(max_entries=4, show_spinner="Writing the claim workbook…")
def workbook(inputs: Inputs, scenario: Scenario | None = None) -> bytes:
    """The Excel claim workbook for the baseline or a scenario."""
    customer = pure.letter_customer(inputs)
    return pure.claim_workbook(results(inputs, scenario), customer, inputs.locale)


@st.cache_data(max_entries=8, show_spinner=False)
def results_csv(inputs: Inputs, scenario: Scenario | None = None) -> bytes:
    """The result table as CSV."""
    return pure.results_csv(results(inputs, scenario))


@st.cache_resource(max_entries=4, show_spinner="Opening the claims register…")
def register(url: str) -> Register:
    """The claims register at ``url``, opened (its schema brought up to date) once and shared by
    every session: its engine is safe to share, and each change locks only its claim."""
    return Register(url)
