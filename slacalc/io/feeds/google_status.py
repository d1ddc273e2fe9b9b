"""Google Cloud status ``incidents.json`` (and the Google Workspace status dashboard) → windows.

Each incident has ``begin`` and ``end``, the ``affected_products`` (one window per product; the
product's title is the name a contract's ``feed_names`` lists), the locations it hit
(``currently_affected_locations`` and ``previously_affected_locations``, kept in the evidence and
offered as the feature a service map can turn into a cohort when the incident names one location)
and its updates (kept, in order, as evidence). ``status_impact`` says how bad it was:

* ``SERVICE_OUTAGE``: down for every user;
* ``SERVICE_DISRUPTION``: down for a share of users the feed does not give: ``partial_share``,
  asked for when missing (the window is not counted until it is given), never assumed 100 %;
* ``SERVICE_INFORMATION``: information only, not downtime: not counted, with that reason.

Reference: https://status.cloud.google.com/incidents.schema.json
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from slacalc.io.feeds.detect import each_incident
from slacalc.io.feeds.windows import Skipped, Window, feed_time, share_question

_UNKNOWN_SHARE = "service disruption: the share of users hit is not given"


def read(
    documents: list[Any], *, partial_share: Decimal | None = None
) -> tuple[list[Window], list[Skipped], list[str], list[str]]:
    """Windows, incidents that gave none, notes and questions (the disruption share)."""
    windows: list[Window] = []
    skipped: list[Skipped] = []
    notes: list[str] = []
    for key, incident in each_incident(documents, notes):
        products = [
            str(p.get("title", ""))
            for p in incident.get("affected_products") or []
            if isinstance(p, dict)
        ] or [str(incident.get("service_name", ""))]
        products = [p for p in products if p]
        if not products:
            skipped.append(Skipped(key, "names no product"))
            continue
        windows.extend(_windows(key, incident, products, partial_share))
    questions = share_question(windows, _UNKNOWN_SHARE, "a SERVICE_DISRUPTION")
    return windows, skipped, notes, questions


def _windows(
    key: str, incident: dict[str, Any], products: list[str], share: Decimal | None
) -> list[Window]:
    start = feed_time(incident.get("begin"), f"incident {key} begin")
    end = feed_time(incident.get("end"), f"incident {key} end")
    impact = str(incident.get("status_impact", ""))
    locations = [
        str(loc.get("id", ""))
        for field in ("currently_affected_locations", "previously_affected_locations")
        for loc in incident.get(field) or []
        if isinstance(loc, dict)
    ]
    percent: Decimal | None = None
    users, not_counted = "feed", ""
    if impact == "SERVICE_DISRUPTION":
        users = "given"
        if share is None:
            not_counted = _UNKNOWN_SHARE
        percent = share
    elif impact != "SERVICE_OUTAGE":
        not_counted = f"{impact or 'no status_impact'}: information only, not downtime"
    updates = sorted(
        (u for u in incident.get("updates") or [] if isinstance(u, dict)),
        key=lambda u: str(u.get("when") or u.get("created") or ""),
    )
    words = [
        f"{incident.get('external_desc', '')} ({impact}, severity {incident.get('severity', '')})",
        f"locations: {', '.join(locations) or 'not stated'}",
        f"https://status.cloud.google.com/{incident.get('uri', '')}",
    ]
    words.extend(f"{u.get('when', '')} {u.get('status', '')}: {u.get('text', '')}" for u in updates)
    return [
        Window(
            id=key,
            start=start,
            end=end,
            name=product,
            feature=locations[0] if len(set(locations)) == 1 else "",
            percent=percent,
            users_source=users,
            not_counted=not_counted,
            source=f"Google status incident {key}",
            evidence="\n".join(words),
        )
        for product in products
    ]
