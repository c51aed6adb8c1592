"""Compile a scenario into the network the kernel settles: buses, ports, converters, stores.

Every flow is a port (asset x bus) with the sign convention + into the bus.
Converters of every kind are one mechanism (:mod:`twin.converters`); slack ports
(grid, markets, offtakes, unserved, curtailment, vent, landfill ...) close each bus.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from twin.converters import ATMOSPHERE, ConverterSpec, converter_specs
from twin.enterprises import EnterpriseInputs, enterprise_inputs
from twin.errors import InputError
from twin.fleets import FleetSpec, fleet_specs
from twin.inputs import TimeAxis, cached, import_prices, pv_per_mw, time_axis, weather_key, wind_mw
from twin.network_arrays import converter_arrays, store_specs
from twin.physics.storage import StorageParams
from twin.schema import Scenario
from twin.units import default_prices, fuels

SURPLUS = {"electricity": "curtailment", "co2": "vent", "solid_waste": "landfill",
           "wastewater": "discharge", "water": "discharge"}
MATERIAL_ROLES = [  # enterprise material ports: (production field with the bus, intensity field, sign)
    ("product_bus", None, +1), ("flue_bus", "process_co2_t_per_t", +1),
    ("waste_bus", "solid_waste_t_per_t", +1), ("water_bus", "water_m3_per_t", -1),
    ("wastewater_bus", "wastewater_m3_per_t", +1), ("waste_heat_bus", "waste_heat_mwh_per_t", +1),
]


@dataclass
class Ports:
    """Port table: one row per asset x bus."""

    names: list[str] = field(default_factory=list)
    asset: list[str] = field(default_factory=list)
    bus: list[int] = field(default_factory=list)
    role: list[str] = field(default_factory=list)

    def add(self, asset: str, bus_id: str, bus: int, role: str) -> int:
        self.names.append(f"{asset}@{bus_id}")
        self.asset.append(asset)
        self.bus.append(bus)
        self.role.append(role)
        return len(self.names) - 1


@dataclass
class Converters:
    """All converters; per-hour arrays cover the simulated period."""

    specs: list[ConverterSpec]
    mode: np.ndarray  # [U] +1 supply, -1 absorb
    ref_bus: np.ndarray  # [U]
    ref_port: np.ndarray  # [U]
    cap: np.ndarray  # [U] rated reference flow
    absorb_frac: np.ndarray  # [U]
    oth_port: np.ndarray  # [K] other ports
    oth_conv: np.ndarray  # [K] converter of each other port
    oth_coef: np.ndarray  # [hours, K] per unit of reference flow
    limited: np.ndarray  # [K] bool: an input from a bus without market or import
    cost: np.ndarray  # [hours, U] CNY per unit of reference flow


@dataclass(frozen=True)
class Store:
    id: str
    bus: int
    port: int
    params: StorageParams
    strategy: str
    soc0: float


@dataclass(frozen=True)
class Slack:
    """Slack ports of a bus (-1: none) and their limits per hour."""

    import_port: int
    import_max: float
    export_port: int
    export_max: float
    short_port: int
    surplus_port: int

    @property
    def ports(self) -> list[int]:
        return [p for p in (self.import_port, self.export_port, self.short_port, self.surplus_port) if p >= 0]


@dataclass
class SlackBatch:
    """Slack of many buses as arrays, to close them in one vectorised step."""

    buses: np.ndarray  # [T]
    flow_ports: np.ndarray  # [P'] ports that are not slack, on these buses
    incidence: np.ndarray  # [P', T]
    import_port: np.ndarray  # [T] (-1 none) and the same for the others
    import_max: np.ndarray
    export_port: np.ndarray
    export_max: np.ndarray
    short_port: np.ndarray
    surplus_port: np.ndarray

    @classmethod
    def of(cls, slacks: list[Slack], buses: list[int], flow_ports_on_bus: list[np.ndarray]) -> SlackBatch:
        ports = [flow_ports_on_bus[b] for b in buses]
        flat = np.concatenate(ports) if ports else np.zeros(0, dtype=int)
        inc = np.zeros((len(flat), len(buses)))
        inc[np.arange(len(flat)), np.repeat(np.arange(len(buses)), [len(p) for p in ports])] = 1.0
        col = lambda name: np.array([getattr(s, name) for s in slacks])  # noqa: E731
        return cls(np.array(buses, dtype=int), flat.astype(int), inc, col("import_port").astype(int),
                   col("import_max").astype(float), col("export_port").astype(int),
                   col("export_max").astype(float), col("short_port").astype(int),
                   col("surplus_port").astype(int))


@dataclass
class FleetIndex:
    """Fleet columns as arrays: diesel CO2 ports and tank pickup ports."""

    co2_port: np.ndarray
    co2_fleet: np.ndarray
    co2_per_unit: np.ndarray
    tank_port: np.ndarray
    tank_fleet: np.ndarray

    @classmethod
    def of(cls, ports: np.ndarray, fleets: list[FleetSpec]) -> FleetIndex:
        co2 = np.flatnonzero(ports[:, 1] >= 0) if len(ports) else np.zeros(0, dtype=int)
        tank = np.flatnonzero(ports[:, 2] >= 0) if len(ports) else np.zeros(0, dtype=int)
        per_unit = np.array([fleets[i].co2_t_per_unit for i in co2], dtype=float)
        return cls(ports[co2, 1] if len(ports) else co2, co2, per_unit, ports[tank, 2] if len(ports) else tank, tank)


@dataclass
class Materials:
    """Enterprise material ports: flow = sign x intensity x t_per_year x production share."""

    port: np.ndarray  # [M]
    ent: np.ndarray  # [M] enterprise index
    coef: np.ndarray  # [M] t (or m3, MWh) per unit of production share, signed


@dataclass
class EnterpriseFlows:
    """All enterprise-driven ports: flow = base + per_level x the enterprise's level."""

    port: np.ndarray  # [Q]
    ent: np.ndarray  # [Q]
    base: np.ndarray  # [hours, Q]
    per_level: np.ndarray  # [hours, Q]


