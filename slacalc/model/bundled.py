"""Where the data shipped with slacalc is: inside the installed package, or in the source checkout.

The wheel carries the repository's top-level ``contracts/`` and ``examples/`` as
``slacalc/_contracts`` and ``slacalc/_examples`` (``[tool.hatch.build.targets.wheel.force-include]``
in pyproject.toml); a checkout has only the top-level folders.
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]


def shipped(folder: str) -> Path:
    """``slacalc/_<folder>`` when installed from a wheel, else the checkout's ``<folder>/``."""
    packaged = _PACKAGE / f"_{folder}"
    return packaged if packaged.is_dir() else _PACKAGE.parent / folder
