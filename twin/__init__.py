"""Park Twin: a digital twin of an industrial park on its way to zero carbon.

>>> import twin
>>> results = twin.run(twin.load_scenario("scenarios/mini.yaml"))
>>> results.kpis["co2_net_t"]  # doctest: +SKIP

The public face is imported on first use (PEP 562), so that ``import twin`` and
``park-twin --help`` stay fast: the simulation pulls in pandas, pvlib, mesa and simpy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from twin.errors import InputError, Problem

if TYPE_CHECKING:
    from twin.appraisal.assessment import Assessment, assess
    from twin.economics.run import run
    from twin.kernel.results import Results
    from twin.scenario.load import load_scenario
    from twin.schema.scenario import Scenario

_LAZY = {
    "Assessment": "twin.appraisal.assessment", "assess": "twin.appraisal.assessment",
    "run": "twin.economics.run", "Results": "twin.kernel.results",
    "load_scenario": "twin.scenario.load", "Scenario": "twin.schema.scenario",
}

__all__ = ["Assessment", "InputError", "Problem", "Results", "Scenario", "assess", "load_scenario", "run"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value  # import once
        return value
    raise AttributeError(f"module 'twin' has no attribute {name!r}")
