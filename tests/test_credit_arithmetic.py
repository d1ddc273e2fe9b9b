"""The credit arithmetic's two exact paths: int64 where a bound check proves the products fit,
Python integers for the rows where they might not. Both must give the same, to the unit."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

import slacalc
from slacalc.engine.credits import (
    Availability,
    Fees,
    credits,
    products_below,
    seconds_to_next_tier,
)

EXCHANGE = "microsoft-365-exchange-online"  # < 99.9 % → 25 %, < 99 % → 50 %, < 95 % → 100 %


def test_products_below_in_int64_and_beyond_it() -> None:
    big = 2**62  # × 1,000 is far past int64: that row is compared in Python integers
    left = np.array([3, 4, big, big], dtype=np.int64)
    right = np.array([4, 4, big, big - 1], dtype=np.int64)
    # 3·1000 < 4·1000; 4·1000 = 4·1000; 2^62·1000 = 2^62·1000; 2^62·1000 > (2^62 − 1)·1000.
    assert products_below(left, 1000, right, 1000, "<").tolist() == [True, False, False, False]
    assert products_below(left, 1000, right, 1000, "<=").tolist() == [True, True, True, False]
    # Python-int columns (beyond int64) take the same path as the rows that do not fit.
    huge = np.array([10**30], dtype=object)
    assert products_below(huge, 999, huge, 1000, "<").tolist() == [True]


def test_exchange_availability_at_the_bound_whatever_the_size() -> None:
    exchange = slacalc.load_contract(EXCHANGE)
    # 999/1000 of 100 is exactly 99.9 %: not "< 99.9 %". The second row is the same ratio with
    # totals 2^52 times larger, past what int64 can multiply by the bound's 1000; the fourth is
    # 99.977 % with totals whose products, wrapped around in 64 bits, would read "< 99.9 %".
    scale = 2**52
    avail = Availability(
        up=np.array([999, 999 * scale, 998, 6817278219167699164], dtype=np.int64),
        total=np.array([1000, 1000 * scale, 1000, 6818835880861244011], dtype=np.int64),
    )
    assert avail.below(exchange.tiers[0].below, "<").tolist() == [False, False, True, False]


def test_amounts_round_half_up_once_on_either_path() -> None:
    exchange = slacalc.load_contract(EXCHANGE)
    fees = Fees.of(
        [
            Decimal("0.02"),  # 25 % is 0.005 USD → 0.01 (half-up)
            Decimal("123456789012345.678"),  # 25 %: 30,864,197,253,086.4195 → …086.42
            Decimal("2"),  # 25 % of 2 JPY is 0.5 → 1 JPY
            Decimal("100"),  # no tier: 0.00
            None,  # no fee: no amount
        ],
        ["USD", "USD", "JPY", "USD", "USD"],
    )
    # 123456789012345678 thousandths × 100 (cents) × 1 is past 2^61: the Python-integer path.
    assert fees.units.dtype == np.int64
    n = 5
    lost = Availability(up=np.zeros(n, dtype=np.int64), total=np.ones(n, dtype=np.int64))
    tier = np.array([0, 0, 0, -1, 0], dtype=np.int64)
    result = credits(exchange, tier, lost, np.full(n, 31, dtype=np.int64), fees)
    assert result.amount.to_numpy(dtype=object, na_value=None).tolist() == [
        Decimal("0.01"),
        Decimal("30864197253086.42"),
        Decimal("1"),
        Decimal("0"),
        None,
    ]


def test_availability_percent_floors_on_either_path() -> None:
    # 2/3 = 66.6666666666|6… %, floored to 10 decimals; the second row's total × 10^4 is past
    # int64, so it is divided in Python integers.
    avail = Availability(
        up=np.array([2, 2 * 10**15, 3], dtype=np.int64),
        total=np.array([3, 3 * 10**15, 3], dtype=np.int64),
    )
    assert avail.percent().tolist() == [
        Decimal("66.6666666666"),
        Decimal("66.6666666666"),
        Decimal("100"),
    ]


def test_seconds_to_the_first_tier_on_either_path() -> None:
    exchange = slacalc.load_contract(EXCHANGE)
    # Nothing lost of 1,000 units, one unit per second: after x seconds 100·(1000 − x)/1000 <
    # 99.9 needs x > 1, so 2 seconds. The second row is the same scaled by 2^50 (past int64
    # once multiplied by the bound's 1000): the same 2 seconds.
    big = 2**50
    seconds, tier = seconds_to_next_tier(
        exchange,
        np.array([-1, -1], dtype=np.int64),
        np.array([1000, 1000 * big], dtype=np.int64),
        np.array([1000, 1000 * big], dtype=np.int64),
        np.array([1, big], dtype=np.int64),
        np.array([10, 10], dtype=np.int64),
    )
    assert seconds.tolist() == [2, 2]
    assert tier.tolist() == [0, 0]
