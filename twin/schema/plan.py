"""Scenario sections of the carbon accounts, indicators, economics and retrofit plan.

All optional; defaults give the national park method with the 2023 factors, the
thresholds of ``twin/data/indicator_thresholds.csv``, a 20-year horizon at 6 % and no
measures. Cross-references (asset, enterprise and measure ids, factor years,
provinces) are checked in :mod:`twin.scenario.plan_checks`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from twin.schema.enterprise import MotorSystems

GridBasis = Literal["national_average", "national_residual", "national_fossil", "regional",
                    "provincial", "ets_reporting"]
Treatment = Literal["zero", "not_recognised"]
Deduction = Literal["ccus_stored", "ccus_utilised", "sinks", "offsets"]
Frac = Annotated[float, Field(ge=0, le=1)]
NonNeg = Annotated[float, Field(ge=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Accounting(_Strict):
    """Factor year, overrides and the choices of each accounting method."""

    year: int = Field(2023, ge=2000, le=2060, description="Data year of the grid factors (twin/data/grid_factors.csv)")
    province: str | None = Field(None, description="Province of the park (id such as jiangsu, or 江苏); default area of regional and provincial factors")
    factor_overrides: dict[str, float] = Field(default_factory=dict, description="Factor overrides: 'grid:<basis>[:<area>]' [tCO2/MWh], 'process:<name>' [tCO2/t], 'fuel:<carrier>' [tCO2 per unit], 'heat:<basis>' [tCO2/MWh]")
    national_grid_basis: GridBasis = Field("national_fossil", description="Grid factor of the national park method (fossil power by default)")
    national_grid_area: str | None = Field(None, description="Area of that factor (default: province, else national)")
    location_basis: GridBasis = Field("national_average", description="GHG Protocol location-based scope 2 factor")
    location_area: str | None = Field(None, description="Area of the location-based factor")
    residual_basis: GridBasis = Field("national_residual", description="GHG Protocol market-based factor for grid power no contract covers (residual mix)")
    residual_area: str | None = Field(None, description="Area of the residual factor")
    footprint_basis: GridBasis = Field("national_average", description="Grid factor of product footprints (CBAM indirect emissions)")
    footprint_area: str | None = Field(None, description="Area of the footprint factor")
    heat_basis: str = Field("default", description="Factor of heat bought from outside the park (twin/data/heat_factors.csv)")
    green_trade: Treatment = Field("zero", description="Green power trades in the national method: at zero or not recognised")
    certificates: Treatment = Field("zero", description="Green certificates (GEC) in the national method: at zero or not recognised")
    credit_net_export: bool = Field(False, description="Let a net-exporting park carry a negative electricity line in the national method")
    deductions: list[Deduction] = Field(default_factory=lambda: ["ccus_stored", "sinks", "offsets"], description="Deduction lines the net subtracts (gross is always shown)")
    energy_basis: Literal["equivalent", "equal_value"] = Field("equivalent", description="Standard-coal basis of electricity in comprehensive energy consumption")


class GreenPower(_Strict):
    """Green power bought by contract or over a dedicated line (绿电直连)."""

    direct_assets: list[str] = Field(default_factory=list, description="PV or wind asset ids that are plants outside the park on a dedicated line (绿电直连): their output counts as directly connected green power, not in-park renewables")
    direct_price_cny_per_mwh: NonNeg | None = Field(None, description="Price paid for direct-connection energy when a third party owns the plant (its capex is then not the park's) [CNY/MWh]")
    trade_mwh: dict[str, NonNeg] = Field(default_factory=dict, description="Green power trading (绿电交易) per enterprise id, or 'park' as aggregated buyer shared by grid use [MWh/yr]")
    trade_frac: Frac = Field(0.0, description="Share of every entity's grid electricity bought as green power [0-1]")
    certificates_mwh: dict[str, NonNeg] = Field(default_factory=dict, description="Unbundled green certificates (GEC) retired per enterprise id or 'park' [MWh/yr]")
    certificates_frac: Frac = Field(0.0, description="Share of every entity's grid electricity covered by certificates [0-1]")
    trade_premium_cny_per_mwh: NonNeg | None = Field(None, description="Premium of green power over the grid price (default twin/data/market_prices.csv) [CNY/MWh]")
    certificate_price_cny_per_mwh: NonNeg | None = Field(None, description="Certificate price (default twin/data/market_prices.csv) [CNY/MWh]")


class Offsets(_Strict):
    """Carbon sinks and retired offsets: separate deduction lines, never netted silently."""

    sinks_t: NonNeg = Field(0.0, description="Carbon sinks of the park (green space, forestry) [tCO2/yr]")
    ccer_t: NonNeg = Field(0.0, description="Offsets retired (CCER) [tCO2/yr]")
    price_cny_per_t: NonNeg | None = Field(None, description="Price of the offsets (default twin/data/market_prices.csv) [CNY/tCO2]")


class IndicatorSettings(_Strict):
    """Thresholds and inputs of the park indicators."""

    thresholds: dict[str, float] = Field(default_factory=dict, description="Threshold overrides by indicator key (twin/data/indicator_thresholds.csv)")
    core_deductions: list[Deduction] = Field(default_factory=lambda: ["ccus_stored"], description="Deductions the core indicator subtracts from gross CO2")
    size_tce: NonNeg | None = Field(None, description="Park size that picks the core threshold band [tce/yr]; default: the assessed year's comprehensive energy consumption")
    gas_is_clean: bool = Field(False, description="Count natural gas as clean energy in the clean-energy share")
    grade2_limits_tce_per_t: dict[str, NonNeg] = Field(default_factory=dict, description="Enterprise id -> national energy-limit standard grade 2 of its product [tce/t]")
    solid_waste_legacy_t: NonNeg = Field(0.0, description="Legacy solid-waste stock drawn on in the year [t]")


class Investment(_Strict):
    """An explicit capital item (platform, building retrofit), or a measure's cost."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.\-]+$", description="Unique id (a measure's items: measure.asset)")
    capex_cny: NonNeg = Field(description="Capital cost [CNY]")
    lifetime_yr: int = Field(20, ge=1, le=60, description="Lifetime; replaced at its end within the horizon [yr]")
    fixed_om_cny_per_yr: NonNeg = Field(0.0, description="Fixed operation and maintenance [CNY/yr]")
    year: int | None = Field(None, ge=2000, le=2060, description="Commissioning year (None: at the start)")
    covers: list[str] = Field(default_factory=list, description="Asset or fleet ids whose cost this item already includes")
    source: str = ""


