"""Emission and standard-coal factors as versioned data, with scenario overrides.

Tables (each row names its source and year; 'verify' marks secondary figures):

- ``grid_factors.csv``: grid electricity [tCO2/MWh] by basis, area and year. Bases:
  ``national_average``, ``national_residual`` (excluding market-traded non-fossil
  power: the residual mix for market-based accounting), ``national_fossil``,
  ``regional`` (area: a regional grid, or a province mapped to its grid),
  ``provincial`` (area: a province) and ``ets_reporting``.
- ``provinces.csv``: province id, Chinese name, regional grid.
- ``process_factors.csv``: industrial-process CO2 per tonne of product.
- ``heat_factors.csv``: purchased heat [tCO2/MWh].
- ``fuels.csv`` and ``conversion.csv`` (read through :mod:`twin.units`).

A :class:`FactorBook` fixes the accounting year, the file named in errors and a
mapping of overrides applied on lookup. Override keys:
``grid:<basis>`` or ``grid:<basis>:<area>`` [tCO2/MWh], ``process:<name>`` [tCO2/t],
``fuel:<carrier>`` [tCO2 per carrier unit], ``heat:<basis>`` [tCO2/MWh].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import pandas as pd

from twin.errors import InputError, Problem
from twin.units import Fuel, data_table, fuels, tce_per_mwh

GRID_BASES = ("national_average", "national_residual", "national_fossil",
              "regional", "provincial", "ets_reporting")
ENERGY_BASES = ("equivalent", "equal_value")


@cache
def grid_factors() -> pd.DataFrame:
    """All published grid factors: basis, region, year, t_co2_per_mwh, source."""
    return data_table("grid_factors.csv")


@cache
def provinces() -> pd.DataFrame:
    """Provinces: id, Chinese name and regional grid (``provinces.csv``)."""
    return data_table("provinces.csv")


@cache
def process_factors() -> pd.DataFrame:
    """Process-emission factors per tonne of product (``process_factors.csv``)."""
    return data_table("process_factors.csv")


@cache
def heat_factors() -> pd.DataFrame:
    """Purchased-heat factors (``heat_factors.csv``)."""
    return data_table("heat_factors.csv")


def grid_factor_exists(basis: str, region: str, year: int) -> bool:
    """True when the table has a factor for (basis, region, year)."""
    return not _rows(basis, region, year).empty


def grid_factor_t_per_mwh(basis: str, region: str, year: int) -> float:
    """The grid emission factor [tCO2/MWh] for (basis, region, year); KeyError if absent."""
    rows = _rows(basis, region, year)
    if rows.empty:
        raise KeyError(f"no {basis} grid factor for {region} in {year}")
    return float(rows["t_co2_per_mwh"].iloc[0])


def _province_id(area: str) -> str | None:
    """Province id for an id or Chinese name, else None."""
    p = provinces()
    hit = p[(p["province"] == area.lower()) | (p["name_zh"] == area)]
    return None if hit.empty else str(hit["province"].iloc[0])


@cache  # the tables are read once; an assessment asks for the same few factors hundreds of times
def _area(basis: str, area: str) -> str:
    """The table's region key: national bases ignore the area; provinces map to their grid."""
    if basis.startswith("national") or basis == "ets_reporting":
        return "national"
    province = _province_id(area)
    if basis == "regional" and province is not None:
        p = provinces()
        return str(p.loc[p["province"] == province, "regional_grid"].iloc[0])
    return province or area.lower()


def _rows(basis: str, region: str, year: int) -> pd.DataFrame:
    t = grid_factors()
    return t[(t["basis"] == basis) & (t["region"] == _area(basis, region)) & (t["year"] == year)]


@cache
def _table_factor(basis: str, region: str, year: int) -> float | None:
    """The table's factor [tCO2/MWh] for (basis, region, year), None when absent (cached)."""
    rows = _rows(basis, region, year)
    return None if rows.empty else float(rows["t_co2_per_mwh"].iloc[0])


@cache
def _known_regions(basis: str) -> tuple[str, ...]:
    t = grid_factors()
    return tuple(sorted(set(t.loc[t["basis"] == basis, "region"])))


def grid_factor(basis: str, area: str, year: int, *, overrides: Mapping[str, float] | None = None,
                file: str = "<scenario>") -> float:
    """Grid electricity factor [tCO2/MWh], after overrides, with a clear error when absent.

    Parameters
    ----------
    basis : str
        One of :data:`GRID_BASES`.
    area : str
        ``national``, a regional grid (``east``) or a province (``jiangsu`` / ``江苏``).
    year : int
        Data year of the factor.
    overrides : mapping, optional
        ``grid:<basis>`` or ``grid:<basis>:<area>`` -> factor [tCO2/MWh].
    file : str
        File named in an error (the scenario path).
    """
    return FactorBook(year, dict(overrides or {}), file).grid(basis, area)


def process_factor(process: str, *, overrides: Mapping[str, float] | None = None,
                   file: str = "<scenario>") -> float:
    """Process CO2 [tCO2 per t product] for ``process``, after overrides."""
    return FactorBook(0, dict(overrides or {}), file).process(process)


