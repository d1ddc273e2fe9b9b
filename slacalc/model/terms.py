"""The contract terms that need a sentence, in words every front end shows alike.

Each function returns (term, plain words) pairs for the terms that are more than a value: the
earlier dated texts, the error-rate measurement, dropped partial minutes, the value of a day of
service, a cap measured against a future invoice and a claim group (one credit across
contracts). The command line (``slacalc contracts show``), the app's Contract page and the
workbook append them to the terms they already show.
"""

from __future__ import annotations

import itertools

from slacalc.model.contract import Cap, Contract, Version


def extra_terms(contract: Contract) -> list[tuple[str, str]]:
    """(term, plain words) for each of the contract's terms below that it states."""
    out: list[tuple[str, str]] = []
    if any(t.above is not None for t in contract.tiers):
        gaps = _gaps(contract)
        out.append(
            (
                "Credit bands",
                "bounded above and below as the text states them"
                + (f"; {', '.join(gaps)} falls between two bands and pays nothing" if gaps else ""),
            )
        )
    rule = contract.error_rate
    if rule is not None:
        each = "of each request type " if rule.per_request_type else ""
        out.append(
            (
                "Error rate",
                f"availability is 100 % minus the average error rate {each}over every "
                f"{rule.interval_minutes}-minute interval of the period (failed requests over "
                "requests; an interval without requests counts as 0 %), from a metrics table",
            )
        )
    if contract.partial_minutes == "dropped":
        out.append(
            (
                "Partial minutes",
                "not counted: each run of downtime counts in whole minutes, rounded down",
            )
        )
    if contract.credit_kind == "days":
        value = (
            f"the monthly fee divided by {contract.day_value_days}"
            if contract.day_value_days
            else "the period's fee divided by its calendar days"
        )
        out.append(("Value of a day", f"a day of service credited is worth {value}"))
    if contract.cap.invoice == "future":
        out.append(("Cap measured on", cap_basis(contract.cap)))
    if contract.claim_group:
        out.append(("One credit", claim_group_words(contract.claim_group)))
    out.extend(("Earlier text", version_words(contract, v)) for v in contract.versions)
    return out


def _gaps(contract: Contract) -> list[str]:
    """The availabilities between two consecutive bands, in words (``exactly 99 %``)."""
    out = []
    for upper, lower in itertools.pairwise(contract.tiers):
        if upper.above is None:
            continue
        if upper.above > lower.below:
            out.append(f"{lower.below} % to {upper.above} %")
        elif upper.above_operator == ">" and lower.operator == "<":
            out.append(f"exactly {upper.above} %")
    return out


def cap_words(cap: Cap) -> str:
    """The cap in words, as a credit it lowered names it: ``cap: 100 % of the period's fee``."""
    parts = []
    if cap.percent is not None:
        parts.append(f"{cap.percent} % of the period's fee")
    if cap.days is not None:
        parts.append(f"{cap.days} days of service")
    return "cap: " + (" and ".join(parts) or "none")


def claim_group_words(group: str) -> str:
    """The claim group rule in words, as a contract's terms state it."""
    return (
        f"claim group {group!r}: a customer holding several contracts of this group is paid one "
        "credit per period among them, the largest; the others are not paid"
    )


def one_credit_words(group: str, kept: str) -> str:
    """Why a credit was set to zero, as ``credit_limited_by`` names it: ``one credit per period
    in claim group 'azure-virtual-machines': claimed under azure-virtual-machines-zones``."""
    return f"one credit per period in claim group {group!r}: claimed under {kept}"


def claimed_under(limited_by: str, group: str | None) -> str:
    """The contract whose credit was kept, when ``limited_by`` is the words of ``group``'s rule
    (:func:`one_credit_words`); ``""`` otherwise."""
    prefix = one_credit_words(group, "") if group else None
    return limited_by.removeprefix(prefix) if prefix and limited_by.startswith(prefix) else ""


def cap_basis(cap: Cap) -> str:
    """What the cap is a share of."""
    if cap.invoice == "future":
        return (
            "the invoice the credit is applied to (a later one); the period's fee stands in "
            "for it here"
        )
    return "the fees of the period measured"


def version_words(contract: Contract, version: Version) -> str:
    """An earlier dated text in words: when it applied and what it said differently."""
    text = contract.text(contract.versions.index(version) + 1)
    said = [f"commitment {text.commitment_percent} %"]
    said.append("tiers " + "; ".join(t.describe() for t in text.tiers))
    said.append(f"claim {text.claim.describe()}")
    source = text.source
    return (
        f"for periods starting before {version.until.isoformat()}: {', '.join(said)} "
        f"({source.version}; {source.url} [{source.confidence}])"
    )
