"""PagerDuty incidents (``GET /incidents``, ``GET /incidents/{id}``) → windows.

A PagerDuty incident is the provider's own record: it opened at ``created_at`` and closed at
``resolved_at`` (older responses have no ``resolved_at``: a resolved incident then closed at its
``last_status_change_at``). An incident still triggered or acknowledged is open (``as_of``). The
service is ``service.summary``, the name a contract's ``feed_names`` or a service map gives. The
feed says nothing about users, so the windows are ``assumed all``.
Reference: https://developer.pagerduty.com/api-reference/ (List incidents).
"""

from __future__ import annotations

from typing import Any

from slacalc.io.feeds.detect import each_incident
from slacalc.io.feeds.windows import Skipped, Window, feed_time


def read(documents: list[Any]) -> tuple[list[Window], list[Skipped], list[str]]:
    """Windows of the incidents, the records that gave none, and notes."""
    windows: list[Window] = []
    notes: list[str] = []
    for key, incident in each_incident(documents, notes, key=_key):
        status = str(incident.get("status", ""))
        end = feed_time(incident.get("resolved_at"), f"incident {key} resolved_at")
        if end is None and status == "resolved":
            end = feed_time(incident.get("last_status_change_at"), f"incident {key} closed")
        service = incident.get("service")
        name = str(service.get("summary", "")) if isinstance(service, dict) else ""
        windows.append(
            Window(
                id=key,
                start=feed_time(incident.get("created_at"), f"incident {key} created_at"),
                end=end,
                name=name,
                source=f"PagerDuty incident {incident.get('id', '')} "
                f"{incident.get('html_url', '')}".strip(),
                evidence=f"{incident.get('title', '')} (status {status}, urgency "
                f"{incident.get('urgency', '')})",
            )
        )
    return windows, [], notes


def _key(incident: dict[str, Any]) -> str:
    """An incident's number as PagerDuty shows it (``#42``), else its id."""
    number = incident.get("incident_number", incident.get("incidentNumber", ""))
    return f"#{number}" if number != "" else str(incident.get("id", ""))
