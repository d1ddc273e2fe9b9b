"""Microsoft 365 Email apps usage reports in: how many users use each mail client (the cohorts).

An outage of "Outlook mobile and Mac clients" hits the users of those clients, and the tenant's own
usage report measures how many they are. Two shapes are read, as downloaded from the Microsoft 365
admin center or from Graph (CSV, or JSON with ``$format=application/json``):

* ``getEmailAppUsageAppsUserCounts``: one row per report, the count of distinct users per app
  (``Mail For Mac``, ``Outlook For Mac``, ``Outlook For Windows``, ``Outlook For Mobile``,
  ``Other For Mobile``, ``Outlook For Web``, ``POP3 App``, ``IMAP4 App``, ``SMTP App``); with
  several rows the latest ``Report Refresh Date`` is used (and said);
* ``getEmailAppUsageUserDetail``: one row per user (``User Principal Name``) with a cell per app
  that is filled when the user used it; a cohort's size is the number of users with the cell
  filled ("Yes", "True", a number other than 0), each user once.

Cohort names are the report's app names with "for" in lower case (``Outlook for Mobile``), so
outage windows and service maps can name them as the report does.
Reference: https://learn.microsoft.com/graph/api/reportroot-getemailappusageappsusercounts
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from slacalc.errors import InputError
from slacalc.io.cells import cell_text
from slacalc.io.headers import normalise
from slacalc.io.tables import TableSource, read_table

#: The apps of the Email apps usage report, by their normalised header, and their cohort names.
APPS = {
    "mail for mac": "Mail for Mac",
    "outlook for mac": "Outlook for Mac",
    "outlook for windows": "Outlook for Windows",
    "outlook for mobile": "Outlook for Mobile",
    "other for mobile": "Other for Mobile",
    "outlook for web": "Outlook for Web",
    "pop3 app": "POP3 App",
    "imap4 app": "IMAP4 App",
    "smtp app": "SMTP App",
}
_NO = {"", "no", "false", "0", "-"}


@dataclass(frozen=True)
class UsageReport:
    """Distinct users per mail client over the report's period, and how the file was read."""

    cohorts: dict[str, int]
    report_date: str
    period_days: str
    source: str
    shape: str
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        """The sizes in one line, with the report's date and period."""
        sizes = ", ".join(f"{k} {v:,}" for k, v in self.cohorts.items())
        return (
            f"{self.source}: Email apps usage ({self.shape}), refreshed {self.report_date}, "
            f"{self.period_days}-day period: {sizes}"
        )


def read_usage(source: TableSource) -> UsageReport:
    """Read an Email apps usage report (CSV, ``.xlsx`` or JSON; path, bytes or open file)."""
    table = read_table(source)
    columns = {normalise(h): i for i, h in enumerate(table.headers)}
    apps = {APPS[name]: i for name, i in columns.items() if name in APPS}
    if not apps:
        raise InputError(
            f"{table.source}: not an Email apps usage report: no column of "
            f"{', '.join(APPS.values())}"
        )
    if table.cells.empty:
        raise InputError(f"{table.source}: the usage report has no rows")

    def column(name: str) -> pd.Series:
        at = columns.get(name)
        return table.cells[at] if at is not None else pd.Series([""] * len(table.cells))

    dates = column("report refresh date").map(cell_text)
    periods = column("report period").map(cell_text)
    notes: list[str] = []
    if "user principal name" in columns:
        users = column("user principal name").map(cell_text).str.casefold()
        repeated = int(users.duplicated().sum())
        if repeated:
            notes.append(f"{repeated} user(s) listed more than once; each counted once")
        cohorts = {}
        for name, at in apps.items():
            used = table.cells[at].map(lambda v: cell_text(v).strip().casefold() not in _NO)
            cohorts[name] = int(users[used.to_numpy(dtype=bool)].nunique())
        shape = "user detail"
        latest = max(dates) if len(dates) else ""
    else:
        latest = max(dates)
        pick = [i for i, d in enumerate(dates) if d == latest]
        if len(pick) > 1:
            raise InputError(
                f"{table.source}: {len(pick)} rows refreshed on {latest}; keep one report"
            )
        if len(dates) > 1:
            notes.append(f"{len(dates)} reports in the file; the latest, of {latest}, is used")
        row = pick[0]
        cohorts = {}
        for name, at in apps.items():
            text = cell_text(table.cells[at].iloc[row]).strip()
            if not text.isdigit():
                raise InputError(
                    f"{table.source}: row {int(table.rows[row])}, column "
                    f"{table.headers[at]!r} ({text!r}): not a whole number of users"
                )
            cohorts[name] = int(text)
        shape = "apps user counts"
    period = periods.iloc[0] if len(periods) else ""
    return UsageReport(
        cohorts=cohorts,
        report_date=latest,
        period_days=period,
        source=table.source,
        shape=shape,
        notes=tuple(notes),
    )
