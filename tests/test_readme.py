"""The README's commands and code are the ones that really run."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_exactly_the_readme_test_command() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, flags=re.S)
    test_command = next(b for b in blocks if "pytest" in b)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci[-1] == test_command


def test_the_library_quick_start_runs_and_prints_the_numbers_it_states(capsys) -> None:  # type: ignore[no-untyped-def]
    code = re.search(r"## Library quick start\n\n```python\n(.*?)\n```", README, flags=re.S)
    assert code is not None
    exec(compile(code.group(1), "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "98.8387096774" in out  # (44,640,000 − 518,400) / 44,640,000
    assert "4000.00" in out
    assert "2026-04-30" in out
    assert "98.0055555555" in out  # (43,200,000 − 861,600) / 43,200,000, floored


def test_every_file_the_readme_links_to_exists() -> None:
    links = re.findall(r"\]\(([^)#]+)\)", README)
    assert links, "the README links to its docs and pictures"
    missing = [link for link in links if not (ROOT / link).exists()]
    assert missing == []


def test_no_tracked_file_cites_notes_outside_the_project() -> None:
    # What the project cites is in its own docs/ or at the providers' addresses.
    outside = ["../" + "shared", "design" + ".md", "sla-reference" + ".md"]
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    found = []
    for name in filter(None, tracked):
        path = ROOT / name.decode()
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        found += [f"{name.decode()}: {word}" for word in outside if word in text]
    assert found == []