@dataclass
class Network:
    """Everything the settlement needs, as arrays over the simulated period."""

    axis: TimeAxis
    bus_ids: list[str]
    bus_carrier: list[str]
    ports: Ports
    order: list[int]
    source_ports: np.ndarray  # [R] PV and wind
    source_mw: np.ndarray  # [hours, R] available output
    source_ids: list[str]
    demand: EnterpriseInputs
    el_ports: np.ndarray  # [n]
    heat_ports: np.ndarray  # [n] (-1 where the enterprise has no heat bus)
    materials: Materials
    converters: Converters
    stores: list[Store]
    fleets: list[FleetSpec]
    fleet_ports: np.ndarray  # [F, 3] energy port, CO2 port, tank pickup port (-1 none)
    slack: list[Slack]
    import_price: np.ndarray  # [hours] CNY/MWh
    fuel_price: dict[str, float]
    enterprise_ids: list[str]
    ent_flows: EnterpriseFlows | None = None
    store_specs: list = field(default_factory=list)
    maintenance: dict = field(default_factory=dict)  # asset id -> planned outages

    def __post_init__(self) -> None:
        """Index arrays per bus, derived once so the settlement only slices."""
        bus = np.array(self.ports.bus, dtype=int)
        n = len(self.bus_ids)
        c = self.converters
        slack_ports = {p for s in self.slack for p in s.ports}
        self.port_bus = bus
        self.ports_on_bus = [np.flatnonzero(bus == b) for b in range(n)]
        self.flow_ports_on_bus = [np.array([p for p in ps if p not in slack_ports], dtype=int)
                                  for ps in self.ports_on_bus]
        self.conv_on_bus = [np.flatnonzero(c.ref_bus == b) for b in range(n)]
        self.supply_on_bus = [u[c.mode[u] > 0] for u in self.conv_on_bus]
        self.stores_on_bus = [[i for i, s in enumerate(self.stores) if s.bus == b] for b in range(n)]
        # merit order of each bus's converters in every hour (costs are exogenous)
        self.conv_order = [np.argsort(c.cost[:, u], axis=1, kind="stable") for u in self.conv_on_bus]
        self.conv_ports_on_bus = [np.flatnonzero(np.isin(c.oth_conv, u)) for u in self.conv_on_bus]
        self.conv_port_cols = [np.searchsorted(u, c.oth_conv[k])
                               for u, k in zip(self.conv_on_bus, self.conv_ports_on_bus, strict=True)]
        self.limited_on_bus = [k[c.limited[k]] for k in self.conv_ports_on_bus]
        position = {bus: i for i, bus in enumerate(self.order)}
        # a converter port on a bus settled before the converter's own bus comes in late
        self.late_flows = any(position[int(bus[p])] < position[int(c.ref_bus[u])]
                              for p, u in zip(c.oth_port, c.oth_conv, strict=True))
        self._trivial_buses(n)
        self.slack_ports = [np.array(s.ports, dtype=int) for s in self.slack]
        self.fleet_index = FleetIndex.of(self.fleet_ports, self.fleets)
        store_on = {s.bus: i for i, s in enumerate(self.stores)}
        cargo = [self.bus_ids.index(f.cargo_bus) if f.cargo_bus else -1 for f in self.fleets]
        self.cargo_store = np.array([store_on.get(c, -1) if c >= 0 else -1 for c in cargo], dtype=int)
        self.cargo_offtake_port = np.array([self.slack[c].export_port if c >= 0 else -1 for c in cargo], dtype=int)


    def _trivial_buses(self, n: int) -> None:
        """Buses with no converter and no store close by slack alone, all at once."""
        busy = {b for b in range(n) if self.conv_on_bus[b].size or self.stores_on_bus[b]}
        self.order = [b for b in self.order if b in busy]
        trivial = [b for b in range(n) if b not in busy]
        self.trivial = SlackBatch.of([self.slack[b] for b in trivial], trivial, self.flow_ports_on_bus)


