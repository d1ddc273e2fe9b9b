"""Money is Decimal, rounded once, half-up, to the currency's minor unit (rule 6)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from slacalc.model.money import minor_unit_digits, round_money, to_decimal


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("0.125"), "USD", Decimal("0.13")),  # half-up, not banker's 0.12
        (Decimal("30.8625"), "EUR", Decimal("30.86")),
        (Decimal("1234.5"), "JPY", Decimal("1235")),
        (Decimal("1.0005"), "KWD", Decimal("1.001")),
        (Fraction(1800, 31), "USD", Decimal("58.06")),  # 600 × 3 / 31 = 58.0645…
        (Fraction(1, 8), "USD", Decimal("0.13")),
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
