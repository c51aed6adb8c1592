"""Park Twin: a digital twin of an industrial park on its way to zero carbon.

>>> import twin
>>> results = twin.run(twin.load_scenario("scenarios/mini.yaml"))
>>> results.kpis["co2_net_t"]  # doctest: +SKIP
"""

from twin.assessment import Assessment, assess
from twin.errors import InputError, Problem
from twin.results import Results
from twin.scenario import load_scenario
from twin.schema import Scenario
from twin.simulation import run

__all__ = ["Assessment", "InputError", "Problem", "Results", "Scenario", "assess", "load_scenario", "run"]
