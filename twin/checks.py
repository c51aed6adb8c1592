"""Cross-reference checks of a validated scenario (ids, buses, owners, data keys)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from twin.errors import Problem
from twin.factors import grid_factor_exists
from twin.schema import Scenario
from twin.sectors import sector_names
from twin.tariffs import tariff_names
from twin.units import carriers, fuels

# Ids the kernel uses for slack ports; assets and enterprises may not take them.
RESERVED_IDS = {"park", "grid_import", "grid_export", "curtailment", "unserved", "dump", "market"}

# Bus carrier each asset port needs: (attribute holding the bus id, carrier).
PORT_CARRIERS = {
    "pv": [("bus", "electricity")],
    "wind": [("bus", "electricity")],
    "battery": [("bus", "electricity")],
    "boiler": [("bus", "heat")],
    "heat_pump": [("bus", "heat"), ("el_bus", "electricity")],
}


def check_references(sc: Scenario, source: str) -> list[Problem]:
    """All cross-reference problems of a scenario (empty when consistent)."""
    return [
        *_ids(sc, source), *_buses(sc, source), *_owners(sc, source),
        *_data_keys(sc, source), *_period(sc, source),
    ]


def _ids(sc: Scenario, source: str) -> list[Problem]:
    out = []
    ids = [e.id for e in sc.enterprises] + [a.id for a in sc.assets]
    for name, count in Counter(ids).items():
        if count > 1:
            out.append(Problem(source, "id", f"duplicate id {name!r} ({count} times)", name))
        if name in RESERVED_IDS:
            out.append(Problem(source, "id", f"id {name!r} is reserved", name))
    for name, count in Counter(b.id for b in sc.buses).items():
        if count > 1:
            out.append(Problem(source, "buses", f"duplicate bus id {name!r}", name))
    return out


def _bus_problem(sc, source, field, bus, want, item_id) -> Problem | None:
    kinds = {b.id: b.carrier for b in sc.buses}
    if bus not in kinds:
        return Problem(source, field, f"unknown bus {bus!r} (buses: {', '.join(kinds)})", item_id)
    if kinds[bus] != want:
        return Problem(source, field, f"bus {bus!r} carries {kinds[bus]}, expected {want}", item_id)
    return None


def _buses(sc: Scenario, source: str) -> list[Problem]:
    checks = [("grid.bus", sc.grid.bus, "electricity", None)]
    for e in sc.enterprises:
        checks.append((f"enterprises[{e.id}].el_bus", e.el_bus, "electricity", e.id))
        if e.heat_bus is not None:
            checks.append((f"enterprises[{e.id}].heat_bus", e.heat_bus, "heat", e.id))
    for a in sc.assets:
        for attr, want in PORT_CARRIERS[a.type]:
            checks.append((f"assets[{a.id}].{attr}", getattr(a, attr), want, a.id))
        if a.type == "boiler" and a.fuel_bus is not None:
            want = "electricity" if a.fuel == "electricity" else a.fuel
            checks.append((f"assets[{a.id}].fuel_bus", a.fuel_bus, want, a.id))
    out = [_bus_problem(sc, source, *c) for c in checks]
    out += [Problem(source, f"enterprises[{e.id}].heat_bus",
                    "heat demand is given but heat_bus is null", e.id)
            for e in sc.enterprises if e.heat_bus is None and e.demand.heat_mwh > 0]
    return [p for p in out if p is not None]


def _owners(sc: Scenario, source: str) -> list[Problem]:
    known = {"park"} | {e.id for e in sc.enterprises}
    return [Problem(source, f"assets[{a.id}].owner", f"unknown owner {a.owner!r} (an enterprise id or 'park')", a.id)
            for a in sc.assets if a.owner not in known]


def _data_keys(sc: Scenario, source: str) -> list[Problem]:
    out = []
    sectors = sector_names()
    for e in sc.enterprises:
        if e.sector not in sectors:
            out.append(Problem(source, f"enterprises[{e.id}].sector",
                               f"unknown sector {e.sector!r} (known: {', '.join(sectors)})", e.id))
    if isinstance(sc.grid.tariff, str) and sc.grid.tariff not in tariff_names():
        out.append(Problem(source, "grid.tariff", f"unknown tariff {sc.grid.tariff!r} (shipped: {', '.join(tariff_names())})"))
    ef = sc.grid.emission_factor
    if ef.t_co2_per_mwh is None and not grid_factor_exists(ef.basis, ef.region, ef.year):
        out.append(Problem(source, "grid.emission_factor",
                           f"no {ef.basis} factor for region {ef.region!r} in {ef.year} (see twin/data/grid_factors.csv)"))
    for carrier in sc.fuel_price_cny_per_unit:
        if carrier not in fuels():
            out.append(Problem(source, f"fuel_price_cny_per_unit.{carrier}",
                               f"not a fuel (known: {', '.join(fuels())}); units: {carriers()}"))
    return out


def _period(sc: Scenario, source: str) -> list[Problem]:
    p = sc.period
    start = p.start or dt.date(p.year, 1, 1)
    end_of_year = dt.date(p.year, 12, 31)
    if start.year != p.year:
        return [Problem(source, "period.start", f"{start} is not in year {p.year}")]
    if p.days is not None and start + dt.timedelta(days=p.days - 1) > end_of_year:
        return [Problem(source, "period.days", f"{p.days} days from {start} run past {end_of_year}")]
    return []
