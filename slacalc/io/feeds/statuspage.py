"""Atlassian Statuspage incidents (``/api/v2/incidents.json``, ``incidents/{id}.json``) → windows.

A Statuspage incident says when each component changed status, in its updates'
``affected_components`` (``old_status`` → ``new_status``). Those changes are replayed in time
order into one timeline per component, and each stretch of one status becomes a window:

* ``major_outage``: down for every user (``users_source`` "feed");
* ``partial_outage``: down for a share of users that the feed does not give; it is taken from
  ``partial_share`` (a percent the user states) and, without it, the window is not counted, with
  that reason, and the question is asked — never silently counted as 100 %;
* ``degraded_performance`` is not downtime: not counted, with the reason; ``under_maintenance``
  is maintenance: excluded from the measured time, as the SLA excludes maintenance;
* ``resolved_at`` closes whatever is still open; an unresolved incident stays open (``as_of``);
* scheduled maintenance (``scheduled_for`` set, or impact "maintenance") is excluded too.

A component's windows carry the id ``<incident id> <component>``, so two components of one
contract (GitHub's Issues and Pages) never read as one window with two ends.
Reference: https://developer.statuspage.io/ (public "Incidents" endpoint).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from slacalc.io.feeds.detect import each_incident
from slacalc.io.feeds.windows import Skipped, Window, feed_time, share_question

_MAINTENANCE_STATUSES = {"scheduled", "in_progress", "verifying", "completed"}
_UNKNOWN_SHARE = "partial outage: the share of users hit is not given"


def read(
    documents: list[Any], *, partial_share: Decimal | None = None
) -> tuple[list[Window], list[Skipped], list[str], list[str]]:
    """Windows, records that gave none, notes, and questions (the partial-outage share)."""
    windows: list[Window] = []
    skipped: list[Skipped] = []
    notes: list[str] = []
    for key, incident in each_incident(documents, notes):
        found = _incident(key, incident, partial_share)
        if not found:
            skipped.append(Skipped(key, "no update, start or end to make a window of"))
        windows.extend(found)
    questions = share_question(windows, _UNKNOWN_SHARE, "a 'partial_outage' component")
    return windows, skipped, notes, questions


def _incident(key: str, incident: dict[str, Any], share: Decimal | None) -> list[Window]:
    name = str(incident.get("name", ""))
    started = feed_time(
        incident.get("started_at") or incident.get("created_at"), f"incident {key} start"
    )
    resolved = feed_time(incident.get("resolved_at"), f"incident {key} resolved_at")
    updates = sorted(
        (u for u in incident.get("incident_updates") or [] if isinstance(u, dict)),
        key=lambda u: (
            feed_time(u.get("created_at"), f"incident {key} update") or pd.Timestamp(0, tz="UTC")
        ),
    )
    evidence = "\n".join(
        [f"{name} (impact {incident.get('impact', '')}) {incident.get('shortlink', '')}"]
        + [f"{u.get('created_at', '')} {u.get('status', '')}: {u.get('body', '')}" for u in updates]
    )
    source = f"Statuspage incident {key}"
    scheduled = incident.get("scheduled_for")
    if (
        scheduled
        or str(incident.get("impact", "")) == "maintenance"
        or str(incident.get("status", "")) in _MAINTENANCE_STATUSES
    ):
        start = feed_time(scheduled, f"incident {key} scheduled_for") or started
        end = feed_time(incident.get("scheduled_until"), f"incident {key} scheduled_until")
        components = [str(c.get("name", "")) for c in incident.get("components") or []] or [""]
        return [
            Window(
                id=f"{key} {c}".strip(),
                start=start,
                end=end or resolved,
                name=c,
                excluded="scheduled maintenance",
                users_source="feed",
                source=source,
                evidence=evidence,
            )
            for c in components
        ]
    if resolved is None:
        resolved = next(
            (
                feed_time(u.get("created_at"), f"incident {key} update")
                for u in updates
                if str(u.get("status", "")) in ("resolved", "postmortem")
            ),
            None,
        )
    timelines = _timelines(key, updates)
    if not timelines:
        if started is None:
            return []
        return [
            Window(
                id=key,
                start=started,
                end=resolved,
                not_counted="the incident names no component, so its service and impact are "
                "unknown; add a window by hand if it hit you",
                source=source,
                evidence=evidence,
            )
        ]
    out: list[Window] = []
    for component, changes in timelines.items():
        for status, begin, until in _stretches(changes, resolved):
            percent, users, excluded, not_counted = _impact(status, share)
            out.append(
                Window(
                    id=f"{key} {component}",
                    start=begin,
                    end=until,
                    name=component,
                    percent=percent,
                    users_source=users,
                    excluded=excluded,
                    not_counted=not_counted,
                    source=f"{source}, component {component!r} {status}",
                    evidence=evidence,
                )
            )
    return out


def _timelines(
    key: str, updates: list[dict[str, Any]]
) -> dict[str, list[tuple[pd.Timestamp, str]]]:
    """Per component, its status changes in time order (the status before the first, too)."""
    out: dict[str, list[tuple[pd.Timestamp, str]]] = {}
    for update in updates:
        when = feed_time(update.get("created_at"), f"incident {key} update")
        if when is None:
            continue
        for change in update.get("affected_components") or []:
            if not isinstance(change, dict):
                continue
            component = str(change.get("name", ""))
            history = out.setdefault(component, [])
            if not history:
                history.append((when, str(change.get("old_status", "operational"))))
            history.append((when, str(change.get("new_status", ""))))
    return out


def _stretches(
    changes: list[tuple[pd.Timestamp, str]], resolved: pd.Timestamp | None
) -> list[tuple[str, pd.Timestamp, pd.Timestamp | None]]:
    """Each stretch of one non-operational status: (status, start, end or None if open)."""
    out: list[tuple[str, pd.Timestamp, pd.Timestamp | None]] = []
    status, since = "operational", changes[0][0]
    for when, new in changes:
        if new == status:
            continue
        if status != "operational":
            out.append((status, since, when))
        status, since = new, when
    if status != "operational":
        out.append((status, since, resolved if resolved is not None and resolved > since else None))
    return out


def _impact(status: str, share: Decimal | None) -> tuple[Decimal | None, str, str, str]:
    """(percent of users, users_source, SLA exclusion, reason not counted) of a status."""
    if status == "major_outage":
        return None, "feed", "", ""
    if status == "partial_outage":
        if share is None:
            return None, "given", "", _UNKNOWN_SHARE
        return share, "given", "", ""
    if status == "under_maintenance":
        return None, "feed", "component under maintenance", ""
    if status == "degraded_performance":
        return (
            None,
            "feed",
            "",
            "degraded performance: not downtime under the contract's definition",
        )
    return None, "feed", "", f"component status {status!r}: not downtime"
