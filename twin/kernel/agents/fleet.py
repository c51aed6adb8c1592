"""Fleet agent: plans each day's truck trips and where their energy is drawn."""

from __future__ import annotations

import math

import mesa
import numpy as np

from twin.units import HOURS_PER_DAY

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
        self.trips_today = 0

    def plan_day(self) -> None:
        """Decide today's trips (the fleet's SimPy process runs them) and their energy."""
        self.trips_today = self._trips_today()
        if self.trips_today:
            self._load_energy(self.trips_today)

    def _trips_today(self) -> int:
        s, m = self.spec, self.model
        per_truck = max(int(WORKING_HOURS // s.trip_h), 1)
        capacity = s.count * per_truck
        if s.cargo_bus is None:
            working = m.level.mean() > 0.5 if len(m.level) else True
            return min(int(round(s.trips_per_day)) if working else 0, capacity)
        store = m.net.cargo_store[self.index]
        if store >= 0:  # a tank: ship what is in it now (tank-triggered shipments), loading
            params = m.net.stores[store].params  # no faster than the tank can deliver
            loadable = min(m.soc[store] - params.e_min_mwh, params.p_max_mw * WORKING_HOURS)
            return min(int(max(loadable, 0.0) // s.payload_t), capacity)
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

    def departed(self, trips: int) -> None:
        """Trucks leave: load the day's cargo from the tank over the working hours."""
        m = self.model
        if m.net.cargo_store[self.index] >= 0:
            start = math.ceil(m.env.now)
            hours = np.arange(start, min(start + int(WORKING_HOURS), m.net.axis.hours))
            if len(hours):
                m.fleet_cargo[hours, self.index] += trips * self.spec.payload_t / len(hours)

    def arrived(self, trips: int, waves: int) -> None:
        """The day's last wave is back: report the day's trips."""
        s, m = self.spec, self.model
        m.ledger.log(m.hour, s.id, s.owner, "trucks_arrived",
                     f"{trips} trips in {waves} waves, {trips * s.payload_t:.0f} t, {trips * s.distance_km:.0f} km")

    def _load_energy(self, trips: int) -> None:
        """Write the day's fuel, charging or refuelling into the fleet's hourly load."""
        m, s = self.model, self.spec
        start = m.day * HOURS_PER_DAY + int(FIRST_DEPARTURE_H)
        waves = math.ceil(trips / s.count)
        back = min(start + math.ceil(waves * s.trip_h), m.net.axis.hours)
        if s.energy_bus == "diesel":  # burnt on the road
            hours = np.arange(start, max(back, start + 1))
        elif s.smart:  # the cheapest hours of the following night
            night = np.arange(back, min(back + HOURS_PER_DAY, m.net.axis.hours))
            price = m.net.import_price[night]
            hours = night[price <= price.min() + 1e-9] if len(night) else night
        else:  # on return
            hours = np.arange(back, min(back + 2, m.net.axis.hours))
        hours = hours[hours < m.net.axis.hours]
        if not len(hours):  # the period ends first: account it in its last hour
            hours = np.array([m.net.axis.hours - 1])
        if len(hours):
            m.fleet_load[hours, self.index] += trips * s.distance_km * s.energy_per_km / len(hours)
