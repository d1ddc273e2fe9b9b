"""The ``slacalc`` command line: list and show contracts, calculate credits from files, run the app.

An edge over the library: it parses arguments, calls :func:`slacalc.calculate` and formats what
comes back. Every error slacalc raises on purpose (:class:`~slacalc.errors.SlacalcError`) is caught
once, in :func:`main`, and printed as one line; the exit status is 0 on success and 2 on bad input
(argparse's own usage errors are 2 as well), so no user ever sees a traceback.

::

    $ slacalc calculate outages.csv --contract microsoft-365-exchange-online --users 1000 --fee 4000
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import io
import json
import math
import os
import subprocess
import sys
import textwrap
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from slacalc.engine.calculate import calculate
from slacalc.engine.results import RESULT_COLUMNS, Results
from slacalc.errors import RowProblem, SlacalcError
from slacalc.io.customers import read_customers
from slacalc.io.outages import read_outages
from slacalc.model.contract import Contract, contract_schema, list_contracts, load_contract

#: Exit statuses: success, an unexpected failure (a bug), bad input or usage.
EXIT_OK, EXIT_BUG, EXIT_BAD_INPUT = 0, 1, 2

_FORMATS = ("table", "json", "csv")
_SUFFIX_FORMATS = {".json": "json", ".csv": "csv"}


# Argument types: validate at the boundary, so the engine only sees well-formed values ------------


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of users")
    return value


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount such as 4000.00") from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount of zero or more")
    return value


def _currency(text: str) -> str:
    code = text.strip().upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise argparse.ArgumentTypeError(f"{text!r} is not a three-letter currency code like USD")
    return code


def _zone(text: str) -> str:
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an IANA time zone such as UTC or Europe/London"
        ) from None
    return text


def _period(text: str) -> str:
    """A period label, ``2026-03`` or ``2026-Q1``; whether it fits the contract is checked later."""
    label = text.strip().upper()
    year, _, rest = label.partition("-")
    ok = len(year) == 4 and year.isdigit()
    if ok and rest.startswith("Q"):
        ok = rest in ("Q1", "Q2", "Q3", "Q4")
    elif ok:
        ok = len(rest) == 2 and rest.isdigit() and 1 <= int(rest) <= 12
    if not ok:
        raise argparse.ArgumentTypeError(f"{text!r} is not a period like 2026-03 or 2026-Q1")
    return label


# The parser -----------------------------------------------------------------------------------

_MAIN_EPILOG = """\
examples:
  slacalc contracts
  slacalc contracts show microsoft-365-exchange-online
  slacalc calculate outages.csv --contract microsoft-365-exchange-online --users 1000 --fee 4000
  slacalc calculate outages.csv --customers customers.csv --format json

exit status: 0 success, 2 bad input or usage (the message names the row and column).
"""

_CONTRACTS_EPILOG = """\
examples:
  slacalc contracts                                       list the bundled contracts
  slacalc contracts show microsoft-365-exchange-online    the terms in plain words
  slacalc contracts show ./my-contract.toml               a contract file of your own
  slacalc contracts schema > contract.schema.json         the JSON Schema of a contract file
"""

_CALCULATE_EPILOG = """\
examples:
  one customer (the fee is per month; credits are a share of it):
    slacalc calculate outages.csv --contract microsoft-365-exchange-online \\
        --users 1000 --fee 4000 --currency USD
  a portfolio, each tenant under the contract its row names:
    slacalc calculate outages.csv --customers customers.csv --format json
  report a month with no outage too, and write the claim workbook:
    slacalc calculate outages.csv --contract aws-ec2-region --users 1 --fee 2500 \\
        --period 2025-10 2025-11 --output claims.xlsx

