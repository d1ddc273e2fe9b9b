"""Opsgenie incidents (``GET /v1/incidents``, ``GET /v1/incidents/{id}``) → windows.

The impact window is ``impactStartDate`` to ``impactEndDate`` (an incident without an impact end
is open, counted up to ``as_of``), once per entry of ``impactedServices``. Opsgenie names impacted
services by id, so a service map (``--service-map``) says which contract each id is; an unmapped
id is reported. The feed says nothing about users: the windows are ``assumed all``.
Reference: https://docs.opsgenie.com/docs/incident-api
"""

from __future__ import annotations

from typing import Any

from slacalc.io.feeds.detect import each_incident
from slacalc.io.feeds.windows import Skipped, Window, feed_time


def read(documents: list[Any]) -> tuple[list[Window], list[Skipped], list[str]]:
    """Windows of the incidents, the incidents that gave none, and notes."""
    windows: list[Window] = []
    skipped: list[Skipped] = []
    notes: list[str] = []
    for key, incident in each_incident(documents, notes):
        start = feed_time(incident.get("impactStartDate"), f"incident {key} impactStartDate")
        if start is None:
            skipped.append(Skipped(key, "no impactStartDate: Opsgenie records no impact"))
            continue
        end = feed_time(incident.get("impactEndDate"), f"incident {key} impactEndDate")
        services = [str(s) for s in incident.get("impactedServices") or []] or [""]
        links = incident.get("links")
        web = links.get("web", "") if isinstance(links, dict) else ""
        windows.extend(
            Window(
                id=key,
                start=start,
                end=end,
                name=service,
                source=f"Opsgenie incident {incident.get('tinyId', '')} {web}".strip(),
                evidence=f"{incident.get('message', '')}: {incident.get('description', '')} "
                f"(status {incident.get('status', '')}, "
                f"priority {incident.get('priority', '')})",
            )
            for service in services
        )
    return windows, skipped, notes
