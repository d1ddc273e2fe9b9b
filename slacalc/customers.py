"""Customers: who has which contract, how many licensed users, what fee, and the size of each cohort.

``Customers.frame`` has one row per tenant: ``row`` (int64), ``tenant`` (str), ``contract`` (str id or
path), ``users`` (int64, licensed seats), ``monthly_fee`` (``Decimal`` or ``None``), ``currency`` (str).
``Customers.cohorts`` has one row per tenant and cohort: ``tenant``, ``cohort``, ``users`` (int64).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from slacalc.errors import InputError
from slacalc.money import to_decimal
from slacalc.outages import RowProblem


@dataclass(frozen=True)
class Customers:
    """A validated customers table and the rows that were rejected from it."""

    frame: pd.DataFrame
    cohorts: pd.DataFrame
    rejected: tuple[RowProblem, ...] = ()

    @classmethod
    def single(
        cls,
        *,
        contract: str,
        users: int,
        monthly_fee: Decimal | int | str | None = None,
        currency: str = "USD",
        tenant: str = "",
        cohorts: Mapping[str, int] | None = None,
    ) -> Customers:
        """One customer given inline (``users=``, ``monthly_fee=``) rather than as a table."""
        if isinstance(users, bool) or not isinstance(users, int | np.integer) or users <= 0:
            raise InputError(f"users: {users!r} is not a positive whole number of licensed users")
        fee = None if monthly_fee is None else to_decimal(monthly_fee)
        if fee is not None and (not fee.is_finite() or fee < 0):
            raise InputError(f"monthly_fee: {monthly_fee!r} is not an amount of zero or more")
        sizes = dict(cohorts or {})
        for name, size in sizes.items():
            if isinstance(size, bool) or not isinstance(size, int | np.integer) or size < 0:
                raise InputError(f"cohorts: size of {name!r} ({size!r}) is not a whole number")
            if size > users:
                raise InputError(f"cohorts: {name!r} has {size} users, more than the {users} licensed")
        frame = pd.DataFrame(
            {
                "row": np.array([1], dtype=np.int64),
                "tenant": [tenant],
                "contract": [contract],
                "users": np.array([users], dtype=np.int64),
                "monthly_fee": pd.Series([fee], dtype=object),
                "currency": [currency.upper()],
            }
        )
        cohort_frame = pd.DataFrame(
            {
                "tenant": [tenant] * len(sizes),
                "cohort": list(sizes),
                "users": np.array(list(sizes.values()), dtype=np.int64),
            }
        )
        return cls(frame=frame, cohorts=cohort_frame)
