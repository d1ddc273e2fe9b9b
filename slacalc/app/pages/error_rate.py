"""The error-rate page: request counts per interval in; availability and credits of an error-rate
SLA out (Amazon S3: the average five-minute error rate of each request type over the month).

A second kind of input beside the outage windows of the Data page, kept apart: its figures come
only from the metrics table uploaded here (CSV, Excel, JSON, or a CloudWatch ``GetMetricData`` or
Azure Monitor metrics export), computed by :func:`slacalc.calculate_error_rate` exactly as
``slacalc error-rate`` computes them, with every rejected row named and the same CSV download
and claim workbook.
The file is read with the Data page's *Reading options* (day order, decimal and thousands marks,
sheet, DST choices) and its column picker, so a message that names a control names one here.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from typing import cast

import pandas as pd
import streamlit as st

from slacalc.app import cached, display, state, widgets
from slacalc.app import inputs as pure
from slacalc.app.inputs import Upload
from slacalc.app.reading import ORDERS, choice, mark_read, order_read
from slacalc.app.state import Widget
from slacalc.engine.error_rate import ErrorRateResults, calculate_error_rate
from slacalc.errors import SlacalcError
from slacalc.io.headers import MissingColumnError
from slacalc.io.metrics import Metrics, read_metrics
from slacalc.io.times import Ambiguous, Nonexistent
from slacalc.io.wording import CONTROLS, READING_OPTIONS
from slacalc.model.contract import Contract, list_contracts, load_contract
from slacalc.model.money import currency_code
from slacalc.report.error_rate import render_error_rate
from slacalc.report.totals import deadline_status
from slacalc.report.values import records


def error_rate_contracts() -> dict[str, Contract]:
    """The bundled contracts that measure an error rate, by id."""
    loaded = (load_contract(cid) for cid in list_contracts())
    return {c.id: c for c in loaded if c.error_rate is not None}


@dataclass(frozen=True)
class Reading:
    """How the metrics table is read: the Reading options of the Data page, with the same
    meaning (:func:`slacalc.io.metrics.read_metrics`), and the headers picked for fields the file
    lacks (``columns``)."""

    dayfirst: bool | None = None
    decimal: str | None = None
    thousands: str | None = None
    sheet: str = ""
    ambiguous: Ambiguous = "raise"
    nonexistent: Nonexistent = "raise"
    columns: tuple[tuple[str, str], ...] = ()


#: The radio of each option, by the reader's keyword (labels: :data:`slacalc.io.wording.CONTROLS`).
_RADIOS = {
    "dayfirst": Widget.ERROR_RATE_DAYFIRST,
    "decimal": Widget.ERROR_RATE_DECIMAL,
    "thousands": Widget.ERROR_RATE_THOUSANDS,
    "ambiguous": Widget.ERROR_RATE_AMBIGUOUS,
    "nonexistent": Widget.ERROR_RATE_NONEXISTENT,
}


@st.cache_data(max_entries=4, show_spinner="Computing error rates…")
def compute(
    data: bytes,
    contract_id: str,
    fee: str,
    currency: str,
    timezone: str,
    reading: Reading,
    billing_day: int = 1,
) -> ErrorRateResults:
    """The results of one upload under one contract, fee, currency and billing day, read as
    ``reading`` says."""
    return calculate_error_rate(
        read_metrics(
            data,
            timezone,
            sheet=reading.sheet or None,
            dayfirst=reading.dayfirst,
            ambiguous=reading.ambiguous,
            nonexistent=reading.nonexistent,
            decimal=reading.decimal,
            thousands=reading.thousands,
            columns=dict(reading.columns) or None,
        ),
        contract_id,
        monthly_fee=pure.monthly_fee(fee),
        currency=currency_code(currency or "USD"),
        timezone=timezone,
        billing_day=billing_day,
    )


def render() -> None:
    """The error-rate page."""
    st.title("Error rate")
    st.caption(
        "For SLAs that measure the average error rate over fixed intervals rather than minutes "
        "of downtime (Amazon S3: per request type, five-minute intervals). An interval without a "
        "row had no requests: its error rate is 0 %, and it counts in the average. These figures "
        "come from the table uploaded here, not from the outage windows of the Data page."
    )
    contracts = error_rate_contracts()
    upload = st.file_uploader(
        "Metrics table (CSV, Excel, JSON) or a CloudWatch / Azure Monitor export",
        type=["csv", "txt", "xlsx", "json"],
        key=Widget.ERROR_RATE_FILE,
        help="One row per interval and request type: interval_start, request_type, "
        "total_requests, failed_requests, and optionally tenant. A CloudWatch GetMetricData "
        "response names its queries total_<type> and failed_<type>; an Azure Monitor response "
        "splits Transactions by ResponseType (server errors count as failed).",
    )
    left, middle, right = st.columns([2, 1, 1])
    contract_id = left.selectbox(
        "Contract",
        list(contracts),
        key=Widget.ERROR_RATE_CONTRACT,
        format_func=lambda cid: f"{contracts[cid].provider} · {contracts[cid].name}",
    )
    fee = middle.text_input(
        "Monthly fee of each request type",
        key=Widget.ERROR_RATE_FEE,
        help="The charge the credit is a share of (S3: the storage class in the Region), read "
        "as the command line reads --fee (1,200.00 or 1 200,00). Blank: credits in percent only.",
    )
    currency = right.text_input(
        "Currency", value="USD", key=Widget.ERROR_RATE_CURRENCY, max_chars=3
    )
    zones = ["UTC", *sorted(zoneinfo.available_timezones() - {"UTC"})]
    far, cycle, _ = st.columns([2, 1, 1])
    timezone = far.selectbox(
        "Times without an offset are in", zones, key=Widget.ERROR_RATE_TIMEZONE
    )
    billing_day = cycle.number_input(
        CONTROLS["billing_day"].label,
        min_value=1,
        max_value=28,
        value=1,
        step=1,
        key=Widget.ERROR_RATE_BILLING_DAY,
        help="The day of the month the customer's billing cycles start, as the customers "
        "table's billing_day says (--billing-day). S3 averages over the billing cycle: from the "
        "15th, the periods run from the 15th to the 15th. 1: calendar months.",
    )
    if upload is None or contract_id is None:
        st.info("Upload a metrics table to compute its error rates.", icon=":material/upload:")
        return
    data = upload.getvalue()
    reading = _reading(upload.file_id)
    try:
        results = compute(
            data, str(contract_id), fee, currency, str(timezone), reading, int(billing_day)
        )
    except SlacalcError as exc:  # the file as read, or the fee: the options may be the cure
        st.error(f"**Cannot compute this:** {exc}", icon=":material/warning:")
        if isinstance(exc, MissingColumnError):
            _column_picker(exc, reading)
        _options(Upload(upload.name, data), reading, None, open_=True)
        return
    _options(Upload(upload.name, data), reading, results.metrics, open_=bool(results.rejected))
    _figures(results, contracts, upload.name)


def _reading(file_id: str) -> Reading:
    """The Reading options chosen for this upload; another upload starts with every option left
    to the reader, as the Data page does, so a choice for one file never misreads the next."""
    columns = state.error_rate_columns(file_id, *_RADIOS.values(), Widget.ERROR_RATE_SHEET)
    values = {name: state.value(widget) for name, widget in _RADIOS.items()}
    default = Reading()
    return Reading(
        dayfirst=ORDERS[str(values["dayfirst"] or "None")],
        decimal=None if values["decimal"] in (None, "None") else str(values["decimal"]),
        thousands=None if values["thousands"] in (None, "None") else str(values["thousands"]),
        sheet=str(state.value(Widget.ERROR_RATE_SHEET) or ""),
        ambiguous=cast(Ambiguous, values["ambiguous"] or default.ambiguous),
        nonexistent=cast(Nonexistent, values["nonexistent"] or default.nonexistent),
        columns=columns,
    )


def _options(upload: Upload, reading: Reading, read: Metrics | None, *, open_: bool) -> None:
    """The Reading options of the Data page for the metrics table (open when ``open_``); what
    the reader found in this file is shown beside its "Detect" choices. A change reruns the
    page, which reads the table again with it."""
    with st.expander(READING_OPTIONS, expanded=open_, icon=":material/tune:"):
        left, right = st.columns(2, gap="large")
        with left:
            choice(_RADIOS["dayfirst"], "dayfirst", reading.dayfirst, order_read(read))
            choice(_RADIOS["decimal"], "decimal", reading.decimal, mark_read(read, 0))
            choice(_RADIOS["thousands"], "thousands", reading.thousands, mark_read(read, 1))
            names = cached.sheets(upload)
            if names:  # a workbook: the sheet read, and the others to choose from
                used = reading.sheet or (read.sheet if read is not None else "")
                state.sync(Widget.ERROR_RATE_SHEET, used or None)
                st.selectbox(
                    CONTROLS["sheet"].label,
                    names,
                    key=Widget.ERROR_RATE_SHEET,
                    placeholder="Choose the sheet that holds the counts",
                )
        with right:
            choice(_RADIOS["ambiguous"], "ambiguous", reading.ambiguous)
            choice(_RADIOS["nonexistent"], "nonexistent", reading.nonexistent)


def _column_picker(missing: MissingColumnError, reading: Reading) -> None:
    """Let the user pick, from the table's own headers, the column of a field it lacks."""
    offered = [h for h in missing.headers if h not in dict(reading.columns)]
    if not offered:
        return
    with st.form(Widget.ERROR_RATE_PICK):
        header = st.selectbox(f"Which column of the file holds **{missing.field}**?", offered)
        if st.form_submit_button("Use this column", icon=":material/check:"):
            state.pick_error_rate_column(str(header), missing.field)
            st.rerun()


