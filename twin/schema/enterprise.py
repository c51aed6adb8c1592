"""Scenario models of enterprises: demand, shifts, calendar, weather response."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Shift = Literal["continuous", "3x8", "2x8", "1x8"]


def check_hours(name: str, hours: tuple[float, float] | None) -> None:
    """Refuse an hour pair that is not [start, end) within one day (ValueError)."""
    if hours and not 0 <= hours[0] < hours[1] <= 24:
        raise ValueError(f"{name} must be [start, end) with 0 <= start < end <= 24")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnnualDemand(_Strict):
    electricity_mwh: float = Field(0.0, ge=0, description="Annual final electricity demand [MWh]")
    heat_mwh: float = Field(0.0, ge=0, description="Annual heat demand (process + space) [MWh]")


class CapacityChange(_Strict):
    """From ``date`` on, the enterprise runs at ``capacity_frac`` of its size at the start of the year."""

    date: dt.date = Field(description="First day at the new size")
    capacity_frac: float = Field(ge=0, le=5, description="Size relative to the start of the year (0.5: half the lines; 1.2: a shift added) [-]")


class Calendar(_Strict):
    """Working calendar; ``None`` fields take the sector default (twin/data/sectors.csv)."""

    public_holidays: Literal["cn", "none"] = Field("cn", description="Public holiday calendar: Chinese (with Spring Festival shutdown) or none")
    extra_holidays: list[dt.date] = Field(default_factory=list, description="Further non-working days (company holidays, local festivals)")

    weekend_load_frac: float | None = Field(None, ge=0, le=1, description="Production level on weekends [0-1]")
    holiday_load_frac: float | None = Field(None, ge=0, le=1, description="Production level on public holidays [0-1]")
    spring_festival_load_frac: float | None = Field(None, ge=0, le=1, description="Production level during the Spring Festival shutdown [0-1]")
    spring_festival_days_before: int = Field(3, ge=0, le=30, description="Shutdown days before Spring Festival day")
    spring_festival_days_after: int = Field(10, ge=0, le=45, description="Shutdown days after Spring Festival day")
    capacity_changes: list[CapacityChange] = Field(default_factory=list, description="Dated changes of size (a line closed or added, a new shift): electricity, process heat and production scale from each date on; the annual totals are those of the year as it runs")

    @model_validator(mode="after")
    def _distinct_dates(self) -> Calendar:
        dates = [c.date for c in self.capacity_changes]
        if len(set(dates)) != len(dates):
            raise ValueError("capacity_changes: two changes on the same date")
        return self


class TemperatureResponse(_Strict):
    heating_balance_c: float = Field(15.0, ge=-10, le=25, description="Outdoor temperature below which space heat is needed [degC]")
    space_heat_frac: float | None = Field(None, ge=0, le=1, description="Share of annual heat that is weather-driven space heating [0-1]")
    cooling_balance_c: float = Field(22.0, ge=5, le=35, description="Outdoor temperature above which cooling adds electricity [degC]")
    cooling_frac_per_k: float | None = Field(None, ge=0, le=0.2, description="Extra electricity per K above the cooling balance point [fraction of load per K]")
    el_heating_frac_per_k: float = Field(0.0, ge=0, le=0.2, description="Extra electricity per K below the heating balance point (electric heaters, more lighting in the dark months) [fraction of load per K]")
    space_heat_hours: tuple[float, float] | None = Field(None, description="Hours [start, end) the space heating runs (a boiler timer) [h]; none: all day")
    heating_months: list[int] | None = Field(None, description="Months (1-12) of the heating season, when space heating may run (north China's district heating: [11, 12, 1, 2, 3]); none: all year")
    thermal_time_constant_h: float = Field(0.0, ge=0, le=500, description="Thermal inertia of the buildings: heating and cooling respond to the outdoor temperature smoothed with this time constant [h]; 0: to the hour's temperature")
    solar_gain_k_per_kw_m2: float = Field(0.0, ge=0, le=50, description="Solar gains: the buildings feel the air this many K warmer per kW/m2 of global horizontal irradiance (a sol-air temperature) [K per kW/m2]")
    space_heat_follows_calendar: bool = Field(False, description="Space heat scales with the day's production level (off on holidays, set back on weekends)")

    @model_validator(mode="after")
    def _space_heat_hours(self) -> TemperatureResponse:
        check_hours("space_heat_hours", self.space_heat_hours)
        months = self.heating_months
        if months is not None and (not months or len(set(months)) != len(months)
                                   or not all(1 <= m <= 12 for m in months)):
            raise ValueError("heating_months must list distinct months 1-12")
        return self


class LearnedLoad(_Strict):
    """A demand model learned from a meter (``park-twin calibrate``; twin/physics/learned.py).

    Daily energy from the day's kind and mean air temperature (a change-point model:
    3P/4P/5P, a zero slope switches its term off), spread over the hours by a time-of-week
    shape, scaled by the enterprise's annual demand over ``reference_mwh``.
    """

    day_mwh: list[float] = Field(min_length=7, max_length=7, description="Weather-neutral energy of a Monday .. Sunday at the size of the start of the year [MWh per day]")
    holiday_mwh: float = Field(ge=0, description="Energy of a holiday or maintenance day [MWh per day]")
    spring_festival_mwh: float | None = Field(None, ge=0, description="Energy of a Spring Festival shutdown day [MWh per day]; none: holiday_mwh")
    heating_balance_c: float = Field(15.0, ge=-10, le=30, description="Daily mean temperature below which the heating slope applies [degC]")
    heating_mwh_per_k: float = Field(0.0, ge=0, description="Extra energy per K-day below the heating balance point [MWh per K-day]")
    cooling_balance_c: float = Field(22.0, ge=-10, le=40, description="Daily mean temperature above which the cooling slope applies [degC]")
    cooling_mwh_per_k: float = Field(0.0, ge=0, description="Extra energy per K-day above the cooling balance point [MWh per K-day]")
    hour_shape: list[list[float]] | None = Field(None, description="7 x 24 shares of each weekday's energy per local hour (rows sum to 1; holidays take Sunday's); none: the shift pattern's shape")
    weather_hour_shape: list[list[float]] | None = Field(None, description="7 x 24 shares of the weather term's daily energy per local hour (a boiler timer, afternoon cooling); none: hour_shape")
    reference_mwh: float = Field(gt=0, description="The model's annual total in the year it was learned [MWh]: the annual demand scales the model by demand / reference_mwh")

    @model_validator(mode="after")
    def _shape(self) -> LearnedLoad:
        for name in ("hour_shape", "weather_hour_shape"):
            shape = getattr(self, name)
            if shape is not None and (len(shape) != 7 or any(
                    len(row) != 24 or min(row) < 0 or abs(sum(row) - 1) > 1e-3 for row in shape)):
                raise ValueError(f"{name} must be 7 rows of 24 shares >= 0 summing to 1")
        return self


class LearnedDemand(_Strict):
    """Learned models replacing the sector shape of an enterprise's electricity and heat."""

    electricity: LearnedLoad | None = Field(None, description="Model of the electricity draw")
    heat: LearnedLoad | None = Field(None, description="Model of the heat draw")


