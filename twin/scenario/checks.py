"""Cross-reference checks of a validated scenario (ids, buses, owners, data keys)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from difflib import get_close_matches
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from twin.catalog.converters import ATMOSPHERE, compatible, converter_specs
from twin.catalog.factors import grid_factor_exists
from twin.catalog.fleets import fleet_specs
from twin.catalog.motors import unknown_classes
from twin.catalog.sectors import sector_names
from twin.catalog.tariffs import tariff_names
from twin.catalog.technologies import preset
from twin.errors import InputError, Problem
from twin.physics import sites
from twin.scenario.plan_checks import plan_problems
from twin.schema.scenario import Scenario
from twin.units import carriers, fuels

# Ids the kernel uses for slack ports; assets and enterprises may not take them.
RESERVED_IDS = {"park", "grid_import", "grid_export", "curtailment", "unserved", "dump", "market",
                "vent", "landfill", "discharge", "co2_storage", "co2_utilisation", "recycling",
                "sales", "export"}

# Bus carrier each asset port needs: (attribute holding the bus id, carrier).
PORT_CARRIERS = {
    "pv": [("bus", "electricity")],
    "wind": [("bus", "electricity")],
    "battery": [("bus", "electricity")],
    "boiler": [("bus", "heat")],
    "heat_pump": [("bus", "heat"), ("el_bus", "electricity")],
    "converter": [],  # checked through its spec (twin.catalog.converters)
    "link": [],
    "storage": [],
}


def check_references(sc: Scenario, source: str) -> list[Problem]:
    """All cross-reference problems of a scenario (empty when consistent)."""
    problems = [
        *_ids(sc, source), *_buses(sc, source), *_owners(sc, source),
        *_data_keys(sc, source), *_period(sc, source), *_materials(sc, source),
        *_site(sc, source), *_wind(sc, source), *_motors(sc, source),
    ]
    return problems or [*_specs(sc), *_stores(sc, source)] or plan_problems(sc, source)


def _bus_kinds(sc: Scenario) -> dict[str, str]:
    kinds = {b.id: b.carrier for b in sc.buses}
    kinds.setdefault(ATMOSPHERE, "co2")
    return kinds


def _specs(sc: Scenario) -> list[Problem]:
    """Converters, links and fleets, as the network will build them."""
    specs, problems = converter_specs(sc, _bus_kinds(sc))
    problems += _capture_sources(sc, specs)
    try:
        fleet_specs(sc, _bus_kinds(sc))
    except InputError as exc:
        problems += exc.problems
    return problems


def _motors(sc: Scenario, source: str) -> list[Problem]:
    return [Problem(source, f"enterprises[{e.id}].motor_systems.{field}",
                    f"unknown class {value!r} (twin/data/motor_systems.csv)", e.id)
            for e in sc.enterprises if e.motor_systems for field, value in unknown_classes(e.motor_systems)]


def _site(sc: Scenario, source: str) -> list[Problem]:
    """Time zone, and what the synthetic weather needs: a known site or coordinates in China."""
    out = []
    try:
        ZoneInfo(sc.site.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        out.append(Problem(source, "site.timezone", f"unknown time zone {sc.site.timezone!r} (e.g. Asia/Shanghai)"))
    w = sc.site.weather
    if w.source == "synthetic":
        try:
            sites.climate_at(sc.site.latitude_deg, sc.site.longitude_deg, sc.site.altitude_m, w.site)
        except ValueError as exc:
            field = "site.weather.site" if w.site else "site.latitude_deg"
            out.append(Problem(source, field, str(exc)))
    return out


def _wind(sc: Scenario, source: str) -> list[Problem]:
    """Wind turbines must name a library turbine or give a usable power curve."""
    turbines = [a for a in sc.assets if a.type == "wind"]
    if not turbines:
        return []
    from twin.physics import wind  # windpowerlib loads only for parks with wind: validate stays fast

    out = []
    for a in turbines:
        if a.turbine_type is not None and a.turbine_type not in wind.turbine_types():
            close = get_close_matches(a.turbine_type, wind.turbine_types(), n=3)
            out.append(Problem(source, f"assets[{a.id}].turbine_type", f"unknown turbine {a.turbine_type!r}"
                               f" (close: {', '.join(close) or 'none'}; or give power_curve)", a.id))
        if a.power_curve is not None:
            for msg in wind.check_power_curve(np.array(a.power_curve.speed_m_s), np.array(a.power_curve.power_mw)):
                out.append(Problem(source, f"assets[{a.id}].power_curve", msg, a.id))
    return out


def _capture_sources(sc: Scenario, specs) -> list[Problem]:
    """A capture unit must take from a CO2 stream that something emits into."""
    kinds = _bus_kinds(sc)
    emitting = {p.bus for s in specs for p in s.ports if p.coef > 0 and kinds.get(p.bus, p.bus) == "co2"}
    emitting |= {e.production.flue_bus for e in sc.enterprises
                 if e.production and e.production.process_co2_t_per_t > 0}
    emitting |= {ATMOSPHERE} if sc.fleets else set()
    return [Problem(sc._source, f"assets[{s.id}].buses", f"capture unit draws from {s.ref_bus!r}, "
                    "a CO2 stream nothing emits into (route a boiler's flue_bus or an enterprise's "
                    "production.flue_bus there)", s.id)
            for s in specs if s.mode < 0 and kinds.get(s.ref_bus) == "co2" and s.ref_bus not in emitting]


def _stores(sc: Scenario, source: str) -> list[Problem]:
    out = []
    for a in (a for a in sc.assets if a.type == "storage"):
        try:
            want = preset("stores", a.preset)["carrier"]
        except KeyError as exc:
            out.append(Problem(source, f"assets[{a.id}].preset", str(exc.args[0]), a.id))
            continue
        problem = _bus_problem(sc, source, f"assets[{a.id}].bus", a.bus, want, a.id)
        out += [problem] if problem else []
    return out


def _materials(sc: Scenario, source: str) -> list[Problem]:
    """Buses named by enterprises' production must exist and carry the right thing."""
    wants = {"product_bus": "product", "flue_bus": "co2", "waste_bus": "solid_waste",
             "water_bus": "water", "wastewater_bus": "wastewater", "waste_heat_bus": "waste_heat"}
    out = []
    for e in sc.enterprises:
        for name, carrier in wants.items():
            bus = getattr(e.production, name) if e.production else None
            if bus is not None:
                p = _bus_problem(sc, source, f"enterprises[{e.id}].production.{name}", bus, carrier, e.id)
                out += [p] if p else []
    return out


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
    for b in sc.buses:
        if b.carrier not in carriers():
            known = ", ".join(carriers())
            out.append(Problem(source, f"buses[{b.id}].carrier",
                               f"unknown carrier {b.carrier!r} (known: {known})", b.id))
        if b.id in fuels() and b.carrier != b.id:
            out.append(Problem(source, f"buses[{b.id}]",
                               f"bus id {b.id!r} is the name of a fuel market; it must carry {b.id}", b.id))
    for name, count in Counter(f.id for f in sc.fleets).items():
        if count > 1 or name in ids:
            out.append(Problem(source, "fleets", f"duplicate id {name!r}", name))
    return out


