"""Shared test helpers: small literal outage tables, contract variants and the one result row."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

import slacalc
from slacalc.model.contract import Contract


def windows(*rows: tuple[Any, ...], columns: tuple[str, ...] = ("start", "end")) -> pd.DataFrame:
    """A literal outage table: ``windows(("2026-03-01T10:00Z", "2026-03-01T11:00Z"))``."""
    return pd.DataFrame([dict(zip(columns, row, strict=True)) for row in rows])


def one(results: slacalc.Results, period: str | None = None) -> dict[str, Any]:
    """The one result row (of ``period``), as a dict of column → value."""
    frame = results.to_frame()
    if period is not None:
        frame = frame[frame["period"] == period]
    assert len(frame) == 1, frame
    return frame.iloc[0].to_dict()


def variant(contract_id: str, **changes: Any) -> Contract:
    """A bundled contract with some terms changed, validated again like a file would be."""
    base = slacalc.load_contract(contract_id).model_dump()
    base.update(changes)
    base["id"] = changes.get("id", f"{contract_id}-variant")
    return Contract.model_validate(base)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow tests first: spread over xdist workers, the long ones (mypy, the browser, LibreOffice,
    the Dask cluster) start at once and the short ones fill in around them."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture
def exchange() -> Contract:
    return slacalc.load_contract("microsoft-365-exchange-online")