class Economics(_Strict):
    """Finance and prices of the economics."""

    discount_rate_frac: Frac = Field(0.06, description="Real discount rate [fraction/yr]")
    horizon_yr: int = Field(20, ge=1, le=60, description="Years of the cash flows")
    residual: Literal["linear", "none"] = Field("linear", description="Residual value of equipment at the horizon")
    existing_assets: Literal["all"] | list[str] = Field(default_factory=list, description="Assets and fleets already built (capex sunk, fixed O&M counted); 'all': every one in the file before measures")
    capex_overrides_cny: dict[str, NonNeg] = Field(default_factory=dict, description="Asset or fleet id -> capex replacing the cost tables [CNY]")
    investments: list[Investment] = Field(default_factory=list, description="Explicit capital items")
    carbon_price_cny_per_t: NonNeg | None = Field(None, description="Carbon price (default twin/data/market_prices.csv) [CNY/tCO2]")
    carbon_basis: Literal["none", "scope1", "national_net"] = Field("none", description="CO2 the carbon price applies to")
    free_allocation_t: NonNeg = Field(0.0, description="Free allowances [tCO2/yr]")


class DemandScale(_Strict):
    electricity_frac: float = Field(1.0, gt=0, le=2, description="Factor on annual electricity demand [-]")
    heat_frac: float = Field(1.0, gt=0, le=2, description="Factor on annual heat demand [-]")


class Measure(_Strict):
    """A retrofit measure: an overlay on the scenario, in service from a year, with costs."""

    id: str = Field(pattern=r"^[A-Za-z0-9_\-]+$", description="Unique id")
    name: str = ""
    name_zh: str = Field("", description="Name in Chinese, shown in the Chinese interface (default: name)")
    year: int = Field(ge=2000, le=2060, description="Commissioning year (in service from this year)")
    dimension: Literal["energy", "industry", "resources", "emissions", "whole_process"] | None = Field(
        None, description="The report's five dimensions of a zero-carbon path")
    change: dict[str, Any] = Field(default_factory=dict, description="Overlay deep-merged into the scenario like a variant file (items with the same id merge, `remove: true` deletes)")
    demand_scale: dict[str, DemandScale] = Field(default_factory=dict, description="Enterprise id or 'sector:<name>' -> factors on annual demand (efficiency upgrades)")
    motor_systems: dict[str, MotorSystems] = Field(default_factory=dict, description="Enterprise id or 'sector:<name>' -> motor and compressor classes set by the measure (twin/data/motor_systems.csv)")
    capex_cny: NonNeg | None = Field(None, description="Capital cost; default: the cost tables applied to what the change adds [CNY]")
    fixed_om_cny_per_yr: NonNeg | None = Field(None, description="Fixed O&M with an explicit capex [CNY/yr]")
    lifetime_yr: int | None = Field(None, ge=1, le=60, description="Lifetime with an explicit capex [yr] (default 20)")
    requires: list[str] = Field(default_factory=list, description="Measures this one builds on (applied with it in the MAC curve)")
    source: str = Field("", description="Where the sizes and costs come from")


class PathwaySettings(_Strict):
    """Grid factors of the years of a pathway."""

    grid_trajectory: Literal["projection", "flat"] = Field("projection", description="Grid factors after the last published year: the shipped projection, or held flat")
    grid_factors: dict[int, dict[str, float]] = Field(default_factory=dict, description="Year -> factor overrides of that year (keys as accounting.factor_overrides)")
