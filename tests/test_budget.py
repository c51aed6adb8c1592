"""Issue 14, finding 3: app runs go in a child process with a time and a memory budget."""

from __future__ import annotations

import time

import numpy as np
import pytest
from conftest import mini_dict

from parkapp.budget import OverBudget, Simulated, run_and_assess, within_budget
from parkapp.scenarios import canonical
from twin.errors import InputError


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


def _allocate(gb: float) -> int:
    return int(np.ones(int(gb * 2**30 / 8)).sum())


def _refuse() -> None:
    from twin.errors import Problem

    raise InputError(Problem("x.yaml", "grid", "bad"))


def test_a_run_over_its_time_is_stopped():
    assert within_budget(_sleep, 0) == "done"  # the fork server is up (it imports twin once)
    started = time.perf_counter()
    with pytest.raises(OverBudget) as info:
        within_budget(_sleep, 30, seconds=1.0)
    assert info.value.kind == "time" and time.perf_counter() - started < 10


def test_a_run_over_its_memory_is_stopped():
    with pytest.raises(OverBudget) as info:
        within_budget(_allocate, 4.0, memory_bytes=2 * 2**30)
    assert info.value.kind == "memory"


def test_input_errors_come_back_as_they_are():
    with pytest.raises(InputError, match="x.yaml: grid: bad"):
        within_budget(_refuse)


def test_a_scenario_runs_and_is_assessed_in_its_process():
    raw = mini_dict()
    done = within_budget(run_and_assess, canonical(raw), "mini.yaml", "shipped", None)
    assert isinstance(done, Simulated) and done.results.kpis["electricity_demand_mwh"] > 0