def _figures(results: ErrorRateResults, contracts: dict[str, Contract], name: str) -> None:
    """Per tenant, request type and period: availability, credit and deadline; then the rows."""
    table = results.table
    metrics = results.metrics
    rejected = len({p.row for p in results.rejected})
    st.markdown(
        f"**{name}**: {metrics.rows_read:,} row(s) read, {metrics.rows_read - rejected:,} "
        f"counted, {rejected:,} rejected."
    )
    widgets.rejected(results.rejected, rows_read=metrics.rows_read, options="this page")
    if table.empty:
        st.info("No request was counted in a period to report.", icon=":material/info:")
        return
    today = widgets.today()
    status = deadline_status(table, today)
    shown = pd.DataFrame(
        [
            {
                "Tenant": r["tenant"],
                "Request type": r["request_type"],
                "Period": display.period(str(r["period"])),
                "Availability": display.percent(r["availability_percent"], 4),
                "Requests": display.count(r["total_requests"]),
                "Failed": display.count(r["failed_requests"]),
                "Credit": display.credit_terms(r) if r["breached"] else "no credit",
                "Amount": display.money(r["credit_amount"], str(r["currency"])),
                "Claim by": display.deadline(r["claim_deadline"], status.at[i, "days_left"])
                if r["breached"]
                else "",
            }
            for i, r in zip(table.index, records(table), strict=True)
        ]
    )
    if not (table["tenant"] != "").any():
        shown = shown.drop(columns="Tenant")
    st.dataframe(shown, hide_index=True, width="stretch")
    used = {str(c): contracts[str(c)] for c in table["contract"].unique()}
    st.download_button(
        "Results (.csv)",
        data=render_error_rate(results, "csv", used, today),
        file_name="slacalc-error-rates.csv",
        mime="text/csv",
        icon=":material/description:",
        key=f"{Widget.DOWNLOAD}.error-rate.csv",
        on_click="ignore",
        help="Every column, exact: the same file as slacalc error-rate --format csv.",
    )
    st.download_button(  # the error-rate claim workbook: slacalc.excel.export_error_rate
        "Claim workbook (.xlsx)",
        data=lambda: claim_workbook(results, used),
        file_name="slacalc-error-rate-claim.xlsx",
        mime=widgets.XLSX,
        icon=":material/table_view:",
        key=f"{Widget.DOWNLOAD}.error-rate.xlsx",
        on_click="ignore",
        help="Summary, the calculation as live formulas over every interval, contract terms: "
        "the same file as slacalc error-rate --output claim.xlsx.",
    )


def claim_workbook(results: ErrorRateResults, contracts: dict[str, Contract]) -> bytes:
    """The error-rate claim workbook's bytes (the Excel module is imported only here)."""
    from slacalc.excel import export_error_rate  # openpyxl loads only when a workbook is asked

    data = export_error_rate(results, contracts=contracts)
    assert data is not None  # no target given: the bytes come back
    return data


if __name__ == "__main__":
    widgets.guarded(render)
