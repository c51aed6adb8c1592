"""The public run: simulate a scenario (kernel) and price it (bills).

:func:`run` is ``twin.run``. The kernel knows flows and physical KPIs; the money KPIs
(``energy_cost_cny`` and its parts) are added here, one layer up, so the kernel never
imports economics.
"""

from __future__ import annotations

from twin.economics.bills import cost_kpis
from twin.kernel.results import Results
from twin.kernel.simulation import simulate
from twin.schema.scenario import Scenario


def run(scenario: Scenario, seed: int | None = None) -> Results:
    """Simulate a scenario's period hour by hour, with its physical and money KPIs.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (:func:`twin.load_scenario`).
    seed : int, optional
        Overrides the scenario's seed.
    """
    results = simulate(scenario, seed)
    results.kpis.update(cost_kpis(results))
    return results
