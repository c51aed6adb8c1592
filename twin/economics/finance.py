"""Economics of a pathway: annual operation, discounted cash flows, LCOE, abatement cost.

Conventions: money in CNY (nominal = real, no escalation); costs positive, revenues
negative in cost flows. Year 0 carries the initial capex; operating flows fall at the end
of years 1..horizon. A unit is replaced at the end of each lifetime that ends before the
horizon; at the horizon the last unit's remaining life is credited as residual value,
linear in time (``Finance.residual="linear"``, default) or not at all (``"none"``).
Technology cost figures are inputs (another module ships the technology library).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
import pandas as pd

from twin.errors import InputError, Problem
from twin.units import data_table


@cache
def _market_prices() -> pd.DataFrame:
    return data_table("market_prices.csv")


def market_price(item: str, file: str = "<scenario>") -> float:
    """Default market price from ``market_prices.csv`` (carbon_price, gec_price, ...)."""
    t = _market_prices()
    row = t[t["item"] == item]
    if row.empty:
        raise InputError(Problem(file, "economics.prices", f"unknown market price {item!r}; known: "
                                 f"{', '.join(t['item'])}", item))
    return float(row["value"].iloc[0])


@dataclass(frozen=True)
class AnnualOperation:
    """Operating costs and revenues of one year [CNY]; all fields >= 0."""

    fuel_cny: float = 0.0
    electricity_bill_cny: float = 0.0
    green_power_premium_cny: float = 0.0
    certificates_cny: float = 0.0
    carbon_cny: float = 0.0
    variable_om_cny: float = 0.0
    export_revenue_cny: float = 0.0

    @property
    def net_cost_cny(self) -> float:
        """Costs minus export revenue [CNY/yr]."""
        costs = (self.fuel_cny + self.electricity_bill_cny + self.green_power_premium_cny
                 + self.certificates_cny + self.carbon_cny + self.variable_om_cny)
        return costs - self.export_revenue_cny


def carbon_cost_cny(co2_t: float, price_cny_per_t: float, free_allocation_t: float = 0.0) -> float:
    """Cost of allowances for emissions above the free allocation [CNY] (negative: surplus sold)."""
    return (co2_t - free_allocation_t) * price_cny_per_t


@dataclass(frozen=True)
class Investment:
    """One capital item: capex [CNY], lifetime [yr], fixed O&M [CNY/yr], commissioning year."""

    name: str
    capex_cny: float
    lifetime_yr: int
    fixed_om_cny_per_yr: float = 0.0
    start_yr: int = 0


@dataclass(frozen=True)
class Finance:
    """Discount rate [fraction/yr], horizon [yr], residual-value rule, file named in errors."""

    discount_rate_frac: float
    horizon_yr: int
    residual: Literal["linear", "none"] = "linear"
    file: str = "<scenario>"


def discount_factors(fin: Finance) -> np.ndarray:
    """1 / (1 + r)^t for t = 0..horizon."""
    return (1.0 + fin.discount_rate_frac) ** -np.arange(fin.horizon_yr + 1, dtype=float)


def npv_cny(flows_cny: Sequence[float], discount_rate_frac: float) -> float:
    """Net present value of flows at years 0, 1, 2, ... [CNY]."""
    flows = np.asarray(flows_cny, dtype=float)
    return float(flows @ (1.0 + discount_rate_frac) ** -np.arange(len(flows), dtype=float))


def capital_flows(inv: Investment, fin: Finance) -> pd.DataFrame:
    """Capex, replacements, residual value and fixed O&M by year 0..horizon [CNY]."""
    if inv.lifetime_yr < 1:
        raise InputError(Problem(fin.file, "economics.investments.lifetime_yr",
                                 f"must be >= 1 year, got {inv.lifetime_yr}", inv.name))
    h = fin.horizon_yr
    capex, residual, om = np.zeros(h + 1), np.zeros(h + 1), np.zeros(h + 1)
    installs = list(range(inv.start_yr, h, inv.lifetime_yr)) if inv.start_yr < h else []
    for y in installs:
        capex[y] += inv.capex_cny
    if installs and fin.residual == "linear":
        remaining = installs[-1] + inv.lifetime_yr - h
        residual[h] -= inv.capex_cny * max(remaining, 0) / inv.lifetime_yr
    if installs:
        om[installs[0] + 1:] = inv.fixed_om_cny_per_yr
    initial = np.zeros(h + 1)
    if installs:
        initial[installs[0]] = inv.capex_cny
    return pd.DataFrame({"capex_cny": initial, "replacement_cny": capex - initial,
                         "residual_cny": residual, "fixed_om_cny": om})


@dataclass(frozen=True)
class Pathway:
    """A pathway: investments and yearly operating cost [CNY/yr] and CO2 [t/yr].

    ``annual_cost_cny`` / ``annual_co2_t``: one value for every year 1..horizon, or a
    sequence of length horizon.
    """

    name: str
    investments: tuple[Investment, ...] = ()
    annual_cost_cny: float | Sequence[float] = 0.0
    annual_co2_t: float | Sequence[float] = 0.0


def _per_year(value: float | Sequence[float], fin: Finance, name: str) -> np.ndarray:
    """Array for years 0..horizon with year 0 = 0."""
    out = np.zeros(fin.horizon_yr + 1)
    vals = np.broadcast_to(np.asarray(value, dtype=float), (fin.horizon_yr,)) \
        if np.ndim(value) == 0 else np.asarray(value, dtype=float)
    if len(vals) != fin.horizon_yr:
        raise InputError(Problem(fin.file, f"economics.{name}",
                                 f"needs {fin.horizon_yr} yearly values, got {len(vals)}"))
    out[1:] = vals
    return out


def cost_flows(p: Pathway, fin: Finance) -> pd.DataFrame:
    """Yearly cost flows of a pathway [CNY], with total and discounted total columns."""
    frame = pd.DataFrame(0.0, index=pd.RangeIndex(fin.horizon_yr + 1, name="year"),
                         columns=["capex_cny", "replacement_cny", "residual_cny", "fixed_om_cny"])
    for inv in p.investments:
        frame += capital_flows(inv, fin).to_numpy()
    frame["operating_cny"] = _per_year(p.annual_cost_cny, fin, "annual_cost_cny")
    frame["total_cny"] = frame.sum(axis=1)
    frame["discounted_cny"] = frame["total_cny"] * discount_factors(fin)
    frame["co2_t"] = _per_year(p.annual_co2_t, fin, "annual_co2_t")
    return frame


def lcoe_cny_per_mwh(p: Pathway, energy_mwh_per_yr: float | Sequence[float], fin: Finance) -> float:
    """Levelised cost of on-site supply: PV of costs / PV of energy [CNY/MWh]."""
    pv_cost = float(cost_flows(p, fin)["discounted_cny"].sum())
    pv_energy = float(_per_year(energy_mwh_per_yr, fin, "energy_mwh") @ discount_factors(fin))
    return pv_cost / pv_energy if pv_energy > 0 else float("nan")


def simple_payback_yr(extra_capex_cny: float, annual_saving_cny: float) -> float | None:
    """Extra capex / annual saving [yr]; None when nothing is saved."""
    return extra_capex_cny / annual_saving_cny if annual_saving_cny > 0 else None


@dataclass(frozen=True)
class Comparison:
    """A pathway against its baseline (positive NPV: the pathway is cheaper)."""

    project_pv_cost_cny: float
    baseline_pv_cost_cny: float
    npv_cny: float
    simple_payback_yr: float | None
    co2_avoided_t: float
    abatement_cost_cny_per_t: float | None

    def to_dict(self) -> dict:
        """Plain mapping (JSON-ready)."""
        return dict(self.__dict__)


def compare(project: Pathway, baseline: Pathway, fin: Finance) -> Comparison:
    """NPV, simple payback and abatement cost of ``project`` against ``baseline``.

    Abatement cost = (PV cost project - PV cost baseline) / discounted CO2 avoided
    [CNY/tCO2] (levelised; equals annualised cost / annual tonnes when both are constant).
    Payback = year-0 extra capex / year-1 saving of operating and fixed O&M cost.
    """
    a, b = cost_flows(project, fin), cost_flows(baseline, fin)
    pv_a, pv_b = float(a["discounted_cny"].sum()), float(b["discounted_cny"].sum())
    avoided = (b["co2_t"] - a["co2_t"]).to_numpy()
    avoided_pv = float(avoided @ discount_factors(fin))
    running = ["operating_cny", "fixed_om_cny"]
    saving = float(b.loc[1, running].sum() - a.loc[1, running].sum()) if fin.horizon_yr else 0.0
    payback = simple_payback_yr(float(a.loc[0, "capex_cny"] - b.loc[0, "capex_cny"]), saving)
    abatement = (pv_a - pv_b) / avoided_pv if avoided_pv > 0 else None
    return Comparison(pv_a, pv_b, pv_b - pv_a, payback, float(avoided.sum()), abatement)
