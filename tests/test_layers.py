"""The folders of ``slacalc/`` are its layers and imports point one way (README: How it is built).

Every module's imports are read with :mod:`ast`, absolute and relative ones, at the top and inside
functions, and checked against two tables: which layers of slacalc a layer may import, and which
packages only some layers may import. The checker is also fed made-up modules, so it is shown to
fail when a rule is broken.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import slacalc

PACKAGE = Path(slacalc.__file__).resolve().parent

#: The layers from the bottom up; each may import only itself and those before it. ``claims``
#: (the claims register) is storage over the results: the engine and the report never use it.
ORDER = ("errors", "model", "io", "engine", "report", "claims")
#: The front ends: each may import every layer, ``excel`` (the workbook download) and the package.
FRONT_ENDS = ("excel", "cli", "app", "distributed")
#: The package itself (``__init__``, the public API; ``__main__``) may import anything.
TOP = "slacalc"

ALLOWED: dict[str, frozenset[str]] = {
    **{layer: frozenset(ORDER[: i + 1]) for i, layer in enumerate(ORDER)},
    **{front: frozenset({*ORDER, front, "excel", TOP}) for front in FRONT_ENDS},
    TOP: frozenset({*ORDER, *FRONT_ENDS, TOP}),
}
# The register's export writes the claim workbook (``Register.export``), as a front end would.
ALLOWED["claims"] = ALLOWED["claims"] | {"excel"}
#: Third-party packages only some layers may import.
ONLY_IN = {
    "streamlit": frozenset({"app"}),
    "altair": frozenset({"app"}),
    "openpyxl": frozenset({"excel", "io"}),
}


def layer_of(module: str) -> str:
    """``slacalc.engine.sweep`` → ``engine``; ``slacalc``, ``slacalc.__main__`` → ``slacalc``."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "__main__":
        return TOP
    return parts[1]


def imported(module: str, source: str, *, package: bool = False) -> Iterator[str]:
    """Every module name ``source`` (the text of ``module``) imports, relative ones resolved.

    ``from a import b`` yields ``a.b``: ``b`` may be a module of ``a`` or a name it defines.
    ``package`` says the source is a package's ``__init__``, which relative imports start from.
    """
    here = module.split(".") if package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            name = ".".join([*base, *([node.module] if node.module else [])])
            yield from (f"{name}.{alias.name}" for alias in node.names)


def violations(module: str, source: str, *, package: bool = False) -> list[str]:
    """The imports of ``module`` that break a layer rule, each as ``module: imported``."""
    layer = layer_of(module)
    found = []
    for name in imported(module, source, package=package):
        root = name.split(".")[0]
        if root == "slacalc":
            target = layer_of(name) if _is_layer(name) else TOP
            broken = target not in ALLOWED.get(layer, frozenset())
        else:
            broken = root in ONLY_IN and layer not in ONLY_IN[root]
        if broken:
            found.append(f"{module}: {name}")
    return sorted(set(found))


def _is_layer(name: str) -> bool:
    """``slacalc.X...`` where ``X`` is a layer or front end (not a name the package exports)."""
    parts = name.split(".")
    return len(parts) > 1 and parts[1] in {*ORDER, *FRONT_ENDS, "__main__"}


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def test_every_module_belongs_to_a_known_layer() -> None:
    unknown = [m for m, _ in modules() if layer_of(m) not in ALLOWED]
    assert unknown == []


def test_imports_point_one_way_and_only_the_edges_import_streamlit_altair_openpyxl() -> None:
    found = []
    for module, path in modules():
        source = path.read_text(encoding="utf-8")
        found += violations(module, source, package=path.name == "__init__.py")
    assert found == []


@pytest.mark.parametrize(
    ("module", "source", "culprit"),
    [
        # model: nothing of slacalc but errors and model, not even the package's API.
        ("slacalc.model.money", "from slacalc.io import cells", "slacalc.io"),
        ("slacalc.model.money", "import slacalc", "slacalc"),
        ("slacalc.model.money", "from slacalc import calculate", "slacalc.calculate"),
        ("slacalc.model.money", "def f():\n    from ..engine.sweep import x", "slacalc.engine"),
        # io: never the engine, the report or a front end.
        ("slacalc.io.outages", "import slacalc.engine.sweep", "slacalc.engine.sweep"),
        ("slacalc.io.outages", "from ..report import text", "slacalc.report"),
        ("slacalc.io.outages", "from slacalc import cli", "slacalc.cli"),
        # engine: no front end, no streamlit, openpyxl or altair.
        ("slacalc.engine.calculate", "from slacalc.distributed import f", "slacalc.distributed"),
        ("slacalc.engine.calculate", "from .. import excel", "slacalc.excel"),
        ("slacalc.engine.calculate", "import openpyxl", "openpyxl"),
        ("slacalc.engine.calculate", "def f():\n    import altair as alt", "altair"),
        # report: no front end.
        ("slacalc.report.text", "from ..app import display", "slacalc.app"),
        ("slacalc.report.text", "from slacalc.cli import main", "slacalc.cli"),
        # Only the app imports streamlit and altair; only excel and io import openpyxl.
        ("slacalc.excel.sheets", "import streamlit as st", "streamlit"),
        ("slacalc.cli", "from openpyxl import Workbook", "openpyxl"),
        ("slacalc.distributed", "import streamlit.testing", "streamlit.testing"),
    ],
)
def test_the_checker_names_each_broken_rule(module: str, source: str, culprit: str) -> None:
    found = violations(module, source)
    assert found, f"{module} may not import {culprit}"
    assert all(f.startswith(f"{module}: {culprit}") for f in found), found


def test_relative_imports_in_a_package_init_start_from_that_package() -> None:
    # In slacalc/report/__init__.py, ``..`` is slacalc; in slacalc/report/text.py it is too.
    source = "from ..cli import main"
    assert violations("slacalc.report", source, package=True) == [
        "slacalc.report: slacalc.cli.main"
    ]
    assert violations("slacalc.report.text", source) == ["slacalc.report.text: slacalc.cli.main"]


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("slacalc.model.contract", "from slacalc.errors import ContractError\nfrom . import money"),
        ("slacalc.io.outages", "from ..model.contract import Contract\nimport openpyxl"),
        ("slacalc.engine.sweep", "from slacalc.io.outages import Outages\nimport pandas"),
        ("slacalc.report.text", "from slacalc.engine.results import Results"),
        ("slacalc.app.widgets", "import streamlit\nfrom slacalc.excel import export_excel"),
        ("slacalc.cli", "from slacalc.report import text\nfrom slacalc.excel import export_excel"),
        ("slacalc", "from slacalc.engine.calculate import calculate"),
        ("slacalc.excel._workbook", "def version():\n    import slacalc"),
    ],
)
def test_the_checker_lets_the_allowed_imports_through(module: str, source: str) -> None:
    assert violations(module, source) == []
