"""CCUS operator: runs a capture unit and stops it when its CO2 tank is full."""

from __future__ import annotations

import mesa

from twin.units import HOURS_PER_DAY

FULL_FRAC = 0.98  # a tank this full cannot take a day's capture


class CCUSOperator(mesa.Agent):
    """Operates one capture unit whose captured CO2 goes to a bus with a tank.

    Each morning it looks at the tank: when the tank is full (the pipeline, if any,
    already takes what it can), capture stops for the day and the stop is reported;
    it resumes once the pipeline or the trucks have made room.
    """

    def __init__(self, model: mesa.Model, unit: int, store: int):
        super().__init__(model)
        self.unit, self.store = unit, store
        self.spec = model.net.converters.specs[unit]
        self.stopped = False

    def _report_overflow(self) -> None:
        """CO2 the full tank could not take yesterday was vented: report it."""
        m = self.model
        if m.day == 0:
            return
        port = m.net.slack[m.net.stores[self.store].bus].surplus_port  # every bus has one
        vented = -float(m.ledger.flows[(m.day - 1) * HOURS_PER_DAY:m.day * HOURS_PER_DAY, port].sum())
        if vented > 1e-6:
            m.ledger.log(m.hour, m.net.stores[self.store].id, self.spec.owner, "tank_overflow",
                         f"{vented:.1f} t CO2 vented yesterday: tank full")

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
                    cls(model, u, tank_bus[b])

    def plan_day(self) -> None:
        """Report yesterday's overflow; stop capture for the day when the tank is full."""
        m = self.model
        self._report_overflow()
        params = m.net.stores[self.store].params
        full = m.soc[self.store] >= params.e_min_mwh + FULL_FRAC * (params.e_max_mwh - params.e_min_mwh)
        stop = bool(full)
        if stop != self.stopped:
            event = "capture_stopped" if stop else "capture_resumed"
            detail = "CO2 tank full" if stop else "room in the CO2 tank"
            m.ledger.log(m.hour, self.spec.id, self.spec.owner, event, detail)
            self.stopped = stop
        if stop:
            day = slice(m.day * HOURS_PER_DAY, (m.day + 1) * HOURS_PER_DAY)
            m.conv_avail[day, self.unit] = 0.0
