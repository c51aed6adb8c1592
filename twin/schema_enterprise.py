"""Scenario models of enterprises: demand, shifts, calendar, weather response."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Shift = Literal["continuous", "3x8", "2x8", "1x8"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnnualDemand(_Strict):
    electricity_mwh: float = Field(0.0, ge=0, description="Annual final electricity demand [MWh]")
    heat_mwh: float = Field(0.0, ge=0, description="Annual heat demand (process + space) [MWh]")


class Calendar(_Strict):
    """Working calendar; ``None`` fields take the sector default (twin/data/sectors.csv)."""

    public_holidays: Literal["cn", "none"] = Field("cn", description="Public holiday calendar: Chinese (with Spring Festival shutdown) or none")
    extra_holidays: list[dt.date] = Field(default_factory=list, description="Further non-working days (company holidays, local festivals)")

    weekend_load_frac: float | None = Field(None, ge=0, le=1, description="Production level on weekends [0-1]")
    holiday_load_frac: float | None = Field(None, ge=0, le=1, description="Production level on public holidays [0-1]")
    spring_festival_load_frac: float | None = Field(None, ge=0, le=1, description="Production level during the Spring Festival shutdown [0-1]")
    spring_festival_days_before: int = Field(3, ge=0, le=30, description="Shutdown days before Spring Festival day")
    spring_festival_days_after: int = Field(10, ge=0, le=45, description="Shutdown days after Spring Festival day")


class TemperatureResponse(_Strict):
    heating_balance_c: float = Field(15.0, ge=-10, le=25, description="Outdoor temperature below which space heat is needed [degC]")
    space_heat_frac: float | None = Field(None, ge=0, le=1, description="Share of annual heat that is weather-driven space heating [0-1]")
    cooling_balance_c: float = Field(22.0, ge=5, le=35, description="Outdoor temperature above which cooling adds electricity [degC]")
    cooling_frac_per_k: float | None = Field(None, ge=0, le=0.2, description="Extra electricity per K above the cooling balance point [fraction of load per K]")


class Enterprise(_Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9_\-]+$", description="Unique id")
    name: str = ""
    sector: str = Field(description="Sector (twin/data/sectors.csv) giving default shapes")
    el_bus: str = Field("el", description="Electricity bus the enterprise draws from")
    heat_bus: str | None = Field("heat", description="Heat bus the enterprise draws from")
    demand: AnnualDemand = Field(default_factory=AnnualDemand)
    shift: Shift | None = Field(None, description="Shift pattern; default from the sector")
    shift_hours: tuple[float, float] | None = Field(None, description="Production hours [start, end) replacing the shift pattern's [h]")
    base_load_frac: float | None = Field(None, ge=0, le=1, description="Load outside production as a fraction of production load [0-1]")
    calendar: Calendar = Field(default_factory=Calendar)
    temperature: TemperatureResponse = Field(default_factory=TemperatureResponse)
    @model_validator(mode="after")
    def _shift_hours(self) -> Enterprise:
        if self.shift_hours and not 0 <= self.shift_hours[0] < self.shift_hours[1] <= 24:
            raise ValueError("shift_hours must be [start, end) with 0 <= start < end <= 24")
        return self

    profile: str | None = Field(None, description="CSV of an hourly electricity shape (one value per hour of the year) replacing the sector shape; relative to the scenario file")
