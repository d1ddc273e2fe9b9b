"""Every session-state key of the app, declared once, with typed access to the values behind them.

Two kinds of keys. *Model* keys hold what the user chose and survive page changes (Streamlit drops
a widget's state when its page is not shown, so the pages copy widget values into these).
*Widget* keys name widgets, so tests and the browser can find them and callbacks can read them.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum

import streamlit as st

from slacalc.app.inputs import FeedChoice, Inputs, example
from slacalc.engine.scenarios import Scenario


class Model(StrEnum):
    """Values the app keeps for the whole session."""

    INPUTS = "model.inputs"
    """:class:`~slacalc.app.inputs.Inputs`: what the baseline is computed from."""
    SCENARIOS = "model.scenarios"
    """``tuple[Scenario, ...]``: the named what-ifs, in the order they were added."""
    LAST_UPLOAD = "model.last_upload"
    """``str``: the uploader file id last turned into inputs, so a file is read once."""
    LAST_CUSTOMERS_UPLOAD = "model.last_customers_upload"
    """``str``: the same for the customers table."""
    LAST_CONTRACT_UPLOAD = "model.last_contract_upload"
    """``str``: the same for an uploaded contract file."""
    CONTRACT_ERROR = "model.contract_error"
    """``str``: why the last uploaded contract file was refused ("" when it was not)."""
    DATA_ERROR = "model.data_error"
    """``str``: why the last uploaded outage or customers file was refused ("" when not)."""
    FEED = "model.feed"
    """:class:`~slacalc.app.inputs.FeedChoice` or ``None``: the provider feed the windows came
    from, with the user's answers to what it leaves open."""
    CLAIMS_NOTICE = "model.claims_notice"
    """``str``: what the last change to the claims register did, shown once ("" when shown)."""
    PENDING = "model.pending"
    """:class:`~slacalc.app.inputs.Inputs` or ``None``: data that could not be used, waiting for
    the user to pick a column the file lacks (the column picker) or to change how it is read
    (the Reading options)."""
    ERROR_RATE_COLUMNS = "model.error_rate_columns"
    """``tuple[str, tuple[tuple[str, str], ...]]``: the Error rate page's metrics upload (its
    file id) and the headers the user picked for the fields it lacks; another upload starts
    afresh."""


