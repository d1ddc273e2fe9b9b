"""Money is Decimal, read by one set of rules, rounded once, half-up, to the minor unit."""

import re
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

import slacalc
from slacalc.errors import InputError
from slacalc.model.money import minor_unit_digits, parse_amount, round_money

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
    assert parse_amount(8000.1) == Decimal("8000.1")  # not 8000.100000000000363797880709171295…
    assert parse_amount(Decimal("8000.10")) == Decimal("8000.10")
    assert parse_amount(1200) == Decimal(1200)
    with pytest.raises(InputError, match="True is not an amount"):
        parse_amount(True)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1200", "1200"),
        ("1200.5", "1200.5"),
        ("1200,50", "1200.50"),  # one comma not before exactly three digits: decimals
        ("0,99", "0.99"),
        ("0.125", "0.125"),  # a leading 0 never starts a thousands group
        ("1234.500", "1234.500"),  # four digits before the mark: never a thousands group
        ("1,200.00", "1200.00"),  # both marks: the last is the decimal one
        ("1.200,00", "1200.00"),
        ("12,345,678.9", "12345678.9"),
        ("1,200,000", "1200000"),  # one mark repeated: thousands
        ("1.200.000", "1200000"),
        ("1 200", "1200"),  # spaces: thousands
        ("1 200,00", "1200.00"),
        ("1\u00a0200.00", "1200.00"),  # a no-break space, as spreadsheets write it
        (" 8000 ", "8000"),
        ("999999999999999.999999", "999999999999999.999999"),  # the largest: 15 + 6 digits
    ],
)
def test_parse_amount_accepts(text: str, amount: str) -> None:
    parsed = parse_amount(text)
    assert parsed == Decimal(amount)
    assert str(parsed) == amount  # exactly these digits, no rounding


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "1,200",
            "'1,200' is ambiguous: 1200 or 1.200? Write 1200 or 1.2, or give the decimals "
            "as well (1,200.00)",
        ),
        (
            "1.200",
            "'1.200' is ambiguous: 1200 or 1.200? Write 1200 or 1.2, or give the decimals "
            "as well (1.200,00)",
        ),
        ("1,205", "Write 1205 or 1.2050"),  # the small reading spelt so it is not ambiguous
        ("1,20.00", "thousands are grouped in threes"),
        ("1.200.00", "thousands are grouped in threes"),
        ("1 2000", "thousands are grouped in threes"),
        ("1.234,567,89", "more than one decimal separator ','"),
        ("1 200.000,00", "groups thousands two ways"),
        ("-5", "'-5' is a negative amount"),
        ("1e3", "'1e3' is not an amount: write digits"),
        ("$5", "is not an amount"),
        ("+5", "is not an amount"),
        (".5", "is not an amount"),
        ("5.", "is not an amount"),
        ("eight", "is not an amount"),
        ("NaN", "is not an amount"),
        ("1000000000000000", "more than 15 digits before the decimal point"),
        ("0.0000001", "more than 6 decimal places"),
    ],
)
def test_parse_amount_refuses_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        parse_amount(text)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (float("inf"), "'inf' is not a finite amount"),
        (Decimal("NaN"), "'NaN' is not a finite amount"),
        (1e16, "'1e+16' has more than 15 digits"),  # an Excel cell beyond exact amounts
        (Decimal("1E+15"), "more than 15 digits"),
        (-1, "'-1' is a negative amount"),
        (None, "None is not an amount"),
    ],
)
def test_parse_amount_bounds_numbers_too(value: object, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        parse_amount(value)


def test_an_amount_error_is_a_value_error_too() -> None:
    with pytest.raises(ValueError, match="ambiguous"):
        parse_amount("1,200")


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
    assert amount == Decimal(2500)  # not 2,500.25: the column keeps thousandths, all zero here
    assert amount == amount.to_integral_value()


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
