"""The setuptools package list is explicit: a new package left out of it is missing from `pip install .`."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_python_package_is_listed_in_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    listed = set(pyproject["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("portal", "knowledge_base", "linker")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert found - listed == set()
