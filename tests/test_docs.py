"""The README tells the truth about what the code produces."""

from __future__ import annotations

import re

from conftest import ROOT, SCENARIOS

import twin


def _section(title: str) -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8").split(f"## {title}", 1)[1].split("\n## ", 1)[0]


def test_every_kpi_is_documented_in_the_readme():
    """Each KPI key any shipped scenario produces has a row in the README's KPI table."""
    documented = set(re.findall(r"`([a-z0-9_]+)`", _section("KPIs")))
    keys: set[str] = set()
    for path in sorted(SCENARIOS.glob("*.yaml")):
        sc = twin.load_scenario(path, overrides={"period": {"start": "2025-07-07", "days": 2}})
        keys |= set(twin.run(sc).kpis)
    assert not keys - documented, sorted(keys - documented)


def test_every_command_is_in_the_readme_command_table_once():
    from twin.cli import _parser

    commands = set(_parser()._subparsers._group_actions[0].choices)
    rows = re.findall(r"^\| `park-twin (\w+)", _section("Command line"), flags=re.M)
    assert sorted(rows) == sorted(commands), (sorted(rows), sorted(commands))
