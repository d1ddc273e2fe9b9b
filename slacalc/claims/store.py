"""Where the register lives and how its schema is kept current.

SQLite in the user's data folder by default (``platformdirs``; ``SLACALC_DATA_DIR`` moves it),
so the register works on a fresh machine; a server when ``SLACALC_DATABASE_URL`` (or the caller)
names one. The schema is Alembic's: the migrations ship inside this package and run through
Alembic's API, so an installed wheel upgrades a database as a checkout does.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import platformdirs
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from slacalc.errors import RegisterError

#: Environment variables: the database of a shared register, and the folder of the default one.
DATABASE_ENV = "SLACALC_DATABASE_URL"
DATA_DIR_ENV = "SLACALC_DATA_DIR"

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def data_dir() -> Path:
    """The folder of the default register: ``$SLACALC_DATA_DIR``, else the user's data folder."""
    chosen = os.environ.get(DATA_DIR_ENV)
    return Path(chosen) if chosen else Path(platformdirs.user_data_dir("slacalc", appauthor=False))


def default_url() -> str:
    """``$SLACALC_DATABASE_URL``, else a SQLite file in :func:`data_dir`."""
    chosen = os.environ.get(DATABASE_ENV, "").strip()
    if chosen:
        return chosen
    return f"sqlite:///{data_dir() / 'claims.sqlite3'}"


def connect(url: str) -> Engine:
    """An engine for ``url``; a SQLite file's folder is made if missing.

    SQLite transactions start with ``BEGIN IMMEDIATE`` (SQLAlchemy's documented pysqlite
    recipe), so two writers queue for the lock instead of one failing half-way; on a server the
    register locks the claim's row instead (see ``Register.update``).
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise RegisterError(
            f"{url!r} is not a database URL such as sqlite:///claims.sqlite3 "
            "or postgresql+psycopg://user@host/db"
        ) from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3, not psycopg2
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(parsed, connect_args=_connect_args(parsed.get_backend_name()))
    except (ArgumentError, ImportError, SQLAlchemyError) as exc:
        raise RegisterError(f"cannot open the register at {_safe(url)}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _connect_args(backend: str) -> dict[str, Any]:
    return {"timeout": 30} if backend == "sqlite" else {}


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy, not pysqlite, begins transactions
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _safe(url: str) -> str:
    """``url`` with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "the given URL"


def _config(connection: Any) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest schema revision this slacalc knows."""
    revision = ScriptDirectory.from_config(_config(None)).get_current_head()
    assert revision is not None
    return revision


def known(revision: str) -> bool:
    """Whether ``revision`` is one of this slacalc's migrations (a newer slacalc's is not)."""
    return any(
        script.revision == revision
        for script in ScriptDirectory.from_config(_config(None)).walk_revisions()
    )


def current(engine: Engine) -> str | None:
    """The schema revision of the database (``None`` when it has no register yet)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (default: the newest)."""
    with engine.begin() as connection:
        command.upgrade(_config(connection), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Take the schema back to ``revision`` (``base``: no register tables at all)."""
    with engine.begin() as connection:
        command.downgrade(_config(connection), revision)
