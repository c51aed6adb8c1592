"""Zero-carbon park indicators (发改环资〔2025〕910号) and the EU R-ACES self-assessment.

Core (veto) indicator 单位能耗碳排放 = park CO2 [t] / comprehensive energy consumption [tce],
with its threshold by park size from ``twin/data/indicator_thresholds.csv``. Guiding
indicators: clean-energy share, product unit energy vs the grade-2 limit, solid-waste
utilisation, waste heat/cold/pressure utilisation, water reuse, plus the (unconfirmed)
direct-green-power share. Each returns an :class:`IndicatorResult` with value, threshold,
pass/fail (None when the threshold is not set or data are missing) and the inputs.

Comprehensive energy consumption (GB/T 2589-2020) of the park: fuels burned in the park +
electricity consumed from the grid, in-park renewables and direct green connections +
heat bought from outside, minus fuel-fired electricity exported; in-park transfers
between enterprises are not counted again. Basis ``equivalent`` (default) or
``equal_value`` for electricity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import pandas as pd

from twin.accounts.inputs import AccountingOptions, ParkActivity
from twin.accounts.methods import DEFAULT_OPTIONS, Account
from twin.catalog.factors import FactorBook
from twin.catalog.thresholds import thresholds_table
from twin.errors import InputError, Problem

Overrides = Mapping[str, float] | None


@dataclass(frozen=True)
class Threshold:
    """A threshold row: ``value`` None means 'threshold not set'."""

    key: str
    name_zh: str
    comparison: str
    value: float | None
    unit: str
    source: str


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator: value, threshold, pass/fail and the numbers behind it."""

    key: str
    name_zh: str
    value: float | None
    unit: str
    threshold: float | None
    comparison: str
    passed: bool | None
    inputs: Mapping[str, float] = field(default_factory=dict)
    note: str = ""

    def to_dict(self) -> dict:
        """Plain mapping (JSON-ready)."""
        return {**asdict(self), "inputs": dict(self.inputs)}


def threshold(key: str, energy_tce: float | None = None, *, overrides: Overrides = None,
              file: str = "<scenario>") -> Threshold:
    """Threshold of ``key``; the core one by park size ``energy_tce`` [tce/yr]; overrides win."""
    t = thresholds_table()
    rows = t[t["key"] == key]
    if rows.empty:
        known = ", ".join(dict.fromkeys(t["key"]))
        raise InputError(Problem(file, "indicators.thresholds",
                                 f"unknown indicator {key!r}; known: {known}", key))
    if energy_tce is not None and rows["size_min_tce"].notna().any():
        lo, hi = rows["size_min_tce"].fillna(0.0), rows["size_max_tce"].fillna(float("inf"))
        rows = rows[(lo <= energy_tce) & (energy_tce < hi)]
    r = rows.iloc[0]
    value = None if pd.isna(r["threshold"]) else float(r["threshold"])
    source = str(r["source"])
    if overrides and key in overrides:
        value, source = float(overrides[key]), "scenario override"
    return Threshold(key, str(r["name_zh"]), str(r["comparison"]), value, str(r["unit"]), source)


def _result(th: Threshold, value: float | None, inputs: Mapping[str, float],
            note: str = "") -> IndicatorResult:
    passed = None
    if value is not None and th.value is not None:
        passed = value <= th.value + 1e-12 if th.comparison == "<=" else value >= th.value - 1e-12
    if th.value is None:
        note = note or "threshold not set"
    return IndicatorResult(th.key, th.name_zh, value, th.unit, th.value, th.comparison, passed,
                           dict(inputs), note)


@dataclass(frozen=True)
class EnergyConsumption:
    """Comprehensive energy consumption by line [tce] on one basis."""

    basis: str
    lines_tce: Mapping[str, float]

    @property
    def total_tce(self) -> float:
        """Sum of the lines [tce]."""
        return sum(self.lines_tce.values())


