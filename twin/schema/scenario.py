"""Pydantic models of the scenario file.

Units are in the field names; fractions are 0-1. Field descriptions double as
documentation and as help text in the app. Cross-references (buses, owners,
ids) are checked in :mod:`twin.scenario.checks` after this structural validation.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from twin.schema.assets import Asset
from twin.schema.enterprise import Enterprise, Fleet
from twin.schema.plan import (
    Accounting,
    Economics,
    GreenPower,
    IndicatorSettings,
    Measure,
    Offsets,
    PathwaySettings,
)


class Strict(BaseModel):
    """Base model: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


WeatherSource = Literal["synthetic", "epw", "tmy2", "tmy3", "pvgis", "csv"]


class Weather(Strict):
    source: WeatherSource = Field("synthetic", description="Built-in synthetic year or a file format")
    path: str | None = Field(None, description="Weather file, relative to the scenario file")
    site: str | None = Field(None, description="Named Chinese site for the synthetic year (e.g. suzhou); default: nearest to the coordinates")

    @model_validator(mode="after")
    def _path_for_files(self) -> Weather:
        if self.source != "synthetic" and not self.path:
            raise ValueError(f"a weather 'path' is required for source {self.source!r}")
        return self


class Site(Strict):
    name: str = Field(description="Name of the park")
    latitude_deg: float = Field(ge=-90, le=90, description="Latitude [deg north]")
    longitude_deg: float = Field(ge=-180, le=180, description="Longitude [deg east]")
    timezone: str = Field("Asia/Shanghai", description="IANA time zone of the hourly results")
    altitude_m: float = Field(0.0, ge=-500, le=9000, description="Altitude [m]")
    weather: Weather = Field(default_factory=Weather)


class Period(Strict):
    year: int = Field(2025, ge=2000, le=2060, description="Calendar year simulated")
    start: dt.date | None = Field(None, description="First day simulated (default 1 January)")
    days: int | None = Field(None, ge=1, le=366, description="Number of days (default: to year end)")


class TariffSeason(Strict):
    months: list[Annotated[int, Field(ge=1, le=12)]] = Field(min_length=1)
    hours: dict[str, list[tuple[int, int]]] = Field(description="Period name -> [start, end) hour ranges")

    @model_validator(mode="after")
    def _each_hour_once(self) -> TariffSeason:
        covered = sorted(h for ranges in self.hours.values() for a, b in ranges for h in range(a, b))
        if covered != list(range(24)):
            raise ValueError(f"hours of months {self.months} must cover 0-24 exactly once")
        return self


class Tariff(Strict):
    name: str
    source: str = Field(description="Where the prices and periods come from")
    year: int
    energy_cny_per_mwh: dict[str, Annotated[float, Field(ge=0)]] = Field(description="Energy price per TOU period [CNY/MWh]")
    demand_charge_cny_per_mw_month: float = Field(0.0, ge=0, description="Charge on the month's maximum import [CNY/MW/month]")
    export_cny_per_mwh: float = Field(0.0, ge=0, description="Price paid for exported energy [CNY/MWh]")
    seasons: list[TariffSeason] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> Tariff:
        months = sorted(m for s in self.seasons for m in s.months)
        if months != list(range(1, 13)):
            raise ValueError("seasons must cover each month 1-12 exactly once")
        for season in self.seasons:
            unknown = set(season.hours) - set(self.energy_cny_per_mwh)
            if unknown:
                raise ValueError(f"periods {sorted(unknown)} have no price in energy_cny_per_mwh")
        return self


FactorBasis = Literal["national_average", "national_residual", "national_fossil", "regional", "ets_reporting"]


class GridFactor(Strict):
    basis: FactorBasis = Field("regional", description="Which published grid factor applies")
    region: str = Field("east", description="Regional grid (basis 'regional') or 'national'")
    year: int = Field(2023, description="Publication year of the factor")
    t_co2_per_mwh: float | None = Field(None, ge=0, description="Override of the factor [tCO2/MWh]")


class Grid(Strict):
    bus: str = Field("el", description="Bus the grid connects to")
    import_max_mw: float = Field(ge=0, description="Contracted import limit [MW]")
    export_max_mw: float = Field(0.0, ge=0, description="Export limit [MW] (0: no export)")
    tariff: str | Tariff = Field("jiangsu_2024_industrial", description="Shipped tariff name or an inline tariff")
    emission_factor: GridFactor = Field(default_factory=GridFactor)


class Offtake(Strict):
    """A controlled way out of a bus: CO2 pipeline, off-site recycling, product sales."""

    kind: Literal["co2_storage", "co2_utilisation", "recycling", "sales", "export"] = Field(description="Where it goes (accounted by kind)")
    max_per_h: float = Field(ge=0, description="Limit per hour in the bus unit (t/h, m3/h, MW)")
    price_cny_per_unit: float = Field(0.0, description="Revenue (+) or cost (-) per unit shipped [CNY]")


class Bus(Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9_\-]+$")
    carrier: str = Field(description="What balances on this bus (twin/data/carriers.csv)")
    market: bool | None = Field(None, description="Bought from outside without limit; default yes for fuels and water")
    offtake: Offtake | None = Field(None, description="Controlled way out for what the park does not use")


def _default_buses() -> list[Bus]:
    return [Bus(id="el", carrier="electricity"), Bus(id="heat", carrier="heat")]


class Reliability(Strict):
    failures: bool = Field(True, description="Draw random failures from each asset's MTBF/MTTR")


class Scenario(Strict):
    name: str = Field(description="Scenario name shown in results")
    name_zh: str = Field("", description="Scenario name in Chinese, shown in the Chinese interface (default: name)")
    description: str = ""
    seed: int = Field(0, ge=0, description="Seed of every random stream")
    _base_dir: Path | None = PrivateAttr(None)
    _source: str = PrivateAttr("<memory>")
    _allow_outside: bool = PrivateAttr(False)
    period: Period = Field(default_factory=Period)
    site: Site
    grid: Grid
    fuel_price_cny_per_unit: dict[str, Annotated[float, Field(ge=0)]] = Field(
        default_factory=dict, description="Fuel prices per carrier unit (m3, t); defaults from twin/data/prices.csv")
    buses: list[Bus] = Field(default_factory=_default_buses)
    enterprises: list[Enterprise] = Field(default_factory=list)
    assets: list[Asset] = Field(default_factory=list)
    fleets: list[Fleet] = Field(default_factory=list)
    reliability: Reliability = Field(default_factory=Reliability)
    accounting: Accounting = Field(default_factory=Accounting, description="Carbon accounts: factor year, overrides, method choices")
    green_power: GreenPower = Field(default_factory=GreenPower, description="Green power trades, certificates and direct connection")
    offsets: Offsets = Field(default_factory=Offsets, description="Carbon sinks and retired offsets")
    indicators: IndicatorSettings = Field(default_factory=IndicatorSettings, description="Indicator thresholds and inputs")
    economics: Economics = Field(default_factory=Economics, description="Discount rate, horizon, existing equipment, prices")
    measures: list[Measure] = Field(default_factory=list, description="Retrofit measures with commissioning years and costs")
    pathway: PathwaySettings = Field(default_factory=PathwaySettings, description="Grid factors of pathway years")
