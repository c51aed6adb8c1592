"""Assess a run: carbon accounts side by side, park indicators, R-ACES scores, economics.

>>> import twin
>>> a = twin.assess(twin.run(twin.load_scenario("scenarios/mini.yaml")))
>>> a.core.value, a.accounts["national_park"].net_co2_t  # doctest: +SKIP

Every account uses its own factors (:mod:`twin.accounts.methods`); the core indicator divides the
national-method CO2 (gross minus the deductions ``indicators.core_deductions``) by the
park's comprehensive energy consumption (:func:`twin.accounts.indicators.energy_consumption`).
Indicators are computed on the simulated period (not annualised), with the yearly sinks,
offsets, trades and certificates counted pro rata to it; economics are scaled to a year
(:mod:`twin.economics.run_economics` says how).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from twin.accounts.bridge import Activity, accounting_options, factor_book, park_activity
from twin.accounts.indicators import (
    EnergyConsumption,
    IndicatorResult,
    ProductEnergy,
    ResourceActivity,
    clean_energy_share,
    direct_green_share,
    energy_consumption,
    indicator_co2_t,
    races_assessment,
    resource_indicators,
    threshold,
)
from twin.accounts.methods import Account, ProductFootprint, ghg_accounts, park_accounts, product_footprints
from twin.economics.run_economics import RunEconomics, run_economics

CORE = "carbon_per_energy"


@dataclass
class Assessment:
    """Accounts, indicators and economics of one run (optionally tagged with a pathway year)."""

    scenario: str
    factor_year: int
    activity: Activity
    accounts: dict[str, Account]
    enterprise_accounts: dict[str, tuple[Account, Account]]
    footprints: list[ProductFootprint]
    energy: EnergyConsumption
    indicators: dict[str, IndicatorResult]
    races: dict[str, float | None]
    economics: RunEconomics
    kpis: dict[str, float] = field(default_factory=dict)
    year: int | None = None
    grid_factors: dict[str, float] = field(default_factory=dict)

    @property
    def core(self) -> IndicatorResult:
        """单位能耗碳排放 against the threshold for the park's size."""
        return self.indicators[CORE]

    def summary(self) -> dict[str, float | bool | None]:
        """Flat headline figures, keyed with their unit (for tables and comparisons)."""
        nat, loc, mkt = (self.accounts[k] for k in ("national_park", "ghg_location", "ghg_market"))
        out: dict[str, float | bool | None] = {
            "national_gross_co2_t": nat.gross_co2_t, "national_deductions_co2_t": nat.deductions_co2_t,
            "national_net_co2_t": nat.net_co2_t,
            "ghg_scope1_co2_t": loc.scope_co2_t(1), "ccs_stored_co2_t": loc.ccs_stored_co2_t,
            "ghg_scope2_location_co2_t": loc.scope_co2_t(2),
            "ghg_scope2_market_co2_t": mkt.scope_co2_t(2), "ghg_market_net_co2_t": mkt.net_co2_t,
            "energy_consumption_tce": self.energy.total_tce}
        for key, ind in self.indicators.items():
            out[f"{key}_{ind.unit}"] = ind.value
            if ind.threshold is not None or key == CORE:
                out[f"{key}_threshold"] = ind.threshold
                out[f"{key}_passed"] = ind.passed
        out.update({f"races_{c}": s for c, s in self.races.items()})
        e = self.economics
        out.update({"capex_cny": e.capex_cny, "operating_cost_cny_per_yr": e.operating_total_cny,
                    "carbon_cost_cny_per_yr": e.carbon_cny, "pv_cost_cny": e.pv_cost_cny,
                    "lcoe_onsite_cny_per_mwh": e.lcoe_onsite_cny_per_mwh})
        return out

    def to_dict(self) -> dict:
        """Everything as plain data (JSON-ready)."""
        return {
            "scenario": self.scenario, "year": self.year, "factor_year": self.factor_year,
            "grid_factors": dict(self.grid_factors), "summary": self.summary(),
            "accounts": {k: a.to_dict() for k, a in self.accounts.items()},
            "enterprise_accounts": {n: {"ghg_location": a.totals(), "ghg_market": b.totals()}
                                    for n, (a, b) in self.enterprise_accounts.items()},
            "footprints": [f.to_dict() for f in self.footprints],
            "energy_tce": dict(self.energy.lines_tce),
            "indicators": {k: i.to_dict() for k, i in self.indicators.items()},
            "races": dict(self.races), "economics": self.economics.to_dict()}


