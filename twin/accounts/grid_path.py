"""Grid emission factors of future years: published where they exist, else a projection.

``twin/data/grid_factor_projection.csv`` holds a PROJECTION (not published data) of the
national average and national fossil-power factors to 2035: the 2023 MEE & NBS values
continued on their 2021-2023 linear trend. Other bases and areas (regional grids,
provinces, the residual mix, the ETS factor) follow the national average in proportion to
their latest published value. ``pathway.grid_trajectory: flat`` holds every factor at
its latest published value instead; ``pathway.grid_factors`` overrides any year; a factor
the scenario overrides in ``accounting.factor_overrides`` is held as given.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from twin.accounts.bridge import accounting_options
from twin.catalog.factors import FactorBook, grid_factor_exists, grid_factors
from twin.errors import InputError, Problem
from twin.units import data_table

PROJECTED = ("national_average", "national_fossil")
USES = ("national_grid", "location", "residual", "footprint")


@cache
def projection() -> pd.DataFrame:
    """The shipped projection (``grid_factor_projection.csv``)."""
    return data_table("grid_factor_projection.csv")


def projection_years() -> tuple[int, int]:
    """First and last year of the projection."""
    years = projection()["year"]
    return int(years.min()), int(years.max())


def _projected(basis: str, year: int) -> float | None:
    t = projection()
    row = t[(t["basis"] == basis) & (t["year"] == year)]
    return None if row.empty else float(row["t_co2_per_mwh"].iloc[0])


def _published_years(basis: str, area: str) -> list[int]:
    years = sorted(int(y) for y in set(grid_factors()["year"]))
    return [y for y in years if grid_factor_exists(basis, area, y)]


def _national_average(year: int, file: str) -> float:
    if grid_factor_exists("national_average", "national", year):
        return FactorBook(year, file=file).grid("national_average")
    value = _projected("national_average", year)
    if value is None:
        raise _beyond(file, year)
    return value


def _beyond(file: str, year: int) -> InputError:
    lo, hi = projection_years()
    return InputError(Problem(file, "pathway", f"no grid factor for {year}: published data end in "
                              f"{max(_published_years('national_average', 'national'))}, the projection "
                              f"covers {lo}-{hi} (twin/data/grid_factor_projection.csv); give "
                              f"pathway.grid_factors for {year}", str(year)))


def factor_in_year(basis: str, area: str, year: int, trajectory: str = "projection",
                   file: str = "<scenario>") -> float:
    """Grid factor of ``basis`` in ``area`` for ``year`` [tCO2/MWh] (module docstring)."""
    book = FactorBook(year, file=file)
    published = _published_years(basis, area) if basis in {b for b in grid_factors()["basis"]} else []
    if year in published:
        return book.grid(basis, area)
    earlier = [y for y in published if y < year]
    if not earlier:
        book.grid(basis, area)  # raises the factor book's error naming basis, area and years
    last = earlier[-1]
    value = FactorBook(last, file=file).grid(basis, area)
    if trajectory == "flat":
        return value
    if basis in PROJECTED and area_is_national(basis):
        projected = _projected(basis, year)
        if projected is None:
            raise _beyond(file, year)
        return projected
    return value * _national_average(year, file) / _national_average(last, file)


def area_is_national(basis: str) -> bool:
    return basis.startswith("national") or basis == "ets_reporting"


def year_overrides(sc, year: int) -> dict[str, float]:
    """Factor overrides that make the scenario's accounts use ``year``'s grid factors."""
    opt = accounting_options(sc)
    given = sc.accounting.factor_overrides
    out: dict[str, float] = {}
    for use in USES:
        basis, area = getattr(opt, f"{use}_basis"), getattr(opt, f"{use}_area")
        if any(k in given for k in (f"grid:{basis}", f"grid:{basis}:{area}")):
            continue
        out[f"grid:{basis}:{area}"] = factor_in_year(basis, area, year, sc.pathway.grid_trajectory,
                                                     sc._source)
    out.update(sc.pathway.grid_factors.get(year, {}))
    return out
