"""The layout shows the architecture (docs/architecture.md).

The import rules themselves (layer order, no cycles, who may import mesa, simpy,
pydantic, streamlit) are import-linter contracts in pyproject.toml, checked by
``lint-imports`` in ``make test``. What import-linter cannot say is checked here.
"""

from __future__ import annotations

import ast

import pytest
from conftest import ROOT

TWIN = ROOT / "twin"
PACKAGES = sorted(p.parent.name for p in TWIN.glob("*/__init__.py") if p.parent.name != "data")


def test_top_level_holds_only_cross_cutting_modules():
    modules = {p.stem for p in TWIN.glob("*.py")}
    assert modules == {"__init__", "cli", "errors", "files", "units"}


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_says_what_it_holds_and_may_import(package):
    doc = ast.get_docstring(ast.parse((TWIN / package / "__init__.py").read_text(encoding="utf-8")))
    assert doc and "Holds:" in doc and "May import:" in doc, package


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_is_a_layer_contract(package):
    """A new package must be placed in the layer order, or the contracts ignore it."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    layers = text.split("containers = [\"twin\"]", 1)[1].split("]", 1)[0]
    assert f'"{package}"' in layers or f" {package} " in layers or f'| {package}' in layers, package


@pytest.mark.parametrize("package", [p for p in PACKAGES if p != "kernel"])
def test_every_package_but_the_kernel_is_kept_from_mesa_and_simpy(package):
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    sources = text.split('name = "only the kernel imports mesa and simpy"', 1)[1].split("forbidden_modules", 1)[0]
    assert f'"twin.{package}"' in sources, package
