"""Shared fixtures: paths to the project, its scenarios and the real data beside it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real data folder (../shared/data); tests needing it skip where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent")
    return SHARED_DATA


@pytest.fixture
def write_scenario(tmp_path):
    """Write a scenario mapping as YAML in a temporary folder and return its path."""

    def write(data: dict, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    return write


def mini_dict() -> dict:
    """The shipped one-week mini scenario as a mapping (to vary in tests)."""
    return yaml.safe_load((SCENARIOS / "mini.yaml").read_text(encoding="utf-8"))