Outage files are CSV, Excel (.xlsx) or JSON with columns start, end and optionally
affected_users or affected_percent, id, tenant, service, cohort, excluded. Times without an
offset are read in --timezone (default UTC). Rows that cannot be used are listed on stderr as
"row 7, column 'end': ..."; then the exit status is 2 unless --allow-rejected is given.
"""

_APP_EPILOG = """\
examples:
  slacalc app
  slacalc app -- --server.port 8502      options after -- go to 'streamlit run'
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``slacalc`` and its commands."""
    from slacalc.claims import cli as claims_cli  # here: it uses this module's helpers

    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="slacalc",
        description="SLA credit calculator: outage windows and contract terms in; availability, "
        "credits and claim deadlines out.",
        epilog=_MAIN_EPILOG,
        formatter_class=raw,
    )
    parser.add_argument("--version", action="version", version=f"slacalc {_version()}")
    parser.add_argument(
        "--traceback",
        action="store_true",
        help="on an unexpected error, show the Python traceback (for bug reports)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    contracts = commands.add_parser(
        "contracts",
        help="list the bundled contracts, show one's terms, print the contract JSON Schema",
        description="List the bundled SLA contracts; show one's terms; print the file format.",
        epilog=_CONTRACTS_EPILOG,
        formatter_class=raw,
    )
    contracts.set_defaults(run=_run_contracts_list)
    actions = contracts.add_subparsers(dest="action", metavar="ACTION")
    show = actions.add_parser(
        "show",
        help="the terms of one contract in plain words",
        description="The terms of a contract in plain words: commitment, period, method, "
        "tiers, caps, claim rule and source.",
        epilog="example:\n  slacalc contracts show google-workspace\n",
        formatter_class=raw,
    )
    show.add_argument("contract", metavar="ID_OR_PATH", help="a bundled id or a .toml file")
    show.set_defaults(run=_run_contracts_show)
    schema = actions.add_parser(
        "schema",
        help="the JSON Schema of a contract file",
        description="Print the JSON Schema of a contract file (TOML, one file per contract).",
        epilog="example:\n  slacalc contracts schema > contract.schema.json\n",
        formatter_class=raw,
    )
    schema.set_defaults(run=_run_contracts_schema)

    calc = commands.add_parser(
        "calculate",
        help="availability, credits and claim deadlines from an outage file",
        description="Availability, credit and claim deadline per tenant, service and period.",
        epilog=_CALCULATE_EPILOG,
        formatter_class=raw,
    )
    calc.add_argument("outages", metavar="OUTAGES", help="outage windows: .csv, .xlsx or .json")
    calc.add_argument(
        "--contract",
        metavar="ID_OR_PATH",
        help="bundled contract id or .toml file (with --customers: replaces every tenant's)",
    )
    who = calc.add_mutually_exclusive_group(required=True)
    who.add_argument(
        "--users", type=_positive_int, metavar="N", help="licensed users (one customer)"
    )
    who.add_argument(
        "--customers", metavar="FILE", help="customers table: tenant, contract, users, monthly_fee…"
    )
    calc.add_argument("--fee", type=_amount, metavar="AMOUNT", help="monthly fee (with --users)")
    calc.add_argument("--currency", type=_currency, help="currency of --fee (default USD)")
    calc.add_argument(
        "--timezone",
        type=_zone,
        default="UTC",
        metavar="TZ",
        help="zone of times written without an offset (default UTC)",
    )
    calc.add_argument(
        "--sheet", metavar="NAME", help="the sheet of an .xlsx outage file (default: the first)"
    )
    calc.add_argument(
        "--as-of",
        metavar="TIME",
        help="count windows with no end yet up to TIME (ISO 8601); without it they are rejected",
    )
    order = calc.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst",
        dest="dayfirst",
        action="store_const",
        const=True,
        help="read dates like 03/04/2026 as 3 April",
    )
    order.add_argument(
        "--monthfirst",
        dest="dayfirst",
        action="store_const",
        const=False,
        help="read dates like 03/04/2026 as 4 March",
    )
    calc.add_argument(
        "--ambiguous",
        choices=("raise", "earliest", "latest"),
        default="raise",
        help="a local time a DST change makes happen twice: reject the row (default) or take "
        "the earliest or latest",
    )
    calc.add_argument(
        "--nonexistent",
        choices=("raise", "shift_forward"),
        default="raise",
        help="a local time a DST change skips: reject the row (default) or shift it forward",
    )
    calc.add_argument(
        "--period",
        type=_period,
        action="extend",
        nargs="+",
        default=[],
        metavar="P",
        help="also report these periods (2026-03, 2026-Q1), even without an outage",
    )
    calc.add_argument(
        "--format",
        choices=_FORMATS,
        help="table (default), json or csv; taken from --output's suffix when not given",
    )
    calc.add_argument(
        "--output",
        metavar="FILE",
        help="write to FILE instead of stdout; a .xlsx file gets the claim workbook",
    )
    calc.add_argument(
        "--allow-rejected",
        action="store_true",
        help="exit 0 even if some input rows were rejected (they are still listed on stderr)",
    )
    calc.add_argument(
        "--claim", action="store_true", help="record a draft claim per period with a credit"
    )
    claims_cli.claim_options(calc)
    calc.set_defaults(run=_run_calculate)

    app = commands.add_parser(
        "app",
        usage="slacalc app [-h] [-- STREAMLIT_OPTION ...]",
        help="start the browser app (streamlit run app.py)",
        description="Start the slacalc app in the browser with 'streamlit run app.py'.",
        epilog=_APP_EPILOG,
        formatter_class=raw,
    )
    app.add_argument("streamlit_args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    app.set_defaults(run=_run_app)
    claims_cli.add_parser(commands)
    return parser


def _version() -> str:
    from slacalc import __version__

    return __version__


# Entry point ----------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``slacalc`` with ``argv`` (default: the process's arguments); return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)  # usage errors: message and exit status 2
    out, err = sys.stdout, sys.stderr
    try:
        status: int = args.run(args, out, err)
    except SlacalcError as exc:
        print(f"slacalc: error: {exc}", file=err)
        for problem in getattr(exc, "problems", ()) or ():
            print(f"  {_row_line(problem)}", file=err)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``slacalc ... | head``): stop quietly, as other tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BUG
    except Exception as exc:  # a bug, not bad input: one line, unless asked for the traceback
        if args.traceback:
            raise
        print(
            f"slacalc: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in slacalc; run again with --traceback and report what it shows.",
            file=err,
        )
        return EXIT_BUG
    return status


# contracts --------------------------------------------------------------------------------------


def _run_contracts_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    rows = []
    for cid in list_contracts():
        c = load_contract(cid)
        rows.append([cid, _num(c.commitment_percent) + " %", c.period, _method_word(c), c.name])
    out.write(_aligned(["id", "commitment", "per", "method", "name"], rows, right={1}))
    out.write("\nslacalc contracts show ID   shows a contract's terms in plain words.\n")
    return EXIT_OK


def _run_contracts_show(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    out.write(describe_contract(load_contract(args.contract)))
    return EXIT_OK


def _run_contracts_schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    out.write(json.dumps(contract_schema(), indent=2, default=str) + "\n")
    return EXIT_OK


def _method_word(c: Contract) -> str:
    return "user-minutes" if c.method == "user_minutes" else "time"


def describe_contract(c: Contract) -> str:
    """A contract's terms in plain words, one per line."""
    per = {"month": "calendar month", "quarter": "calendar quarter"}[c.period]
    lines = [f"{c.name} ({c.id})", f"  provider:          {c.provider}"]
    lines.append(f"  service:           {c.service}")
    lines.append(f"  commitment:        {_num(c.commitment_percent)} % availability per {per}")
    lines.append(f"  periods measured:  {per}s in {c.timezone}")
    if c.method == "user_minutes":
        lines.append("  method:            user-minutes (downtime weighted by the users it hit)")
        lines.append(
            "  availability:      (user-minutes − downtime user-minutes) / user-minutes × 100"
        )
    else:
        threshold = c.downtime_threshold
        share = {">": "more than", ">=": "at least"}[threshold.operator]
        when = (
            "any user is affected"
            if threshold.operator == ">" and threshold.percent == 0
            else f"{share} {_num(threshold.percent)} % of users are affected"
        )
        lines.append(f"  method:            time (a minute is down when {when})")
        lines.append("  availability:      (minutes − downtime minutes) / minutes × 100")
    minimum = c.minimum_downtime_minutes
    lines.append(
        "  minimum downtime:  "
        + (f"{_num(minimum)} consecutive minutes before a window counts" if minimum else "none")
    )
    if c.counted_cohorts is not None:
        lines.append(f"  counted cohorts:   only {', '.join(c.counted_cohorts)} (others: impact)")
    for m in c.maintenance:
        when = f"every {m.weekday}" if m.every == "week" else f"day {m.day} of every month"
        text = f"{when} at {m.start} for {m.duration_minutes} minutes"
        lines.append(
            f"  maintenance:       {text}" + (f" ({m.description})" if m.description else "")
        )
    lines.append("  credit tiers:")
    lines.extend(f"    {t.describe()}" for t in c.tiers)
    caps = []
    if c.cap.percent is not None:
        caps.append(f"{_num(c.cap.percent)} % of the period's fee")
    if c.cap.days is not None:
        caps.append(f"{_num(c.cap.days)} days of service")
    lines.append("  cap:               " + (" and ".join(caps) if caps else "none stated"))
    if c.minimum_credit is not None:
        currency = getattr(c, "minimum_credit_currency", "")
        lines.append(
            f"  minimum credit:    only credits above {_num(c.minimum_credit)} {currency} "
            "are issued"
        )
    lines.append(f"  claim:             {c.claim.describe()}")
    if c.claim.how:
        lines.append(f"  how to claim:      {c.claim.how}")
    lines.append(f"  source:            {c.source.url}")
    lines.append(f"  version:           {c.source.version} [{c.source.confidence}]")
    if c.unverified:
        lines.append("  unverified terms (check the live SLA before relying on them):")
        lines.extend(f"    - {u}" for u in c.unverified)
    return "".join(_wrapped(line) + "\n" for line in lines)


