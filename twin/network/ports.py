"""Port builders: enterprises, materials, sources, fleets and the slack of each bus."""

from __future__ import annotations

import json

import numpy as np

from twin.catalog.converters import ATMOSPHERE
from twin.catalog.fleets import FleetSpec
from twin.catalog.tariffs import resolve_tariff
from twin.network.enterprises import EnterpriseInputs
from twin.network.inputs import TimeAxis, cached, pv_per_mw, weather_key, wind_mw
from twin.network.types import EnterpriseFlows, Materials, Ports, Slack
from twin.schema.scenario import Scenario
from twin.units import fuels

SURPLUS = {"electricity": "curtailment", "co2": "vent", "solid_waste": "landfill",
           "wastewater": "discharge", "water": "discharge"}
MATERIAL_ROLES = [  # enterprise material ports: (production field with the bus, intensity field, sign)
    ("product_bus", None, +1), ("flue_bus", "process_co2_t_per_t", +1),
    ("waste_bus", "solid_waste_t_per_t", +1), ("water_bus", "water_m3_per_t", -1),
    ("wastewater_bus", "wastewater_m3_per_t", +1), ("waste_heat_bus", "waste_heat_mwh_per_t", +1),
]


def enterprise_flows(sc: Scenario, axis: TimeAxis, demand: EnterpriseInputs, el_ports: np.ndarray,
                      heat_ports: np.ndarray, m: Materials) -> EnterpriseFlows:
    """Electricity, heat and material ports of all enterprises as two period arrays (cached)."""
    has = heat_ports >= 0
    n = len(el_ports)
    port = np.concatenate([el_ports, heat_ports[has], m.port]).astype(int)
    ent = np.concatenate([np.arange(n), np.arange(n)[has], m.ent]).astype(int)
    key = (*weather_key(sc), "enterprise_flows", axis.start_h, axis.stop_h,
           json.dumps([e.model_dump(mode="json") for e in sc.enterprises]))

    def build() -> tuple[np.ndarray, np.ndarray]:
        p, sl = demand.parts, slice(axis.start_h, axis.stop_h)
        base = np.concatenate([-p.el_fixed[sl], -p.heat_fixed[sl][:, has], np.zeros((axis.hours, len(m.port)))], axis=1)
        per = np.concatenate([-p.el_per_level[sl], -p.heat_per_level[sl][:, has],
                              p.prod_per_level[sl][:, m.ent] * m.coef], axis=1)
        return np.ascontiguousarray(base), np.ascontiguousarray(per)

    base, per = cached(key, build)
    return EnterpriseFlows(port, ent, base, per)


def demand_ports(sc: Scenario, ports: Ports, b: dict) -> tuple[np.ndarray, np.ndarray]:
    el = [ports.add(e.id, e.el_bus, b[e.el_bus], "demand") for e in sc.enterprises]
    heat = [ports.add(e.id, e.heat_bus, b[e.heat_bus], "demand") if e.heat_bus else -1 for e in sc.enterprises]
    return np.array(el, dtype=int), np.array(heat, dtype=int)


def material_ports(sc: Scenario, ports: Ports, b: dict) -> Materials:
    port, ent, coef = [], [], []
    for i, e in enumerate(sc.enterprises):
        prod = e.production
        if prod is None:
            continue
        for bus_field, intensity_field, sign in MATERIAL_ROLES:
            bus = getattr(prod, bus_field)
            intensity = 1.0 if intensity_field is None else getattr(prod, intensity_field)
            if bus is None or intensity == 0:
                continue
            role = "product" if intensity_field is None else intensity_field.rsplit("_", 3)[0]
            port.append(ports.add(e.id, bus, b[bus], f"enterprise_{role}"))
            ent.append(i)
            coef.append(sign * intensity * prod.t_per_year)
    return Materials(np.array(port, dtype=int), np.array(ent, dtype=int), np.array(coef, dtype=float))


def sources(sc: Scenario, axis: TimeAxis, ports: Ports, b: dict):
    sl = slice(axis.start_h, axis.stop_h)
    idx, cols, ids = [], [], []
    for a in sc.assets:
        if a.type == "pv":
            cols.append(pv_per_mw(sc, a)[sl] * a.p_dc_mw)
        elif a.type == "wind":
            cols.append(wind_mw(sc, a)[sl])
        else:
            continue
        idx.append(ports.add(a.id, a.bus, b[a.bus], a.type))
        ids.append(a.id)
    mw = np.column_stack(cols) if cols else np.zeros((axis.hours, 0))
    return np.array(idx, dtype=int), mw, ids


def fleet_ports(sc: Scenario, fleets: list[FleetSpec], ports: Ports, b: dict,
                 tank_buses: set[str]) -> np.ndarray:
    """Energy port, CO2 port (diesel) and tank pickup port of every fleet."""
    kinds = {x.id: x.offtake.kind for x in sc.buses if x.offtake is not None}
    out = np.full((len(fleets), 3), -1, dtype=int)
    for i, f in enumerate(fleets):
        out[i, 0] = ports.add(f.id, f.energy_bus, b[f.energy_bus], "fleet")
        if f.co2_t_per_unit > 0:
            out[i, 1] = ports.add(f.id, ATMOSPHERE, b[ATMOSPHERE], "fleet_co2")
        if f.cargo_bus in tank_buses:
            given = next(x.delivers_to for x in sc.fleets if x.id == f.id)
            kind = given or kinds.get(f.cargo_bus, "co2_storage")
            out[i, 2] = ports.add(f"{f.id}_cargo", f.cargo_bus, b[f.cargo_bus], f"truck_{kind}")
    return out


def slack(sc: Scenario, ports: Ports, bus_id: str, i: int, carrier: str) -> Slack:
    """Grid on the grid bus, markets on fuel and water buses, offtake, shortfall, surplus."""
    spec = next((x for x in sc.buses if x.id == bus_id), None)
    market = spec.market if spec is not None and spec.market is not None else (carrier in fuels() or carrier == "water")
    imp, imp_max, exp, exp_max, short, value, peak = -1, 0.0, -1, 0.0, -1, 0.0, 0.0
    if bus_id == sc.grid.bus:
        tariff = resolve_tariff(sc.grid.tariff)
        imp, imp_max = ports.add("grid_import", bus_id, i, "grid_import"), sc.grid.import_max_mw
        exp, exp_max = ports.add("grid_export", bus_id, i, "grid_export"), sc.grid.export_max_mw
        value, peak = tariff.export_cny_per_mwh, tariff.demand_charge_cny_per_mw_month
    elif market:
        imp, imp_max = ports.add("market", bus_id, i, "market"), np.inf
    if spec is not None and spec.offtake is not None:
        exp, exp_max = ports.add(spec.offtake.kind, bus_id, i, spec.offtake.kind), spec.offtake.max_per_h
        value = spec.offtake.price_cny_per_unit
    if not market:
        short = ports.add("unserved", bus_id, i, "unserved")
    name = SURPLUS.get(carrier, "dump")
    return Slack(imp, imp_max, exp, exp_max, short, ports.add(name, bus_id, i, name), value, peak)
