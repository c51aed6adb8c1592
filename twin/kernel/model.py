"""ParkModel: where Mesa (who decides) and SimPy (when) meet."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import simpy

from twin.kernel.agents import CCUSOperator, EnterpriseAgent, FleetAgent, StorageOperator
from twin.kernel.agents.fleet import FIRST_DEPARTURE_H
from twin.kernel.ledger import Ledger
from twin.kernel.processes import daily_cycle, failures, fleet_days, maintenance
from twin.network.compile import Network
from twin.physics.storage import DayContext
from twin.units import HOURS_PER_DAY


class ParkModel(mesa.Model):
    """The park: enterprise, storage, CCUS and fleet agents on a compiled network.

    SimPy's environment is the only clock (hours from the period start); one
    Mesa step is one day of planning.
    """

    def __init__(self, net: Network, seed: int, failures_on: bool = True):
        super().__init__(seed=seed)
        self.net, self.seed = net, seed
        self.env = simpy.Environment()
        hours = net.axis.hours
        self.ledger = Ledger.empty(hours, len(net.ports.names), len(net.stores))
        self.level = np.ones(len(net.el_ports))
        self.flex = np.zeros(len(net.el_ports))
        self.conv_avail = np.ones((hours, len(net.converters.specs)))
        self.source_avail = np.ones((hours, len(net.source_ids)))
        self.store_avail = np.ones((hours, len(net.stores)))
        self.fleet_load = np.zeros((hours, len(net.fleets)))
        self.fleet_cargo = np.zeros((hours, len(net.fleets)))
        self.soc = np.array([s.soc0 for s in net.stores])
        self.day = 0
        self.day_of_year = net.axis.start_h // HOURS_PER_DAY  # index of today in the calendar year
        days = hours // HOURS_PER_DAY
        self.level_log = np.zeros((days, len(net.el_ports)))  # the agents' daily decisions
        self.trips_log = np.zeros((days, len(net.fleets)))
        self._make_agents(net)
        self._make_events(net, failures_on)
        self.cycle = self.env.process(daily_cycle(self))

    def _make_agents(self, net: Network) -> None:
        demand = net.demand
        for i, eid in enumerate(net.enterprise_ids):
            EnterpriseAgent(self, i, eid, demand.planned_level[:, i], demand.day_kind[:, i],
                            demand.flexible_frac[i], demand.capacity[:, i])
        self.operators = [StorageOperator(self, i, s.strategy) for i, s in enumerate(net.stores)]
        self.fleet_agents = [FleetAgent(self, i) for i in range(len(net.fleets))]
        for i in range(len(net.fleets)):
            self.env.process(fleet_days(self, i, FIRST_DEPARTURE_H))
        CCUSOperator.for_network(self)

    def _make_events(self, net: Network, failures_on: bool) -> None:
        """Failure and maintenance processes of every asset that has them."""
        for avail, col, spec in _reliable(net):
            if failures_on and spec.mtbf_h and spec.mttr_h:
                self.env.process(failures(self, avail(self), col, spec.id, spec.mtbf_h, spec.mttr_h))
            for window in net.maintenance.get(spec.id, []):
                start_h = (window.start - net.axis.period[0].date()).days * HOURS_PER_DAY
                self.env.process(maintenance(self, avail(self), col, spec.id, start_h, window.days))

    @property
    def hour(self) -> int:
        """Current hour of the simulated period (SimPy time)."""
        return int(self.env.now)

    def step(self) -> None:
        """One day of planning: each kind of agent decides in turn."""
        for kind in (EnterpriseAgent, CCUSOperator, FleetAgent):
            if kind in self.agents_by_type:
                self.agents_by_type[kind].do("plan_day")

    def record_day(self) -> None:
        """Keep today's decisions: production levels and truck trips."""
        self.level_log[self.day] = self.level
        for i, agent in enumerate(self.fleet_agents):
            self.trips_log[self.day, i] = agent.trips_today

    def plan_storage(self, store: int, ctx: DayContext) -> np.ndarray:
        """Ask the operator of ``store`` for its day's power requests."""
        return self.operators[store].plan(ctx)

    def run(self) -> Ledger:
        """Simulate the whole period and return the ledger."""
        try:
            self.env.run(until=self.cycle)
        finally:
            # Mesa < 3.4 keeps every model alive in a class-level id counter (mesa issue
            # #3179, fixed by PR #3180); calibration and sweeps build thousands of models,
            # so let this one go, whether the run finished or failed.
            mesa.Agent._ids.pop(self, None)
        return self.ledger

    def daily_frame(self, dates) -> pd.DataFrame:
        """The agents' daily decisions: production level per enterprise, trips per fleet."""
        cols = {f"{e}.level": self.level_log[:, i] for i, e in enumerate(self.net.enterprise_ids)}
        cols |= {f"{f.id}.trips": self.trips_log[:, i] for i, f in enumerate(self.net.fleets)}
        return pd.DataFrame(cols, index=pd.Index(dates, name="date"))


def _reliable(net: Network):
    """(availability getter, column, spec) of converters and stores."""
    for u, spec in enumerate(net.converters.specs):
        yield (lambda m: m.conv_avail), u, spec
    for s, spec in enumerate(net.store_specs):
        yield (lambda m: m.store_avail), s, spec
