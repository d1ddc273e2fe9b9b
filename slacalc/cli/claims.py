"""The ``slacalc claims`` commands: add, list, show, update, totals and export the register.

``slacalc.cli`` registers them with :func:`add_parser` and records drafts after a calculation
with :func:`record_results` (``slacalc calculate … --claim``). The register (and SQLAlchemy) is
loaded only when a command uses it, so the rest of the command line starts as fast as before.

::

    $ slacalc claims list --due 14d
    $ slacalc claims update 3 --filed --ticket MS-4471902
    $ slacalc claims update 3 --credited 4000.00 --invoice E0600QK2TX
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

from slacalc.claims.drafts import json_value
from slacalc.claims.views import signed
from slacalc.cli import _FORMATS, EXIT_OK, _amount, _zone
from slacalc.errors import SlacalcError
from slacalc.report.export import aligned

if TYPE_CHECKING:
    from slacalc.claims.records import Claim
    from slacalc.claims.register import Register
    from slacalc.engine.results import Results

_EPILOG = """\
examples:
  slacalc calculate outages.csv --contract microsoft-365-exchange-online --users 1000 \\
      --fee 8000 --claim                      record a draft per period with a credit
  slacalc claims list --due 14d               drafts whose deadline is within 14 days
  slacalc claims list --waiting 30d           filed, no answer from the provider for 30 days
  slacalc claims list --status denied --format csv
  slacalc claims show 3
  slacalc claims update 3 --filed --ticket MS-4471902 --on 2026-04-10
  slacalc claims update 3 --approved 4000.00
  slacalc claims update 3 --credited 4000.00 --invoice E0600QK2TX --on 2026-06-02
  slacalc claims totals                       credits received against claimed, per year
  slacalc claims export claims.xlsx

The register is a SQLite file in your data folder unless --database or SLACALC_DATABASE_URL
names another database, e.g. postgresql://finance@db.example.com/slacalc for a team.
"""


def _days(text: str) -> int:
    """``14d``, ``14`` or ``2w``: a number of days."""
    value = text.strip().lower()
    factor = 7 if value.endswith("w") else 1
    digits = value.rstrip("dw")
    if not digits.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days such as 14d or 2w")
    return int(digits) * factor


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2026-04-10") from None


def _claim_id(text: str) -> int:
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a claim number such as 3")
    return int(text)


def claim_options(parser: argparse.ArgumentParser) -> None:
    """The register options of ``calculate --claim``: the shared ones and ``--account``."""
    register_options(parser)
    parser.add_argument("--account", metavar="ID", help="with --claim: the account id claimed for")


def register_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the options every command that uses the register shares; return ``parser``."""
    parser.add_argument(
        "--database",
        metavar="URL",
        help="the register's database (default: $SLACALC_DATABASE_URL, else a SQLite file in "
        "your data folder)",
    )
    parser.add_argument("--author", help="who records the change (default: your login name)")
    parser.add_argument(
        "--entered-in",
        dest="zone",
        type=_zone,
        metavar="TZ",
        help="the zone you enter days and times in (default: this machine's zone)",
    )
    return parser


