"""Money is Decimal, rounded once, half-up, to the currency's minor unit (rule 6)."""

from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

import slacalc
from slacalc.errors import InputError
from slacalc.model.money import minor_unit_digits, round_money, to_decimal

D = Decimal


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("0.125"), "USD", Decimal("0.13")),  # half-up, not banker's 0.12
        (Decimal("30.8625"), "EUR", Decimal("30.86")),
        (Decimal("1234.5"), "JPY", Decimal("1235")),
        (Decimal("1.0005"), "KWD", Decimal("1.001")),
        (Fraction(1800, 31), "USD", Decimal("58.06")),  # 600 × 3 / 31 = 58.0645…
        (Fraction(1, 8), "USD", Decimal("0.13")),
        # 31 digits: Python's default context (28 digits) cannot even quantize this.
        (D("1234567890123456789012345678.905"), "USD", D("1234567890123456789012345678.91")),
    ],
)
def test_round_money_is_half_up_to_the_minor_unit(
    amount: Decimal | Fraction, currency: str, expected: Decimal
) -> None:
    rounded = round_money(amount, currency)
    assert rounded == expected
    assert rounded.as_tuple().exponent == -minor_unit_digits(currency)


def test_floats_become_the_decimal_they_print_as() -> None:
    assert to_decimal(99.9) == Decimal("99.9")
    assert to_decimal("8000.10") == Decimal("8000.10")
    with pytest.raises(ValueError, match="not a number"):
        to_decimal("eight")
    with pytest.raises(TypeError):
        to_decimal(True)


@pytest.mark.parametrize(
    ("currency", "digits"),
    [
        ("XOF", 0),  # ISO 4217: the CFA francs have no minor unit (once rounded to 2 places)
        ("XAF", 0),
        ("JPY", 0),
        ("KWD", 3),
        ("USD", 2),
        ("eur", 2),  # codes are read in any case
    ],
)
def test_minor_units_follow_iso_4217(currency: str, digits: int) -> None:
    assert minor_unit_digits(currency) == digits


def test_a_credit_in_cfa_francs_is_whole_francs() -> None:
    # 1 h of 44,640 min → 99.8656 % → 25 % of 10,001 XOF = 2,500.25 → 2,500 XOF (no centimes).
    outage = pd.DataFrame({"start": ["2026-03-10T10:00Z"], "end": ["2026-03-10T11:00Z"]})
    r = slacalc.calculate(
        outage, "microsoft-365-exchange-online", users=1, monthly_fee="10001", currency="XOF"
    )
    amount = r.to_frame()["credit_amount"].iloc[0]
    assert (amount, amount.as_tuple().exponent) == (Decimal(2500), 0)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("XYZ", "currency 'XYZ' is not an ISO 4217 code"),
        ("XXX", "currency 'XXX' names no money a fee is paid in"),  # ISO's "no currency"
        ("XTS", "currency 'XTS' names no money a fee is paid in"),  # ISO's testing code
    ],
)
def test_a_code_that_is_no_currency_is_refused_saying_where_the_codes_are(
    code: str, message: str
) -> None:
    outage = pd.DataFrame({"start": ["2026-03-10T10:00Z"], "end": ["2026-03-10T11:00Z"]})
    with pytest.raises(InputError, match=message) as caught:
        slacalc.calculate(outage, "microsoft-365-exchange-online", users=1, currency=code)
    assert "https://www.iso.org/iso-4217-currency-codes.html" in str(caught.value)
    with pytest.raises(InputError, match=message):
        minor_unit_digits(code)