def energy_consumption(park: ParkActivity, book: FactorBook,
                       basis: str = "equivalent") -> EnergyConsumption:
    """Park comprehensive energy consumption [tce] (see module docstring)."""
    el = book.tce_per_mwh("electricity", basis)
    lines: dict[str, float] = {}
    for e in park.enterprises:
        for c, q in e.fuel_use.items():
            lines[f"fuel:{c}"] = lines.get(f"fuel:{c}", 0.0) + q * book.fuel_tce(c)
    ents = park.enterprises
    lines["electricity:grid"] = sum(e.grid_electricity_mwh for e in ents) * el
    lines["electricity:inpark_renewable"] = sum(e.inpark_renewable_mwh for e in ents) * el
    lines["electricity:direct_green"] = sum(e.direct_green_mwh for e in ents) * el
    lines["heat:bought"] = sum(e.heat_bought_mwh for e in ents) * book.tce_per_mwh("heat", basis)
    lines["electricity:exported_fuel_fired"] = -park.exported_fuel_fired_mwh * el
    return EnergyConsumption(basis, lines)


def core_indicator(co2_t: float, energy_tce: float, *, overrides: Overrides = None) -> IndicatorResult:
    """单位能耗碳排放 [tCO2/tce] against the threshold for the park's size."""
    th = threshold("carbon_per_energy", energy_tce, overrides=overrides)
    value = co2_t / energy_tce if energy_tce > 0 else None
    return _result(th, value, {"co2_t": co2_t, "energy_tce": energy_tce})


def indicator_co2_t(account: Account, deductions: Sequence[str] = ("ccus_stored",)) -> float:
    """CO2 for the core indicator: gross minus the named deduction lines [t].

    Default: CO2 stored by CCUS in the park is not emitted, so it is subtracted; sinks
    and offsets are not (they do not change the park's emissions per unit of energy).
    """
    names = {f"deduction:{d}" for d in deductions}
    return account.gross_co2_t - sum(ln.co2_t for ln in account.lines if ln.item in names)


def clean_energy_share(park: ParkActivity, energy: EnergyConsumption, book: FactorBook,
                       opt: AccountingOptions = DEFAULT_OPTIONS, *,
                       gas_is_clean: bool = False) -> IndicatorResult:
    """Share of clean energy in comprehensive energy consumption [0-1].

    Clean: in-park renewables, direct green power, green trades and certificates where
    ``opt`` recognises them, biomass, and natural gas when ``gas_is_clean`` (Chinese
    statistics often count gas as clean; the park rule is unconfirmed).
    """
    el = book.tce_per_mwh("electricity", energy.basis)
    ents, lines = park.enterprises, energy.lines_tce
    trade_mwh = sum(e.green_trade_mwh for e in ents)
    uncovered_mwh = sum(e.grid_electricity_mwh for e in ents) - trade_mwh
    cert_mwh = min(sum(e.certificates_mwh for e in ents), uncovered_mwh)
    parts = {"inpark_renewable_tce": lines["electricity:inpark_renewable"],
             "direct_green_tce": lines["electricity:direct_green"],
             "green_trade_tce": el * trade_mwh * (opt.green_trade == "zero"),
             "certificates_tce": el * cert_mwh * (opt.certificates == "zero"),
             "biomass_tce": lines.get("fuel:biomass", 0.0),
             "natural_gas_tce": lines.get("fuel:natural_gas", 0.0) * gas_is_clean}
    total = energy.total_tce
    value = sum(parts.values()) / total if total > 0 else None
    return _result(threshold("clean_energy_share"), value, {**parts, "energy_tce": total})


def direct_green_share(park: ParkActivity) -> IndicatorResult:
    """Physically supplied green power (in-park + direct connection) / electricity used [0-1]."""
    ents = park.enterprises
    green = sum(e.inpark_renewable_mwh + e.direct_green_mwh for e in ents)
    used = sum(e.grid_electricity_mwh + e.inpark_renewable_mwh + e.direct_green_mwh for e in ents)
    value = green / used if used > 0 else None
    inputs = {"green_mwh": green, "electricity_mwh": used}
    return _result(threshold("direct_green_share"), value, inputs)


