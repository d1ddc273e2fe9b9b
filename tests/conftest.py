"""Shared test helpers: small literal outage tables, contract variants and the one result row."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

import slacalc
from slacalc.model.contract import Contract
from tests import postgres


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


# The claims register's databases ---------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server: ``$SLACALC_TEST_POSTGRES_URL`` (``.ci/run`` starts one), else a
    throwaway cluster started here. In CI the tests never skip: a missing server fails them."""
    url = os.environ.get("SLACALC_TEST_POSTGRES_URL", "").strip()
    if url:
        yield url
        return
    if os.environ.get("CI") == "true":
        pytest.fail("SLACALC_TEST_POSTGRES_URL is not set; .ci/run starts PostgreSQL for CI")
    if postgres.bindir() is None:
        pytest.skip("no PostgreSQL server installed (Debian package postgresql)")
    started, base = postgres.start()
    try:
        yield started
    finally:
        postgres.stop(base)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database for a register: a SQLite file, or a new database on the server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'claims.sqlite3'}"
        return
    server = make_url(request.getfixturevalue("postgres_server"))
    name = f"slacalc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The register's data folder moved to a temporary one, and no database named by the
    environment: a test that writes claims never touches the real home."""
    folder = tmp_path / "data"
    monkeypatch.setenv("SLACALC_DATA_DIR", str(folder))
    monkeypatch.delenv("SLACALC_DATABASE_URL", raising=False)
    return folder
