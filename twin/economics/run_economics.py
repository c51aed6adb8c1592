"""Economics of a run: yearly operating cost by line, capital items, LCOE, and a comparison.

Operating lines [CNY/yr] (costs +, revenues -): grid energy (TOU) and demand charges,
fuels, water, offtakes (gate fees, CO2 transport and storage; sales revenue), exports,
green power premium, certificates, direct-connection energy bought from a third party,
offsets, variable O&M of converters (technology library), fixed O&M of every asset and
fleet in service (cost tables) plus that of explicit investments, and the carbon price on
the chosen CO2.

A run shorter than a year stands for a year that repeats it (a partial-year figure is a
projection, not a measurement): energy, fuels, water, offtakes, contracts, variable O&M
and CO2 are scaled by the year's hours over the hours simulated; the demand charge, billed
per calendar month (:func:`twin.economics.bills.cost_kpis`), is the average of the months
billed times 12 (a February run pays 12 Februaries, not 8,760/672 of one); fixed O&M and
retired offsets are yearly already. ``RunEconomics.notes`` says so for every such run.

Capital items: ``economics.investments`` (explicit, and those the measures added), plus
the cost-table capex of every asset or fleet that is neither existing
(``economics.existing_assets``) nor covered by an investment, nor a third party's
direct-connection plant. :mod:`twin.economics.finance` turns them into cash flows, NPV and LCOE.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from twin.accounts.bridge import year_share
from twin.catalog.converters import ATMOSPHERE, converter_specs
from twin.catalog.costs import scenario_costs
from twin.economics.bills import month_share
from twin.economics.finance import (
    Comparison,
    Finance,
    Investment,
    Pathway,
    carbon_cost_cny,
    compare,
    cost_flows,
    lcoe_cny_per_mwh,
    market_price,
)

OFFTAKE_ROLES = ("co2_storage", "co2_utilisation", "recycling", "sales", "export",
                 "truck_co2_storage", "truck_co2_utilisation", "truck_recycling", "truck_sales", "truck_export")


@dataclass
class RunEconomics:
    """Yearly operating cost lines, capital items and finance of one run."""

    operating_cny: dict[str, float]
    carbon_cny: float
    investments: tuple[Investment, ...]
    finance: Finance
    lcoe_onsite_cny_per_mwh: float | None = None
    co2_t: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def operating_total_cny(self) -> float:
        """Operating cost without the carbon price [CNY/yr]."""
        return sum(self.operating_cny.values())

    @property
    def annual_cost_cny(self) -> float:
        """Operating cost with the carbon price [CNY/yr]."""
        return self.operating_total_cny + self.carbon_cny

    @property
    def capex_cny(self) -> float:
        """Initial capital of all items (replacements not included) [CNY]."""
        return sum(i.capex_cny for i in self.investments)

    def pathway(self, name: str, with_carbon: bool = True) -> Pathway:
        """This run's costs repeated every year of the horizon."""
        cost = self.annual_cost_cny if with_carbon else self.operating_total_cny
        return Pathway(name, self.investments, cost, self.co2_t)

    @property
    def pv_cost_cny(self) -> float:
        """Present value of capital, replacements, residual and operation over the horizon [CNY]."""
        return float(cost_flows(self.pathway("run"), self.finance)["discounted_cny"].sum())

    def to_dict(self) -> dict:
        """Plain mapping (JSON-ready)."""
        return {"operating_cny": dict(self.operating_cny), "carbon_cny": self.carbon_cny,
                "operating_total_cny": self.operating_total_cny, "annual_cost_cny": self.annual_cost_cny,
                "capex_cny": self.capex_cny, "pv_cost_cny": self.pv_cost_cny,
                "lcoe_onsite_cny_per_mwh": self.lcoe_onsite_cny_per_mwh,
                "investments": [i.__dict__ for i in self.investments],
                "discount_rate_frac": self.finance.discount_rate_frac,
                "horizon_yr": self.finance.horizon_yr, "notes": list(self.notes)}


def finance(sc) -> Finance:
    """Finance of a scenario (discount rate, horizon, residual value)."""
    e = sc.economics
    return Finance(e.discount_rate_frac, e.horizon_yr, e.residual, sc._source)


def run_economics(r, activity, accounts, base_year: int | None = None) -> RunEconomics:
    """Economics of Results ``r`` with its accounting ``activity`` and park ``accounts``."""
    sc = r.scenario
    scale = 1.0 / year_share(r)
    months = float(month_share(r.index).sum())  # calendar months billed, parts pro rata
    total = r.flows.sum(axis=0)
    k = r.kpis
    gp = sc.green_power
    ents = activity.park.enterprises
    price = lambda given, item: market_price(item, sc._source) if given is None else given  # noqa: E731
    lines = {
        "grid_energy_cny": k["electricity_energy_cost_cny"] * scale,
        "demand_charge_cny": k["demand_charge_cny"] * 12.0 / months,
        "fuel_cny": k["fuel_cost_cny"] * scale,
        "water_cny": k["water_fresh_m3"] * r.fuel_price.get("water", 0.0) * scale,
        "offtakes_cny": _offtakes(r, total) * scale,
        "export_revenue_cny": -k["export_revenue_cny"] * scale,
        "green_power_premium_cny": sum(e.green_trade_mwh for e in ents) * scale
        * price(gp.trade_premium_cny_per_mwh, "green_power_premium"),
        "certificates_cny": sum(e.certificates_mwh for e in ents) * scale
        * price(gp.certificate_price_cny_per_mwh, "gec_price"),
        "direct_green_cny": sum(e.direct_green_mwh for e in ents) * scale * (gp.direct_price_cny_per_mwh or 0.0),
        "offsets_cny": sc.offsets.ccer_t * price(sc.offsets.price_cny_per_t, "ccer_price"),
        "variable_om_cny": _variable_om(r, total) * scale,
        "fixed_om_cny": _fixed_om(sc),
    }
    co2 = {"none": 0.0, "scope1": accounts["ghg_location"].scope_co2_t(1),
           "national_net": accounts["national_park"].net_co2_t}[sc.economics.carbon_basis] * scale
    cp = price(sc.economics.carbon_price_cny_per_t, "carbon_price")
    carbon = carbon_cost_cny(co2, cp, sc.economics.free_allocation_t) if sc.economics.carbon_basis != "none" else 0.0
    fin = finance(sc)
    return RunEconomics(lines, carbon, tuple(_investments(sc, base_year)), fin,
                        _lcoe(sc, r, fin, scale), accounts["national_park"].net_co2_t * scale,
                        _partial_year_notes(r.flows.shape[0], scale, months))


