"""A throwaway PostgreSQL cluster for the register's tests, from the system's server binaries.

``python3 tests/postgres.py start`` (what ``.ci/run`` does) starts one on a free local port and
prints its URL; the tests' fixture starts its own the same way when ``SLACALC_TEST_POSTGRES_URL``
is not set. The server refuses to run as root, so as root it runs as the ``postgres`` user.
Standard library only: ``.ci/run`` calls it before the virtualenv exists.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

BINARIES = Path("/usr/lib/postgresql")


def bindir() -> Path | None:
    """The newest installed server's ``bin`` folder, if any."""
    found = sorted(BINARIES.glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def start() -> tuple[str, Path]:
    """Start a cluster in a new temporary folder; return its URL and the folder."""
    binaries = bindir()
    if binaries is None:
        raise RuntimeError(f"no PostgreSQL server under {BINARIES}")
    base = Path(tempfile.mkdtemp(prefix="slacalc-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    data, port = base / "data", _free_port()
    run = _as_server_user()
    initdb = [str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
    subprocess.run(
        [*run, *initdb, "-E", "UTF8", "--no-sync"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    log = str(base / "server.log")  # not our pipe: the server outlives pg_ctl
    subprocess.run(
        [*run, str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", log, "-w", "start"],
        check=True,
        capture_output=True,
    )
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", base


def stop(base: Path) -> None:
    """Stop the cluster in ``base`` and remove it."""
    binaries = bindir()
    assert binaries is not None
    pg_ctl = [str(binaries / "pg_ctl"), "-D", str(base / "data")]
    subprocess.run(
        [*_as_server_user(), *pg_ctl, "-m", "fast", "-w", "stop"],
        check=False,
        capture_output=True,
    )
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:] != ["start"]:
        sys.exit("usage: python3 tests/postgres.py start")
    print(start()[0])
