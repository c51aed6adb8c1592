"""``park-twin workshop`` is a plugin command; twin never imports the workshop, and the
workshop's engine, store and round logic run without Streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

from twin.cli import main

SCREENLESS = ["activities.py", "engine.py", "rounds.py", "security.py", "exports.py", "charts.py", "i18n.py",
              "store/models.py", "store/db.py", "store/repo.py"]


def _roots(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_twin_never_imports_workshop():
    for path in (ROOT / "twin").rglob("*.py"):
        assert "workshop" not in _roots(path), path


@pytest.mark.parametrize("name", SCREENLESS)
def test_workshop_core_runs_without_streamlit(name):
    assert "streamlit" not in _roots(ROOT / "workshop" / name)


def test_workshop_command_is_registered(capsys):
    with pytest.raises(SystemExit) as done:
        main(["workshop", "--help"])
    assert done.value.code == 0 and "--db URL" in capsys.readouterr().out


def test_bad_database_url_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PARK_TWIN_WORKSHOP_DATA", str(tmp_path))
    assert main(["workshop", "--db", "nosuchdriver://nowhere/db", "--data", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
