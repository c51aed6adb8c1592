"""Imports flow one way: physics, ledger and dispatch know nothing of mesa, simpy, pydantic, streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

PURE = [*sorted((ROOT / "twin" / "physics").glob("*.py")), ROOT / "twin" / "ledger.py", ROOT / "twin" / "dispatch.py"]
FORBIDDEN = {"mesa", "simpy", "pydantic", "streamlit"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", PURE, ids=lambda p: p.name)
def test_pure_modules_import_no_framework(path):
    assert not imported_roots(path) & FORBIDDEN


def test_only_model_and_agents_import_mesa():
    users = {p.relative_to(ROOT).as_posix() for p in (ROOT / "twin").rglob("*.py") if "mesa" in imported_roots(p)}
    assert all(u == "twin/model.py" or u.startswith("twin/agents/") for u in users), users


def test_twin_never_imports_calibration_or_streamlit():
    for path in (ROOT / "twin").rglob("*.py"):
        assert not imported_roots(path) & {"calibration", "streamlit"}, path