class Widget(StrEnum):
    """Keys of widgets that other code (callbacks, tests, the browser test) refers to."""

    OUTAGE_FILE = "widget.outage_file"
    CUSTOMERS_FILE = "widget.customers_file"
    EXAMPLE_CHOICE = "widget.example_choice"
    TIMEZONE = "widget.timezone"
    CUSTOMER_FORM = "widget.customer_form"
    TENANT = "widget.tenant"
    ACCOUNT_ID = "widget.account_id"
    ORGANISATION = "widget.organisation"
    CONTACT = "widget.contact"
    LOCALE = "widget.locale"
    CUSTOMER_PICK = "widget.customer_pick"
    USERS = "widget.users"
    FEE = "widget.fee"
    CURRENCY = "widget.currency"
    COHORTS = "widget.cohorts"
    EDITOR = "widget.editor"  # a prefix: the editor's key also names the data it edits
    CONTRACT = "widget.contract"
    CONTRACT_FILE = "widget.contract_file"
    ERROR_RATE_FILE = "widget.error_rate_file"  # the Error rate page's metrics upload
    ERROR_RATE_CONTRACT = "widget.error_rate_contract"
    ERROR_RATE_FEE = "widget.error_rate_fee"
    ERROR_RATE_CURRENCY = "widget.error_rate_currency"
    ERROR_RATE_TIMEZONE = "widget.error_rate_timezone"
    ERROR_RATE_DAYFIRST = "widget.error_rate_dayfirst"  # the page's Reading options
    ERROR_RATE_DECIMAL = "widget.error_rate_decimal"
    ERROR_RATE_THOUSANDS = "widget.error_rate_thousands"
    ERROR_RATE_SHEET = "widget.error_rate_sheet"
    ERROR_RATE_AMBIGUOUS = "widget.error_rate_ambiguous"
    ERROR_RATE_NONEXISTENT = "widget.error_rate_nonexistent"
    ERROR_RATE_PICK = "widget.error_rate_pick"  # its column picker
    ERROR_RATE_BILLING_DAY = "widget.error_rate_billing_day"
    SCENARIO_FORM = "widget.scenario_form"
    SCENARIO_NAME = "widget.scenario_name"
    SCENARIO_TARGET = "widget.scenario_target"
    SCENARIO_MINUTES = "widget.scenario_minutes"
    SCENARIO_EACH = "widget.scenario_each"
    SCENARIO_PERCENT = "widget.scenario_percent"
    SCENARIO_FACTOR = "widget.scenario_factor"
    SCENARIO_USERS = "widget.scenario_users"
    SCENARIO_FEE = "widget.scenario_fee"
    SCENARIO_CONTRACT = "widget.scenario_contract"
    SCENARIO_EXCLUSIONS = "widget.scenario_exclusions"
    PRESET = "widget.preset"  # a prefix: one button per quick scenario
    REMOVE_SCENARIO = "widget.remove_scenario"  # a prefix: one button per scenario
    DOWNLOAD = "widget.download"  # a prefix: the download buttons of each page and scenario
    DOWNLOAD_CHOICE = "widget.download_choice"
    WINDOWS_FORM = "widget.windows_form"
    CURVE_PERIOD = "widget.curve_period"
    FILTER_PERIODS = "widget.filter_periods"
    FILTER_TIERS = "widget.filter_tiers"
    FILTER_TENANT = "widget.filter_tenant"
    TOP_N = "widget.top_n"
    FEED_FORM = "widget.feed_form"
    FEED_SHARE = "widget.feed_share"
    FEED_USAGE = "widget.feed_usage"
    FEED_SIGNINS = "widget.feed_signins"
    RECORD_CLAIM = "widget.record_claim"
    CLAIMS_STATUS = "widget.claims_status"
    CLAIMS_PROVIDER = "widget.claims_provider"
    CLAIMS_DUE = "widget.claims_due"
    CLAIMS_FORM = "widget.claims_form"
    CLAIMS_CLAIM = "widget.claims_claim"
    CLAIMS_ACTION = "widget.claims_action"
    CLAIMS_TICKET = "widget.claims_ticket"
    CLAIMS_AMOUNT = "widget.claims_amount"
    CLAIMS_INVOICE = "widget.claims_invoice"
    CLAIMS_REASON = "widget.claims_reason"
    CLAIMS_ON = "widget.claims_on"
    CLAIMS_AUTHOR = "widget.claims_author"
    COLUMN_PICK = "widget.column_pick"
    READ_DAYFIRST = "widget.read_dayfirst"
    READ_DECIMAL = "widget.read_decimal"
    READ_THOUSANDS = "widget.read_thousands"
    READ_SHEET = "widget.read_sheet"
    READ_AMBIGUOUS = "widget.read_ambiguous"
    READ_NONEXISTENT = "widget.read_nonexistent"
    READ_AS_OF = "widget.read_as_of"


def init() -> None:
    """Give every model key its starting value (the bundled example), once per session."""
    defaults: dict[Model, object] = {
        Model.INPUTS: example(),
        Model.SCENARIOS: (),
        Model.LAST_UPLOAD: "",
        Model.LAST_CUSTOMERS_UPLOAD: "",
        Model.LAST_CONTRACT_UPLOAD: "",
        Model.CONTRACT_ERROR: "",
        Model.DATA_ERROR: "",
        Model.FEED: None,
        Model.CLAIMS_NOTICE: "",
        Model.PENDING: None,
        Model.ERROR_RATE_COLUMNS: ("", ()),
    }
    for key, value in defaults.items():
        if key not in st.session_state:
            st.session_state[key] = value


