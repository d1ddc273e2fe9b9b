"""The public API stays explicit, and the engine stays free of UI and spreadsheet imports."""

import ast
from pathlib import Path

import slacalc

ENGINE = Path(slacalc.__file__).parent
EDGE_ONLY = {"streamlit": {"app"}, "openpyxl": {"excel", "io"}, "altair": {"app"}}


def test_all_is_sorted_and_names_exactly_what_the_package_exports() -> None:
    assert slacalc.__all__ == sorted(slacalc.__all__)
    public = {n for n in dir(slacalc) if not n.startswith("_") and not _is_module(n)}
    assert public | {"__version__"} == set(slacalc.__all__)


def _is_module(name: str) -> bool:
    return type(getattr(slacalc, name)).__name__ == "module"


def test_only_the_edges_import_streamlit_openpyxl_or_altair() -> None:
    offenders = []
    for path in ENGINE.rglob("*.py"):
        module = path.relative_to(ENGINE).with_suffix("")
        top = module.parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                root = name.split(".")[0]
                if root in EDGE_ONLY and top not in EDGE_ONLY[root]:
                    offenders.append(f"{module}: {name}")
    assert offenders == []


def test_the_bundled_contracts_are_listed() -> None:
    ids = slacalc.list_contracts()
    for required in (
        "microsoft-365-exchange-online",
        "microsoft-365-sharepoint-online",
        "microsoft-365-teams",
        "microsoft-teams-phone",
        "azure-virtual-machines-zones",
        "aws-ec2-region",
        "aws-s3-standard",
        "aws-rds-multi-az",
        "google-workspace",
        "github-enterprise-cloud",
    ):
        assert required in ids


def _slacalc_imports(folder: str) -> set[tuple[str, str]]:
    """(module, imported slacalc package) pairs of every module under ``slacalc/folder``."""
    found = set()
    for path in (ENGINE / folder).rglob("*.py"):
        module = str(path.relative_to(ENGINE).with_suffix(""))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("slacalc."):
                found.add((module, str(node.module).split(".")[1]))
    return found


def test_the_report_layer_sits_between_the_engine_and_the_front_ends() -> None:
    below = {"errors", "model", "io", "engine", "report"}
    assert {(m, p) for m, p in _slacalc_imports("report") if p not in below} == set()
    for layer in ("model", "io", "engine"):
        assert {(m, p) for m, p in _slacalc_imports(layer) if p == "report"} == set()