@dataclass(frozen=True)
class ProductEnergy:
    """Unit energy of one product against its national energy-limit standard grade 2."""

    product: str
    energy_tce: float
    output_t: float
    grade2_limit_tce_per_t: float


@dataclass(frozen=True)
class ResourceActivity:
    """Inputs of the resource indicators; None means no data (indicator value None)."""

    solid_waste_generated_t: float | None = None
    solid_waste_utilised_t: float | None = None
    solid_waste_legacy_t: float = 0.0
    waste_heat_available_mwh: float | None = None
    waste_heat_recovered_mwh: float | None = None
    water_fresh_m3: float | None = None
    water_repeated_m3: float | None = None
    products: tuple[ProductEnergy, ...] = ()


def _ratio(key: str, num: float | None, den: float | None, names: tuple[str, str],
           overrides: Overrides) -> IndicatorResult:
    th = threshold(key, overrides=overrides)
    if num is None or den is None or den <= 0:
        return _result(th, None, {}, "no data")
    return _result(th, num / den, {names[0]: num, names[1]: den})


def resource_indicators(r: ResourceActivity, overrides: Overrides = None) -> list[IndicatorResult]:
    """Solid waste, waste heat, water reuse and product energy indicators.

    Solid-waste utilisation = utilised / (generated + legacy stock drawn on); waste heat =
    recovered / available; water reuse = repeated / (fresh + repeated).
    """
    waste_den = None
    if r.solid_waste_generated_t is not None:
        waste_den = r.solid_waste_generated_t + r.solid_waste_legacy_t
    water_den = None
    if r.water_fresh_m3 is not None and r.water_repeated_m3 is not None:
        water_den = r.water_fresh_m3 + r.water_repeated_m3
    return [
        _ratio("solid_waste_utilisation", r.solid_waste_utilised_t, waste_den,
               ("utilised_t", "generated_plus_legacy_t"), overrides),
        _ratio("waste_heat_utilisation", r.waste_heat_recovered_mwh, r.waste_heat_available_mwh,
               ("recovered_mwh", "available_mwh"), overrides),
        _ratio("water_reuse", r.water_repeated_m3, water_den,
               ("repeated_m3", "fresh_plus_repeated_m3"), overrides),
        product_energy_indicator(r.products, overrides),
    ]


def product_energy_indicator(products: Sequence[ProductEnergy],
                             overrides: Overrides = None) -> IndicatorResult:
    """Worst ratio of product unit energy to its grade-2 limit (<= 1 passes)."""
    th = threshold("product_energy_vs_grade2", overrides=overrides)
    valid = [p for p in products if p.output_t > 0 and p.grade2_limit_tce_per_t > 0]
    if not valid:
        return _result(th, None, {}, "no data")
    ratios = {f"{p.product}_ratio": p.energy_tce / p.output_t / p.grade2_limit_tce_per_t
              for p in valid}
    return _result(th, max(ratios.values()), ratios)


def races_score(supply_mwh: float, demand_mwh: float, max_score: float = 1.0) -> float | None:
    """EU R-ACES exchange-potential score of one carrier.

    ``max_score x min(supply, demand) / max(supply, demand)``, times the shortage factor
    (0.75, data) when demand exceeds supply; None when both are zero.
    """
    high = max(supply_mwh, demand_mwh)
    if high <= 0:
        return None
    score = max_score * min(supply_mwh, demand_mwh) / high
    if demand_mwh > supply_mwh:
        score *= threshold("races_shortage_factor").value
    return score


def races_assessment(balances: Mapping[str, tuple[float, float]],
                     max_score: float = 1.0) -> dict[str, float | None]:
    """Scores per carrier (electricity, heat, cooling) from (supply, demand) [MWh]."""
    return {carrier: races_score(s, d, max_score) for carrier, (s, d) in balances.items()}
