"""What ``slacalc calculate`` prints for the provider's side: the liability summary and a what-if.

``--summary`` prints the liability per contract and currency with its deadline status (the
report layer's :func:`~slacalc.report.totals.liability`) instead of the per-period table. A
what-if (``--longer 1d``, ``--users-factor 2``, ``--other-contract ID``) is a
:class:`~slacalc.engine.scenarios.Scenario`, computed by the same
:func:`~slacalc.engine.scenarios.run` as the app's what-if page and printed beside the baseline::

    $ slacalc calculate outages.csv --customers customers.csv --longer 1d
    $ slacalc calculate outages.csv --contract microsoft-365-exchange-online --users 1000 \\
          --fee 4000 --users-factor 2 --what-if "twice the users"
"""

from __future__ import annotations

import argparse
import re
from decimal import Decimal, InvalidOperation

from slacalc.engine.results import Results
from slacalc.engine.scenarios import Customer, Scenario, compare, run
from slacalc.errors import SlacalcError
from slacalc.io.outages import Outages
from slacalc.model.registry import ContractRegistry
from slacalc.report.summary import comparison_text, liability_text
from slacalc.report.totals import judged_on

_UNITS = {"d": 1440, "h": 60, "m": 1}
_DURATION = re.compile(r"(\d+)\s*([dhm])")


def longer(text: str) -> tuple[int, Decimal]:
    """``--longer``: minutes (``1d``, ``2h30m``, ``-45m``) or a percent of the length (``100%``)."""
    words = text.strip().lower().replace(" ", "")
    sign = -1 if words.startswith("-") else 1
    words = words.lstrip("+-")
    if words.endswith("%"):
        try:
            percent = Decimal(words[:-1])
        except InvalidOperation:
            raise argparse.ArgumentTypeError(f"{text!r} is not a percent like 100%") from None
        return 0, sign * percent
    parts = _DURATION.findall(words)
    if not parts or "".join(n + u for n, u in parts) != words:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a duration like 1d, 6h, 90m, 1d12h or -30m, nor a percent like 100%"
        )
    return sign * sum(int(n) * _UNITS[u] for n, u in parts), Decimal(0)


def factor(text: str) -> Decimal:
    """``--users-factor``: a decimal from 0 to 100 with at most 4 places."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number like 2 or 0.5") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"{text!r} is not a number like 2 or 0.5")
    return value


def add_calculate_options(calc: argparse.ArgumentParser) -> None:
    """The ``calculate`` options of the summary and of one named what-if."""
    calc.add_argument(
        "--summary",
        action="store_true",
        help="print the liability per contract and currency with its claim deadlines instead of "
        "the per-period table (deadlines judged at --as-of, else now)",
    )
    group = calc.add_argument_group(
        "what-if",
        "Compute a scenario beside the baseline and print both side by side (the app's What-if).",
    )
    group.add_argument(
        "--longer",
        type=longer,
        metavar="DURATION",
        help="each incident lasts this much longer (1d, 6h, 90m, -30m) or this share of its "
        "duration longer (100%%): its last window is extended",
    )
    group.add_argument(
        "--each-window",
        action="store_true",
        help="--longer applies to every window (five windows, 1d: five days more) instead",
    )
    group.add_argument(
        "--incident",
        metavar="ID",
        help="only this incident's windows change (an id of the outage file, or 'row 7')",
    )
    group.add_argument(
        "--users-factor",
        type=factor,
        metavar="F",
        help="affected users times F (never above the cohort or the licensed users)",
    )
    group.add_argument(
        "--other-contract",
        metavar="ID_OR_PATH",
        help="the scenario's contract (the baseline keeps --contract or the table's)",
    )
    group.add_argument("--what-if", metavar="NAME", help="the scenario's name (default: What-if)")


def scenario(args: argparse.Namespace) -> Scenario | None:
    """The what-if the options ask for, or ``None`` when they ask for none."""
    changes = (args.longer, args.users_factor, args.other_contract)
    if all(c is None for c in changes):
        for flag, given in (
            ("--each-window", args.each_window),
            ("--incident", args.incident),
            ("--what-if", args.what_if),
        ):
            if given:
                raise SlacalcError(
                    f"{flag}: say what changes (--longer, --users-factor or --other-contract)"
                )
        return None
    if args.each_window and args.longer is None:
        raise SlacalcError("--each-window: it says how --longer applies; give --longer too")
    minutes, percent = args.longer or (0, Decimal(0))
    return Scenario(
        name=(args.what_if or "").strip() or "What-if",
        target=args.incident or "",
        extend_minutes=minutes,
        extend_percent=percent,
        each="window" if args.each_window else "incident",
        affected_factor=Decimal(1) if args.users_factor is None else args.users_factor,
        contract=args.other_contract,
    )


def check(args: argparse.Namespace, fmt: str, to_file: bool) -> None:
    """Refuse a JSON or CSV result on stdout where the summary or a what-if is printed."""
    if (args.summary or scenario(args) is not None) and fmt != "table" and not to_file:
        flag = "--summary" if args.summary else "the what-if"
        raise SlacalcError(
            f"--format {fmt}: {flag} prints a table; write the {fmt} results with --output FILE"
        )


def printed(
    args: argparse.Namespace,
    outages: Outages,
    results: Results,
    registry: ContractRegistry,
    cohorts: dict[str, int] | None,
) -> str | None:
    """What stdout gets instead of the per-period table, or ``None`` when nothing replaces it."""
    chosen = scenario(args)
    parts = []
    if chosen is not None:
        other = _run(args, outages, results, registry, cohorts, chosen)
        compared = compare(results.table, {chosen.name: other.table})
        parts.append(comparison_text(compared, {chosen.name: chosen.describe()}))
        if args.summary:
            parts.append(f"\nBaseline\n{liability_text(results.table, judged_on(results))}")
            parts.append(f"\n{chosen.name}\n{liability_text(other.table, judged_on(other))}")
    elif args.summary:
        parts.append(liability_text(results.table, judged_on(results)))
    return "".join(parts) if parts else None


def _run(
    args: argparse.Namespace,
    outages: Outages,
    results: Results,
    registry: ContractRegistry,
    cohorts: dict[str, int] | None,
    chosen: Scenario,
) -> Results:
    """The scenario on the outages and customers the baseline was computed from."""
    contract = registry.resolve(args.contract) if args.contract else None
    periods = args.period or None
    if args.customers is not None:
        return run(
            outages,
            contract,
            chosen,
            customers=results.customers,
            contracts=registry,
            periods=periods,
        )
    customer = Customer(
        users=args.users,
        monthly_fee=args.fee,
        currency=args.currency or "USD",
        cohorts=tuple(sorted((cohorts or {}).items())),
    )
    return run(
        outages,
        contract,
        chosen,
        customer=customer,
        contracts=registry,
        periods=periods,
        tenant=args.tenant,
    )