def add_parser(commands: Any) -> None:
    """Add ``claims`` and its commands to the ``slacalc`` subparsers ``commands``."""
    raw = argparse.RawDescriptionHelpFormatter
    shared = register_options(argparse.ArgumentParser(add_help=False))
    claims = commands.add_parser(
        "claims",
        help="the claims register: drafts, filing, the provider's answers, credits received",
        description="The claims register: every credit from claim to credit note, with its "
        "history and its deadline.",
        epilog=_EPILOG,
        formatter_class=raw,
    )
    actions = claims.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser(
        "add", parents=[shared], help="record a claim typed in (calculate --claim records many)"
    )
    add.add_argument("--contract", required=True, metavar="ID_OR_PATH")
    add.add_argument("--period", required=True, metavar="P", help="2026-03 or 2026-Q1")
    add.add_argument("--amount", required=True, type=_amount, metavar="AMOUNT")
    add.add_argument("--currency", default="USD", help="currency of --amount (default USD)")
    add.add_argument("--tenant", default="", help="the customer claiming")
    add.add_argument("--account", default="", metavar="ID", help="its account id at the provider")
    add.add_argument("--service", help="default: the contract's service")
    add.add_argument("--deadline", type=_date, help="default: by the contract's claim rule")
    add.set_defaults(run=_run_add)

    listing = actions.add_parser(
        "list",
        parents=[shared],
        help="the claims, or a view: due soon, waiting, by status",
        description="The claims in the register, or one view of them.",
    )
    view = listing.add_mutually_exclusive_group()
    view.add_argument("--due", type=_days, metavar="DAYS", help="drafts due within DAYS (14d)")
    view.add_argument(
        "--waiting", type=_days, metavar="DAYS", help="filed, no answer for DAYS (30d)"
    )
    view.add_argument(
        "--status", action="extend", nargs="+", default=[], metavar="STATUS", help="e.g. denied"
    )
    listing.add_argument("--provider", help="only this provider's claims")
    listing.add_argument("--as-of", type=_date, metavar="DATE", help="count days from DATE")
    listing.add_argument("--format", choices=_FORMATS, default="table")
    listing.set_defaults(run=_run_list)

    show = actions.add_parser("show", parents=[shared], help="one claim and its history")
    show.add_argument("claim", type=_claim_id, metavar="ID")
    show.add_argument("--format", choices=("table", "json"), default="table")
    show.set_defaults(run=_run_show)

    update = actions.add_parser(
        "update",
        parents=[shared],
        help="record what happened: filed, acknowledged, approved, denied, credited, expired",
        description="Record what happened to a claim; every change is kept in its history.",
    )
    update.add_argument("claim", type=_claim_id, metavar="ID")
    what = update.add_mutually_exclusive_group(required=True)
    what.add_argument("--filed", action="store_true", help="filed with the provider (--ticket)")
    what.add_argument("--acknowledged", action="store_true", help="the provider acknowledged it")
    what.add_argument(
        "--approved",
        nargs="?",
        const="",
        type=lambda t: _amount(t) if t else "",
        metavar="AMOUNT",
        help="approved (default: the amount claimed; less is a partial approval)",
    )
    what.add_argument("--denied", metavar="REASON", help="denied, with the provider's reason")
    what.add_argument("--credited", type=_amount, metavar="AMOUNT", help="credited (--invoice)")
    what.add_argument("--expired", action="store_true", help="the deadline passed")
    what.add_argument("--note", metavar="TEXT", help="add a note; the status stays")
    update.add_argument("--ticket", default="", help="the provider's ticket or case number")
    update.add_argument("--invoice", default="", help="the invoice carrying the credit")
    update.add_argument("--reason", default="", help="the provider's words, for any answer")
    update.add_argument("--on", type=_date, metavar="DATE", help="the day it happened")
    update.set_defaults(run=_run_update)

    totals = actions.add_parser(
        "totals", parents=[shared], help="credits received against claimed, per provider and year"
    )
    totals.add_argument("--format", choices=_FORMATS, default="table")
    totals.set_defaults(run=_run_totals)

    export = actions.add_parser(
        "export", parents=[shared], help="the register as a workbook with a Claim status sheet"
    )
    export.add_argument("output", metavar="FILE.xlsx")
    export.add_argument("--as-of", type=_date, metavar="DATE", help="count days from DATE")
    export.set_defaults(run=_run_export)


def open_register(args: argparse.Namespace) -> Register:
    """The register the arguments name."""
    from slacalc.claims.register import Register

    return Register(getattr(args, "database", None))


