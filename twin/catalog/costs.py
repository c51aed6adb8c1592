"""Capital and fixed operating cost of each asset and fleet, from the cost tables.

Converters, boilers and heat pumps take their preset's ``capex_cny_per_unit`` per unit of
rated reference flow (``twin/data/technologies.yaml``); stores and batteries
``capex_cny_per_mwh`` per unit of capacity; trucks ``capex_cny`` each; PV, wind and links
come from ``twin/data/asset_costs.csv`` (every row with its source). A scenario may
override the capex of any asset or fleet (``economics.capex_overrides_cny``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd

from twin.catalog.converters import BOILER_PRESETS
from twin.catalog.technologies import preset
from twin.units import data_table

HEAT_PUMP_PRESETS = {"air": "air_source_heat_pump", "water": "water_source_heat_pump"}


@dataclass(frozen=True)
class CostItem:
    """Cost of one asset or fleet: capex [CNY], fixed O&M [CNY/yr], lifetime [yr], size."""

    id: str
    capex_cny: float
    fixed_om_cny_per_yr: float
    lifetime_yr: int
    size: float
    unit: str
    tech: str


@cache
def asset_cost_table() -> pd.DataFrame:
    """PV, wind and link costs per unit (``asset_costs.csv``)."""
    return data_table("asset_costs.csv").set_index("item")


def _table(item: str, a, size: float, unit: str) -> CostItem:
    row = asset_cost_table().loc[item]
    return CostItem(a.id, size * float(row["capex_cny_per_unit"]),
                    size * float(row["fixed_om_cny_per_unit_yr"]), int(row["lifetime_yr"]), size,
                    unit, item)


def _converter(a, tech: str, size: float) -> CostItem:
    p = preset("converters", tech)
    return CostItem(a.id, size * p.get("capex_cny_per_unit", 0.0),
                    size * p.get("fixed_om_cny_per_unit_yr", 0.0), int(p.get("lifetime_yr", 20)),
                    size, "per unit of reference flow", tech)


def _store(a, tech: str, size: float) -> CostItem:
    p = preset("stores", tech)
    return CostItem(a.id, size * p.get("capex_cny_per_mwh", 0.0),
                    size * p.get("fixed_om_cny_per_mwh_yr", 0.0), int(p.get("lifetime_yr", 20)),
                    size, "capacity", tech)


COST_RULES = {
    "pv": lambda a: _table("pv_roof" if a.mounting == "roof" else "pv_ground", a, a.p_dc_mw, "MWp"),
    "wind": lambda a: _table("wind", a, _wind_mw(a), "MW"),
    "link": lambda a: _table("link", a, a.capacity, "per unit of flow"),
    "battery": lambda a: _store(a, "battery_lfp", a.e_max_mwh),
    "storage": lambda a: _store(a, a.preset, a.e_max),
    "boiler": lambda a: _converter(a, BOILER_PRESETS[a.fuel], a.p_th_max_mw),
    "heat_pump": lambda a: _converter(a, HEAT_PUMP_PRESETS[a.source], a.p_th_max_mw),
    "converter": lambda a: _converter(a, a.preset, a.capacity),
}


def _wind_mw(a) -> float:
    """Rated power of a wind asset [MW]: curve maximum x turbines."""
    if a.power_curve is not None:
        return max(a.power_curve.power_mw) * a.count
    from twin.physics.wind import power_curve

    return float(max(power_curve(a.turbine_type)[1])) * a.count


def asset_cost(a, overrides: dict[str, float] | None = None) -> CostItem:
    """Cost of one asset (any type of :mod:`twin.schema.assets`)."""
    item = COST_RULES[a.type](a)
    if overrides and a.id in overrides:
        item = CostItem(item.id, float(overrides[a.id]), item.fixed_om_cny_per_yr, item.lifetime_yr,
                        item.size, item.unit, item.tech)
    return item


def fleet_cost(f, overrides: dict[str, float] | None = None) -> CostItem:
    """Cost of a fleet: trucks x vehicle capex (no fixed O&M in the library)."""
    p = preset("vehicles", f.vehicle)
    capex = float(overrides[f.id]) if overrides and f.id in overrides else f.count * p["capex_cny"]
    return CostItem(f.id, capex, 0.0, int(p.get("lifetime_yr", 8)), float(f.count), "trucks", f.vehicle)


def scenario_costs(sc) -> dict[str, CostItem]:
    """Cost of every asset and fleet of a scenario, by id."""
    over = sc.economics.capex_overrides_cny
    out = {a.id: asset_cost(a, over) for a in sc.assets}
    out.update({f.id: fleet_cost(f, over) for f in sc.fleets})
    return out