def compile_network(sc: Scenario) -> Network:
    """Build the network of a validated scenario (exogenous arrays included)."""
    # Assets and enterprises in id order, so the file's order changes nothing
    # (ties in the merit order are broken by id).
    sc = sc.model_copy(update={"assets": sorted(sc.assets, key=lambda a: a.id),
                               "enterprises": sorted(sc.enterprises, key=lambda e: e.id),
                               "fleets": sorted(sc.fleets, key=lambda f: f.id)})
    axis = time_axis(sc)
    declared = {b.id: b.carrier for b in sc.buses}
    declared.setdefault(ATMOSPHERE, "co2")
    specs, problems = converter_specs(sc, declared)
    fleets = fleet_specs(sc, declared)
    if problems:
        raise InputError(problems)
    markets = _market_buses(sc, specs, fleets, declared)
    bus_ids = list(declared) + markets
    carrier = list(declared.values()) + markets
    b = {bid: i for i, bid in enumerate(bus_ids)}
    ports = Ports()
    el_ports, heat_ports = _demand_ports(sc, ports, b)
    materials = _material_ports(sc, ports, b)
    src_ports, src_mw, src_ids = _sources(sc, axis, ports, b)
    conv = converter_arrays(sc, axis, specs, ports, b, carrier, _is_limited(sc, bus_ids, carrier, specs))
    st_specs = store_specs(sc)
    stores = [Store(s.id, b[s.bus], ports.add(s.id, s.bus, b[s.bus], "storage"), s.params, s.strategy, s.soc0)
              for s in st_specs]
    fleet_ports = _fleet_ports(sc, fleets, ports, b, {s.bus for s in st_specs})
    slack = [_slack(sc, ports, bid, i, carrier[i]) for i, bid in enumerate(bus_ids)]
    sl = slice(axis.start_h, axis.stop_h)
    demand = enterprise_inputs(sc, axis)
    return Network(axis, bus_ids, carrier, ports, _bus_order(sc, bus_ids, conv, ports), src_ports,
                   src_mw, src_ids, demand, el_ports, heat_ports, materials,
                   conv, stores, fleets, fleet_ports, slack, import_prices(sc, axis)[sl],
                   {**default_prices(), **sc.fuel_price_cny_per_unit}, [e.id for e in sc.enterprises],
                   _enterprise_flows(sc, axis, demand, el_ports, heat_ports, materials),
                   st_specs, {a.id: a.maintenance for a in sc.assets if a.maintenance})