def _wrapped(line: str, width: int = 100) -> str:
    """A long term wrapped under its own text: after ``label:`` padding, or after ``- ``."""
    if len(line) <= width:
        return line
    if line.startswith("    - "):
        indent = 6
    else:
        gap = line.find(":  ")
        indent = len(line) - len(line[gap + 1 :].lstrip()) if gap > 0 else 4
    return textwrap.fill(line, width, subsequent_indent=" " * indent, break_on_hyphens=False)


# calculate --------------------------------------------------------------------------------------


def _run_calculate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.users is not None and args.contract is None:
        raise SlacalcError("--contract: give the contract of the customer given by --users")
    if args.customers is not None and args.fee is not None:
        raise SlacalcError("--fee: with --customers, the fee is the customers table's monthly_fee")
    if args.customers is not None and args.currency is not None:
        raise SlacalcError("--currency: with --customers, the currency is the table's currency")
    output = Path(args.output) if args.output else None
    workbook = output is not None and output.suffix.lower() == ".xlsx"
    fmt = args.format or (
        _SUFFIX_FORMATS.get(output.suffix.lower(), "table") if output and not workbook else "table"
    )

    outages = read_outages(
        args.outages,
        args.timezone,
        sheet=args.sheet,
        as_of=args.as_of,
        dayfirst=args.dayfirst,
        ambiguous=args.ambiguous,
        nonexistent=args.nonexistent,
    )
    if outages.rejected or not args.period:  # an empty file is fine for --period: 100 %
        _require_rows(outages.frame, outages.rejected, outages.source, "outage window", err)
    customers = None if args.customers is None else read_customers(args.customers)
    if customers is not None:
        _require_rows(customers.frame, customers.rejected, customers.source, "customer", err)
    if any("Q" in p for p in args.period):
        tables = [] if customers is None else list(customers.frame["contract"].unique())
        _quarters_allowed([args.contract] if args.contract else tables)
    results = calculate(
        outages,
        args.contract,
        users=args.users,
        monthly_fee=args.fee,
        currency=args.currency or "USD",
        periods=args.period or None,
        customers=customers,
        timezone=args.timezone,
    )
    for line in _input_notes(results):
        print(line, file=err)
    rejected = _rejected_lines(results)
    for line in rejected:
        print(line, file=err)

    claimed = None
    if args.claim:  # before the workbook, which then gets the Claim status sheet
        from slacalc.claims.cli import record_results

        claimed = record_results(args, results, err)
    text = render(results, fmt)
    if workbook:
        assert output is not None
        _write_workbook(results, output, claimed)
        out.write(text)
    elif output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise SlacalcError(f"--output: cannot write {output}: {exc.strerror}") from None
    else:
        out.write(text)

    if rejected and not args.allow_rejected:
        rows = _rejected_row_count(results)
        print(
            f"slacalc: {rows} input row(s) rejected, listed above; the results leave them out. "
            "Fix them, or pass --allow-rejected to accept the results without them.",
            file=err,
        )
        return EXIT_BAD_INPUT
    return EXIT_OK


