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
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TextIO, TypeVar

import pandas as pd

from slacalc.cli import feeds as cli_feeds
from slacalc.cli import whatif as cli_whatif
from slacalc.engine.calculate import calculate
from slacalc.engine.results import Results
from slacalc.errors import InputError, RowProblem, SlacalcError
from slacalc.io.customers import Customers, read_customers
from slacalc.io.tables import MAX_FILE_ROWS, MAX_ROWS
from slacalc.io.wording import command_line
from slacalc.model.contract import (
    Contract,
    bundled_by_provider,
    contract_schema,
    list_contracts,
    load_contract,
)
from slacalc.model.limits import MAX_LICENSED_USERS
from slacalc.model.money import currency_code, fee_problem, parse_amount
from slacalc.model.registry import ContractRegistry
from slacalc.report.customer import Customer, letter_locale
from slacalc.report.export import aligned, render
from slacalc.report.terms import contract_terms, measure_words, number

#: Exit statuses: success, an unexpected failure (a bug), bad input or usage.
EXIT_OK, EXIT_BUG, EXIT_BAD_INPUT = 0, 1, 2

_FORMATS = ("table", "json", "csv")
_MOST_WARNINGS = 20  # lines of one kind of warning on stderr; the results hold every case
_SUFFIX_FORMATS = {".json": "json", ".csv": "csv"}


# Argument types: validate at the boundary, so the engine only sees well-formed values ------------


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of users")
    if value > MAX_LICENSED_USERS:
        raise argparse.ArgumentTypeError(
            f"{text!r} is more than the {MAX_LICENSED_USERS:,} licensed users slacalc computes "
            "exactly"
        )
    return value


_T = TypeVar("_T")


def _checked(check: Callable[[str], _T]) -> Callable[[str], _T]:
    """An argparse type from one of slacalc's checks: its ``InputError`` is argparse's message,
    so a flag is read by the same rule as a table cell or an app field."""

    def parse(text: str) -> _T:
        try:
            return check(text)
        except InputError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


_locale = _checked(letter_locale)  # the claim letters' locale
_currency = _checked(currency_code)


def _amount(text: str) -> Decimal:
    """An amount by the rules of the customers table and the app (:func:`parse_amount`)."""
    value = _checked(parse_amount)(text)
    why = fee_problem(value)
    if why:
        raise argparse.ArgumentTypeError(f"{text!r} is {why}")
    return value


def _mapping(text: str) -> tuple[str, str]:
    """``--map Beginn=start``: a header of the file and the field it holds."""
    header, sign, name = text.rpartition("=")
    if not sign or not header.strip() or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: write COLUMN=FIELD, e.g. Beginn=start")
    return header.strip(), name.strip()


def _cohort(text: str) -> tuple[str, int]:
    """``--cohort "Outlook for Mac=120"``: a cohort's name and its number of users."""
    name, sign, size = text.rpartition("=")
    if not sign or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: write NAME=USERS, e.g. 'Outlook for Mac=120'")
    return name.strip(), _positive_int(size.strip())


