"""Converter and store arrays of the network: coefficients per hour, costs, limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from twin.catalog.converters import ConverterSpec
from twin.catalog.technologies import preset
from twin.network.inputs import TimeAxis, import_prices, site_weather
from twin.physics.conversion import heat_pump_cop
from twin.physics.storage import StorageParams
from twin.schema.scenario import Scenario
from twin.units import default_prices, fuels

if TYPE_CHECKING:
    from twin.network.types import Converters, Ports


@dataclass(frozen=True)
class StoreSpec:
    id: str
    bus: str
    params: StorageParams
    strategy: str
    soc0: float
    mtbf_h: float | None
    mttr_h: float | None


def converter_arrays(sc: Scenario, axis: TimeAxis, specs: list[ConverterSpec], ports: Ports,
                     b: dict[str, int], carrier: list[str], limited_bus: np.ndarray) -> Converters:
    """Ports and hourly coefficient and cost arrays of all converters."""
    from twin.network.types import Converters

    sl = slice(axis.start_h, axis.stop_h)
    temp = site_weather(sc)["temp_air_c"].to_numpy()[sl]
    price = _bus_prices(sc, axis, b, carrier)
    ref_port, oth_port, oth_conv, coefs, costs = [], [], [], [], []
    for u, s in enumerate(specs):
        ref_port.append(ports.add(s.id, s.ref_bus, b[s.ref_bus], "converter_out" if s.mode > 0 else "converter_absorb"))
        cost = np.full(axis.hours, s.var_om)
        for p in s.ports:
            coef = _coefficient(p, temp)
            role = "converter_in" if np.all(coef <= 0) else "converter_out"
            oth_port.append(ports.add(s.id, p.bus, b[p.bus], role))
            oth_conv.append(u)
            coefs.append(np.broadcast_to(coef, (axis.hours,)))
            cost = cost - coef * price.get(p.bus, 0.0)
        costs.append(cost)
    oth = np.array(oth_port, dtype=int)
    coef2d = np.column_stack(coefs) if coefs else np.zeros((axis.hours, 0))
    inputs = coef2d.min(axis=0) < 0
    limited = limited_bus[np.array(ports.bus, dtype=int)[oth]] & inputs if len(oth) else np.zeros(0, bool)
    return Converters(
        specs, np.array([s.mode for s in specs], dtype=int), np.array([b[s.ref_bus] for s in specs], dtype=int),
        np.array(ref_port, dtype=int), np.array([s.capacity for s in specs], dtype=float),
        np.array([s.absorb_frac for s in specs], dtype=float), oth, np.array(oth_conv, dtype=int),
        coef2d, limited, np.column_stack(costs) if costs else np.zeros((axis.hours, 0)))


def _coefficient(p, temp: np.ndarray) -> np.ndarray | float:
    """A port's coefficient, -1/COP(t) for heat pumps and chillers."""
    if p.cop is None:
        return p.coef
    if "fixed" in p.cop:
        return -1.0 / p.cop["fixed"]
    source = temp if p.cop["source"] == "air" else p.cop["source_temp_c"]
    cop = heat_pump_cop(source, p.cop["sink_temp_c"], p.cop["carnot_frac"], p.cop["cop_max"])
    return -1.0 / np.broadcast_to(cop, temp.shape)


def _bus_prices(sc: Scenario, axis: TimeAxis, b: dict[str, int], carrier: list[str]) -> dict:
    """Price of drawing from each priced bus: the grid tariff, fuel and water markets."""
    sl = slice(axis.start_h, axis.stop_h)
    prices = {**default_prices(), **sc.fuel_price_cny_per_unit}
    out: dict[str, np.ndarray | float] = {sc.grid.bus: import_prices(sc, axis)[sl]}
    for bus, i in b.items():
        if carrier[i] in prices and (carrier[i] in fuels() or carrier[i] == "water"):
            out.setdefault(bus, prices[carrier[i]])
    return out


def store_specs(sc: Scenario) -> list[StoreSpec]:
    """Batteries and library stores as one kind of store."""
    out = []
    for a in sc.assets:
        if a.type == "battery":
            params = StorageParams(a.p_max_mw, a.soc_min_frac * a.e_max_mwh, a.soc_max_frac * a.e_max_mwh,
                                   a.eta_charge_frac, a.eta_discharge_frac)
            p = preset("stores", "battery_lfp")
            out.append(StoreSpec(a.id, a.bus, params, a.strategy, a.soc_init_frac * a.e_max_mwh,
                                 a.mtbf_h or p["mtbf_h"], a.mttr_h or p["mttr_h"]))
        elif a.type == "storage":
            p = preset("stores", a.preset)
            params = StorageParams(a.p_max, p["soc_min_frac"] * a.e_max, p["soc_max_frac"] * a.e_max,
                                   p["eta_charge_frac"], p["eta_discharge_frac"])
            soc0 = min(max(a.soc_init_frac * a.e_max, params.e_min_mwh), params.e_max_mwh)
            out.append(StoreSpec(a.id, a.bus, params, a.strategy, soc0, a.mtbf_h or p["mtbf_h"],
                                 a.mttr_h or p["mttr_h"]))
    return out
