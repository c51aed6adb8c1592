"""ParkModel: where Mesa (who decides) and SimPy (when) meet."""

from __future__ import annotations

import mesa
import numpy as np
import simpy

from twin.agents import EnterpriseAgent, StorageOperator
from twin.ledger import Ledger
from twin.network import Network
from twin.physics.storage import DayContext
from twin.processes import daily_settlement


class ParkModel(mesa.Model):
    """The park: enterprise and storage-operator agents on a compiled network.

    SimPy's environment is the only clock (hours from the period start); one
    Mesa step is one day of planning.
    """

    def __init__(self, net: Network, seed: int):
        super().__init__(seed=seed)
        self.net = net
        self.env = simpy.Environment()
        n_ports = len(net.ports.names)
        self.ledger = Ledger.empty(net.axis.hours, n_ports, len(net.stores))
        self.level = np.ones(len(net.el_ports))
        self.conv_avail = np.ones(len(net.converters.ids))
        self.soc_mwh = np.array([s.soc0_mwh for s in net.stores])
        self.day = 0
        days = net.demand.planned_level
        for i, eid in enumerate(_enterprise_ids(net)):
            EnterpriseAgent(self, i, eid, days[:, i], net.demand.day_kind[:, i])
        self.operators = [StorageOperator(self, s.id, s.strategy) for s in net.stores]
        self.env.process(daily_settlement(self))

    @property
    def hour(self) -> int:
        """Current hour of the simulated period (SimPy time)."""
        return int(self.env.now)

    @property
    def day_of_year(self) -> int:
        """Index of the current day in the calendar year."""
        return self.net.axis.start_h // 24 + self.day

    def step(self) -> None:
        """One day of planning: every enterprise sets its production level."""
        if EnterpriseAgent in self.agents_by_type:
            self.agents_by_type[EnterpriseAgent].do("plan_day")

    def plan_storage(self, store: int, ctx: DayContext) -> np.ndarray:
        """Ask the operator of ``store`` for its day's power requests."""
        return self.operators[store].plan(ctx)

    def run(self) -> Ledger:
        """Simulate the whole period and return the ledger."""
        self.env.run(until=self.net.axis.hours)
        return self.ledger


def _enterprise_ids(net: Network) -> list[str]:
    return [net.ports.asset[p] for p in net.el_ports]
