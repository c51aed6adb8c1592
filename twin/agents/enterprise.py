"""Enterprise agent: plans each day's production level from its working calendar."""

from __future__ import annotations

import mesa
import numpy as np

SHUTDOWN = "spring_festival"


class EnterpriseAgent(mesa.Agent):
    """An enterprise of the park.

    Each day it sets its production level (fraction of full production) for the
    day: 1 on working days, its weekend, holiday or Spring Festival level
    otherwise. The level scales the production part of its demand; base load
    and space heat run regardless. It reports when its shutdown starts and ends.
    """

    def __init__(self, model: mesa.Model, index: int, enterprise_id: str,
                 planned_level: np.ndarray, day_kind: np.ndarray):
        super().__init__(model)
        self.index = index
        self.enterprise_id = enterprise_id
        self.planned_level = planned_level  # [days of year]
        self.day_kind = day_kind  # [days of year]
        self.level = 1.0

    def plan_day(self) -> None:
        """Decide today's production level and write it into the model's plan."""
        d = self.model.day_of_year
        self.level = float(self.planned_level[d])
        self.model.level[self.index] = self.level
        kind, before = self.day_kind[d], self.day_kind[d - 1] if d > 0 else None
        if kind == SHUTDOWN and before != SHUTDOWN:
            self._log("shutdown_start", f"Spring Festival shutdown, production level {self.level:.2f}")
        elif kind != SHUTDOWN and before == SHUTDOWN and self.model.day > 0:
            self._log("shutdown_end", "production resumes after Spring Festival")

    def _log(self, event: str, detail: str) -> None:
        self.model.ledger.log(self.model.hour, self.enterprise_id, self.enterprise_id, event, detail)
