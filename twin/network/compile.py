"""Compile a scenario into the network the kernel settles: buses, ports, converters, stores.

Every flow is a port (asset x bus) with the sign convention + into the bus.
Converters of every kind are one mechanism (:mod:`twin.catalog.converters`); slack ports
(grid, markets, offtakes, unserved, curtailment, vent, landfill ...) close each bus.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from twin.catalog.converters import ATMOSPHERE, ConverterSpec, converter_specs
from twin.catalog.fleets import FleetSpec, fleet_specs
from twin.errors import InputError
from twin.network import ports as port_tables
from twin.network.arrays import converter_arrays, store_specs
from twin.network.enterprises import EnterpriseInputs, enterprise_inputs
from twin.network.inputs import TimeAxis, import_prices, time_axis
from twin.network.types import (
    Converters,
    EnterpriseFlows,
    FleetIndex,
    Materials,
    Ports,
    Slack,
    SlackBatch,
    Store,
)
from twin.schema.scenario import Scenario
from twin.units import default_prices, fuels


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
    el_ports, heat_ports = port_tables.demand_ports(sc, ports, b)
    materials = port_tables.material_ports(sc, ports, b)
    src_ports, src_mw, src_ids = port_tables.sources(sc, axis, ports, b)
    conv = converter_arrays(sc, axis, specs, ports, b, carrier, _is_limited(sc, bus_ids, carrier, specs))
    st_specs = store_specs(sc)
    stores = [Store(s.id, b[s.bus], ports.add(s.id, s.bus, b[s.bus], "storage"), s.params, s.strategy, s.soc0)
              for s in st_specs]
    fleet_ports = port_tables.fleet_ports(sc, fleets, ports, b, {s.bus for s in st_specs})
    slack = [port_tables.slack(sc, ports, bid, i, carrier[i]) for i, bid in enumerate(bus_ids)]
    sl = slice(axis.start_h, axis.stop_h)
    demand = enterprise_inputs(sc, axis)
    return Network(axis, bus_ids, carrier, ports, _bus_order(sc, bus_ids, conv, ports), src_ports,
                   src_mw, src_ids, demand, el_ports, heat_ports, materials,
                   conv, stores, fleets, fleet_ports, slack, import_prices(sc, axis)[sl],
                   {**default_prices(), **sc.fuel_price_cny_per_unit}, [e.id for e in sc.enterprises],
                   port_tables.enterprise_flows(sc, axis, demand, el_ports, heat_ports, materials),
                   st_specs, {a.id: a.maintenance for a in sc.assets if a.maintenance})


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
