"""Compile a scenario into the network the kernel settles: buses, ports, converters, stores.

Every flow is a port (asset x bus) with the sign convention + into the bus.
Converters (boilers, heat pumps) are one generic mechanism: a reference port
of +1 on the bus they serve and input ports with coefficients per unit of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from twin.enterprises import EnterpriseInputs, enterprise_inputs
from twin.errors import InputError, Problem
from twin.inputs import TimeAxis, import_prices, pv_per_mw, site_weather, time_axis, wind_mw
from twin.physics.conversion import heat_pump_cop, input_per_output
from twin.physics.storage import StorageParams
from twin.schema import Scenario
from twin.units import default_prices, fuels


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

    ids: list[str]
    ref_bus: np.ndarray  # [U] bus each converter is dispatched for
    ref_port: np.ndarray  # [U]
    cap_mw: np.ndarray  # [U] rated reference flow
    in_port: np.ndarray  # [K] input ports
    in_conv: np.ndarray  # [K] converter of each input port
    in_coef: np.ndarray  # [hours, K] input per unit of reference flow (< 0)
    cost: np.ndarray  # [hours, U] marginal cost per unit of reference flow [CNY/MWh]


@dataclass(frozen=True)
class Store:
    id: str
    bus: int
    port: int
    params: StorageParams
    strategy: str
    soc0_mwh: float


@dataclass(frozen=True)
class Slack:
    """Explicit slack ports of a bus (-1: none) and their limits [MW]."""

    import_port: int
    import_max_mw: float
    export_port: int
    export_max_mw: float
    short_port: int
    surplus_port: int


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
    demand: EnterpriseInputs
    el_ports: np.ndarray  # [n]
    heat_ports: np.ndarray  # [n] (-1 where the enterprise has no heat bus)
    converters: Converters
    stores: list[Store]
    slack: list[Slack]
    import_price: np.ndarray  # [hours] CNY/MWh
    fuel_price: dict[str, float]

    def __post_init__(self) -> None:
        """Index arrays per bus, derived once so the settlement only slices."""
        bus = np.array(self.ports.bus, dtype=int)
        n = len(self.bus_ids)
        c = self.converters
        self.ports_on_bus = [np.flatnonzero(bus == b) for b in range(n)]
        self.conv_on_bus = [np.flatnonzero(c.ref_bus == b) for b in range(n)]
        self.conv_inputs_on_bus = [np.flatnonzero(np.isin(c.in_conv, units)) for units in self.conv_on_bus]
        col = np.zeros(len(c.in_conv), dtype=int)
        for units, ks in zip(self.conv_on_bus, self.conv_inputs_on_bus, strict=True):
            col[ks] = np.searchsorted(units, c.in_conv[ks])
        self.conv_input_col = col
        # Merit order of each bus's converters in every hour (costs are exogenous).
        self.conv_order = [np.argsort(c.cost[:, units], axis=1, kind="stable") for units in self.conv_on_bus]
        self.stores_on_bus = [[i for i, s in enumerate(self.stores) if s.bus == b] for b in range(n)]
        self.port_bus = bus

    @property
    def incidence(self) -> np.ndarray:
        """[ports, buses] 1 where a port sits on a bus."""
        inc = np.zeros((len(self.ports.names), len(self.bus_ids)))
        inc[np.arange(len(self.ports.names)), self.ports.bus] = 1.0
        return inc


def compile_network(sc: Scenario) -> Network:
    """Build the network of a validated scenario (exogenous arrays included)."""
    # Assets and enterprises in id order, so the file's order changes nothing
    # (ties in the merit order are broken by id).
    sc = sc.model_copy(update={"assets": sorted(sc.assets, key=lambda a: a.id),
                               "enterprises": sorted(sc.enterprises, key=lambda e: e.id)})
    axis = time_axis(sc)
    bus_ids = [b.id for b in sc.buses] + _fuel_buses(sc)
    carrier = [b.carrier for b in sc.buses] + _fuel_buses(sc)
    ports = Ports()
    b = {bid: i for i, bid in enumerate(bus_ids)}
    el_ports = np.array([ports.add(e.id, e.el_bus, b[e.el_bus], "demand") for e in sc.enterprises], dtype=int)
    heat_ports = np.array([ports.add(e.id, e.heat_bus, b[e.heat_bus], "demand") if e.heat_bus else -1
                           for e in sc.enterprises], dtype=int)
    src_ports, src_mw = _sources(sc, axis, ports, b)
    conv = _converters(sc, axis, ports, b)
    stores = _stores(sc, ports, b)
    slack = [_slack(sc, ports, bid, i, carrier[i]) for i, bid in enumerate(bus_ids)]
    sl = slice(axis.start_h, axis.stop_h)
    return Network(axis, bus_ids, carrier, ports, _bus_order(sc, bus_ids, conv, ports), src_ports,
                   src_mw, enterprise_inputs(sc, axis), el_ports, heat_ports, conv, stores,
                   slack, import_prices(sc, axis)[sl], {**default_prices(), **sc.fuel_price_cny_per_unit})


def _fuel_buses(sc: Scenario) -> list[str]:
    """Market buses for fuels that boilers draw without naming a fuel bus."""
    used = [a.fuel for a in sc.assets if a.type == "boiler" and a.fuel != "electricity" and a.fuel_bus is None]
    return sorted(set(used))


def _sources(sc: Scenario, axis: TimeAxis, ports: Ports, b: dict) -> tuple[np.ndarray, np.ndarray]:
    sl = slice(axis.start_h, axis.stop_h)
    idx, cols = [], []
    for a in sc.assets:
        if a.type == "pv":
            cols.append(pv_per_mw(sc, a)[sl] * a.p_dc_mw)
        elif a.type == "wind":
            cols.append(wind_mw(sc, a)[sl])
        else:
            continue
        idx.append(ports.add(a.id, a.bus, b[a.bus], a.type))
    mw = np.column_stack(cols) if cols else np.zeros((axis.hours, 0))
    return np.array(idx, dtype=int), mw


def _converters(sc: Scenario, axis: TimeAxis, ports: Ports, b: dict) -> Converters:
    sl = slice(axis.start_h, axis.stop_h)
    temp = site_weather(sc)["temp_air_c"].to_numpy()[sl]
    prices = {**default_prices(), **sc.fuel_price_cny_per_unit}
    el_price = import_prices(sc, axis)[sl]
    ids, ref_bus, ref_port, cap, in_port, in_conv, coefs, costs = ([] for _ in range(8))
    for a in (a for a in sc.assets if a.type in ("boiler", "heat_pump")):
        u = len(ids)
        ids.append(a.id)
        ref_bus.append(b[a.bus])
        ref_port.append(ports.add(a.id, a.bus, b[a.bus], "converter_out"))
        cap.append(a.p_th_max_mw)
        in_bus, coef, price = _converter_input(sc, a, temp, el_price, prices)
        in_port.append(ports.add(a.id, in_bus, b[in_bus], "converter_in"))
        in_conv.append(u)
        coefs.append(-np.broadcast_to(coef, (axis.hours,)))
        costs.append(np.broadcast_to(coef * price, (axis.hours,)))
    as_2d = lambda cols: np.column_stack(cols) if cols else np.zeros((axis.hours, 0))  # noqa: E731
    as_1d = lambda v: np.array(v, dtype=int)  # noqa: E731
    return Converters(ids, as_1d(ref_bus), as_1d(ref_port), np.array(cap, dtype=float),
                      as_1d(in_port), as_1d(in_conv), as_2d(coefs), as_2d(costs))


def _converter_input(sc, a, temp, el_price, prices):
    """Input bus, input per unit output (scalar or hourly) and price of the input."""
    if a.type == "heat_pump":
        source = temp if a.source == "air" else a.source_temp_c
        cop = heat_pump_cop(source, a.sink_temp_c, a.carnot_frac, a.cop_max)
        return a.el_bus, 1.0 / np.broadcast_to(cop, temp.shape), el_price
    if a.fuel == "electricity":
        return a.fuel_bus or sc.grid.bus, input_per_output(a.efficiency_frac), el_price
    per_mwh = 1.0 / fuels()[a.fuel].mwh_per_unit
    return a.fuel_bus or a.fuel, input_per_output(a.efficiency_frac, per_mwh), prices[a.fuel]


def _stores(sc: Scenario, ports: Ports, b: dict) -> list[Store]:
    out = []
    for a in (a for a in sc.assets if a.type == "battery"):
        params = StorageParams(a.p_max_mw, a.soc_min_frac * a.e_max_mwh, a.soc_max_frac * a.e_max_mwh,
                               a.eta_charge_frac, a.eta_discharge_frac)
        port = ports.add(a.id, a.bus, b[a.bus], "storage")
        out.append(Store(a.id, b[a.bus], port, params, a.strategy, a.soc_init_frac * a.e_max_mwh))
    return out


def _slack(sc: Scenario, ports: Ports, bus_id: str, i: int, carrier: str) -> Slack:
    """Slack ports: grid on the grid bus, a market on fuel buses, shortfall and surplus everywhere."""
    none = -1
    if carrier in fuels():
        return Slack(ports.add("market", bus_id, i, "market"), np.inf, none, 0.0, none, none)
    imp = exp = none
    imp_max = exp_max = 0.0
    if bus_id == sc.grid.bus:
        imp, imp_max = ports.add("grid_import", bus_id, i, "grid_import"), sc.grid.import_max_mw
        exp, exp_max = ports.add("grid_export", bus_id, i, "grid_export"), sc.grid.export_max_mw
    short = ports.add("unserved", bus_id, i, "unserved")
    surplus_name = "curtailment" if carrier == "electricity" else "dump"
    return Slack(imp, imp_max, exp, exp_max, short, ports.add(surplus_name, bus_id, i, surplus_name))


def _bus_order(sc: Scenario, bus_ids: list[str], conv: Converters, ports: Ports) -> list[int]:
    """Buses in settlement order: a converter's output bus before its input buses."""
    edges = {(int(conv.ref_bus[u]), ports.bus[int(p)])
             for p, u in zip(conv.in_port, conv.in_conv, strict=True)}
    return _toposort(len(bus_ids), sorted(edges), sc._source, bus_ids)


def _toposort(n: int, edges: list[tuple[int, int]], source: str, bus_ids: list[str]) -> list[int]:
    order, remaining = [], list(range(n))
    while remaining:
        ready = [b for b in remaining if not any(dst == b and src in remaining for src, dst in edges)]
        if not ready:
            names = ", ".join(bus_ids[b] for b in remaining)
            raise InputError(Problem(source, "assets", f"converters form a loop between buses {names}"))
        order.append(ready[0])
        remaining.remove(ready[0])
    return order
