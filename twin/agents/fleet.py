"""Fleet agent: plans each day's truck trips and where their energy is drawn."""

from __future__ import annotations

import math

import mesa
import numpy as np

from twin.processes import HOURS_PER_DAY, truck_waves

FIRST_DEPARTURE_H = 8.0  # trucks leave from 08:00 (day shift)
WORKING_HOURS = 16.0  # two shifts: trips must end by 24:00


class FleetAgent(mesa.Agent):
    """Operates one fleet.

    Each morning it counts the cargo waiting (yesterday's offtake from its cargo
    bus, or the tank level where the bus has a store) and sends as many full
    trucks as the fleet can run in two shifts; without a cargo bus it keeps a
    fixed schedule on working days. Each returning wave loads the depot: battery
    trucks charge on return or, with smart charging, in the cheapest hours of the
    next night; fuel-cell trucks refuel on return; diesel is burnt on the road.
    """

    def __init__(self, model: mesa.Model, index: int):
        super().__init__(model)
        self.index = index
        self.spec = model.net.fleets[index]
        self.waiting_t = 0.0  # cargo not yet carried
        self.trips = 0
        self.km = 0.0

    def plan_day(self) -> None:
        """Decide today's trips and start them (a SimPy process)."""
        trips = self._trips_today()
        if trips:
            self.model.env.process(truck_waves(self.model, self.index, trips, FIRST_DEPARTURE_H))

    def _trips_today(self) -> int:
        s, m = self.spec, self.model
        per_truck = max(int(WORKING_HOURS // s.trip_h), 1)
        capacity = s.count * per_truck
        if s.cargo_bus is None:
            working = m.level.mean() > 0.5 if len(m.level) else True
            return min(int(round(s.trips_per_day)) if working else 0, capacity)
        store = m.net.cargo_store[self.index]
        if store >= 0:  # a tank: ship what is in it now (tank-triggered shipments)
            params = m.net.stores[store].params
            return min(int(max(m.soc[store] - params.e_min_mwh, 0.0) // s.payload_t), capacity)
        self.waiting_t += self._cargo_yesterday()
        trips = min(int(self.waiting_t // s.payload_t), capacity)
        self.waiting_t -= trips * s.payload_t
        return trips

    def _cargo_yesterday(self) -> float:
        """Tonnes that left the cargo bus through its offtake during the last settled day."""
        m, port = self.model, self.model.net.cargo_offtake_port[self.index]
        if port < 0 or m.day == 0:
            return 0.0
        block = slice((m.day - 1) * HOURS_PER_DAY, m.day * HOURS_PER_DAY)
        return float(-m.ledger.flows[block, port].sum())

    def departed(self, trucks: int) -> None:
        """Trucks leave: load their cargo from the tank, if they carry from one."""
        if self.model.net.cargo_store[self.index] >= 0:
            hour = min(math.ceil(self.model.env.now), self.model.net.axis.hours - 1)
            self.model.fleet_cargo[hour, self.index] += trucks * self.spec.payload_t

    def arrived(self, trucks: int) -> None:
        """A wave is back: count it, log it, and load the park's buses."""
        s, m = self.spec, self.model
        self.trips += trucks
        self.km += trucks * s.distance_km
        energy = trucks * s.distance_km * s.energy_per_km
        hours = self._energy_hours()
        if len(hours):
            m.fleet_load[hours, self.index] += energy / len(hours)
        m.ledger.log(m.hour, s.id, s.id, "trucks_arrived",
                     f"{trucks} trucks, {trucks * s.payload_t:.0f} t, {trucks * s.distance_km:.0f} km")

    def _energy_hours(self) -> np.ndarray:
        """Hours that carry the energy of a returning wave."""
        m, s = self.model, self.spec
        now = math.ceil(m.env.now)
        end = m.net.axis.hours
        if s.energy_bus == "diesel" or not s.smart:
            back = now - math.ceil(s.trip_h) if s.energy_bus == "diesel" else now
            return np.arange(max(back, 0), min(now + 1, end))
        night = np.arange(now, min(now + HOURS_PER_DAY, end))
        if not len(night):
            return night
        price = m.net.import_price[night]
        return night[price <= price.min() + 1e-9]
