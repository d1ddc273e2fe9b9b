"""slacalc as a user gets it: a wheel built, installed in a fresh venv, run away from the checkout.

The wheel is built with hatchling (the build backend, in the dev extra) and installed with
``--no-deps`` into a new venv; the dependencies come from the running environment through a
``.pth`` file naming its site-packages (never the source tree), so nothing is downloaded. Every
command then runs with the working directory outside the checkout, so only what the wheel carries
can be found: the app's entry, its example, the bundled contracts and example folders.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PIP = [sys.executable, "-m", "pip", "-q"]

#: Run in the installed venv: open the app ``slacalc app`` would start, report what it shows.
APP_PROBE = """
import json
import slacalc
from slacalc import cli
from slacalc.app.inputs import examples_on_disk
from streamlit.testing.v1 import AppTest

entry = cli.app_command()[4]
at = AppTest.from_file(entry, default_timeout=60).run()
print(json.dumps({
    "package": slacalc.__file__,
    "entry": entry,
    "metrics": [[m.label, m.value] for m in at.metric],
    "answers": [s.value for s in [*at.success, *at.warning]],
    "problems": [e.value for e in [*at.exception, *at.error]],
    "examples": sorted(examples_on_disk()),
}))
"""


def _run(command: list[str], cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    proc = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel of this checkout; returns its ``bin`` folder."""
    work = tmp_path_factory.mktemp("wheel")
    _run(
        [*PIP, "wheel", "--no-deps", "--no-build-isolation", "-w", str(work / "dist"), str(ROOT)],
        cwd=work,
    )
    (wheel,) = (work / "dist").glob("slacalc-*.whl")
    env = work / "venv"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], work)
    deps = sysconfig.get_path("purelib")  # this environment's packages: streamlit, pandas, ...
    Path(site.strip(), "dependencies.pth").write_text(deps + "\n", encoding="utf-8")
    _run(
        [*PIP, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        cwd=work,
    )
    return env / "bin"


def test_the_console_script_lists_the_contracts_the_wheel_carries(
    installed: Path, tmp_path: Path
) -> None:
    out = _run([str(installed / "slacalc"), "contracts"], cwd=tmp_path)
    bundled = sorted(path.stem for path in (ROOT / "contracts").glob("*.toml"))
    first_words = {line.split()[0] for line in out.splitlines() if line.strip()}
    assert set(bundled) <= first_words


def test_the_installed_app_opens_on_its_example(installed: Path, tmp_path: Path) -> None:
    shown = json.loads(_run([str(installed / "python"), "-c", APP_PROBE], cwd=tmp_path))
    venv_root = installed.parent.resolve()
    assert Path(shown["package"]).resolve().is_relative_to(venv_root)  # not the checkout
    assert Path(shown["entry"]).resolve().is_relative_to(venv_root)
    assert shown["problems"] == []
    # The hand-worked example of test_app.py: 2,000.00 USD for March and for April.
    # 4,000.00 USD in all: still claimable, or lost to a passed deadline (from 31 May 2026 on).
    assert ["Credit (USD)", "2,000.00"] in shown["metrics"]
    assert any("Still claimable" in text and "4,000.00 USD" in text for text in shown["answers"])
    assert shown["examples"] == sorted(p.parent.name for p in ROOT.glob("examples/*/outages.*"))
