"""The project's own checks run in the suite, so CI holds them as it holds the tests."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["mypy", "slacalc"],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_the_code_passes_its_checks(command: list[str], tmp_path: Path) -> None:
    extra = ["--cache-dir", str(tmp_path)] if command[0] == "mypy" else []
    proc = subprocess.run(
        [str(BIN / command[0]), *command[1:], *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