def _enterprise_flows(sc: Scenario, axis: TimeAxis, demand: EnterpriseInputs, el_ports: np.ndarray,
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


def _market_buses(sc: Scenario, specs: list[ConverterSpec], fleets: list[FleetSpec],
                  declared: dict[str, str]) -> list[str]:
    """Fuel markets that converters or fleets draw from without a declared bus."""
    named = {p.bus for s in specs for p in s.ports} | {f.energy_bus for f in fleets}
    return sorted(n for n in named if n not in declared and n in fuels())


def _is_limited(sc: Scenario, bus_ids: list[str], carrier: list[str],
                specs: list[ConverterSpec]) -> np.ndarray:
    """Buses that can only give what is on them: no market, no grid, no supplying unit."""
    market = {b.id: b.market for b in sc.buses}
    supplied = {s.ref_bus for s in specs if s.mode > 0}
    out = []
    for bid, c in zip(bus_ids, carrier, strict=True):
        is_market = market.get(bid) if market.get(bid) is not None else (c in fuels() or c == "water")
        out.append(not is_market and bid != sc.grid.bus and bid not in supplied)
    return np.array(out)


def _demand_ports(sc: Scenario, ports: Ports, b: dict) -> tuple[np.ndarray, np.ndarray]:
    el = [ports.add(e.id, e.el_bus, b[e.el_bus], "demand") for e in sc.enterprises]
    heat = [ports.add(e.id, e.heat_bus, b[e.heat_bus], "demand") if e.heat_bus else -1 for e in sc.enterprises]
    return np.array(el, dtype=int), np.array(heat, dtype=int)


def _material_ports(sc: Scenario, ports: Ports, b: dict) -> Materials:
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


def _sources(sc: Scenario, axis: TimeAxis, ports: Ports, b: dict):
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


def _fleet_ports(sc: Scenario, fleets: list[FleetSpec], ports: Ports, b: dict,
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


def _slack(sc: Scenario, ports: Ports, bus_id: str, i: int, carrier: str) -> Slack:
    """Grid on the grid bus, markets on fuel and water buses, offtake, shortfall, surplus."""
    spec = next((x for x in sc.buses if x.id == bus_id), None)
    market = spec.market if spec is not None and spec.market is not None else (carrier in fuels() or carrier == "water")
    imp, imp_max, exp, exp_max, short = -1, 0.0, -1, 0.0, -1
    if bus_id == sc.grid.bus:
        imp, imp_max = ports.add("grid_import", bus_id, i, "grid_import"), sc.grid.import_max_mw
        exp, exp_max = ports.add("grid_export", bus_id, i, "grid_export"), sc.grid.export_max_mw
    elif market:
        imp, imp_max = ports.add("market", bus_id, i, "market"), np.inf
    if spec is not None and spec.offtake is not None:
        exp, exp_max = ports.add(spec.offtake.kind, bus_id, i, spec.offtake.kind), spec.offtake.max_per_h
    if not market:
        short = ports.add("unserved", bus_id, i, "unserved")
    name = SURPLUS.get(carrier, "dump")
    return Slack(imp, imp_max, exp, exp_max, short, ports.add(name, bus_id, i, name))


def _bus_order(sc: Scenario, bus_ids: list[str], conv: Converters, ports: Ports) -> list[int]:
    """Settlement order: a converter's reference bus before the buses of its other ports.

    Edges that would close a loop (CCUS drawing steam from the heat bus whose boilers
    feed its flue bus) are dropped here; the settlement re-settles such buses.
    """
    edges = {(int(conv.ref_bus[u]), ports.bus[int(p)])
             for p, u in zip(conv.oth_port, conv.oth_conv, strict=True)}
    # what feeds a limited bus settles before the unit that draws on it (a steam highway
    # after the waste-heat recovery that fills its source header)
    outputs = conv.oth_coef.max(axis=0) > 0 if conv.oth_coef.size else np.zeros(0, bool)
    feeds = [(ports.bus[int(conv.oth_port[k])], int(conv.ref_bus[conv.oth_conv[k]])) for k in np.flatnonzero(outputs)]
    for k in np.flatnonzero(conv.limited):
        source = ports.bus[int(conv.oth_port[k])]
        edges |= {(ref, int(conv.ref_bus[conv.oth_conv[k]])) for bus, ref in feeds if bus == source}
    edges = sorted((a, b) for a, b in edges if a != b)
    order: list[int] = []
    remaining = list(range(len(bus_ids)))
    while remaining:
        ready = [x for x in remaining if not any(d == x and s in remaining for s, d in edges)]
        # a loop: take the first remaining bus; the back edges re-settle later
        order.append(ready[0] if ready else remaining[0])
        remaining.remove(order[-1])
    return order
