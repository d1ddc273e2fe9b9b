"""``slacalc error-rate``: availability and credits of an error-rate SLA from a metrics table.

The command-line face of :func:`slacalc.calculate_error_rate`: request counts per interval (CSV,
``.xlsx``, JSON, a CloudWatch ``GetMetricData`` or Azure Monitor metrics export) in; availability,
credit and claim deadline per tenant, request type and period out, in the formats and with the
exit statuses of ``slacalc calculate``. One customer is ``--contract`` with ``--fee``; a portfolio
is ``--customers`` (the table ``calculate`` reads), each tenant under its own contract and fee.

::

    $ slacalc error-rate metrics.csv --contract aws-s3-standard --fee 1200 --currency USD
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from slacalc.cli import (
    _amount,
    allow_rejected_option,
    contract_options,
    customer_table,
    fee_options,
    format_options,
    input_notes,
    output_format,
    output_options,
    period_option,
    quarters_allowed,
    reading_options,
    rejected_status,
    require_rows,
    row_line,
    write_output,
)
from slacalc.engine.error_rate import ErrorRateResults, calculate_error_rate, error_rate_table
from slacalc.errors import ContractError, RowProblem, SlacalcError
from slacalc.io.customers import Customers
from slacalc.io.metrics import AZURE_SERVER_ERRORS, Metrics, read_metrics
from slacalc.io.times import parse_instant
from slacalc.model.contract import Contract
from slacalc.model.registry import ContractRegistry
from slacalc.report.error_rate import render_error_rate
from slacalc.report.totals import dates_in_zones

_EPILOG = """\
examples:
  one S3 bucket's month (the fee is the month's S3 Standard charge in the Region):
    slacalc error-rate metrics.csv --contract aws-s3-standard --fee 1200 --currency USD
  a request type charged apart, and a CloudWatch GetMetricData export:
    slacalc error-rate cloudwatch.json --contract aws-s3-standard --fee 1200 --fee-for PUT=300
  an Azure Monitor export of Transactions split by ResponseType and ApiName:
    slacalc error-rate transactions.json --contract my-storage.toml --fee 800 --format json
  a portfolio: the metrics rows name each tenant, the customers table its contract and fee:
    slacalc error-rate metrics.csv --customers customers.csv --output error-rates.csv
  the claim workbook (live formulas over every interval, for finance to audit in Excel):
    slacalc error-rate metrics.csv --contract aws-s3-standard --fee 1200 --output claim.xlsx

