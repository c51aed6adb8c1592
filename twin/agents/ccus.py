"""CCUS operator: runs a capture unit and stops it when its CO2 tank is full."""

from __future__ import annotations

import mesa

from twin.processes import HOURS_PER_DAY

FULL_FRAC = 0.98  # a tank this full cannot take a day's capture


class CCUSOperator(mesa.Agent):
    """Operates one capture unit whose captured CO2 goes to a bus with a tank.

    Each morning it looks at the tank: when the tank is full and nothing takes
    CO2 away continuously (no pipeline), capture stops for the day and the stop is
    reported; it resumes once trucks have made room.
    """

    def __init__(self, model: mesa.Model, unit: int, store: int, has_pipeline: bool):
        super().__init__(model)
        self.unit, self.store, self.has_pipeline = unit, store, has_pipeline
        self.spec = model.net.converters.specs[unit]
        self.stopped = False

    @classmethod
    def for_network(cls, model: mesa.Model) -> None:
        """One operator per absorbing unit that sends CO2 to a bus with a store."""
        net = model.net
        tank_bus = {s.bus: i for i, s in enumerate(net.stores)}
        for u, spec in enumerate(net.converters.specs):
            if spec.mode > 0 or net.bus_carrier[net.bus_ids.index(spec.ref_bus)] != "co2":
                continue
            for p in spec.ports:
                b = net.bus_ids.index(p.bus)
                if p.coef > 0 and net.bus_carrier[b] == "co2" and b in tank_bus:
                    cls(model, u, tank_bus[b], net.slack[b].export_port >= 0)

    def plan_day(self) -> None:
        """Stop capture for the day when the tank is full, restart when there is room."""
        m = self.model
        params = m.net.stores[self.store].params
        full = m.soc[self.store] >= params.e_min_mwh + FULL_FRAC * (params.e_max_mwh - params.e_min_mwh)
        stop = full and not self.has_pipeline
        if stop != self.stopped:
            event = "capture_stopped" if stop else "capture_resumed"
            detail = "CO2 tank full" if stop else "room in the CO2 tank"
            m.ledger.log(m.hour, self.spec.id, self.spec.owner, event, detail)
            self.stopped = stop
        if stop:
            day = slice(m.day * HOURS_PER_DAY, (m.day + 1) * HOURS_PER_DAY)
            m.conv_avail[day, self.unit] = 0.0
