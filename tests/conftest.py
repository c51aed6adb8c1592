"""Shared fixtures: paths to the project, its scenarios and the real data beside it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
# under mutmut the tests run from a copy in <repo>/mutants; the real data sits beside the repo
SHARED_DATA = (ROOT.parent if ROOT.name == "mutants" else ROOT).parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _fresh_caches_under_mutmut():
    """Empty the twin's in-memory caches before every test when mutmut runs.

    A cached result (calendar blocks, PV and weather inputs, factor tables) is served
    without calling the function again. mutmut maps each function to the tests that
    call it in one session: with the caches kept, a test that only reads a cached
    result is not mapped, is never run against that function's mutants, and they
    "survive" untested. Mutant runs fork from a process that has already run tests,
    with the same effect.
    """
    if "MUTANT_UNDER_TEST" in os.environ:
        _clear_caches()


def _clear_caches() -> None:
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] not in ("twin", "calibration"):
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
    inputs = sys.modules.get("twin.network.inputs")
    if inputs is not None:
        inputs._CACHE.clear()


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