def _mark(text: str) -> str:
    """A decimal or thousands mark as ``pandas.read_csv`` takes it: one character."""
    if len(text) != 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give one character, e.g. ',' or '.'")
    return text


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
  slacalc error-rate metrics.csv --contract aws-s3-standard --fee 1200

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
  a portfolio whose table names contracts of your own (my-sla.toml in ./contracts):
    slacalc calculate outages.csv --customers customers.csv --contracts ./contracts
  report a month with no outage too, and write the claim workbook:
    slacalc calculate outages.csv --contract aws-ec2-region --users 1 --fee 2500 \\
        --period 2025-10 2025-11 --output claims.xlsx
  the liability per contract and currency, and what if each incident lasted a day longer:
    slacalc calculate outages.csv --customers customers.csv --summary
    slacalc calculate outages.csv --customers customers.csv --longer 1d

  a German Excel export (1.200 users, 12,5 %) whose start column has a name of its own:
    slacalc calculate ausfaelle.csv --contract microsoft-365-exchange-online --users 2000 \
        --decimal , --thousands . --map Anfangszeit=start --timezone Europe/Berlin

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
    from slacalc.cli import claims as claims_cli  # here: they use this module's helpers
    from slacalc.cli import metrics as metrics_cli

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
    calc.add_argument(
        "outages", metavar="OUTAGES", help="outage windows (.csv, .xlsx, .json) or a provider feed"
    )
    contract_options(calc)
    who = calc.add_mutually_exclusive_group(required=True)
    who.add_argument(
        "--users", type=_positive_int, metavar="N", help="licensed users (one customer)"
    )
    who.add_argument(
        "--customers", metavar="FILE", help="customers table: tenant, contract, users, monthly_fee…"
    )
    calc.add_argument(
        "--tenant",
        metavar="NAME",
        help="with --users: calculate only this tenant's rows (needed when rows name several)",
    )
    calc.add_argument(
        "--customer-name",
        metavar="NAME",
        help="with --users: the organisation the claim letters name (with --tenant)",
    )
    calc.add_argument(
        "--locale",
        type=_locale,
        default="en_US",
        metavar="LOCALE",
        help="how the claim letters write amounts, e.g. de_DE for 1.234,50 € (default en_US)",
    )
    fee_options(calc, "with --users")
    reading_options(calc, "outage")
    calc.add_argument(
        "--as-of",
        metavar="TIME",
        help="count windows with no end yet up to TIME (ISO 8601); without it they are rejected",
    )
    format_options(calc, "outage", "start, end, affected_users...", "Beginn=start")
    calc.add_argument(
        "--cohort",
        type=_cohort,
        action="append",
        default=[],
        metavar="NAME=USERS",
        help="the users of a cohort the outage file names, with --users: --cohort "
        "'Outlook for Mac=120' (repeatable)",
    )
    period_option(calc, "an outage")
    output_options(calc, "; a .xlsx file gets the claim workbook")
    calc.add_argument(
        "--liability",
        metavar="FILE",
        help="also write the liability workbook (.xlsx): credits by currency, contract and "
        "deadline status, one row per tenant and period, the tenants owed the most",
    )
    calc.add_argument(
        "--evidence",
        metavar="DIR",
        help="also write the evidence (windows, downtime, exclusions, maintenance once per "
        "contract, rejected rows) to DIR as Parquet and CSV files",
    )
    calc.add_argument(
        "--claim-packs",
        metavar="DIR",
        help="also write one claim workbook per breached tenant to DIR",
    )
    calc.add_argument(
        "--max-rows",
        type=_positive_int,
        metavar="N",
        help=f"read an outages file of up to N rows (default {MAX_FILE_ROWS:,}, at most "
        f"{MAX_ROWS:,}; about 0.5 KB of memory a row to read, more to calculate)",
    )
    allow_rejected_option(calc)
    cli_feeds.add_calculate_options(calc)
    cli_whatif.add_calculate_options(calc)
    calc.add_argument(
        "--claim", action="store_true", help="record a draft claim per period with a credit"
    )
    claims_cli.claim_options(calc)
    calc.set_defaults(run=_run_calculate)
    cli_feeds.add_commands(commands)
    metrics_cli.add_commands(commands)

    app = commands.add_parser(
        "app",
        usage="slacalc app [-h] [-- STREAMLIT_OPTION ...]",
        help="start the browser app (Streamlit)",
        description="Start the slacalc app in the browser: 'streamlit run' on the app installed "
        "with slacalc.",
        epilog=_APP_EPILOG,
        formatter_class=raw,
    )
    app.add_argument("streamlit_args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    app.set_defaults(run=_run_app)
    claims_cli.add_parser(commands)
    return parser


# Options shared by the commands that calculate ----------------------------------------------------


def contract_options(parser: argparse.ArgumentParser) -> None:
    """``--contract``, and ``--contracts`` with ``--replace-bundled`` for contracts of one's own."""
    parser.add_argument(
        "--contract",
        metavar="ID_OR_PATH",
        help="bundled contract id or .toml file (with --customers: replaces every tenant's)",
    )
    parser.add_argument(
        "--contracts",
        action="append",
        default=[],
        metavar="PATH",
        help="your own contracts: a .toml file or a folder of them (repeatable); the customers "
        "table and --contract may name them by id (the file name without .toml)",
    )
    parser.add_argument(
        "--replace-bundled",
        action="store_true",
        help="let a --contracts file named like a bundled contract replace it (else refused)",
    )


def fee_options(parser: argparse.ArgumentParser, when: str) -> None:
    """``--fee`` and ``--currency`` of one customer; ``when``: the flags they go with."""
    parser.add_argument("--fee", type=_amount, metavar="AMOUNT", help=f"monthly fee ({when})")
    parser.add_argument("--currency", type=_currency, help="currency of --fee (default USD)")


def reading_options(parser: argparse.ArgumentParser, what: str) -> None:
    """``--timezone`` and ``--sheet``: how the input file of ``what`` rows is read."""
    parser.add_argument(
        "--timezone",
        type=_zone,
        default="UTC",
        metavar="TZ",
        help="zone of times written without an offset (default UTC)",
    )
    parser.add_argument(
        "--sheet", metavar="NAME", help=f"the sheet of an .xlsx {what} file (default: the first)"
    )


def format_options(parser: argparse.ArgumentParser, what: str, fields: str, example: str) -> None:
    """How the ``what`` file is written: ``--decimal``, ``--thousands``, ``--map`` (``fields``:
    some it maps to, ``example``: one mapping), ``--dayfirst``/``--monthfirst`` and the DST
    choices ``--ambiguous`` and ``--nonexistent``; the readers' keywords of the same names."""
    parser.add_argument(
        "--decimal",
        type=_mark,
        metavar="MARK",
        help="decimal mark of the input files' numbers: '.' or ',' (12,5 %%); a decimal comma "
        "is detected when the file settles it",
    )
    parser.add_argument(
        "--thousands",
        type=_mark,
        metavar="MARK",
        help="thousands mark of the input files' numbers: '.', ',', ' ' or \"'\" (1.200 users)",
    )
    parser.add_argument(
        "--map",
        type=_mapping,
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help=f"read the {what} file's COLUMN as FIELD ({fields}), e.g. --map {example} "
        "(repeatable)",
    )
    order = parser.add_mutually_exclusive_group()
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
    parser.add_argument(
        "--ambiguous",
        choices=("raise", "earliest", "latest"),
        default="raise",
        help="a local time a DST change makes happen twice: reject the row (default) or take "
        "the earliest or latest",
    )
    parser.add_argument(
        "--nonexistent",
        choices=("raise", "shift_forward"),
        default="raise",
        help="a local time a DST change skips: reject the row (default) or shift it forward",
    )


def period_option(parser: argparse.ArgumentParser, without: str) -> None:
    """``--period``: periods to report even ``without`` any input row in them."""
    parser.add_argument(
        "--period",
        type=_period,
        action="extend",
        nargs="+",
        default=[],
        metavar="P",
        help=f"also report these periods (2026-03, 2026-Q1), even without {without}",
    )


def output_options(parser: argparse.ArgumentParser, files: str = "") -> None:
    """``--format`` and ``--output``; ``files``: what else ``--output`` writes, by suffix."""
    parser.add_argument(
        "--format",
        choices=_FORMATS,
        help="table (default), json or csv; taken from --output's suffix when not given",
    )
    parser.add_argument("--output", metavar="FILE", help=f"write to FILE instead of stdout{files}")


def allow_rejected_option(parser: argparse.ArgumentParser) -> None:
    """``--allow-rejected``: exit 0 though input rows were rejected."""
    parser.add_argument(
        "--allow-rejected",
        action="store_true",
        help="exit 0 even if some input rows were rejected (they are still listed on stderr)",
    )


def output_format(args: argparse.Namespace) -> tuple[Path | None, str, bool]:
    """The ``--output`` file, the text format and whether the file is a workbook (``.xlsx``)."""
    output = Path(args.output) if args.output else None
    workbook = output is not None and output.suffix.lower() == ".xlsx"
    fmt = args.format or (
        _SUFFIX_FORMATS.get(output.suffix.lower(), "table") if output and not workbook else "table"
    )
    return output, fmt, workbook


def write_output(text: str, output: Path) -> None:
    """Write ``text`` to the ``--output`` file, or say in one line why it cannot be."""
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise SlacalcError(f"--output: cannot write {output}: {exc.strerror}") from None


def rejected_status(rows: int, allowed: bool, err: TextIO) -> int:
    """The exit status once ``rows`` input rows were rejected (and listed): 2 unless ``allowed``."""
    if not rows or allowed:
        return EXIT_OK
    print(
        f"slacalc: {rows} input row(s) rejected, listed above; the results leave them out. "
        "Fix them, or pass --allow-rejected to accept the results without them.",
        file=err,
    )
    return EXIT_BAD_INPUT


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
        with command_line():  # messages name flags (--dayfirst), not keywords (dayfirst=True)
            status: int = args.run(args, out, err)
    except SlacalcError as exc:
        print(f"slacalc: error: {exc}", file=err)
        for problem in getattr(exc, "problems", ()) or ():
            print(f"  {row_line(problem)}", file=err)
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
    head = ["id", "commitment", "per", "method", "name", "official address"]
    contracts = bundled_by_provider()
    lines = aligned(head, [_listed(c) for c in contracts], right={1}).splitlines()
    out.write("\n".join(lines[:2]) + "\n")
    for i, c in enumerate(contracts):  # grouped by provider, each group under its name
        if i == 0 or contracts[i - 1].provider != c.provider:
            out.write(f"\n{c.provider}\n")
        out.write(lines[2 + i] + "\n")
    hidden = sorted(set(list_contracts(unverified=True)) - set(list_contracts()))
    if hidden:
        out.write(
            "\nNot listed above (credit terms not found in the provider's own text; load by id "
            "only to compare): " + ", ".join(hidden) + "\n"
        )
    out.write("\nslacalc contracts show ID   shows a contract's terms in plain words.\n")
    return EXIT_OK


def _listed(c: Contract) -> list[str]:
    """A contract's row in ``slacalc contracts``."""
    return [
        c.id,
        number(c.commitment_percent) + " %",
        c.period,
        measure_words(c),
        c.name,
        c.source.url,
    ]


def _run_contracts_show(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    out.write(describe_contract(load_contract(args.contract)))
    return EXIT_OK


def _run_contracts_schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    out.write(json.dumps(contract_schema(), indent=2, default=str) + "\n")
    return EXIT_OK


def describe_contract(c: Contract) -> str:
    """A contract's terms in plain words, one per line (the report layer's wording)."""
    lines = [f"{c.name} ({c.id})"]
    for term in contract_terms(c):
        parts = term.words.splitlines()
        if term.key in ("tiers", "unverified"):  # a list: each part on its own line
            head = f"  {term.label}:"
            if term.key == "unverified":
                head = "  unverified terms (check the live SLA before relying on them):"
            lines.append(head)
            bullet = "    - " if term.key == "unverified" else "    "
            lines.extend(f"{bullet}{part}" for part in parts)
            continue
        lines.extend(f"  {term.label + ':':<19}{part}" for part in parts)
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
    return textwrap.fill(
        line, width, subsequent_indent=" " * indent, break_on_hyphens=False, break_long_words=False
    )


# calculate --------------------------------------------------------------------------------------


def _run_calculate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.users is not None and args.contract is None:
        raise SlacalcError("--contract: give the contract of the customer given by --users")
    if args.customers is not None and args.tenant is not None:
        raise SlacalcError("--tenant: with --customers, every tenant of the table is calculated")
    if args.customers is not None and args.customer_name is not None:
        raise SlacalcError("--customer-name: with --customers, each letter names its tenant")
    if args.customers is not None and args.fee is not None:
        raise SlacalcError("--fee: with --customers, the fee is the customers table's monthly_fee")
    if args.customers is not None and args.currency is not None:
        raise SlacalcError("--currency: with --customers, the currency is the table's currency")
    output, fmt, workbook = output_format(args)
    cli_whatif.check(args, fmt, to_file=output is not None)

    outages, cohorts = cli_feeds.read_calculate_input(args, err)  # a windows table or a feed
    if outages.rejected or not args.period:  # an empty file is fine for --period: 100 %
        require_rows(outages.frame, outages.rejected, outages.source, "outage window", err)
    registry = ContractRegistry.of(args.contracts, replace_bundled=args.replace_bundled)
    customers = None
    if args.customers is not None:
        customers = customer_table(args, registry, err)
    given = dict(args.cohort)
    if len(given) < len(args.cohort):
        raise SlacalcError("--cohort: each cohort once")
    if given and customers is not None:
        raise SlacalcError(
            "--cohort: with --customers, cohort sizes are the table's cohort columns"
        )
    cohorts = {**cohorts, **given}
    if any("Q" in p for p in args.period):
        tables = [] if customers is None else list(customers.frame["contract"].unique())
        quarters_allowed([args.contract] if args.contract else tables, registry)
    results = calculate(
        outages,
        args.contract,
        users=args.users,
        monthly_fee=args.fee,
        currency=args.currency or "USD",
        periods=args.period or None,
        customers=customers,
        cohorts=cohorts or None,
        timezone=args.timezone,
        contracts=registry,
        # Rows that name no tenant are all this customer's: --tenant then only names it.
        tenant=args.tenant if (outages.frame["tenant"] != "").any() else None,
    )
    for line in input_notes(results.outages, results.customers):
        print(line, file=err)
    assumed = results.assumed_users()  # a blank count is the worst case: never silently
    for line in assumed[:_MOST_WARNINGS]:
        print(f"{results.outages.source}: warning: {line}", file=err)
    if len(assumed) > _MOST_WARNINGS:
        print(
            f"{results.outages.source}: warning: and {len(assumed) - _MOST_WARNINGS:,} more "
            "tenants or cohorts with no affected-user count (see users_assumed in the results)",
            file=err,
        )
    rejected = _rejected_lines(results)
    for line in rejected:
        print(line, file=err)

    claimed = None
    if args.claim:  # before the workbook, which then gets the Claim status sheet
        from slacalc.cli.claims import record_results

        claimed = record_results(args, results, err)
    text = render(results, fmt)
    shown = cli_whatif.printed(args, outages, results, registry, cohorts)  # --summary, a what-if
    if workbook:
        assert output is not None
        customer = Customer(tenant=args.tenant or "", organisation=args.customer_name or "")
        _write_workbook(results, output, claimed, customer, args.locale)
        out.write(shown or text)
    elif output is not None:
        write_output(text, output)
        out.write(shown or "")
    else:
        out.write(shown or text)

    _write_portfolio(args, results)

    return rejected_status(_rejected_row_count(results), args.allow_rejected, err)


def customer_table(args: argparse.Namespace, registry: ContractRegistry, err: TextIO) -> Customers:
    """``--customers``, read with the command's number marks and refused if no row is usable."""
    customers = read_customers(
        args.customers,
        known_contracts=registry,
        decimal=args.decimal,
        thousands=args.thousands,
    )
    require_rows(customers.frame, customers.rejected, customers.source, "customer", err)
    return customers


def require_rows(
    frame: pd.DataFrame, rejected: Sequence[RowProblem], source: str, what: str, err: TextIO
) -> None:
    """Refuse a table with no usable row, naming its rejected rows, rather than report nothing."""
    if not frame.empty:
        return
    for problem in rejected:
        print(row_line(problem, source), file=err)
    why = "every row was rejected (listed above)" if rejected else "it has no rows"
    raise SlacalcError(f"{source}: no {what} to calculate from: {why}")


def quarters_allowed(contract_ids: Iterable[str], registry: ContractRegistry) -> None:
    """A quarter label names no period of a monthly contract: say so before calculating."""
    for cid in contract_ids:
        contract = registry.resolve(cid)
        if contract.period == "month":
            raise SlacalcError(
                f"--period: {contract.id} measures calendar months; name months like 2026-03"
            )


def _write_workbook(
    results: Results,
    path: Path,
    claim_status: list[dict[str, object]] | None,
    customer: Customer,
    locale: str,
) -> None:
    from slacalc.excel import export_excel  # here, not at the top: openpyxl is heavy

    try:
        export_excel(results, path, claim_status=claim_status, customer=customer, locale=locale)
    except OSError as exc:
        raise SlacalcError(f"--output: cannot write {path}: {exc.strerror}") from None


def _write_portfolio(args: argparse.Namespace, results: Results) -> None:
    """The portfolio's files asked for: liability workbook, evidence, claim packs."""
    if args.evidence:
        from slacalc.report.evidence import write_evidence

        write_evidence(results, args.evidence)
    if args.liability or args.claim_packs:
        from slacalc.excel import export_claim_packs, export_liability  # openpyxl is heavy

        if args.liability:
            try:
                export_liability(results, args.liability)
            except OSError as exc:
                raise SlacalcError(
                    f"--liability: cannot write {args.liability}: {exc.strerror}"
                ) from None
        if args.claim_packs:
            export_claim_packs(results, args.claim_packs)


def row_line(problem: RowProblem, origin: str = "") -> str:
    where = f"{origin}: " if origin else ""
    return (
        f"{where}row {problem.row}, column {problem.column!r}: {problem.problem} "
        f"(value {problem.value!r})"
    )


def _rejected_lines(results: Results) -> list[str]:
    """One line per problem of a rejected input row, naming the file, the row and the column."""
    lines = [row_line(p, results.outages.source) for p in results.rejected]
    customers = results.customers
    lines += [row_line(p, customers.source) for p in customers.rejected]
    return lines


def _rejected_row_count(results: Results) -> int:
    """Rows rejected (a row with several problems counts once)."""
    outage_rows = {p.row for p in results.rejected}
    return len(outage_rows) + len({p.row for p in results.customers.rejected})


def input_notes(*tables: object) -> list[str]:
    """How the inputs were read: columns mapped from other names, columns not used, zones assumed.

    The design asks that the zone assumed for naive times is always shown, and that an unknown
    column is reported, never silently dropped.
    """
    lines = []
    for table in tables:
        source = getattr(table, "source", "")
        mapping = getattr(table, "mapping", {})
        renamed = {k: v for k, v in mapping.items() if k != v}
        if renamed:
            pairs = ", ".join(f"{k!r} → {v}" for k, v in renamed.items())
            lines.append(f"{source}: columns read as {pairs}")
        lines.extend(f"{source}: {note}" for note in getattr(table, "notes", ()))
    return lines


# app --------------------------------------------------------------------------------------------


#: The app's entry, inside the package: it is installed with the wheel, unlike ``app.py``.
APP_ENTRY = Path(__file__).resolve().parents[1] / "app" / "main.py"


def app_command(streamlit_args: Sequence[str] = ()) -> list[str]:
    """The command that starts the app: ``python -m streamlit run slacalc/app/main.py [ARGS]``."""
    args = list(streamlit_args)
    if args[:1] == ["--"]:
        args = args[1:]
    return [sys.executable, "-m", "streamlit", "run", str(APP_ENTRY), *args]


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