@dataclass(frozen=True)
class FactorBook:
    """Factor look-ups for one accounting year with scenario overrides.

    Parameters
    ----------
    year : int
        Data year of the grid factors.
    overrides : mapping
        Override values by key (see module docstring); applied before the tables.
    file : str
        File named in :class:`~twin.errors.InputError` (the scenario path).
    """

    year: int = 2023
    overrides: Mapping[str, float] = field(default_factory=dict)
    file: str = "<scenario>"

    def _fail(self, fld: str, message: str, item: str | None = None) -> InputError:
        return InputError(Problem(self.file, fld, message, item))

    def grid(self, basis: str, area: str = "national") -> float:
        """Grid factor [tCO2/MWh] for ``basis`` and ``area`` in :attr:`year`."""
        if basis not in GRID_BASES:
            raise self._fail("accounting.grid_basis", f"unknown grid factor basis {basis!r}; "
                             f"known: {', '.join(GRID_BASES)}", basis)
        key = _area(basis, area)
        for k in (f"grid:{basis}:{area}", f"grid:{basis}:{key}", f"grid:{basis}"):
            if k in self.overrides:
                return float(self.overrides[k])
        self._check_area(basis, area, key)
        value = _table_factor(basis, area, self.year)
        if value is None:
            t = grid_factors()
            years = sorted(t.loc[(t["basis"] == basis) & (t["region"] == key), "year"].astype(int))
            raise self._fail("accounting.factor_year",
                             f"no {basis} grid factor for {key} in {self.year}; years with "
                             f"data: {', '.join(map(str, years)) or 'none'} "
                             f"(twin/data/grid_factors.csv), or give an override "
                             f"'grid:{basis}:{key}'", f"{key}:{self.year}")
        return value

    def _check_area(self, basis: str, area: str, key: str) -> None:
        known = _known_regions(basis)
        if basis == "regional" and key not in known:
            raise self._fail("accounting.grid_area", f"unknown regional grid or province {area!r}; "
                             f"regions: {', '.join(known)}; provinces: "
                             f"{', '.join(provinces()['province'])}", area)
        if basis == "provincial" and _province_id(area) is None:
            raise self._fail("accounting.grid_area", f"unknown province {area!r}; known: "
                             f"{', '.join(provinces()['province'])}", area)
        if basis == "provincial" and key not in known:
            raise self._fail("accounting.grid_area", f"no provincial factor for {key} in any year; "
                             f"provinces with data: {', '.join(known)}; use basis 'regional' "
                             f"or an override 'grid:provincial:{key}'", area)

    def process(self, process: str) -> float:
        """Process CO2 [tCO2 per t product] (``process_factors.csv`` or an override)."""
        if f"process:{process}" in self.overrides:
            return float(self.overrides[f"process:{process}"])
        t = process_factors()
        row = t[t["process"] == process]
        if row.empty:
            raise self._fail("accounting.process", f"unknown process {process!r}; known: "
                             f"{', '.join(t['process'])}; or give an override 'process:{process}'",
                             process)
        return float(row["t_co2_per_t"].iloc[0])

    def fuel_co2(self, carrier: str) -> float:
        """Combustion CO2 [tCO2 per carrier unit] (``fuels.csv`` or an override)."""
        if f"fuel:{carrier}" in self.overrides:
            return float(self.overrides[f"fuel:{carrier}"])
        return self._fuel(carrier).co2_t_per_unit

    def fuel_unit(self, carrier: str) -> str:
        """Unit of a fuel carrier (t, m3)."""
        return self._fuel(carrier).unit

    def fuel_tce(self, carrier: str) -> float:
        """Standard coal [tce per carrier unit]; fuels are the same on both bases."""
        return self._fuel(carrier).tce_per_unit

    def _fuel(self, carrier: str) -> Fuel:
        table = fuels()
        if carrier not in table:
            raise self._fail("fuel_use", f"unknown fuel {carrier!r}; known: {', '.join(table)}",
                             carrier)
        return table[carrier]

    def heat(self, basis: str = "default") -> float:
        """Purchased heat factor [tCO2/MWh] (``heat_factors.csv`` or an override)."""
        if f"heat:{basis}" in self.overrides:
            return float(self.overrides[f"heat:{basis}"])
        t = heat_factors()
        row = t[t["basis"] == basis]
        if row.empty:
            raise self._fail("accounting.heat_basis", f"unknown heat factor {basis!r}; known: "
                             f"{', '.join(t['basis'])}", basis)
        return float(row["t_co2_per_mwh"].iloc[0])

    def tce_per_mwh(self, item: str, basis: str = "equivalent") -> float:
        """Standard coal of electricity or heat [tce/MWh] on ``basis``."""
        if basis not in ENERGY_BASES:
            raise self._fail("accounting.energy_basis", f"unknown standard-coal basis {basis!r}; "
                             f"known: {', '.join(ENERGY_BASES)}", basis)
        return tce_per_mwh(item, basis)


def factor_sources() -> pd.DataFrame:
    """Every shipped factor with its source, for reports: table, key, value, unit, source."""
    g = grid_factors()
    p = process_factors()
    h = heat_factors()
    parts = [
        pd.DataFrame({"table": "grid",
                      "key": g["basis"] + ":" + g["region"] + ":" + g["year"].astype(str),
                      "value": g["t_co2_per_mwh"], "unit": "t_co2_per_mwh", "source": g["source"]}),
        pd.DataFrame({"table": "process", "key": p["process"], "value": p["t_co2_per_t"],
                      "unit": "t_co2_per_t", "source": p["source"]}),
        pd.DataFrame({"table": "heat", "key": h["basis"], "value": h["t_co2_per_mwh"],
                      "unit": "t_co2_per_mwh", "source": h["source"]}),
    ]
    return pd.concat(parts, ignore_index=True)
