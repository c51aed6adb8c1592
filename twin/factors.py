"""Grid emission factors as versioned data (``twin/data/grid_factors.csv``)."""

from __future__ import annotations

from functools import cache

import pandas as pd

from twin.units import data_table


@cache
def grid_factors() -> pd.DataFrame:
    """All published grid factors: basis, region, year, t_co2_per_mwh, source."""
    return data_table("grid_factors.csv")


def grid_factor_exists(basis: str, region: str, year: int) -> bool:
    """True when the table has a factor for (basis, region, year)."""
    return not _rows(basis, region, year).empty


def grid_factor_t_per_mwh(basis: str, region: str, year: int) -> float:
    """The grid emission factor [tCO2/MWh] for (basis, region, year)."""
    rows = _rows(basis, region, year)
    if rows.empty:
        raise KeyError(f"no {basis} grid factor for {region} in {year}")
    return float(rows["t_co2_per_mwh"].iloc[0])


def _rows(basis: str, region: str, year: int) -> pd.DataFrame:
    t = grid_factors()
    region = "national" if basis.startswith("national") or basis == "ets_reporting" else region
    return t[(t["basis"] == basis) & (t["region"] == region) & (t["year"] == year)]