class MotorSystems(_Strict):
    """Motors and compressed air: upgrading their class scales the electricity they use."""

    motor_share_frac: float = Field(0.0, ge=0, le=1, description="Share of electricity used by motors (pumps, fans, drives) [0-1]")
    motor_class_before: str = Field("IE2", description="Motor class the annual demand was measured with (twin/data/motor_systems.csv)")
    motor_class: str = Field("IE2", description="Motor class in service")
    compressor_share_frac: float = Field(0.0, ge=0, le=1, description="Share of electricity used by air compressors [0-1]")
    compressor_grade_before: str = Field("grade3", description="Compressor grade of the measured demand")
    compressor_grade: str = Field("grade3", description="Compressor grade in service")


class Production(_Strict):
    """What an enterprise makes, and the material flows per tonne of product."""

    product: str = Field("product", description="Product name (for footprints)")
    t_per_year: float = Field(ge=0, description="Annual output [t]")
    process_co2_t_per_t: float = Field(0.0, ge=0, description="Process CO2 (calcination, reduction) [t per t product]")
    solid_waste_t_per_t: float = Field(0.0, ge=0, description="Solid waste generated [t per t]")
    water_m3_per_t: float = Field(0.0, ge=0, description="Process water used [m3 per t]")
    wastewater_m3_per_t: float = Field(0.0, ge=0, description="Wastewater discharged [m3 per t]")
    waste_heat_mwh_per_t: float = Field(0.0, ge=0, description="Recoverable waste heat offered [MWh per t]")
    product_bus: str | None = Field(None, description="Bus the product goes to (t); none: leaves the park directly")
    flue_bus: str = Field("atmosphere", description="CO2 bus receiving process CO2")
    waste_bus: str | None = Field(None, description="Solid-waste bus")
    water_bus: str | None = Field(None, description="Water bus")
    wastewater_bus: str | None = Field(None, description="Wastewater bus")
    waste_heat_bus: str | None = Field(None, description="Waste-heat bus")