def _require_rows(
    frame: pd.DataFrame, rejected: Sequence[RowProblem], source: str, what: str, err: TextIO
) -> None:
    """Refuse a table with no usable row, naming its rejected rows, rather than report nothing."""
    if not frame.empty:
        return
    for problem in rejected:
        print(_row_line(problem, source), file=err)
    why = "every row was rejected (listed above)" if rejected else "it has no rows"
    raise SlacalcError(f"{source}: no {what} to calculate from: {why}")


def _quarters_allowed(contract_ids: Iterable[str]) -> None:
    """A quarter label names no period of a monthly contract: say so before calculating."""
    for cid in contract_ids:
        contract = load_contract(cid)
        if contract.period == "month":
            raise SlacalcError(
                f"--period: {contract.id} measures calendar months; name months like 2026-03"
            )


def _write_workbook(
    results: Results, path: Path, claim_status: list[dict[str, object]] | None = None
) -> None:
    from slacalc.excel import export_excel  # here, not at the top: openpyxl is heavy

    try:
        export_excel(results, path, claim_status=claim_status)
    except OSError as exc:
        raise SlacalcError(f"--output: cannot write {path}: {exc.strerror}") from None


def _row_line(problem: RowProblem, origin: str = "") -> str:
    where = f"{origin}: " if origin else ""
    return (
        f"{where}row {problem.row}, column {problem.column!r}: {problem.problem} "
        f"(value {problem.value!r})"
    )


