"""The error-rate page: request counts per interval in; availability and credits of an error-rate
SLA out (Amazon S3: the average five-minute error rate of each request type over the month).

A second kind of input beside the outage windows of the Data page, kept apart: its figures come
only from the metrics table uploaded here (CSV, Excel, JSON, or a CloudWatch ``GetMetricData`` or
Azure Monitor metrics export), computed by :func:`slacalc.calculate_error_rate` exactly as
``slacalc error-rate`` computes them, with every rejected row named and the same CSV download
and claim workbook.
"""

from __future__ import annotations

import zoneinfo

import pandas as pd
import streamlit as st

from slacalc.app import display, widgets
from slacalc.app import inputs as pure
from slacalc.app.state import Widget
from slacalc.engine.error_rate import ErrorRateResults, calculate_error_rate
from slacalc.io.metrics import read_metrics
from slacalc.model.contract import Contract, list_contracts, load_contract
from slacalc.model.money import currency_code
from slacalc.report.error_rate import render_error_rate
from slacalc.report.totals import deadline_status
from slacalc.report.values import records


def error_rate_contracts() -> dict[str, Contract]:
    """The bundled contracts that measure an error rate, by id."""
    loaded = (load_contract(cid) for cid in list_contracts())
    return {c.id: c for c in loaded if c.error_rate is not None}


@st.cache_data(max_entries=4, show_spinner="Computing error rates…")
def compute(
    data: bytes, contract_id: str, fee: str, currency: str, timezone: str
) -> ErrorRateResults:
    """The results of one upload under one contract, fee and currency."""
    return calculate_error_rate(
        read_metrics(data, timezone),
        contract_id,
        monthly_fee=pure.monthly_fee(fee),
        currency=currency_code(currency or "USD"),
        timezone=timezone,
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
    left, middle, right, far = st.columns(4)
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
    timezone = far.selectbox(
        "Times without an offset are in", zones, key=Widget.ERROR_RATE_TIMEZONE
    )
    if upload is None or contract_id is None:
        st.info("Upload a metrics table to compute its error rates.", icon=":material/upload:")
        return
    results = compute(upload.getvalue(), str(contract_id), fee, currency, str(timezone))
    _figures(results, contracts, upload.name)


def _figures(results: ErrorRateResults, contracts: dict[str, Contract], name: str) -> None:
    """Per tenant, request type and period: availability, credit and deadline; then the rows."""
    table = results.table
    metrics = results.metrics
    rejected = len({p.row for p in results.rejected})
    st.markdown(
        f"**{name}**: {metrics.rows_read:,} row(s) read, {metrics.rows_read - rejected:,} "
        f"counted, {rejected:,} rejected."
    )
    widgets.rejected(results.rejected, rows_read=metrics.rows_read)
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