def assess(results, *, factor_overrides: dict[str, float] | None = None, year: int | None = None,
           base_year: int | None = None) -> Assessment:
    """Accounts, indicators and economics of a run.

    Parameters
    ----------
    results : Results
        A run (:func:`twin.run`).
    factor_overrides : dict, optional
        Extra factor overrides on top of the scenario's (a pathway year's grid factors).
    year : int, optional
        Pathway year the assessment stands for (a tag; the run keeps its own calendar).
    base_year : int, optional
        First year of the cash flows: investments start at ``year - base_year``.
    """
    sc = results.scenario
    book = factor_book(sc, factor_overrides)
    opt = accounting_options(sc)
    act = park_activity(results, book, opt)
    accounts = park_accounts(act.park, book, opt)
    per_ent = {e.id: ghg_accounts(e, book, opt) for e in act.park.enterprises}
    prints = [f for e in act.park.enterprises if e.products_t for f in product_footprints(e, book, opt)]
    energy = energy_consumption(act.park, book, sc.accounting.energy_basis)
    indicators = _indicators(sc, act, accounts, energy, book, opt, results.kpis)
    grid = {k: book.grid(getattr(opt, f"{k}_basis"), getattr(opt, f"{k}_area"))
            for k in ("national_grid", "location", "residual", "footprint")}
    return Assessment(sc.name, book.year, act, accounts, per_ent, prints, energy, indicators,
                      _races(results), run_economics(results, act, accounts, base_year),
                      dict(results.kpis), year, grid)


def _indicators(sc, act: Activity, accounts, energy, book, opt, k) -> dict[str, IndicatorResult]:
    s = sc.indicators
    co2 = indicator_co2_t(accounts["national_park"], tuple(s.core_deductions))
    out = {CORE: _core(co2, energy.total_tce, s.size_tce, s.thresholds, sc._source)}
    for ind in (clean_energy_share(act.park, energy, book, opt, gas_is_clean=s.gas_is_clean),
                direct_green_share(act.park)):
        out[ind.key] = _override(ind, s.thresholds)
    products = tuple(ProductEnergy(f"{e}/{prod}", act.entity_energy_tce.get(e, 0.0), t, s.grade2_limits_tce_per_t[e])
                     for e, (prod, t) in act.products.items() if e in s.grade2_limits_tce_per_t)
    res = ResourceActivity(
        solid_waste_generated_t=_or_none(k["solid_waste_generated_t"]),
        solid_waste_utilised_t=k["solid_waste_utilised_t"], solid_waste_legacy_t=s.solid_waste_legacy_t,
        waste_heat_available_mwh=_or_none(k["waste_heat_available_mwh"]),
        waste_heat_recovered_mwh=k["waste_heat_recovered_mwh"],
        water_fresh_m3=k["water_fresh_m3"] if k["water_fresh_m3"] + k["water_reused_m3"] > 0 else None,
        water_repeated_m3=k["water_reused_m3"], products=products)
    out.update({i.key: i for i in resource_indicators(res, s.thresholds)})
    return out


def _or_none(x: float) -> float | None:
    return x if x > 0 else None


def _core(co2: float, energy_tce: float, size_tce: float | None, overrides, file) -> IndicatorResult:
    """Core indicator; the threshold band follows ``size_tce`` when given, else the energy."""
    size = energy_tce if size_tce is None else size_tce
    th = threshold(CORE, size, overrides=overrides, file=file)
    value = co2 / energy_tce if energy_tce > 0 else None
    passed = None if value is None or th.value is None else value <= th.value + 1e-12
    note = "" if th.value is not None else "threshold not set (park below 200,000 tce/yr)"
    return IndicatorResult(CORE, th.name_zh, value, th.unit, th.value, th.comparison, passed,
                           {"co2_t": co2, "energy_tce": energy_tce, "size_tce": size}, note)


def _override(ind: IndicatorResult, overrides) -> IndicatorResult:
    """Re-judge an indicator whose threshold the scenario overrides."""
    if ind.key not in overrides:
        return ind
    th = float(overrides[ind.key])
    passed = None if ind.value is None else (ind.value <= th if ind.comparison == "<=" else ind.value >= th)
    return IndicatorResult(ind.key, ind.name_zh, ind.value, ind.unit, th, ind.comparison, passed,
                           ind.inputs, "scenario threshold")


def _races(r) -> dict[str, float | None]:
    """R-ACES per carrier: in-park supply against demand [MWh].

    Electricity: in-park PV, wind and fuel-fired generation (not direct-connection plants)
    against consumption. Heat: waste heat enterprises offer against thermal demand.
    Cooling: cooling units' output against the cooling drawn (zero when none: no score).
    """
    k, total = r.kpis, r.flows.sum(axis=0)
    role, carrier = np.asarray(r.port_role), np.asarray(r.port_carrier)
    asset = np.array([n.split("@")[0] for n in r.port_names])
    direct = np.isin(asset, r.scenario.green_power.direct_assets)
    el = carrier == "electricity"
    gen = float(total[el & ~direct & np.isin(role, ("pv", "wind"))].sum())
    gen += float(total[el & (role == "converter_out")].sum())
    cool = carrier == "cooling"
    cool_out = float(total[cool & (role == "converter_out")].sum())
    cool_use = -float(total[cool & np.isin(role, ("demand", "converter_in"))].sum())
    return races_assessment({"electricity": (gen, k["electricity_consumption_mwh"]),
                             "heat": (k["waste_heat_available_mwh"], k["heat_demand_mwh"]),
                             "cooling": (cool_out, cool_use)})