def _bus_problem(sc, source, field, bus, want, item_id) -> Problem | None:
    kinds = _bus_kinds(sc)
    if bus not in kinds:
        return Problem(source, field, f"unknown bus {bus!r} (buses: {', '.join(kinds)})", item_id)
    if not compatible(want, kinds[bus]):
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
    items = [("assets", a) for a in sc.assets] + [("fleets", f) for f in sc.fleets]
    return [Problem(source, f"{kind}[{a.id}].owner", f"unknown owner {a.owner!r} (an enterprise id or 'park')", a.id)
            for kind, a in items if a.owner not in known]


def _data_keys(sc: Scenario, source: str) -> list[Problem]:
    out = []
    sectors = sector_names()
    for e in sc.enterprises:
        if e.sector not in sectors:
            out.append(Problem(source, f"enterprises[{e.id}].sector",
                               f"unknown sector {e.sector!r} (known: {', '.join(sectors)})", e.id))
    if isinstance(sc.grid.tariff, str) and sc.grid.tariff not in tariff_names():
        shipped = ", ".join(tariff_names())
        out.append(Problem(source, "grid.tariff", f"unknown tariff {sc.grid.tariff!r} (shipped: {shipped})"))
    ef = sc.grid.emission_factor
    if ef.t_co2_per_mwh is None and not grid_factor_exists(ef.basis, ef.region, ef.year):
        out.append(Problem(source, "grid.emission_factor",
                           f"no {ef.basis} factor for region {ef.region!r} in {ef.year} "
                           "(see twin/data/grid_factors.csv)"))
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
