"""AWS Health events → windows: ``DescribeEvents``, ``DescribeAffectedEntities`` and EventBridge.

* ``DescribeEvents`` (``{"events": [...]}``): times are epoch seconds from the API and CLI v1
  (``1586473044.284``) and ISO 8601 from CLI v2; both are read.
* ``DescribeAffectedEntities`` (``{"entities": [...]}``), saved beside the events (several JSON
  documents in one file, or several files): each event's ``awsAccountId`` values become the
  windows' tenants, one window per account. An event no entity names applies to every tenant.
* EventBridge events (``"source": "aws.health"``): the ``detail`` is the event, ``account`` its
  tenant for an account-specific event. AWS sends each event to a backup Region as well
  (``backupEvent``) and again on every update: an event is read once, the last update of its
  primary copy.

Only ``issue`` events are outages; scheduled changes, account notifications and investigations
give no window (listed with the reason). An AWS Health event is not the same thing as the SLA's
"Region Unavailable" (or any SLA's definition), so each window's evidence says it is to be
confirmed against the contract. Reference:
https://docs.aws.amazon.com/health/latest/APIReference/API_Event.html
"""

from __future__ import annotations

from typing import Any

from slacalc.io.feeds.detect import records
from slacalc.io.feeds.windows import Skipped, Window, feed_time

CONFIRM = (
    "to be confirmed against the SLA's definition: an AWS Health event is not the same thing as "
    "'Region Unavailable'"
)


def read(documents: list[Any]) -> tuple[list[Window], list[Skipped], list[str]]:
    """Windows of the issue events, the events that gave none, and notes."""
    events: dict[str, dict[str, Any]] = {}
    accounts: dict[str, set[str]] = {}
    duplicates = 0
    for document in documents:
        for record in records(document):
            if "detail" in record and isinstance(record["detail"], dict):
                event = dict(record["detail"])
                event.setdefault("region", event.get("eventRegion") or record.get("region", ""))
                account = str(record.get("account", ""))
                if account and event.get("eventScopeCode") == "ACCOUNT_SPECIFIC":
                    accounts.setdefault(str(event.get("eventArn", "")), set()).add(account)
                for entity in event.get("affectedEntities") or []:
                    if isinstance(entity, dict) and entity.get("awsAccountId"):
                        accounts.setdefault(str(event.get("eventArn", "")), set()).add(
                            str(entity["awsAccountId"])
                        )
                event["arn"] = event.get("eventArn", "")
            elif "awsAccountId" in record and "eventArn" in record:
                accounts.setdefault(str(record["eventArn"]), set()).add(str(record["awsAccountId"]))
                continue
            else:
                event = record
            arn = str(event.get("arn", ""))
            if arn in events:
                duplicates += 1
                if _rank(event) < _rank(events[arn]):
                    continue
            events[arn] = event
    notes = []
    if duplicates:
        notes.append(f"{duplicates} repeated event(s) (updates or backup-Region copies) read once")
    unmatched = set(accounts) - set(events)
    if unmatched:
        notes.append(
            f"{len(unmatched)} affected-entity event ARN(s) match no event in the feed: "
            + ", ".join(sorted(_short(a) for a in unmatched))
        )
    windows: list[Window] = []
    skipped: list[Skipped] = []
    for arn, event in events.items():
        key = _short(arn)
        category = str(event.get("eventTypeCategory", ""))
        if category != "issue":
            skipped.append(Skipped(key, f"event category {category or 'none'!r}, not an issue"))
            continue
        start = feed_time(event.get("startTime"), f"event {key} startTime")
        end = feed_time(event.get("endTime"), f"event {key} endTime")
        if str(event.get("statusCode", "")) == "open":
            end = None
        region = str(event.get("region", ""))
        words = [
            f"{arn}: {event.get('eventTypeCode', '')}, region {region}, "
            f"status {event.get('statusCode', '')}, scope {event.get('eventScopeCode', '')}",
            CONFIRM,
        ]
        words.extend(
            str(d.get("latestDescription", ""))
            for d in event.get("eventDescription") or []
            if isinstance(d, dict)
        )
        for tenant in sorted(accounts.get(arn, set())) or [""]:
            windows.append(
                Window(
                    id=key,
                    start=start,
                    end=end,
                    name=str(event.get("service", "")),
                    feature=region,
                    tenant=tenant,
                    source=f"AWS Health event {arn}",
                    evidence="\n".join(words),
                )
            )
    return windows, skipped, notes


def _rank(event: dict[str, Any]) -> tuple[bool, str]:
    """Which copy of an event to keep: a primary copy over a backup one, then the latest update."""
    updated = event.get("lastUpdatedTime")
    stamp = feed_time(updated, "lastUpdatedTime") if updated is not None else None
    return (not event.get("backupEvent"), "" if stamp is None else stamp.isoformat())


def _short(arn: str) -> str:
    """An event's id: the last part of its ARN (``AWS_EC2_OPERATIONAL_ISSUE_COBXJ_EXAMPLE111``)."""
    return arn.rsplit("/", 1)[-1] or arn
