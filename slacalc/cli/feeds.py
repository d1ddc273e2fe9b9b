"""The feed side of the command line: ``slacalc import``, ``slacalc fetch``, and the options that
let ``slacalc calculate`` read a provider's feed and the customer's own usage data directly.

::

    $ slacalc import issues.json --contract microsoft-365-exchange-online > windows.csv
    $ slacalc fetch https://www.githubstatus.com --output github.json
    $ slacalc calculate issues.json --contract microsoft-365-exchange-online --users 5000 \\
          --fee 20000 --usage email-apps.csv

What a feed leaves unsaid is asked for on stderr (a partial outage's share of users), never
assumed; what was excluded is listed with the reason.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from slacalc.errors import SlacalcError
from slacalc.io.feeds import FORMATS, ImportedWindows, is_feed, read_feed
from slacalc.io.feeds.fetch import fetch
from slacalc.io.feeds.windows import mark_measured, users_line, windows_csv
from slacalc.io.outages import Outages, read_outages
from slacalc.io.signins import apply_signins, summarise_signins
from slacalc.io.usage import UsageReport, read_usage

TOKEN_VARIABLE = "SLACALC_GRAPH_TOKEN"

_IMPORT_EPILOG = """\
examples:
  slacalc import issues.json                          Graph issues → windows CSV on stdout
  slacalc import incidents.json --partial-share 30    Statuspage: partial outages hit 30 %
  slacalc import events.json entities.json --as-of 2026-03-31T00:00Z
  slacalc import issues.json --service-map map.csv --evidence --output windows.csv

Formats (recognised from the content, or forced with --format-in): graph, statuspage,
aws_health, google_status, pagerduty, opsgenie. What the feed found, excluded and mapped is
listed on stderr.
"""

_FETCH_EPILOG = """\
examples:
  slacalc fetch https://www.githubstatus.com --output github.json
  slacalc fetch https://status.cloud.google.com/incidents.json --output google.json
  SLACALC_GRAPH_TOKEN=... slacalc fetch \\
      https://graph.microsoft.com/v1.0/admin/serviceAnnouncement/issues --output issues.json
"""


def add_commands(commands: Any) -> None:
    """Register ``import`` and ``fetch`` on the ``slacalc`` command parser."""
    raw = argparse.RawDescriptionHelpFormatter
    imp = commands.add_parser(
        "import",
        help="the outage windows in a provider's incident feed, as the CSV slacalc reads",
        description="Read a provider's incident feed (Microsoft Graph service health, "
        "Statuspage, AWS Health, Google Cloud status, PagerDuty, Opsgenie) and print its windows "
        "as an outage CSV.",
        epilog=_IMPORT_EPILOG,
        formatter_class=raw,
    )
    imp.add_argument("feeds", nargs="+", metavar="FILE", help="the saved feed (several: pages)")
    add_feed_options(imp)
    imp.add_argument("--contract", metavar="ID_OR_PATH", help="keep only this contract's services")
    imp.add_argument("--as-of", metavar="TIME", help="close windows still open at TIME (ISO 8601)")
    imp.add_argument(
        "--evidence", action="store_true", help="add each window's source and the feed's words"
    )
    imp.add_argument("--output", metavar="FILE", help="write the CSV to FILE instead of stdout")
    imp.set_defaults(run=run_import)

    get = commands.add_parser(
        "fetch",
        help="download a public feed (Statuspage, Google Cloud status) or Graph issues",
        description="Download a feed for 'slacalc import' or 'calculate'. Public feeds need no "
        f"key; Graph needs your token (--token or ${TOKEN_VARIABLE}), which is never stored.",
        epilog=_FETCH_EPILOG,
        formatter_class=raw,
    )
    get.add_argument("url", metavar="URL")
    get.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    get.add_argument("--token", help=f"Graph access token (default: ${TOKEN_VARIABLE})")
    get.add_argument("--timeout", type=float, default=30.0, help="seconds to wait (default 30)")
    get.set_defaults(run=run_fetch)


def add_feed_options(parser: argparse.ArgumentParser) -> None:
    """The options a feed needs, shared by ``import`` and ``calculate``."""
    parser.add_argument(
        "--format-in", choices=tuple(FORMATS), help="the feed's format (default: from the content)"
    )
    parser.add_argument(
        "--service-map",
        metavar="FILE",
        help="CSV of feed_name,service[,feature,cohort]: names the contracts' feed_names lack",
    )
    parser.add_argument(
        "--partial-share",
        metavar="PERCENT",
        help="percent of users a partial outage cuts off (asked for, never assumed)",
    )
    parser.add_argument(
        "--usage", metavar="FILE", help="Email apps usage report: measured size of each cohort"
    )
    parser.add_argument(
        "--signins",
        metavar="FILE",
        help="Entra sign-in log (CSV or Graph JSON): distinct users of each window's cohort",
    )


def add_calculate_options(parser: argparse.ArgumentParser) -> None:
    """Let ``calculate`` read a feed and the customer's usage report directly."""
    add_feed_options(parser)


