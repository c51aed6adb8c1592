"""Simulate a scenario: compile the network, run the ParkModel, collect Results with physical KPIs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from twin.kernel.kpis import compute_kpis
from twin.kernel.ledger import Ledger
from twin.kernel.model import ParkModel
from twin.kernel.results import EVENT_COLUMNS, Results
from twin.network.compile import Network, compile_network
from twin.schema.scenario import Scenario


def simulate(scenario: Scenario, seed: int | None = None) -> Results:
    """Simulate a scenario's period hour by hour; the KPIs are the physical ones.

    ``twin.run`` (:func:`twin.economics.run.run`) adds the money KPIs.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (:func:`twin.load_scenario`).
    seed : int, optional
        Overrides the scenario's seed.
    """
    return simulation(scenario, seed).results


@dataclass
class Simulation:
    """A run with the compiled network and the model behind it (availability, agents)."""

    results: Results
    net: Network
    model: ParkModel


def simulation(scenario: Scenario, seed: int | None = None) -> Simulation:
    """:func:`simulate`, keeping the network and the model for tools that read them (the yardstick)."""
    if seed is not None:
        scenario = scenario.model_copy(update={"seed": seed})
    net = compile_network(scenario)
    model = ParkModel(net, seed=scenario.seed, failures_on=scenario.reliability.failures)
    ledger = model.run()
    results = _results(scenario, net, ledger)
    results.daily = model.daily_frame(net.axis.period[::24].date)
    results.kpis = compute_kpis(results)
    return Simulation(results, net, model)


def _results(sc: Scenario, net: Network, ledger: Ledger) -> Results:
    index = net.axis.period
    hours = np.minimum([e.hour for e in ledger.events], len(index) - 1).astype(int)
    events = pd.DataFrame({
        "time": index[hours], "asset": [e.asset for e in ledger.events],
        "agent": [e.agent for e in ledger.events], "event": [e.event for e in ledger.events],
        "detail": [e.detail for e in ledger.events]}, columns=EVENT_COLUMNS)
    p = net.ports
    return Results(
        scenario=sc, index=index, port_names=list(p.names),
        port_bus=np.array([net.bus_ids[b] for b in p.bus], dtype=object),
        port_role=np.array(p.role, dtype=object),
        port_carrier=np.array([net.bus_carrier[b] for b in p.bus], dtype=object),
        flows=ledger.flows, store_ids=[s.id for s in net.stores], soc_mwh=ledger.soc_mwh,
        soc0_mwh=np.array([s.soc0 for s in net.stores]), events=events,
        import_price=net.import_price, fuel_price=net.fuel_price,
        fleet_energy_per_km=np.array([f.energy_per_km for f in net.fleets]),
        fleet_ids=[f.id for f in net.fleets])
