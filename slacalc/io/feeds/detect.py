"""Which feed a file is, from its content: the JSON documents in it and the keys of its records.

A saved feed is one JSON document or several written one after another (pages of a paginated API
saved in turn, or ``cat events.json entities.json``); all are read, up to the size limit of
:mod:`slacalc.io.tables`. PowerShell's ``ConvertTo-Json`` writes keys in PascalCase
(``StartDateTime``); keys are read with their first letter in lower case, so both spellings are
one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from slacalc.errors import InputError
from slacalc.io.tables import TableSource, _decode, _read_bytes

#: The feed formats slacalc reads, and what each is.
FORMATS = {
    "graph": "Microsoft Graph service health issues (or Office 365 Service Communications)",
    "statuspage": "Atlassian Statuspage incidents (/api/v2/incidents.json)",
    "aws_health": "AWS Health events (DescribeEvents, DescribeAffectedEntities, EventBridge)",
    "google_status": "Google Cloud / Workspace status incidents (incidents.json)",
    "pagerduty": "PagerDuty incidents (GET /incidents)",
    "opsgenie": "Opsgenie incidents (GET /v1/incidents)",
}

_LISTS = ("value", "incidents", "events", "entities", "data", "items")


def load_documents(source: TableSource | Iterable[Any]) -> tuple[list[Any], str]:
    """The JSON documents of a file, bytes or open file (or already parsed), and its name."""
    if isinstance(source, list | tuple):
        return [_camel(d) for d in source], ""
    if isinstance(source, dict):
        return [_camel(source)], ""
    data, name = _read_bytes(source)
    origin = name or "the feed"
    text, _ = _decode(data, origin)
    decoder = json.JSONDecoder()
    documents: list[Any] = []
    at = 0
    while True:
        while at < len(text) and text[at] in " \t\r\n,":
            at += 1
        if at >= len(text):
            break
        try:
            document, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{origin}: not a JSON feed (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
        documents.append(_camel(document))
    if not documents:
        raise InputError(f"{origin}: the file is empty")
    return documents, origin


def _camel(value: Any) -> Any:
    """Keys with a lower-case first letter, all the way down: ``StartTime`` → ``startTime``."""
    if isinstance(value, dict):
        return {
            (k[:1].lower() + k[1:] if isinstance(k, str) else k): _camel(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def records(document: Any) -> list[dict[str, Any]]:
    """The records of one document: its list under a usual key, itself if a list, else itself."""
    if isinstance(document, dict):
        for key in _LISTS:
            if isinstance(document.get(key), list):
                return [r for r in document[key] if isinstance(r, dict)]
        if isinstance(document.get("incident"), dict):
            return [document["incident"]]
        return [document]
    if isinstance(document, list):
        out: list[dict[str, Any]] = []
        for item in document:
            out.extend(records(item) if isinstance(item, dict | list) else [])
        return out
    return []


def detect(documents: list[Any], origin: str = "the feed") -> str:
    """The feed format of the documents (a key of :data:`FORMATS`); refuses a mixture."""
    found = {_one(d) for d in documents}
    found.discard("")
    if not found:
        known = "; ".join(FORMATS.values())
        raise InputError(f"{origin}: not a feed slacalc recognises; it reads: {known}")
    if len(found) > 1:
        raise InputError(f"{origin}: holds several kinds of feed ({', '.join(sorted(found))})")
    return found.pop()


def _one(document: Any) -> str:
    if isinstance(document, dict) and (
        document.get("source") == "aws.health" or "entities" in document or "events" in document
    ):
        return "aws_health"
    items = records(document)
    if not items:
        return ""
    keys: set[str] = set().union(*(r.keys() for r in items))
    checks = (
        ("aws_health", {"eventTypeCategory", "eventTypeCode", "awsAccountId"}),
        ("pagerduty", {"incident_number", "incidentNumber"}),
        ("opsgenie", {"impactStartDate", "impactedServices"}),
        ("statuspage", {"incident_updates", "shortlink"}),
        ("google_status", {"affected_products", "service_key"}),
        ("graph", {"startDateTime", "featureGroup", "workloadDisplayName", "messageType"}),
    )
    for name, marks in checks:
        if keys & marks:
            return name
    return ""


def _id(incident: dict[str, Any]) -> str:
    return str(incident.get("id", ""))


def each_incident(
    documents: Iterable[Any], notes: list[str], key: Callable[[dict[str, Any]], str] = _id
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every incident record of the documents once, with its key: a page or export that repeats
    an incident (pages saved twice, overlapping queries) is noted and read once."""
    seen: set[str] = set()
    for document in documents:
        for incident in records(document):
            name = key(incident)
            if name in seen:
                notes.append(f"incident {name} appeared twice; read once")
                continue
            seen.add(name)
            yield name, incident
