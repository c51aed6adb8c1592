"""Carriers, their units, and conversion factors (tce, CO2) read from ``twin/data``.

Every factor comes from a CSV row that names its source and year; nothing here
is typed in twice. Canonical units: power MW, energy MWh, mass t, gas m3,
time h, temperature degC, irradiance W/m2, money CNY.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

MWH_PER_GJ = 1.0 / 3.6  # 1 MWh = 3.6 GJ (definition)
HOURS_PER_DAY = 24  # the kernel settles and the agents plan day by day
CO2_PER_C = 44.0 / 12.0  # molar mass ratio CO2/C


def data_table(name: str) -> pd.DataFrame:
    """Read ``twin/data/<name>`` (a CSV shipped with the package)."""
    with resources.files("twin.data").joinpath(name).open("rb") as fh:
        return pd.read_csv(fh)


@cache
def carriers() -> dict[str, str]:
    """Map carrier name -> its unit (``electricity`` -> ``MWh``)."""
    table = data_table("carriers.csv")
    return dict(zip(table["carrier"], table["unit"], strict=True))


@dataclass(frozen=True)
class Fuel:
    """Physical properties of a fuel per unit of the carrier (t or m3)."""

    carrier: str
    unit: str
    ncv_gj_per_unit: float
    co2_t_per_unit: float
    tce_per_unit: float
    biogenic: bool

    @property
    def mwh_per_unit(self) -> float:
        """Net calorific value [MWh per unit]."""
        return self.ncv_gj_per_unit * MWH_PER_GJ


@cache
def fuels() -> dict[str, Fuel]:
    """Fuel table with CO2 per unit derived from NCV, carbon content and oxidation."""
    out = {}
    for row in data_table("fuels.csv").itertuples(index=False):
        tc_per_unit = row.ncv_gj_per_unit * 1e-3 * row.carbon_content_tc_per_tj
        co2 = 0.0 if row.biogenic else tc_per_unit * row.oxidation_frac * CO2_PER_C
        out[row.carrier] = Fuel(row.carrier, row.unit, row.ncv_gj_per_unit, co2,
                                row.tce_per_unit, bool(row.biogenic))
    return out


@cache
def tce_per_mwh(item: str, basis: str = "equivalent") -> float:
    """Standard-coal factor [tce/MWh] for electricity or heat on a basis."""
    table = data_table("conversion.csv")
    row = table[(table["item"] == item) & (table["basis"] == basis)]
    if row.empty:
        raise KeyError(f"no standard-coal factor for {item} on basis {basis!r}")
    return float(row["value"].iloc[0])


@cache
def default_prices() -> dict[str, float]:
    """Default fuel prices [CNY per carrier unit] (``twin/data/prices.csv``)."""
    table = data_table("prices.csv")
    return dict(zip(table["carrier"], table["price_cny_per_unit"].astype(float), strict=True))
