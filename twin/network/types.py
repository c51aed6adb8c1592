"""Tables of the compiled network: ports, converters, stores, slack, materials, fleets."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from twin.catalog.converters import ConverterSpec
from twin.catalog.fleets import FleetSpec
from twin.physics.storage import StorageParams


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
    export_value: float = 0.0  # what a unit exported or shipped by the offtake earns [CNY]
    peak_cny_per_mw: float = 0.0  # demand charge on the month's highest import [CNY/MW-month]

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