def _rejected_lines(results: Results) -> list[str]:
    """One line per problem of a rejected input row, naming the file, the row and the column."""
    lines = [_row_line(p, results.outages.source) for p in results.rejected]
    customers = results.customers
    lines += [_row_line(p, customers.source) for p in customers.rejected]
    return lines


def _rejected_row_count(results: Results) -> int:
    """Rows rejected (a row with several problems counts once)."""
    outage_rows = {p.row for p in results.rejected}
    return len(outage_rows) + len({p.row for p in results.customers.rejected})


def _input_notes(results: Results) -> list[str]:
    """How the inputs were read: columns mapped from other names, columns not used, zones assumed.

    The design asks that the zone assumed for naive times is always shown, and that an unknown
    column is reported, never silently dropped.
    """
    lines = []
    for table in (results.outages, results.customers):
        source = getattr(table, "source", "")
        mapping = getattr(table, "mapping", {})
        renamed = {k: v for k, v in mapping.items() if k != v}
        if renamed:
            pairs = ", ".join(f"{k!r} → {v}" for k, v in renamed.items())
            lines.append(f"{source}: columns read as {pairs}")
        lines.extend(f"{source}: {note}" for note in getattr(table, "notes", ()))
    return lines


def render(results: Results, fmt: str) -> str:
    """The results as text in ``fmt``: ``table``, ``json`` or ``csv``."""
    if fmt == "json":
        return render_json(results)
    if fmt == "csv":
        return render_csv(results)
    return render_table(results)