def feed() -> FeedChoice | None:
    """The provider feed the current windows came from, if they came from one."""
    value = st.session_state[Model.FEED]
    return value if isinstance(value, FeedChoice) else None


def set_feed(value: FeedChoice | None) -> None:
    """Remember (or forget) the feed the windows came from."""
    st.session_state[Model.FEED] = value


def pending() -> Inputs | None:
    """Data that waits for a column the user picks (None: nothing waits)."""
    value = st.session_state.get(Model.PENDING)
    return value if isinstance(value, Inputs) else None


def set_pending(value: Inputs | None) -> None:
    """Keep (or drop) the data that waits for a picked column."""
    st.session_state[Model.PENDING] = value


def error_rate_columns(file_id: str, *widgets: Widget) -> tuple[tuple[str, str], ...]:
    """The headers picked for the Error rate page's upload ``file_id``. Another upload than the
    last starts afresh: nothing picked, and ``widgets`` (its Reading options) forgotten."""
    chosen, columns = st.session_state[Model.ERROR_RATE_COLUMNS]
    if chosen == file_id:
        return tuple(columns)
    for widget in widgets:
        st.session_state.pop(widget, None)
    st.session_state[Model.ERROR_RATE_COLUMNS] = (file_id, ())
    return ()


def pick_error_rate_column(header: str, field: str) -> None:
    """Read the Error rate page's upload with ``header`` as ``field``."""
    chosen, columns = st.session_state[Model.ERROR_RATE_COLUMNS]
    st.session_state[Model.ERROR_RATE_COLUMNS] = (chosen, (*columns, (header, field)))


def value(widget: Widget) -> object:
    """A widget's value before it is drawn this run (None: not drawn yet)."""
    return st.session_state.get(widget)


def inputs() -> Inputs:
    """The inputs the baseline is computed from."""
    value = st.session_state[Model.INPUTS]
    assert isinstance(value, Inputs)
    return value


def set_inputs(value: Inputs) -> None:
    """Replace the inputs; scenarios naming rows or contracts of the old data stay as they are."""
    st.session_state[Model.INPUTS] = value


def scenarios() -> tuple[Scenario, ...]:
    """The named what-ifs."""
    value = st.session_state[Model.SCENARIOS]
    assert isinstance(value, tuple)
    return value


def set_scenarios(value: tuple[Scenario, ...]) -> None:
    """Replace the what-ifs."""
    st.session_state[Model.SCENARIOS] = value


def text(key: Model) -> str:
    """A text model value."""
    value = st.session_state.get(key, "")
    return value if isinstance(value, str) else ""


def set_text(key: Model, value: str) -> None:
    """Set a text model value."""
    st.session_state[key] = value


def editor_key(inputs_value: Inputs) -> str:
    """The table editor's key: new data (or a new zone) gives the editor a fresh start."""
    return f"{Widget.EDITOR}.{inputs_value.outages.digest}.{inputs_value.timezone}"


def _mirror(widget: Widget) -> str:
    """Where the model value a widget last showed is kept (one per widget key, never a widget)."""
    return f"{widget}.shown"


def sync(widget: Widget, value: object) -> None:
    """Before drawing ``widget``: show the model's ``value`` if it changed elsewhere since the
    widget last showed it (a loaded example, another page), or if the widget is new."""
    if widget not in st.session_state or st.session_state.get(_mirror(widget)) != value:
        st.session_state[widget] = value
    st.session_state[_mirror(widget)] = value


def synced(widget: Widget, value: object) -> None:
    """After the user changed ``widget`` and the model took its ``value``: nothing to push back."""
    st.session_state[_mirror(widget)] = value


def cohorts_key(cohorts: tuple[tuple[str, int], ...]) -> str:
    """The cohort editor's key: new sizes from elsewhere give the editor a fresh start."""
    digest = hashlib.sha256(repr(cohorts).encode()).hexdigest()[:10]
    return f"{Widget.COHORTS}.{digest}"
