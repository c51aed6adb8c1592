"""Park Twin: a digital twin of an industrial park on its way to zero carbon.

>>> import twin
>>> results = twin.run(twin.load_scenario("scenarios/mini.yaml"))
>>> results.kpis["co2_net_t"]  # doctest: +SKIP
"""

from twin.appraisal.assessment import Assessment, assess
from twin.economics.run import run
from twin.errors import InputError, Problem
from twin.kernel.results import Results
from twin.scenario.load import load_scenario
from twin.schema.scenario import Scenario

__all__ = ["Assessment", "InputError", "Problem", "Results", "Scenario", "assess", "load_scenario", "run"]