def plain_value(value: Any) -> Any:
    """A result cell as JSON data: Decimals as exact strings, dates and times ISO, tuples lists.

    Floats (the engine's minutes, which only measure; their exact seconds are integer columns)
    stay numbers; a missing value of any kind is ``None``.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return value
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [plain_value(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return plain_value(value.item())
    if isinstance(value, float):
        return None if math.isnan(value) else value
    return value


def _records(results: Results) -> list[dict[str, Any]]:
    frame = results.to_frame()
    columns = [c for c in RESULT_COLUMNS if c in frame.columns]
    return [
        {c: plain_value(v) for c, v in zip(columns, row, strict=True)}
        for row in frame[columns].itertuples(index=False, name=None)
    ]


def render_json(results: Results) -> str:
    """A JSON list of objects, one per tenant, service and period, with the result columns."""
    return json.dumps(_records(results), indent=2, ensure_ascii=False) + "\n"


def render_csv(results: Results) -> str:
    """CSV with the result columns; a cell holding several incident ids separates them with ';'."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(RESULT_COLUMNS))
    for record in _records(results):
        writer.writerow(
            [
                ";".join(str(v) for v in value) if isinstance(value, list) else _csv_cell(value)
                for value in (record.get(c) for c in RESULT_COLUMNS)
            ]
        )
    return buffer.getvalue()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render_table(results: Results) -> str:
    """The key figures, aligned for a terminal, with totals per currency and the zones used."""
    frame = results.to_frame()
    contracts = results.contracts
    lines = []
    for cid in sorted(contracts):
        c = contracts[cid]
        lines.append(
            f"{c.name} ({cid}): commitment {_num(c.commitment_percent)} % per {c.period}, "
            f"{_method_word(c)} method, periods in {c.timezone}"
        )
    if frame.empty:
        lines.append("No outage fell in a period to report.")
        return "\n".join(lines) + "\n"

    show_tenant = bool((frame["tenant"] != "").any())
    show_contract = frame["contract"].nunique() > 1
    show_service = frame["service"].nunique() > 1 and not show_contract
    show_user_minutes = any(contracts[c].method == "user_minutes" for c in frame["contract"])
    head: list[str] = []
    right: set[int] = set()

    def col(name: str, *, numeric: bool = False) -> None:
        if numeric:
            right.add(len(head))
        head.append(name)

    if show_tenant:
        col("tenant")
    if show_contract:
        col("contract")
    if show_service:
        col("service")
    col("period")
    col("availability %", numeric=True)
    col("downtime min", numeric=True)
    if show_user_minutes:
        col("user-min lost", numeric=True)
    col("credit", numeric=True)
    col("amount", numeric=True)
    col("claim by")
    col("min to next tier", numeric=True)
    col("incidents")

    rows = []
    for r in _str_records(frame):
        row = []
        if show_tenant:
            row.append(str(r["tenant"]))
        if show_contract:
            row.append(str(r["contract"]))
        if show_service:
            row.append(str(r["service"]))
        row.append(str(r["period"]))
        row.append(_availability(r["availability_percent"]))
        row.append(_figure(r["downtime_minutes"]))
        if show_user_minutes:
            row.append(_figure(r["user_minutes_lost"]))
        row.append(_credit(r))
        amount = r["credit_amount"]
        row.append("—" if amount is None else f"{_grouped(amount)} {r['currency']}")
        deadline = r["claim_deadline"]
        row.append(str(deadline) if r["breached"] and deadline is not None else "")
        margin = plain_value(r.get("seconds_to_next_tier"))
        row.append("" if margin is None else _figure(Decimal(margin) / 60))
        row.append(_ids(r["incident_ids"]))
        rows.append(row)
    lines.append(_aligned(head, rows, right=right).rstrip("\n"))
    lines.append("")
    lines.extend(_totals(frame))
    lines.append(_row_accounting(results))
    zones: dict[str, list[str]] = {}
    for column, zone in results.outages.assumed_timezones.items():
        zones.setdefault(zone, []).append(column)
    for zone, columns in sorted(zones.items()):
        lines.append(f"Times without an offset ({', '.join(columns)}) were read as {zone}.")
    lines.append(
        "Availability is floored to 4 decimal places for display; tiers use the exact value."
    )
    return "\n".join(lines) + "\n"


