"""Truck fleets: vehicle presets resolved to what loads the park's buses."""

from __future__ import annotations

from dataclasses import dataclass

from twin.catalog.converters import ATMOSPHERE
from twin.catalog.technologies import preset
from twin.errors import InputError, Problem
from twin.schema.scenario import Scenario
from twin.units import fuels

DEPOT_CARRIERS = {"electricity", "hydrogen"}


@dataclass(frozen=True)
class FleetSpec:
    id: str
    owner: str
    count: int
    payload_t: float
    distance_km: float
    trip_h: float  # duration of one round trip [h]
    energy_bus: str  # depot bus, or the diesel market
    energy_per_km: float  # in the energy carrier's unit per km
    co2_t_per_unit: float  # CO2 of burning one unit of the energy carrier
    cargo_bus: str | None
    trips_per_day: float
    smart: bool
    co2_bus: str = ATMOSPHERE


def fleet_specs(sc: Scenario, bus_carrier: dict[str, str]) -> list[FleetSpec]:
    """Specs of all fleets; bad references raise InputError naming the fleet."""
    out, problems = [], []
    for f in sc.fleets:
        field = f"fleets[{f.id}]"
        try:
            v = preset("vehicles", f.vehicle)
        except KeyError as exc:
            problems.append(Problem(sc._source, f"{field}.vehicle", str(exc.args[0]), f.id))
            continue
        carrier = v["energy_carrier"]
        bus = _energy_bus(sc, f, carrier, bus_carrier, problems)
        if f.cargo_bus is not None and f.cargo_bus not in bus_carrier:
            problems.append(Problem(sc._source, f"{field}.cargo_bus", f"unknown bus {f.cargo_bus!r}", f.id))
        co2 = fuels()[carrier].co2_t_per_unit if carrier in fuels() else 0.0
        out.append(FleetSpec(f.id, f.owner, f.count, v["payload_t"], f.distance_km,
                             f.distance_km / f.speed_km_h, bus, v["energy_per_km"], co2,
                             f.cargo_bus, f.trips_per_day, f.charging == "smart"))
    if problems:
        raise InputError(problems)
    return out


def _energy_bus(sc, f, carrier: str, bus_carrier: dict[str, str], problems: list[Problem]) -> str:
    """The depot bus of electric and hydrogen trucks; diesel comes from its market."""
    if carrier not in DEPOT_CARRIERS:
        return f.depot_bus or carrier
    if f.depot_bus is None:
        problems.append(Problem(sc._source, f"fleets[{f.id}].depot_bus",
                                f"a {f.vehicle} fleet needs a depot: give depot_bus (a {carrier} bus)", f.id))
        return carrier
    if bus_carrier.get(f.depot_bus) != carrier:
        problems.append(Problem(sc._source, f"fleets[{f.id}].depot_bus",
                                f"bus {f.depot_bus!r} is not a {carrier} bus", f.id))
    return f.depot_bus