class Fleet(_Strict):
    """Trucks of one type owned by an enterprise or the park."""

    id: str = Field(pattern=r"^[A-Za-z0-9_\-]+$")
    owner: str = Field("park")
    vehicle: str = Field(description="Vehicle preset (twin/data/technologies.yaml 'vehicles')")
    count: int = Field(ge=1, description="Number of trucks")
    distance_km: float = Field(gt=0, description="Round-trip distance of one trip [km]")
    speed_km_h: float = Field(40.0, gt=0, le=120, description="Average speed incl. loading [km/h]")
    cargo_bus: str | None = Field(None, description="Bus whose offtake (or tank) the trucks carry; none: a fixed schedule")
    delivers_to: Literal["co2_storage", "co2_utilisation", "recycling", "sales", "export"] | None = Field(
        None, description="Where trucks loading from a tank deliver (default: the bus's offtake kind)")
    trips_per_day: float = Field(0.0, ge=0, description="Trips per working day when there is no cargo bus")
    depot_bus: str | None = Field(None, description="Bus the depot charges or refuels from (electricity or hydrogen)")
    charging: Literal["smart", "immediate"] = Field("smart", description="Charge in the cheapest hours, or on return")


class Enterprise(_Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9_\-]+$", description="Unique id")
    name: str = ""
    name_zh: str = Field("", description="Name in Chinese, shown in the Chinese interface (default: name)")
    sector: str = Field(description="Sector (twin/data/sectors.csv) giving default shapes")
    el_bus: str = Field("el", description="Electricity bus the enterprise draws from")
    heat_bus: str | None = Field("heat", description="Heat bus the enterprise draws from")
    demand: AnnualDemand = Field(default_factory=AnnualDemand)
    shift: Shift | None = Field(None, description="Shift pattern; default from the sector")
    shift_hours: tuple[float, float] | None = Field(None, description="Production hours [start, end) replacing the shift pattern's [h]")
    base_load_frac: float | None = Field(None, ge=0, le=1, description="Load outside production as a fraction of production load [0-1]")
    calendar: Calendar = Field(default_factory=Calendar)
    temperature: TemperatureResponse = Field(default_factory=TemperatureResponse)
    learned: LearnedDemand | None = Field(None, description="Demand models learned from meters (calibration), replacing the sector shape and temperature response")
    @model_validator(mode="after")
    def _shift_hours(self) -> Enterprise:
        check_hours("shift_hours", self.shift_hours)
        return self

    production: Production | None = Field(None, description="Products and their material flows")
    motor_systems: MotorSystems | None = Field(None, description="Motor and compressor classes (efficiency upgrades)")
    flexible_frac: float = Field(0.0, ge=0, le=1, description="Share of production electricity that can move from peak to valley hours within a day [0-1]")
    maintenance: list[dt.date] = Field(default_factory=list, description="Days of planned maintenance (no production)")
    profile: str | None = Field(None, description="CSV of an hourly electricity shape (one value per hour of the year) replacing the sector shape; relative to the scenario file")
