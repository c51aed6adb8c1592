"""Enterprise agent: plans each day's production level from its working calendar."""

from __future__ import annotations

import mesa
import numpy as np

SHUTDOWN = "spring_festival"
WORKING = "workday"


class EnterpriseAgent(mesa.Agent):
    """An enterprise of the park.

    Each day it sets its production level (fraction of full production): 1 on
    working days, its weekend, holiday or Spring Festival level otherwise, 0 on
    maintenance days. The level scales production, its electricity and heat, and
    the material flows per tonne (process CO2, waste, water, waste heat). On
    working days it moves its flexible electricity out of the dearest tariff
    hours. It reports when its Spring Festival shutdown starts and ends, and
    when its size changes (a dated capacity change of its calendar).
    """

    def __init__(self, model: mesa.Model, index: int, enterprise_id: str,
                 planned_level: np.ndarray, day_kind: np.ndarray, flexible_frac: float,
                 capacity: np.ndarray):
        super().__init__(model)
        self.index = index
        self.enterprise_id = enterprise_id
        self.planned_level = planned_level  # [days of year]
        self.day_kind = day_kind  # [days of year]
        self.flexible_frac = flexible_frac
        self.capacity = capacity  # size relative to the start of the year [days of year]

    def plan_day(self) -> None:
        """Decide today's production level and flexibility; write them into the plan."""
        d = self.model.day_of_year
        kind = self.day_kind[d]
        self.model.level[self.index] = float(self.planned_level[d])
        self.model.flex[self.index] = self.flexible_frac if kind == WORKING else 0.0
        before = self.day_kind[d - 1] if d > 0 else None
        if kind == SHUTDOWN and before != SHUTDOWN:
            self._log("shutdown_start", f"Spring Festival shutdown, production level {self.planned_level[d]:.2f}")
        elif kind != SHUTDOWN and before == SHUTDOWN and self.model.day > 0:
            self._log("shutdown_end", "production resumes after Spring Festival")
        elif kind == "maintenance" and before != "maintenance":
            self._log("maintenance_start", "planned maintenance: production stops")
        if d > 0 and self.capacity[d] != self.capacity[d - 1]:
            self._log("capacity_change", f"size changes to {self.capacity[d]:.2f} of the start of the year")

    def _log(self, event: str, detail: str) -> None:
        self.model.ledger.log(self.model.hour, self.enterprise_id, self.enterprise_id, event, detail)
