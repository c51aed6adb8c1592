"""Storage operator agent: decides each day how its store charges and discharges."""

from __future__ import annotations

from dataclasses import replace

import mesa
import numpy as np

from twin.physics.storage import DayContext
from twin.physics.strategies import STRATEGIES
from twin.units import HOURS_PER_DAY


class StorageOperator(mesa.Agent):
    """Operates one store with a dispatch strategy (a plug-in from STRATEGIES).

    Once a day, when the settlement reaches its bus, it sees the day's remaining
    deficit on the bus, the tariff and the month's highest import so far on the
    bus (from the ledger), and returns the power it asks of its store for every
    hour of the day; the physics enforces the limits.
    """

    def __init__(self, model: mesa.Model, store: int, strategy: str):
        super().__init__(model)
        net = model.net
        self.strategy = STRATEGIES[strategy]
        slack = net.slack[net.stores[store].bus]
        self.import_port, self.peak_cny_per_mw = slack.import_port, slack.peak_cny_per_mw
        month = net.axis.period.month.to_numpy()
        # first hour of each hour's month within the period
        first = np.r_[True, month[1:] != month[:-1]]
        self.month_start = np.maximum.accumulate(np.where(first, np.arange(len(month)), 0))

    def plan(self, ctx: DayContext) -> np.ndarray:
        """Requested power for each hour of the day (+ discharge, - charge) [MW]."""
        if self.peak_cny_per_mw > 0 and self.import_port >= 0:
            now = self.model.day * HOURS_PER_DAY  # the first hour of the block being settled
            seen = self.model.ledger.flows[self.month_start[now]:now, self.import_port]
            ctx = replace(ctx, peak_mw=float(seen.max(initial=0.0)), peak_cny_per_mw=self.peak_cny_per_mw)
        return self.strategy(ctx)
