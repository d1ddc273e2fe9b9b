"""Microsoft Graph service health issues (``GET /admin/serviceAnnouncement/issues``) → windows.

Reads the ``serviceHealthIssue`` records of one response or several pages saved one after another
(Graph Explorer, or ``Get-MgServiceAnnouncementIssue | ConvertTo-Json``), and the older Office 365
Service Communications API's ``Messages`` (``WorkloadDisplayName``, ``StartTime``, ``Messages[]``).
Reference: https://learn.microsoft.com/graph/api/resources/servicehealthissue

* One issue is one window, ``startDateTime`` to ``endDateTime``, for the issue's service;
  ``feature`` is kept for a user's mapping to a cohort. The feed says nothing about how many users
  were hit, so the window is marked ``assumed all`` until a count is given or measured.
* An advisory (``classification`` advisory) and a false positive (``status`` falsePositive) are
  not counted, with that reason; an issue still open has no end (counted up to ``as_of``).
* Microsoft writes the impact window again in its posts ("Start time: ...", "End time: ..."); the
  last post that states them is compared with the structured fields and a disagreement is
  reported. Every post is kept, in order, as evidence for the claim letter.
* The same issue in two pages is read once (the last modified copy).
"""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd

from slacalc.errors import InputError
from slacalc.io.feeds.detect import records
from slacalc.io.feeds.windows import Skipped, Window, feed_time

_TAGS = re.compile(r"<[^>]+>")
_POST_TIME = re.compile(
    r"^\s*(?:incident\s+)?(?P<which>start|end)\s+time\s*:\s*(?P<when>[^\n]+)",
    re.IGNORECASE | re.MULTILINE,
)
_WEEKDAY = re.compile(r"^(monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s*", re.I)


def read(documents: list[Any]) -> tuple[list[Window], list[Skipped], list[str]]:
    """The windows of Graph issues, the records that gave none, and notes."""
    issues: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    repeats = 0
    for document in documents:
        for record in records(document):
            key = str(record.get("id", ""))
            if key in issues:
                repeats += 1
                if str(record.get("lastModifiedDateTime", "")) < str(
                    issues[key].get("lastModifiedDateTime", "")
                ):
                    continue
            issues[key] = record
    if repeats:
        notes.append(f"{repeats} issue(s) appeared in more than one page; each read once")
    windows: list[Window] = []
    skipped: list[Skipped] = []
    for key, issue in issues.items():
        if "workloadDisplayName" in issue or "messageType" in issue or "workload" in issue:
            legacy = _legacy(key, issue)
            if isinstance(legacy, Skipped):
                skipped.append(legacy)
                continue
            issue = legacy
        window, note = _window(key, issue)
        windows.append(window)
        if note:
            notes.append(note)
    return windows, skipped, notes


def _legacy(key: str, message: dict[str, Any]) -> dict[str, Any] | Skipped:
    """An Office 365 Service Communications message in the Graph issue's shape."""
    kind = str(message.get("messageType", "Incident"))
    if kind.casefold() != "incident":
        return Skipped(key, f"a {kind} message, not an incident")
    return {
        "id": key,
        "title": message.get("title", ""),
        "service": message.get("workloadDisplayName") or message.get("workload", ""),
        "alias": message.get("workload", ""),
        "feature": message.get("featureDisplayName") or message.get("feature", ""),
        "classification": message.get("classification", ""),
        "status": message.get("status", ""),
        "startDateTime": message.get("startTime"),
        "endDateTime": message.get("endTime"),
        "impactDescription": message.get("impactDescription", ""),
        "posts": [
            {
                "createdDateTime": m.get("publishedTime"),
                "description": {"content": m.get("messageText", "")},
            }
            for m in message.get("messages") or []
            if isinstance(m, dict)
        ],
    }


def _window(key: str, issue: dict[str, Any]) -> tuple[Window, str]:
    start = feed_time(issue.get("startDateTime"), f"issue {key} startDateTime")
    end = feed_time(issue.get("endDateTime"), f"issue {key} endDateTime")
    classification = str(issue.get("classification", "")).casefold()
    status = str(issue.get("status", ""))
    not_counted = ""
    if classification == "advisory":
        not_counted = "classified by Microsoft as an advisory, not an incident"
    elif status.casefold() == "falsepositive":
        not_counted = "marked by Microsoft as a false positive"
    posts = [p for p in issue.get("posts") or [] if isinstance(p, dict)]
    texts = [(str(p.get("createdDateTime", "")), _plain(p)) for p in posts]
    stated = _stated_times(texts, key)
    note = ""
    disagree = []
    for which, field_time in (("start", start), ("end", end)):
        said = stated.get(which)
        if said is not None and field_time is not None and said != field_time:
            disagree.append(
                f"{which} {said.isoformat()} in the post, {field_time.isoformat()} in the field"
            )
    if disagree:
        note = f"issue {key}: its last post disagrees with its fields: {'; '.join(disagree)}"
    facts = [
        str(issue.get("title", "")),
        f"classification {issue.get('classification', '')}, status {status}",
        f"feature {issue.get('feature', '')} ({issue.get('featureGroup', '')})",
        str(issue.get("impactDescription", "")),
    ]
    if note:
        facts.append(note)
    facts.extend(f"post {when}: {text}" for when, text in texts)
    return (
        Window(
            id=key,
            start=start,
            end=end,
            name=str(issue.get("service", "")),
            alias=str(issue.get("alias", "")),
            feature=str(issue.get("feature") or ""),
            not_counted=not_counted,
            source=f"Microsoft Graph service health issue {key}",
            evidence="\n".join(f for f in facts if f.strip(" ,()")),
        ),
        note,
    )


def _plain(post: dict[str, Any]) -> str:
    body = post.get("description")
    content = body.get("content", "") if isinstance(body, dict) else str(body or "")
    text = _TAGS.sub("\n", str(content).replace("<br>", "\n"))
    return "\n".join(line.strip() for line in html.unescape(text).splitlines() if line.strip())


def _stated_times(texts: list[tuple[str, str]], key: str) -> dict[str, pd.Timestamp]:
    """The start and end the last post that states them writes, as times."""
    for _, text in sorted(texts, reverse=True):
        found = {m["which"].lower(): m["when"] for m in _POST_TIME.finditer(text)}
        if not found:
            continue
        out: dict[str, pd.Timestamp] = {}
        for which, when in found.items():
            cleaned = _WEEKDAY.sub("", when.strip().rstrip(".")).replace(" at ", " ")
            try:
                stamp = feed_time(cleaned.replace(",", ""), f"issue {key} post {which} time")
            except InputError:  # a post's words are evidence, never a reason to refuse the feed
                continue
            if stamp is not None:
                out[which] = stamp
        return out
    return {}
