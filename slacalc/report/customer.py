"""Who is claiming: the customer a claim letter names, as the app and the command line ask for it.

A provider's claim form identifies the customer by its tenant or account id; the organisation and
a contact make the letter one a provider can answer. Every field is optional: what is not given is
left out of the letter, never replaced by a placeholder.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

from slacalc.errors import InputError


@dataclass(frozen=True)
class Customer:
    """The customer of a claim: ``tenant`` (the tenant or subscription as the provider knows it),
    ``account_id`` (a billing account number), ``organisation`` and ``contact`` (a name, email
    or phone number to answer)."""

    tenant: str = ""
    account_id: str = ""
    organisation: str = ""
    contact: str = ""

    def lines(self, tenant: str = "") -> list[tuple[str, str]]:
        """The letter's lines naming the customer, as label and text; ``tenant`` (the results'
        tenant of the claimed period) is used when no tenant was given here."""
        named = self.tenant or tenant
        pairs = [
            ("Customer", self.organisation),
            ("Tenant", named),
            ("Account id", self.account_id),
            ("Contact", self.contact),
        ]
        return [(label, text) for label, text in pairs if text]


def letter_locale(text: str) -> str:
    """``text`` as the locale a claim letter writes amounts for (``de_DE``: 1.234,50 €), checked
    against the Unicode CLDR's locales (through babel); an unknown one is an ``InputError``."""
    try:
        Locale.parse(text)
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise InputError(
            f"locale: {text!r} is not a known locale ({exc}); e.g. en_US, de_DE"
        ) from None
    return text