def record_results(
    args: argparse.Namespace, results: Results, err: TextIO
) -> list[dict[str, object]]:
    """``calculate --claim``: record drafts, say on stderr what each period became, and return
    the status records of those claims (for the workbook's Claim status sheet)."""
    from slacalc.claims.views import recorded_lines, status_records

    with open_register(args) as register:
        recorded = register.record(
            results, account_id=args.account or "", author=args.author, zone=args.zone
        )
    for line in recorded_lines(recorded):
        print(line, file=err)
    return status_records([r.claim for r in recorded], dt.datetime.now(dt.UTC).date())


def _run_add(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from slacalc.claims.drafts import draft_for
    from slacalc.model.contract import load_contract

    draft = draft_for(
        load_contract(args.contract),
        args.period,
        args.amount,
        currency=args.currency.upper(),
        tenant=args.tenant,
        account_id=args.account,
        service=args.service,
        deadline=args.deadline,
    )
    with open_register(args) as register:
        claim = register.add(draft, author=args.author, zone=args.zone)
    out.write(f"claim {claim.id}: draft recorded, {_money(claim.amount, claim.currency)}, ")
    out.write(f"claim by {claim.deadline or 'no deadline stated'}\n")
    return EXIT_OK


def _run_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from slacalc.claims.views import STATUS_COLUMNS, status_records

    today = args.as_of or dt.datetime.now(dt.UTC).date()
    with open_register(args) as register:
        claims = register.list(
            status=args.status,
            provider=args.provider,
            due=args.due,
            waiting=args.waiting,
            today=today,
        )
    records = status_records(claims, today)
    if args.format == "json":
        out.write(json.dumps([json_value(r) for r in records], indent=2, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        out.write(_csv(STATUS_COLUMNS, records))
    elif not records:
        out.write("No claims.\n")
    else:
        out.write(_status_table(records))
    return EXIT_OK


def _run_show(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with open_register(args) as register:
        claim = register.get(args.claim)
    if args.format == "json":
        out.write(json.dumps(claim_json(claim), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(describe(claim))
    return EXIT_OK


def _run_update(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with open_register(args) as register:
        if args.note is not None:
            claim = register.note(args.claim, args.note, author=args.author, zone=args.zone)
        else:
            status, amount, reason = _change(args)
            claim = register.update(
                args.claim,
                status,
                on=args.on,
                ticket=args.ticket,
                amount=amount,
                invoice=args.invoice,
                reason=reason,
                author=args.author,
                zone=args.zone,
            )
    last = claim.events[-1]
    amount_text = "" if last.amount is None else f", {_money(last.amount, claim.currency)}"
    out.write(f"claim {claim.id}: {_word(claim.status)}{amount_text}\n")
    return EXIT_OK


def _change(args: argparse.Namespace) -> tuple[Any, Decimal | None, str]:
    """The status, amount and reason an ``update`` names."""
    if args.filed:
        return "filed", None, args.reason
    if args.acknowledged:
        return "acknowledged", None, args.reason
    if args.approved is not None:
        return "approved", args.approved or None, args.reason
    if args.denied is not None:
        return "denied", None, args.denied
    if args.credited is not None:
        return "credited", args.credited, args.reason
    return "expired", None, args.reason


def _run_totals(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with open_register(args) as register:
        totals = register.totals()
    names = ("provider", "year", "currency", "claims", "claimed", "approved", "credited")
    rows = [
        {
            "provider": t.provider,
            "year": t.year,
            "currency": t.currency,
            "claims": t.claims,
            "claimed": t.claimed,
            "approved": t.approved,
            "credited": t.credited,
            "denied": t.denied,
            "outstanding": t.outstanding,
        }
        for t in totals
    ]
    columns = (*names, "denied", "outstanding")
    if args.format == "json":
        out.write(json.dumps([json_value(r) for r in rows], indent=2) + "\n")
    elif args.format == "csv":
        out.write(_csv(columns, rows))
    elif not rows:
        out.write("No claims.\n")
    else:
        cells = [[_text(r[c]) for c in columns] for r in rows]
        out.write(aligned(list(columns), cells, right={1, 3, 4, 5, 6, 7, 8}))
    return EXIT_OK


def _run_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with open_register(args) as register:
        try:
            register.export(args.output, today=args.as_of)
        except OSError as exc:
            raise SlacalcError(f"cannot write {args.output}: {exc.strerror}") from None
    out.write(f"wrote {args.output}\n")
    return EXIT_OK


# Text -------------------------------------------------------------------------------------------


def describe(claim: Claim) -> str:
    """A claim in plain words: what was claimed, from whom, by when, and everything since."""
    lines = [
        f"claim {claim.id}: {_word(claim.status)}",
        f"  customer:      {claim.tenant or '(single customer)'}"
        + (f", account {claim.account_id}" if claim.account_id else ""),
        f"  provider:      {claim.provider}",
        f"  contract:      {claim.contract_id} (terms: {claim.contract_version})",
        f"  service:       {claim.service}",
        f"  period:        {claim.period} ({claim.timezone})",
        f"  claimed:       {_money(claim.amount, claim.currency)}",
        f"  claim by:      {claim.deadline or 'no deadline stated'}",
    ]
    if claim.ticket:
        lines.append(f"  ticket:        {claim.ticket}")
    if claim.recalculated is not None:
        lines.append(
            f"  a re-run:      gives {_money(claim.recalculated, claim.currency)} "
            f"({signed(claim.recalculated - claim.amount)}); the claim stands as filed"
        )
    lines.append(f"  inputs:        sha256 {claim.fingerprint or '(typed in)'}")
    lines.append("  history:")
    for e in claim.events:
        when = e.local_time.strftime("%Y-%m-%d %H:%M")
        details = [f"on {e.on}"] if e.on and e.on != e.local_time.date() else []
        if e.amount is not None:
            details.append(_money(e.amount, claim.currency))
        if e.ticket:
            details.append(f"ticket {e.ticket}")
        if e.invoice:
            details.append(f"invoice {e.invoice}")
        if e.reason:
            details.append(f"“{e.reason}”")
        details.append(f"by {e.author}")
        lines.append(f"    {e.seq}. {when} {e.zone}  {_word(e.kind)}: {', '.join(details)}")
    return "\n".join(lines) + "\n"


def claim_json(claim: Claim) -> dict[str, Any]:
    """A claim with its history and the result row it came from, as JSON data."""
    data = {k: v for k, v in asdict(claim).items() if k not in ("events", "result")}
    data["status"] = claim.status
    data["result"] = claim.result_row
    data["events"] = [asdict(e) for e in claim.events]
    return {k: json_value(v) for k, v in data.items()}


def _status_table(records: Sequence[dict[str, object]]) -> str:
    head = ["id", "status", "since", "provider", "tenant", "period", "claimed", "claim by"]
    head += ["ticket", "approved", "credited"]
    rows = []
    for r in records:
        currency = str(r["currency"])
        rows.append(
            [
                str(r["id"]),
                _word(str(r["status"])),
                _text(r["since"]),
                str(r["provider"]),
                str(r["tenant"]),
                str(r["period"]),
                _money(r["claimed"], currency),
                _deadline(r),
                str(r["ticket"]),
                _money(r["approved"], currency),
                _money(r["credited"], currency),
            ]
        )
    return aligned(head, rows, right={0, 6, 9, 10})


def _deadline(record: dict[str, object]) -> str:
    deadline, left = record["deadline"], record["days_left"]
    if deadline is None:
        return ""
    if record["status"] != "draft" or not isinstance(left, int):
        return str(deadline)
    return f"{deadline} ({left} d)" if left >= 0 else f"{deadline} (passed)"


def _word(status: str) -> str:
    return status.replace("_", " ")


def _money(amount: object, currency: str) -> str:
    return "" if amount is None else f"{amount:,f} {currency}"


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,f}"
    return str(value)


def _csv(columns: Iterable[str], records: Iterable[dict[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = list(columns)
    writer.writerow(names)
    for r in records:
        writer.writerow(["" if r.get(c) is None else json_value(r.get(c)) for c in names])
    return buffer.getvalue()
