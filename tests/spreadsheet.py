"""Recalculate a workbook with a real spreadsheet program: LibreOffice, headless.

``recalculate(path)`` opens ``path`` in LibreOffice with a fresh, throw-away profile that is set to
recalculate every formula on load (LibreOffice's default for ``.xlsx`` is to trust the cached
values), saves it as ``.xlsx`` again and returns the new file's path; read it with
``openpyxl.load_workbook(path, data_only=True)`` to see what LibreOffice computed.

Without LibreOffice the calling test is skipped, except under CI (``CI=true``), where a missing
spreadsheet program is an error: the recalculation tests must not silently stop running.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

#: Ask LibreOffice to recalculate on load, whatever the file says (0 = always).
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop>
</item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop>
</item>
</oor:items>
"""


def soffice() -> str:
    """The LibreOffice program, or skip (fail under CI) when it is not installed."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    message = "LibreOffice (soffice) is not installed; .ci/run installs libreoffice-calc-nogui"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def convert(path: Path, fmt: str, outdir: Path, timeout: float = 180) -> Path:
    """Open ``path`` in LibreOffice, recalculate every formula, save as ``fmt`` in ``outdir``."""
    program = soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="slacalc-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, encoding="utf-8")
        done = subprocess.run(
            [
                program,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                fmt,
                "--outdir",
                str(outdir),
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    out = outdir / f"{path.stem}.{fmt.split(':')[0]}"
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(
            f"LibreOffice could not convert {path} to {fmt} (exit {done.returncode}):\n"
            f"{done.stdout}\n{done.stderr}"
        )
    return out


def recalculate(path: Path) -> Path:
    """A copy of ``path`` with every formula recalculated by LibreOffice (in a sibling folder)."""
    return convert(path, "xlsx", path.parent / "recalculated")
