"""Electricity bills: time-of-use energy, demand and capacity charges; the cost KPIs of a run.

A run's hourly grid import, priced by its tariff, becomes the bill; fuels at their prices
and export revenue complete the annual energy cost (``energy_cost_cny``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from twin.catalog.tariffs import resolve_tariff
from twin.kernel.results import Results
from twin.units import fuels


@dataclass(frozen=True)
class DemandCharges:
    """Capacity or demand part of a two-part tariff.

    ``monthly_peak_mw`` (one per month billed, e.g. metered 15-min maxima) replaces the
    hourly maxima when given.
    """

    demand_cny_per_mw_month: float = 0.0
    capacity_cny_per_mva_month: float = 0.0
    contracted_mva: float = 0.0
    monthly_peak_mw: Sequence[float] | None = None


@dataclass(frozen=True)
class ElectricityBill:
    """An electricity bill [CNY] and the monthly peaks it used [MW]."""

    energy_cny: float
    demand_cny: float
    capacity_cny: float
    monthly_peak_mw: tuple[float, ...]

    @property
    def total_cny(self) -> float:
        """Energy + demand + capacity charges [CNY]."""
        return self.energy_cny + self.demand_cny + self.capacity_cny


NO_DEMAND_CHARGES = DemandCharges()


def electricity_bill(import_mwh: np.ndarray, price_cny_per_mwh: np.ndarray, month: np.ndarray,
                     charges: DemandCharges = NO_DEMAND_CHARGES,
                     billed_frac: np.ndarray | None = None) -> ElectricityBill:
    """TOU energy charge plus demand/capacity charges for every month present in ``month``.

    Parameters
    ----------
    import_mwh : array
        Hourly grid import [MWh per hour = MW].
    price_cny_per_mwh : array
        Hourly energy price [CNY/MWh] (e.g. :func:`twin.catalog.tariffs.hourly_prices`).
    month : array
        Month (1-12) of every hour; each month present is billed in full.
    charges : DemandCharges
        Demand charge on the monthly maximum [CNY/MW-month] and/or capacity charge on the
        contracted capacity [CNY/MVA-month].
    billed_frac : array, optional
        Share of each month present (in month order) that is billed [0-1]: a run that
        simulates part of a month pays that share of its monthly charges. Default: whole
        months.
    """
    imp = np.asarray(import_mwh, dtype=float)
    months = np.unique(month)
    frac = np.ones(len(months)) if billed_frac is None else np.asarray(billed_frac, dtype=float)
    if charges.monthly_peak_mw is not None:
        peaks = tuple(float(p) for p in charges.monthly_peak_mw)
    else:
        peaks = tuple(float(imp[month == m].max(initial=0.0)) for m in months)
    capacity = float(frac.sum()) * charges.contracted_mva * charges.capacity_cny_per_mva_month
    return ElectricityBill(float(imp @ np.asarray(price_cny_per_mwh, dtype=float)),
                           float(np.dot(peaks, frac)) * charges.demand_cny_per_mw_month, capacity, peaks)


def cost_kpis(r: Results) -> dict[str, float]:
    """Energy bill of a run: TOU energy + demand charge + fuels - export revenue [CNY].

    Needs the run's physical KPIs (fuel use per fuel, grid export) in ``r.kpis``.
    """
    k = r.kpis
    tariff = resolve_tariff(r.scenario.grid.tariff)
    imp = r.flows[:, r.port_role == "grid_import"].sum(axis=1)
    bill = electricity_bill(imp, r.import_price, r.index.month.to_numpy(),
                            DemandCharges(demand_cny_per_mw_month=tariff.demand_charge_cny_per_mw_month),
                            month_share(r.index))
    energy, demand = bill.energy_cny, bill.demand_cny
    fuel = sum(k[f"{n}_{f.unit.lower()}"] * r.fuel_price.get(n, 0.0) for n, f in fuels().items())
    export = k["grid_export_mwh"] * tariff.export_cny_per_mwh
    out = {"electricity_energy_cost_cny": energy, "demand_charge_cny": demand,
           "fuel_cost_cny": fuel, "export_revenue_cny": export,
           "energy_cost_cny": energy + demand + fuel - export}
    return {key: value + 0.0 for key, value in out.items()}  # + 0.0 turns -0.0 into 0.0


def month_share(index: pd.DatetimeIndex) -> np.ndarray:
    """Share of each month present (in month order) that the run simulates [0-1]."""
    hours = pd.Series(1, index=index).groupby(index.month).sum()
    days = pd.Series(index.days_in_month, index=index).groupby(index.month).first()
    return (hours / (24 * days)).to_numpy()