def _partial_year_notes(hours: int, scale: float, months: float) -> list[str]:
    """What the yearly figures of a run shorter than a year mean."""
    if abs(scale - 1.0) < 1e-12:
        return []
    return [f"partial year: {hours} h simulated ({months:.2f} calendar months) stand for a year that "
            f"repeats them; flows, energy, fuels and CO2 x {scale:.3f}, demand charge = mean of the "
            f"months billed x 12, fixed O&M and offsets per year as given"]


def _offtakes(r, total: np.ndarray) -> float:
    """Net cost of what offtakes took: shipped x (-price) [CNY]."""
    prices = {b.id: b.offtake.price_cny_per_unit for b in r.scenario.buses if b.offtake is not None}
    role = np.asarray(r.port_role)
    cost = 0.0
    for i in np.flatnonzero(np.isin(role, OFFTAKE_ROLES)):
        cost += float(total[i]) * prices.get(str(r.port_bus[i]), 0.0)  # flow < 0 out of the bus
    return cost


def _variable_om(r, total: np.ndarray) -> float:
    """Variable O&M of converters: reference flow x the preset's CNY per unit."""
    kinds = {b.id: b.carrier for b in r.scenario.buses}
    kinds.setdefault(ATMOSPHERE, "co2")
    specs, _ = converter_specs(r.scenario, kinds)
    index = {n: i for i, n in enumerate(r.port_names)}
    return sum(abs(float(total[index[f"{s.id}@{s.ref_bus}"]])) * s.var_om for s in specs
               if f"{s.id}@{s.ref_bus}" in index)


def _third_party(sc) -> set[str]:
    gp = sc.green_power
    return set(gp.direct_assets) if gp.direct_price_cny_per_mwh is not None else set()


def _fixed_om(sc) -> float:
    """Fixed O&M of every asset and fleet in service, plus explicit investments' [CNY/yr]."""
    skip = _third_party(sc)
    equipment = sum(c.fixed_om_cny_per_yr for i, c in scenario_costs(sc).items() if i not in skip)
    return equipment + sum(i.fixed_om_cny_per_yr for i in sc.economics.investments)


def _investments(sc, base_year: int | None) -> list[Investment]:
    """Explicit capital items and the cost-table capex of new equipment."""
    e = sc.economics
    existing = set(e.existing_assets) if e.existing_assets != "all" else \
        {a.id for a in sc.assets} | {f.id for f in sc.fleets}
    covered = {c for i in e.investments for c in i.covers}
    out = []
    for i in e.investments:
        start = max(i.year - base_year, 0) if base_year is not None and i.year is not None else 0
        out.append(Investment(i.id, i.capex_cny, i.lifetime_yr, 0.0, start))
    skip = existing | covered | _third_party(sc)
    out += [Investment(c.id, c.capex_cny, c.lifetime_yr) for i, c in scenario_costs(sc).items()
            if i not in skip and c.capex_cny > 0]
    return out


def _lcoe(sc, r, fin: Finance, scale: float) -> float | None:
    """Levelised cost of the park's own PV and wind [CNY/MWh] (full capex, sunk or not)."""
    costs = scenario_costs(sc)
    own = [a.id for a in sc.assets if a.type in ("pv", "wind") and a.id not in _third_party(sc)]
    if not own:
        return None
    role = np.asarray(r.port_role)
    asset = np.array([n.split("@")[0] for n in r.port_names])
    total = r.flows.sum(axis=0)
    gen = float(total[np.isin(asset, own) & np.isin(role, ("pv", "wind"))].sum())
    share = gen / max(r.kpis["pv_generation_mwh"] + r.kpis["wind_generation_mwh"], 1e-9)
    used = (gen - r.kpis["curtailment_mwh"] * share) * scale
    inv = tuple(Investment(i, costs[i].capex_cny, costs[i].lifetime_yr, costs[i].fixed_om_cny_per_yr) for i in own)
    value = lcoe_cny_per_mwh(Pathway("onsite", inv), used, fin)
    return None if np.isnan(value) else float(value)


def against(project: RunEconomics, baseline: RunEconomics) -> dict:
    """NPV (with carbon price), payback and abatement cost (without it) against a baseline."""
    fin = baseline.finance
    with_carbon: Comparison = compare(project.pathway("project"), baseline.pathway("baseline"), fin)
    without: Comparison = compare(project.pathway("project", False), baseline.pathway("baseline", False), fin)
    return {"npv_cny": with_carbon.npv_cny, "simple_payback_yr": with_carbon.simple_payback_yr,
            "co2_avoided_t_per_yr": baseline.co2_t - project.co2_t,
            "abatement_cost_cny_per_t": without.abatement_cost_cny_per_t,
            "extra_capex_cny": project.capex_cny - baseline.capex_cny,
            "annual_saving_cny": baseline.annual_cost_cny - project.annual_cost_cny}