Metrics files have one row per interval and request type with columns interval_start,
total_requests, failed_requests and optionally request_type and tenant. An interval without a row
had no requests: its error rate is 0 %. Rows that cannot be used are listed on stderr as
"row 7, column 'failed': ..."; then the exit status is 2 unless --allow-rejected is given.
"""


def add_commands(commands: Any) -> None:
    """Register ``slacalc error-rate``."""
    parser = commands.add_parser(
        "error-rate",
        help="availability, credits and claim deadlines of an error-rate SLA from request counts",
        description="Availability, credit and claim deadline per tenant, request type and period, "
        "for a contract that measures the average error rate over fixed intervals (Amazon S3).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "metrics",
        metavar="METRICS",
        help="request counts per interval (.csv, .xlsx, .json), or a CloudWatch GetMetricData "
        "or Azure Monitor metrics export (.json)",
    )
    contract_options(parser)
    parser.add_argument(
        "--customers",
        metavar="FILE",
        help="customers table: tenant, contract, users, monthly_fee, currency (each tenant's "
        "metrics rows under its contract and fee)",
    )
    parser.add_argument(
        "--tenant",
        metavar="NAME",
        help="without --customers: only this tenant's rows (needed when rows name several)",
    )
    fee_options(parser, "without --customers: each request type's charge for the month")
    parser.add_argument(
        "--fee-for",
        type=_type_fee,
        action="append",
        default=[],
        metavar="TYPE=AMOUNT",
        help="a request type's own monthly fee, e.g. --fee-for PUT=300 (repeatable)",
    )
    parser.add_argument(
        "--billing-day",
        type=int,
        default=1,
        metavar="DAY",
        help="without --customers: the day of the month (1 to 28) the customer's billing cycles "
        "start; periods are those cycles (default 1: calendar months)",
    )
    reading_options(parser, "metrics")
    format_options(
        parser,
        "metrics",
        "interval_start, total_requests, failed_requests...",
        "Zeit=interval_start",
    )
    parser.add_argument(
        "--failed-response-types",
        nargs="+",
        metavar="TYPE",
        help="Azure Monitor response types counted as failed (default: "
        + ", ".join(AZURE_SERVER_ERRORS)
        + ")",
    )
    parser.add_argument(
        "--as-of",
        metavar="TIME",
        help="judge claim deadlines on TIME's day (ISO 8601; default: now)",
    )
    period_option(parser, "a metrics row")
    output_options(parser, " (.csv or .json; a .xlsx file gets the error-rate claim workbook)")
    allow_rejected_option(parser)
    parser.set_defaults(run=run)


def _type_fee(text: str) -> tuple[str, Decimal]:
    """``--fee-for PUT=300``: a request type and its monthly fee."""
    kind, sign, amount = text.rpartition("=")
    if not sign or not kind.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: write TYPE=AMOUNT, e.g. PUT=300")
    return kind.strip(), _amount(amount.strip())


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``slacalc error-rate``: read, calculate, print; the exit status."""
    if args.customers is not None:
        for flag, given in (
            ("--tenant", args.tenant),
            ("--fee", args.fee),
            ("--currency", args.currency),
            ("--fee-for", args.fee_for),
            ("--billing-day", args.billing_day != 1),
        ):
            if given:
                raise SlacalcError(f"{flag}: with --customers, the customers table says it")
    elif args.contract is None:
        raise SlacalcError("--contract: give the contract the metrics are measured under")
    output, fmt, workbook = output_format(args)
    fees = dict(args.fee_for)
    if len(fees) < len(args.fee_for):
        raise SlacalcError("--fee-for: each request type once")
    as_of = None if args.as_of is None else parse_instant(args.as_of, args.timezone, what="as_of")

    metrics = read_metrics(
        args.metrics,
        args.timezone,
        sheet=args.sheet,
        failed_response_types=args.failed_response_types or AZURE_SERVER_ERRORS,
        dayfirst=args.dayfirst,
        ambiguous=args.ambiguous,
        nonexistent=args.nonexistent,
        decimal=args.decimal,
        thousands=args.thousands,
        columns=dict(args.map) or None,
    )
    require_rows(metrics.frame, metrics.rejected, metrics.source, "metrics row", err)
    registry = ContractRegistry.of(args.contracts, replace_bundled=args.replace_bundled)
    customers = None
    if args.customers is None:
        results, contracts, set_aside = _one_customer(args, metrics, registry, fees)
    else:
        customers = customer_table(args, registry, err)
        results, contracts = _portfolio(args, metrics, customers, registry)
        set_aside = 0

    for line in input_notes(metrics, customers):
        print(line, file=err)
    problems = [(p, metrics.source) for p in results.rejected]
    if customers is not None:
        problems += [(p, customers.source) for p in customers.rejected]
    for problem, source in problems:
        print(row_line(problem, source), file=err)
    today = dates_in_zones(as_of, results.table["timezone"])
    text = render_error_rate(results, fmt, contracts, today, set_aside=set_aside)
    if workbook:  # --output x.xlsx: the error-rate claim workbook, and the table on stdout
        assert output is not None
        _write_workbook(results, output, contracts, as_of)
        out.write(text)
    elif output is None:
        out.write(text)
    else:
        write_output(text, output)
    rows = len({(source, p.row) for p, source in problems})  # a row with several problems: once
    return rejected_status(rows, args.allow_rejected, err)


def _write_workbook(
    results: ErrorRateResults,
    path: Path,
    contracts: dict[str, Contract],
    as_of: dt.datetime | None,
) -> None:
    """``--output x.xlsx``: :func:`slacalc.excel.export_error_rate`, deadlines judged ``as_of``."""
    from slacalc.excel import export_error_rate  # here, not at the top: openpyxl is heavy

    try:
        export_error_rate(results, path, contracts=contracts, now=as_of)
    except OSError as exc:
        raise SlacalcError(f"--output: cannot write {path}: {exc.strerror}") from None