def _import(args: argparse.Namespace, sources: Any, err: TextIO) -> ImportedWindows:
    imported = read_feed(
        sources,
        args.format_in,
        contract=args.contract,
        service_map=args.service_map,
        as_of=args.as_of,
        partial_share=args.partial_share,
    )
    print(imported.summary(), file=err)
    return imported


def _usage(args: argparse.Namespace, err: TextIO) -> UsageReport | None:
    if not args.usage:
        return None
    report = read_usage(args.usage)
    print(report.summary(), file=err)
    for note in report.notes:
        print(f"{report.source}: {note}", file=err)
    return report


def read_calculate_input(args: argparse.Namespace, err: TextIO) -> tuple[Outages, dict[str, int]]:
    """The outages ``calculate`` reads (a windows table, or a feed) and any measured cohorts."""
    report = _usage(args, err)
    if report is not None and getattr(args, "customers", None):
        raise SlacalcError("--usage: a usage report is one tenant's; use it with --users")
    cohorts = dict(report.cohorts) if report is not None else {}
    evidence: dict[int, str] = {}
    if args.format_in or is_feed(args.outages):
        imported = _import(args, args.outages, err)
        evidence = imported.evidence
        frame = imported.outages
        if report is not None:
            frame = mark_measured(frame, cohorts, "usage report")
        if args.signins:
            frame, cohorts = _signins(args.signins, frame, cohorts, err)
        print(users_line(frame), file=err)
        source: Any = frame
    else:
        if args.signins:
            raise SlacalcError("--signins: give a provider feed, or put the counts in the table")
        source = args.outages
    outages = read_outages(
        source,
        args.timezone,
        sheet=args.sheet,
        as_of=args.as_of,
        dayfirst=args.dayfirst,
        ambiguous=args.ambiguous,
        nonexistent=args.nonexistent,
        max_rows=args.max_rows,
        decimal=args.decimal,
        thousands=args.thousands,
        columns=dict(args.map) or None,
    )
    if not isinstance(source, str):  # the feed's name, not "DataFrame", in every message
        outages = replace(outages, source=str(args.outages), evidence=evidence)
    if report is not None:
        used = set(outages.frame["cohort"]) - {""}
        cohorts = {k: v for k, v in cohorts.items() if k in used}
    return outages, cohorts


def _signins(
    log: str, frame: pd.DataFrame, cohorts: dict[str, int], err: TextIO
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The windows with the users the sign-in log measured, and the cohorts' sizes."""
    summary = summarise_signins(log, frame[frame["excluded"] == ""])
    print(summary.summary(), file=err)
    return apply_signins(frame, summary), {**summary.cohorts, **cohorts}


def run_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``slacalc import``: the feed's windows as CSV."""
    imported = _import(args, args.feeds if len(args.feeds) > 1 else args.feeds[0], err)
    frame = imported.frame[imported.frame["not_counted"] == ""]  # the rest: listed on stderr
    report = _usage(args, err)
    if report is not None:
        frame = mark_measured(frame, report.cohorts, "usage report")
    if args.signins:
        frame, _ = _signins(args.signins, frame, {}, err)
    print(users_line(frame), file=err)
    text = windows_csv(frame, evidence=args.evidence)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise SlacalcError(f"--output: cannot write {args.output}: {exc.strerror}") from None
    else:
        out.write(text)
    return 0


def run_fetch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``slacalc fetch``: the feed's bytes to a file or stdout."""
    token = args.token or os.environ.get(TOKEN_VARIABLE)
    data = fetch(args.url, token=token, timeout=args.timeout)
    if args.output:
        try:
            Path(args.output).write_bytes(data)
        except OSError as exc:
            raise SlacalcError(f"--output: cannot write {args.output}: {exc.strerror}") from None
        print(f"{args.output}: {len(data):,} bytes; read it with 'slacalc import'", file=err)
    else:
        out.write(data.decode("utf-8", errors="replace"))
        if out is sys.stdout:
            out.flush()
    return 0
