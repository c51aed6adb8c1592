"""Scenario models of assets (equipment), a discriminated union on ``type``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Maintenance(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: dt.date = Field(description="First day out of service")
    days: int = Field(ge=1, le=366, description="Days out of service")


class _Asset(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Za-z0-9_\-]+$", description="Unique id")
    owner: str = Field("park", description="Enterprise id that owns it, or 'park'")
    mtbf_h: float | None = Field(None, gt=0, description="Mean time between failures [h]; default from the technology library, none for PV and wind")
    mttr_h: float | None = Field(None, gt=0, description="Mean time to repair [h]")
    maintenance: list[Maintenance] = Field(default_factory=list, description="Planned outages")


class PV(_Asset):
    type: Literal["pv"]
    bus: str = "el"
    p_dc_mw: float = Field(gt=0, description="DC nameplate [MWp]")
    tilt_deg: float = Field(20.0, ge=0, le=90, description="Tilt from horizontal [deg]")
    azimuth_deg: float = Field(180.0, ge=0, lt=360, description="Azimuth, 180 = south [deg]")
    losses_frac: float = Field(0.14, ge=0, lt=1, description="System losses (soiling, wiring, mismatch, availability) [0-1]")
    dc_ac_ratio: float = Field(1.2, gt=0.5, le=2.0, description="DC nameplate / inverter AC rating [-]")
    mounting: Literal["roof", "ground"] = Field("roof", description="Cell temperature model")


class PowerCurve(BaseModel):
    model_config = ConfigDict(extra="forbid")
    speed_m_s: list[Annotated[float, Field(ge=0)]] = Field(min_length=2)
    power_mw: list[Annotated[float, Field(ge=0)]] = Field(min_length=2)

    @model_validator(mode="after")
    def _same_length(self) -> PowerCurve:
        if len(self.speed_m_s) != len(self.power_mw):
            raise ValueError("speed_m_s and power_mw must have the same length")
        return self


class Wind(_Asset):
    type: Literal["wind"]
    bus: str = "el"
    turbine_type: str | None = Field(None, description="Turbine from the windpowerlib library")
    power_curve: PowerCurve | None = Field(None, description="Own power curve instead of a library turbine")
    count: int = Field(1, ge=1, description="Number of turbines")
    hub_height_m: float = Field(gt=0, description="Hub height [m]")
    losses_frac: float = Field(0.10, ge=0, lt=1, description="Wake and electrical losses [0-1]")

    @model_validator(mode="after")
    def _one_curve(self) -> Wind:
        if (self.turbine_type is None) == (self.power_curve is None):
            raise ValueError("give exactly one of turbine_type or power_curve")
        return self


class Battery(_Asset):
    type: Literal["battery"]
    bus: str = "el"
    p_max_mw: float = Field(gt=0, description="Charge and discharge power limit [MW]")
    e_max_mwh: float = Field(gt=0, description="Energy capacity [MWh]")
    eta_charge_frac: float = Field(0.95, gt=0, le=1, description="Charging efficiency [0-1]")
    eta_discharge_frac: float = Field(0.95, gt=0, le=1, description="Discharging efficiency [0-1]")
    soc_min_frac: float = Field(0.05, ge=0, lt=1, description="Lowest state of charge [0-1]")
    soc_max_frac: float = Field(0.95, gt=0, le=1, description="Highest state of charge [0-1]")
    soc_init_frac: float = Field(0.5, ge=0, le=1, description="State of charge at the start [0-1]")
    strategy: Literal["self_consumption", "tou_arbitrage", "lookahead"] = Field("self_consumption", description="Dispatch strategy: self_consumption and tou_arbitrage are fast rules; lookahead plans each day by a 48-hour LP")

    @model_validator(mode="after")
    def _soc_order(self) -> Battery:
        if not self.soc_min_frac <= self.soc_init_frac <= self.soc_max_frac:
            raise ValueError("need soc_min_frac <= soc_init_frac <= soc_max_frac")
        return self


class Boiler(_Asset):
    type: Literal["boiler"]
    bus: str = Field("heat", description="Heat bus supplied")
    fuel: Literal["natural_gas", "coal", "biomass", "electricity"]
    fuel_bus: str | None = Field(None, description="Bus the fuel comes from; default: the fuel's market (electricity: the grid bus)")
    p_th_max_mw: float = Field(gt=0, description="Rated heat output [MW]")
    efficiency_frac: float = Field(gt=0, le=1.1, description="Heat out / fuel in on net calorific value [-]")


class HeatPump(_Asset):
    type: Literal["heat_pump"]
    bus: str = Field("heat", description="Heat bus supplied")
    el_bus: str = Field("el", description="Electricity bus")
    p_th_max_mw: float = Field(gt=0, description="Rated heat output [MW]")
    source: Literal["air", "water"] = Field("air", description="Heat source: outdoor air or a water stream")
    source_temp_c: float | None = Field(None, ge=-30, le=80, description="Water source temperature [degC] (source 'water')")
    sink_temp_c: float = Field(60.0, ge=20, le=160, description="Supply temperature [degC]")
    carnot_frac: float = Field(0.45, gt=0, le=0.8, description="COP as a fraction of the Carnot COP [-]")
    cop_max: float = Field(6.0, gt=1, le=12, description="Upper bound of the COP [-]")

    @model_validator(mode="after")
    def _water_temp(self) -> HeatPump:
        if self.source == "water" and self.source_temp_c is None:
            raise ValueError("source 'water' needs source_temp_c")
        return self


class Converter(_Asset):
    """Any technology of the library (twin/data/technologies.yaml), by preset."""

    type: Literal["converter"]
    preset: str = Field(description="Technology preset (twin/data/technologies.yaml)")
    capacity: float = Field(gt=0, description="Rated reference flow per hour, in the reference port's unit (MW, t/h, m3/h)")
    buses: dict[str, str] = Field(default_factory=dict, description="Port role -> bus id; default: the only bus of the role's carrier, or the fuel market")
    efficiency_frac: float | None = Field(None, gt=0, le=1.1, description="Overrides the preset's efficiency (output / fuel, NCV)")
    cop: float | None = Field(None, gt=0, le=12, description="Fixed COP overriding the preset's COP model")
    coefficients: dict[str, float] = Field(default_factory=dict, description="Port role -> coefficient per unit of reference flow, overriding the preset")
    capture_rate_frac: float | None = Field(None, gt=0, le=1, description="Share of the reference bus's inflow an absorbing unit may take (CCUS capture rate)")
    flue_bus: str | None = Field(None, description="CO2 bus receiving this unit's combustion CO2 (default: atmosphere)")


class Storage(_Asset):
    """A store on any bus (thermal, hydrogen, CO2 tank, battery) by preset."""

    type: Literal["storage"]
    preset: str = Field(description="Store preset (twin/data/technologies.yaml 'stores')")
    bus: str
    p_max: float = Field(gt=0, description="Charge/discharge limit per hour in the bus unit (MW, t/h)")
    e_max: float = Field(gt=0, description="Capacity in the bus unit (MWh, t)")
    soc_init_frac: float = Field(0.5, ge=0, le=1, description="Stored fraction at the start [0-1]")
    strategy: Literal["self_consumption", "tou_arbitrage", "lookahead"] = Field("self_consumption", description="Dispatch strategy: self_consumption and tou_arbitrage are fast rules; lookahead plans each day by a 48-hour LP")


class Link(_Asset):
    """Moves a carrier between two buses (steam main, waste heat, recycled water, waste)."""

    type: Literal["link"]
    from_bus: str
    to_bus: str
    capacity: float = Field(gt=0, description="Maximum flow per hour leaving from_bus (bus unit)")
    loss_frac: float = Field(0.0, ge=0, lt=1, description="Share lost on the way [0-1]")


Asset = Annotated[PV | Wind | Battery | Boiler | HeatPump | Converter | Storage | Link,
                  Field(discriminator="type")]