def _one_customer(
    args: argparse.Namespace,
    metrics: Metrics,
    registry: ContractRegistry,
    fees: dict[str, Decimal],
) -> tuple[ErrorRateResults, dict[str, Contract], int]:
    """One customer's rows under ``--contract``; the rows of other tenants set aside (counted).

    Counts belong to one account, so a row without a tenant in a table whose other rows name
    theirs is rejected rather than guessed; when no row names one, ``--tenant`` names them all.
    """
    frame, rejected = metrics.frame, list(metrics.rejected)
    named = sorted(set(frame["tenant"]) - {""})
    if named:
        frame, blank = _named_rows(metrics, "no tenant, while other rows name theirs")
        rejected += blank
    if args.tenant is None and len(named) > 1:
        listed = ", ".join(repr(t) for t in named[:5]) + (" …" if len(named) > 5 else "")
        raise SlacalcError(
            f"{metrics.source}: the rows name {len(named)} tenants ({listed}); give --tenant NAME "
            "for one, or --customers FILE for each under its own contract and fee"
        )
    set_aside = 0
    if args.tenant is not None and not named:
        frame = frame.assign(tenant=args.tenant)  # --tenant only names the customer
    elif args.tenant is not None:
        mine = frame["tenant"] == args.tenant
        if not mine.any():
            raise SlacalcError(f"{metrics.source}: --tenant: no row names {args.tenant!r}")
        frame, set_aside = frame[mine], int((~mine).sum())
    contract = registry.resolve(args.contract)
    _periods_fit(args.period, args.contract, registry)
    results = calculate_error_rate(
        replace(metrics, frame=frame, rejected=tuple(rejected)),
        contract,
        monthly_fee=args.fee,
        fees=fees,
        currency=args.currency or "USD",
        periods=args.period,
        timezone=args.timezone,
        billing_day=args.billing_day,
    )
    return results, {contract.id: contract}, set_aside


def _portfolio(
    args: argparse.Namespace,
    metrics: Metrics,
    customers: Customers,
    registry: ContractRegistry,
) -> tuple[ErrorRateResults, dict[str, Contract]]:
    """Each tenant's rows under its contract (or ``--contract``), fee and currency."""
    known = {str(c["tenant"]): c for c in customers.frame.to_dict("records")}
    frame, rejected = _named_rows(metrics, "no tenant: with --customers each row names its own")
    rejected = [*metrics.rejected, *rejected]
    tables, contracts = [], {}
    for name, rows in frame.groupby("tenant", sort=True):
        tenant = str(name)
        if tenant not in known:
            why = f"tenant {tenant!r} has no usable row in {customers.source}"
            rejected += _problems(metrics, rows, why)
            continue
        customer = known[tenant]
        cid = args.contract or str(customer["contract"] or "")
        if not cid:
            raise SlacalcError(
                f"{customers.source}: tenant {tenant!r} has no contract; fill its contract "
                "column or give --contract"
            )
        contract = registry.resolve(cid)
        _periods_fit(args.period, cid, registry)
        try:
            one = calculate_error_rate(
                replace(metrics, frame=rows, rejected=()),
                contract,
                monthly_fee=customer["monthly_fee"],
                currency=str(customer["currency"]),
                periods=args.period,
                timezone=args.timezone,
                billing_day=int(customer["billing_day"]),
            )
        except ContractError as exc:  # the contract cannot measure this tenant's billing cycles
            raise SlacalcError(f"{customers.source}: tenant {tenant!r}: {exc}") from None
        rejected += one.rejected
        tables.append(one.table)
        contracts[contract.id] = contract
    table = (
        pd.concat(tables, ignore_index=True)
        if tables
        else error_rate_table()  # no row was a customer's
    )
    results = ErrorRateResults(
        table=table, rejected=tuple(sorted(rejected, key=lambda p: p.row)), metrics=metrics
    )
    return results, contracts


def _periods_fit(periods: list[str], contract: str, registry: ContractRegistry) -> None:
    """A quarter label names no period of a monthly contract: say so before calculating."""
    if any("Q" in p for p in periods):
        quarters_allowed([contract], registry)


def _named_rows(metrics: Metrics, why: str) -> tuple[pd.DataFrame, list[RowProblem]]:
    """The rows that name a tenant, and ``why`` for each that names none."""
    blank = metrics.frame["tenant"] == ""
    return metrics.frame[~blank], _problems(metrics, metrics.frame[blank], why)


def _problems(metrics: Metrics, rows: pd.DataFrame, why: str) -> list[RowProblem]:
    """``why`` for each of ``rows``, in the tenant column as the file names it."""
    header = next((h for h, f in metrics.mapping.items() if f == "tenant"), "tenant")
    return [
        RowProblem(int(r), header, str(t), why, "tenant")
        for r, t in zip(rows["row"], rows["tenant"], strict=True)
    ]