def _row_accounting(results: Results) -> str:
    """Where every outage row went: counted, excluded or rejected (nothing is lost)."""
    table = results.outages
    rejected = {p.row for p in results.rejected}
    kept = table.frame[~table.frame["row"].isin(rejected)]
    excluded = int((kept["excluded"] != "").sum())
    return (
        f"{table.source}: {table.rows_read} row(s) read: {len(kept) - excluded} counted, "
        f"{excluded} excluded, {len(rejected)} rejected."
    )


def _str_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]


def _totals(frame: pd.DataFrame) -> list[str]:
    breached = frame[frame["breached"]]
    summary = f"{len(breached)} of {len(frame)} periods below commitment."
    sums: dict[str, Decimal] = {}
    for amount, currency in zip(breached["credit_amount"], breached["currency"], strict=True):
        if amount is not None and not _missing(amount):
            sums[currency] = sums.get(currency, Decimal(0)) + amount
    if sums:
        money = ", ".join(f"{_grouped(v)} {k}" for k, v in sorted(sums.items()))
        summary += f" Credits: {money}."
    return [summary]


def _missing(value: Any) -> bool:
    return value is None or plain_value(value) is None


def _credit(r: dict[str, Any]) -> str:
    if not r["breached"]:
        return "none"
    days, percent = r["credit_days"], r["credit_percent"]
    if days is not None and not _missing(days):
        return f"{_num(days)} days"
    if percent is not None and not _missing(percent):
        return f"{_num(percent)} %"
    return ""


def _availability(value: Decimal) -> str:
    """Floored to 4 places: a display never flatters, and never shows 100 with any downtime."""
    return format(value.quantize(Decimal("0.0001"), rounding=ROUND_FLOOR), "f")


def _figure(value: Decimal | float) -> str:
    """Minutes for display: thousands grouped, at most two decimals (half-up)."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    rounded = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return f"{int(rounded):,}"
    return f"{rounded:,.2f}"


def _grouped(amount: Decimal) -> str:
    return f"{amount:,f}"


def _num(value: Decimal) -> str:
    """A term figure without trailing zeros and never in exponent notation: 99.9, 100, 15."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _ids(ids: Iterable[str] | None, most: int = 3) -> str:
    items = list(ids or ())
    text = ", ".join(items[:most])
    return text + (f" +{len(items) - most} more" if len(items) > most else "")


def _aligned(head: list[str], rows: list[list[str]], *, right: set[int]) -> str:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(head)]

    def line(cells: list[str]) -> str:
        parts = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(head), rule, *(line(r) for r in rows)]) + "\n"


# app --------------------------------------------------------------------------------------------


def app_command(streamlit_args: Sequence[str] = ()) -> list[str]:
    """The command that starts the app: ``python -m streamlit run app.py [ARGS]``."""
    app = Path(__file__).resolve().parent.parent / "app.py"
    if not app.is_file():
        raise SlacalcError(f"app: {app} not found; run the app from a source checkout of slacalc")
    args = list(streamlit_args)
    if args[:1] == ["--"]:
        args = args[1:]
    return [sys.executable, "-m", "streamlit", "run", str(app), *args]


def _replace_process(command: list[str]) -> int:
    """Become ``command`` (POSIX ``exec``), so a signal to ``slacalc app`` reaches streamlit and
    never leaves it running orphaned; elsewhere run it and wait."""
    if os.name == "posix":
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(command[0], command)
    return subprocess.call(command)


def _run_app(
    args: argparse.Namespace,
    out: TextIO,
    err: TextIO,
    run: Callable[[list[str]], int] = _replace_process,
) -> int:
    if importlib.util.find_spec("streamlit") is None:
        raise SlacalcError("app: streamlit is not installed; pip install streamlit")
    return run(app_command(args.streamlit_args))
