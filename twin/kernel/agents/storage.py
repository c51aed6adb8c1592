"""Storage operator agent: decides each day how its store charges and discharges."""

from __future__ import annotations

import mesa
import numpy as np

from twin.physics.storage import STRATEGIES, DayContext


class StorageOperator(mesa.Agent):
    """Operates one store with a dispatch strategy (a plug-in from STRATEGIES).

    Once a day, when the settlement reaches its bus, it sees the day's remaining
    deficit on the bus and the tariff, and returns the power it asks of its
    store for every hour of the day; the physics enforces the limits.
    """

    def __init__(self, model: mesa.Model, store_id: str, strategy: str):
        super().__init__(model)
        self.store_id = store_id
        self.strategy = STRATEGIES[strategy]

    def plan(self, ctx: DayContext) -> np.ndarray:
        """Requested power for each hour of the day (+ discharge, - charge) [MW]."""
        return self.strategy(ctx)
