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


@pytest.mark.parametrize(
    "private",
    ["_pa_array", "._meta", "_compresslevel"],
    ids=["pandas-arrow-array", "dask-meta", "zipinfo-level"],
)
def test_no_private_attribute_of_another_library_is_read(private: str) -> None:
    # Private attributes change without notice between releases; the public API is used instead
    # (pyarrow's __arrow_array__ protocol, dask's make_meta, ZipFile's compresslevel).
    used = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "slacalc").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if private in line
    ]
    assert used == []


def test_arrow_data_is_the_columns_own_arrow_array_or_none() -> None:
    import pandas as pd

    from slacalc.io.cells import arrow_data

    pa = pytest.importorskip("pyarrow")
    text = pd.Series(["a", None, "b"], dtype="string[pyarrow]")
    array = arrow_data(text)
    assert isinstance(array, pa.ChunkedArray)
    assert array.to_pylist() == ["a", None, "b"]
    stamps = pd.Series(pd.to_datetime(["2026-03-01T00:00Z"])).astype(
        "timestamp[ns, tz=UTC][pyarrow]"
    )
    assert arrow_data(stamps).type == pa.timestamp("ns", "UTC")
    assert arrow_data(pd.Series(["a"], dtype=object)) is None
    assert arrow_data(pd.Series(["a"], dtype=pd.StringDtype("python"))) is None
    assert arrow_data(pd.Series([1.5])) is None
