"""A contract's terms in plain words: the one wording the CLI, the app and the workbook show."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from slacalc.model.contract import Contract, Maintenance
from slacalc.model.terms import extra_terms


@dataclass(frozen=True, slots=True)
class Term:
    """One term: a stable ``key`` (for code), a ``label`` and the term in plain words."""

    key: str
    label: str
    words: str


def number(value: Decimal) -> str:
    """A term figure without trailing zeros and never in exponent notation: 99.9, 100, 15."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def method_word(contract: Contract) -> str:
    """``user-minutes`` or ``time``: how downtime is measured, in one word."""
    return "user-minutes" if contract.method == "user_minutes" else "time"


def measure_words(contract: Contract) -> str:
    """How the contract measures availability: ``error rate`` for an error-rate SLA (from a
    metrics table; outage windows stand in for it as user-minutes), else :func:`method_word`."""
    return "error rate" if contract.error_rate is not None else method_word(contract)


def maintenance_words(window: Maintenance) -> str:
    """A scheduled maintenance window in words: ``every Sunday at 02:00 for 120 minutes``."""
    when = (
        f"every {window.weekday}" if window.every == "week" else f"day {window.day} of every month"
    )
    text = f"{when} at {window.start} for {window.duration_minutes} minutes"
    return f"{text} ({window.description})" if window.description else text


def downtime_words(c: Contract) -> str:
    """When a minute is down: ``more than 5 % of users are affected``; under user-minutes every
    affected user counts."""
    if c.method == "user_minutes":
        return "users cannot use the service; each affected user counts"
    threshold = c.downtime_threshold
    if threshold.operator == ">" and threshold.percent == 0:
        return "any user is affected"
    share = {">": "more than", ">=": "at least"}[threshold.operator]
    return f"{share} {number(threshold.percent)} % of users are affected"


def contract_terms(c: Contract) -> list[Term]:
    """The terms of ``c`` that move a number, in order, each in plain words.

    Terms with several parts (credit tiers, maintenance windows, unverified points) are one
    ``Term`` whose words hold one part per line.
    """
    per = {"month": "calendar month", "quarter": "calendar quarter"}[c.period]
    terms = [
        Term("provider", "provider", c.provider),
        Term("service", "service", c.service),
        *([Term("feeds", "in feeds as", ", ".join(c.feed_names))] if c.feed_names else []),
        Term(
            "commitment", "commitment", f"{number(c.commitment_percent)} % availability per {per}"
        ),
        Term("periods", "periods measured", f"{per}s in {c.timezone}"),
    ]
    if c.method == "user_minutes":
        terms.append(
            Term("method", "method", "user-minutes (downtime weighted by the users it hit)")
        )
        formula = "(user-minutes − downtime user-minutes) / user-minutes × 100"
    else:
        when = downtime_words(c)
        terms.append(Term("method", "method", f"time (a minute is down when {when})"))
        formula = "(minutes − downtime minutes) / minutes × 100"
    terms.append(Term("availability", "availability", formula))
    minimum = c.minimum_downtime_minutes
    terms.append(
        Term(
            "minimum_downtime",
            "minimum downtime",
            f"{number(minimum)} consecutive minutes before a window counts" if minimum else "none",
        )
    )
    if c.counted_cohorts is not None:
        terms.append(
            Term(
                "cohorts",
                "counted cohorts",
                f"only {', '.join(c.counted_cohorts)} (others: impact)",
            )
        )
    if c.maintenance:
        terms.append(
            Term(
                "maintenance", "maintenance", "\n".join(maintenance_words(m) for m in c.maintenance)
            )
        )
    terms.append(Term("tiers", "credit tiers", "\n".join(t.describe() for t in c.tiers)))
    caps = []
    if c.cap.percent is not None:
        caps.append(f"{number(c.cap.percent)} % of the period's fee")
    if c.cap.days is not None:
        caps.append(f"{number(c.cap.days)} days of service")
    terms.append(Term("cap", "cap", " and ".join(caps) if caps else "none stated"))
    if c.minimum_credit is not None:
        terms.append(
            Term(
                "minimum_credit",
                "minimum credit",
                f"only credits above {number(c.minimum_credit)} {c.minimum_credit_currency} "
                "are issued",
            )
        )
    terms.extend(Term(label.lower(), label.lower(), words) for label, words in extra_terms(c))
    terms.append(Term("claim", "claim", c.claim.describe()))
    if c.claim.how:
        terms.append(Term("how", "how to claim", c.claim.how))
    terms.append(Term("source", "source", c.source.url))
    terms.append(Term("version", "version", f"{c.source.version} [{c.source.confidence}]"))
    if c.unverified:
        terms.append(Term("unverified", "unverified terms", "\n".join(c.unverified)))
    return terms
