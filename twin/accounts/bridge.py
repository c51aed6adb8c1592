"""From a run to the activity data of the carbon accounts (:mod:`twin.accounts.inputs`).

Per entity (each enterprise, and ``park`` for what the park operates):

- fuel use: what its converters and fleets draw from fuel markets (in-park hydrogen is
  not a purchase: its electricity is counted where the electrolyser is);
- process CO2: its ``enterprise_process_co2`` ports;
- electricity by origin (:func:`twin.accounts.allocation.allocate_electricity`): grid, in-park
  renewables, direct connection, and in-park fuel-fired units of others (internal);
- heat by origin (:func:`twin.accounts.allocation.allocate_heat`): bought from a market, or from
  other entities' units (internal, at the unit's CO2 per MWh); own units add nothing
  (their fuel is already the entity's);
- CO2 captured by its units and stored or utilised (shares of the captured bus's fate);
- products: tonnes on its product port (``t_per_year`` pro rata when it has none);
- green power trades and certificates from ``green_power`` (``park`` as aggregated buyer is
  shared by grid use; a trade never exceeds the entity's grid electricity).

Figures the scenario declares per year (``trade_mwh``, ``certificates_mwh``, offsets'
``sinks_t`` and ``ccer_t``, ``t_per_year`` of products without a product port) enter the
activity pro rata to the period simulated (:func:`year_share`): a one-week run deducts a
week of its yearly sinks, not the whole year's against a week's emissions.

A unit's CO2 per MWh out = (fuel CO2 + grid electricity it used x location factor) /
(electricity + heat it put out): energy allocation, so a CHP's electricity and heat carry
the same factor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from twin.accounts.allocation import (
    ElectricityAllocation,
    HeatAllocation,
    Ports,
    allocate_electricity,
    allocate_heat,
    port_table,
)
from twin.accounts.inputs import AccountingOptions, EnterpriseActivity, InternalSupply, ParkActivity
from twin.catalog.factors import FactorBook
from twin.kernel.materials import THERMAL
from twin.units import fuels, tce_per_mwh

OFFTAKE_STORED = ("co2_storage", "truck_co2_storage")
OFFTAKE_USED = ("co2_utilisation", "truck_co2_utilisation")


def accounting_options(sc) -> AccountingOptions:
    """The scenario's accounting choices; areas default to its province, else national."""
    a = sc.accounting
    area = lambda given: given or a.province or "national"  # noqa: E731
    return AccountingOptions(
        national_grid_basis=a.national_grid_basis, national_grid_area=area(a.national_grid_area),
        green_trade=a.green_trade, certificates=a.certificates,
        credit_net_export=a.credit_net_export, deductions=tuple(a.deductions),
        location_basis=a.location_basis, location_area=area(a.location_area),
        residual_basis=a.residual_basis, residual_area=area(a.residual_area),
        footprint_basis=a.footprint_basis, footprint_area=area(a.footprint_area),
        heat_basis=a.heat_basis)


def factor_book(sc, extra: dict[str, float] | None = None, year: int | None = None) -> FactorBook:
    """Factor book of the scenario: its year and overrides, plus ``extra`` overrides."""
    return FactorBook(year or sc.accounting.year, {**sc.accounting.factor_overrides, **(extra or {})},
                      sc._source)


@dataclass
class Activity:
    """The park's activity data and what it was derived from."""

    park: ParkActivity
    electricity: ElectricityAllocation
    heat: HeatAllocation
    unit_factor: dict[str, float]
    contracts_unused_mwh: float = 0.0
    entity_energy_tce: dict[str, float] = field(default_factory=dict)
    products: dict[str, tuple[str, float]] = field(default_factory=dict)  # enterprise -> (product, t)


def year_share(r) -> float:
    """Share of its calendar year that a run simulates: hours / 8,760 (8,784 in a leap year)."""
    year_hours = 8784 if r.index[0].is_leap_year else 8760
    return r.flows.shape[0] / year_hours


def park_activity(r, book: FactorBook, opt: AccountingOptions) -> Activity:
    """Activity of every entity of a run (see the module docstring)."""
    sc = r.scenario
    p = port_table(r)
    total = r.flows.sum(axis=0)
    ea = allocate_electricity(r, p, set(sc.green_power.direct_assets))
    ha = allocate_heat(r, p)
    fuel = _fuel_use(total, p)
    factors = _unit_factors(total, p, ea, book, opt)
    ccus, park_ccus = _ccus(total, p)
    products = _products(r, total, p)
    process = _by_owner(total, p, p.role == "enterprise_process_co2")
    names = sorted({e.id for e in sc.enterprises} | set(ea.by_entity) | set(ha.by_entity)
                   | set(fuel) | set(ccus) | set(process))
    share = year_share(r)
    grid = {n: ea.by_entity.get(n, {}).get("grid", 0.0) for n in names}
    trade, certs, unused = _contracts(sc, grid, share)
    ents, energy = [], {}
    for n in names:
        e = _entity(n, ea, ha, factors, fuel.get(n, {}), process.get(n, 0.0), ccus.get(n, (0.0, 0.0)),
                    products.get(n), (trade.get(n, 0.0), certs.get(n, 0.0)))
        if n in {x.id for x in sc.enterprises} or _active(e):
            ents.append(e)
            heat = ha.by_entity.get(n, {})
            energy[n] = _entity_energy(e, heat, _own_mwh(heat, ha.unit_owner, n), book,
                                       sc.accounting.energy_basis)
    park = ParkActivity(tuple(ents), exported_mwh=_pos(ea.exported_mwh),
                        exported_fuel_fired_mwh=_pos(ea.exported_fuel_fired_mwh),
                        ccus_stored_t=park_ccus[0], ccus_utilised_t=park_ccus[1],
                        sinks_t=sc.offsets.sinks_t * share, offsets_t=sc.offsets.ccer_t * share)
    return Activity(park, ea, ha, factors, unused, energy, products)


def _pos(x: float) -> float:
    return float(x) if x > 1e-9 else 0.0  # float() also turns numpy scalars into floats


def _by_owner(total: np.ndarray, p: Ports, mask: np.ndarray, sign: float = 1.0) -> dict[str, float]:
    out: dict[str, float] = {}
    for i in np.flatnonzero(mask):
        out[p.owner[i]] = out.get(p.owner[i], 0.0) + sign * float(total[i])
    return out


def _fuel_use(total: np.ndarray, p: Ports) -> dict[str, dict[str, float]]:
    """Fuel bought from markets per entity and carrier, in the carrier unit."""
    out: dict[str, dict[str, float]] = {}
    for c in fuels():
        on = p.carrier == c
        inflow = total[on & (total > 0)].sum()
        market = total[on & (p.role == "market")].sum()
        frac = market / inflow if inflow > 0 else 0.0
        draws = on & np.isin(p.role, ("converter_in", "fleet")) & ~np.isin(p.asset, list(p.links))
        for owner, q in _by_owner(total, p, draws, -frac).items():
            if q > 1e-9:
                out.setdefault(owner, {})[c] = q
    return out


def _unit_factors(total: np.ndarray, p: Ports, ea: ElectricityAllocation, book: FactorBook,
                  opt: AccountingOptions) -> dict[str, float]:
    """CO2 per MWh out of every in-park unit that supplies electricity or heat [tCO2/MWh]."""
    energy_out = (p.role == "converter_out") & np.isin(p.carrier, ("electricity", *THERMAL))
    ef = book.grid(opt.location_basis, opt.location_area)
    out = {}
    for unit in sorted(set(p.asset[energy_out]) - p.links):
        mine = p.asset == unit
        made = float(total[mine & energy_out].sum())
        if made <= 0:
            continue
        co2 = sum(-float(total[i]) * book.fuel_co2(p.carrier[i])
                  for i in np.flatnonzero(mine & (p.role == "converter_in"))
                  if p.carrier[i] in fuels() and total[i] < 0)
        el = -float(total[mine & (p.role == "converter_in") & (p.carrier == "electricity")].sum())
        owner_el = ea.by_entity.get(p.owner[np.flatnonzero(mine)[0]], {})
        grid_share = owner_el.get("grid", 0.0) / sum(owner_el.values()) if sum(owner_el.values()) > 0 else 1.0
        out[unit] = float((co2 + max(el, 0.0) * grid_share * ef) / made)
    return out


def _ccus(total: np.ndarray, p: Ports) -> tuple[dict[str, tuple[float, float]], tuple[float, float]]:
    """CO2 stored and utilised per owner of the capture unit; what no unit captured: park level."""
    co2 = p.carrier == "co2"
    fate = {}
    for b in set(p.bus[co2]):
        on = co2 & (p.bus == b)
        inflow = float(total[on & (p.role == "converter_out") & (total > 0)].sum())
        stored = -float(total[on & np.isin(p.role, OFFTAKE_STORED)].sum())
        used = -float(total[on & np.isin(p.role, OFFTAKE_USED)].sum())
        fate[b] = (stored / inflow, used / inflow) if inflow > 0 else (0.0, 0.0)
    capture_units = set(p.asset[co2 & (p.role == "converter_absorb")])
    out: dict[str, tuple[float, float]] = {}
    given = [0.0, 0.0]
    for i in np.flatnonzero(co2 & (p.role == "converter_out") & np.isin(p.asset, list(capture_units))):
        s, u = fate[p.bus[i]]
        q = float(total[i])
        prev = out.get(p.owner[i], (0.0, 0.0))
        out[p.owner[i]] = (prev[0] + q * s, prev[1] + q * u)
        given[0] += q * s
        given[1] += q * u
    stored_all = -float(total[co2 & np.isin(p.role, OFFTAKE_STORED)].sum())
    used_all = -float(total[co2 & np.isin(p.role, OFFTAKE_USED)].sum())
    return out, (_pos(stored_all - given[0]), _pos(used_all - given[1]))


def _products(r, total: np.ndarray, p: Ports) -> dict[str, tuple[str, float]]:
    """Product name and tonnes of each producing enterprise."""
    out = {}
    for e in r.scenario.enterprises:
        if e.production is None or e.production.t_per_year <= 0:
            continue
        port = (p.role == "enterprise_product") & (p.asset == e.id)
        t = float(total[port].sum()) if port.any() else e.production.t_per_year * year_share(r)
        out[e.id] = (e.production.product, t)
    return out


def _contracts(sc, grid: dict[str, float], share: float) -> tuple[dict[str, float], dict[str, float], float]:
    """Green trades (capped at grid use) and certificates per entity [MWh]; unused trades.

    The yearly MWh of ``trade_mwh`` and ``certificates_mwh`` count ``share`` of a year. The
    key ``park`` is the park as aggregated buyer, shared by grid use among all entities
    (the park's own equipment, entity ``park``, takes its grid share of it, not the whole).
    """
    gp = sc.green_power
    in_period = lambda given: {k: v * share for k, v in given.items()}  # noqa: E731
    trade_mwh, certificates_mwh = in_period(gp.trade_mwh), in_period(gp.certificates_mwh)
    total_grid = sum(grid.values())
    trade, certs, unused = {}, {}, 0.0
    for n, g in grid.items():
        part = g / total_grid if total_grid > 0 else 0.0
        own = (0.0, 0.0) if n == "park" else (trade_mwh.get(n, 0.0), certificates_mwh.get(n, 0.0))
        want = gp.trade_frac * g + own[0] + trade_mwh.get("park", 0.0) * part
        trade[n] = min(want, max(g, 0.0))
        unused += want - trade[n]
        certs[n] = gp.certificates_frac * g + own[1] + certificates_mwh.get("park", 0.0) * part
    if total_grid <= 0:
        unused += trade_mwh.get("park", 0.0)
    return trade, certs, unused


def _entity(n: str, ea: ElectricityAllocation, ha: HeatAllocation, factors: dict[str, float],
            fuel: dict[str, float], process: float, ccus: tuple[float, float],
            product: tuple[str, float] | None, contracts: tuple[float, float]) -> EnterpriseActivity:
    el = ea.by_entity.get(n, {})
    heat = ha.by_entity.get(n, {})
    supplies: dict[tuple[str, str], list[float]] = {}  # (carrier, supplier) -> [MWh, tCO2]
    for carrier, origins, owners in (("electricity", el, ea.generation_owner), ("heat", heat, ha.unit_owner)):
        for k, q in origins.items():
            unit = k.removeprefix("unit:")
            owner = owners.get(unit, "park")
            if k.startswith("unit:") and owner != n and q > 1e-9:
                acc = supplies.setdefault((carrier, owner), [0.0, 0.0])
                acc[0] += q
                acc[1] += q * factors.get(unit, 0.0)
    internal = [InternalSupply(c, float(q), float(co2 / q), o) for (c, o), (q, co2) in sorted(supplies.items())]
    return EnterpriseActivity(
        n, fuel_use={c: float(q) for c, q in fuel.items()}, process_co2_t=_pos(process),
        grid_electricity_mwh=_pos(el.get("grid", 0.0)),
        inpark_renewable_mwh=_pos(el.get("inpark", 0.0)), direct_green_mwh=_pos(el.get("direct", 0.0)),
        green_trade_mwh=_pos(contracts[0]), certificates_mwh=_pos(contracts[1]),
        heat_bought_mwh=_pos(heat.get("market", 0.0)), internal=tuple(internal),
        ccus_stored_t=_pos(ccus[0]), ccus_utilised_t=_pos(ccus[1]),
        products_t={product[0]: float(product[1])} if product and product[1] > 0 else {})


def _active(e: EnterpriseActivity) -> bool:
    return bool(e.fuel_use or e.electricity_use_mwh > 1e-9 or e.heat_bought_mwh or e.internal
                or e.process_co2_t or e.ccus_stored_t or e.ccus_utilised_t)


def _own_mwh(by_origin: dict[str, float], owner_of: dict[str, str], entity: str) -> float:
    """Energy an entity drew from converters it owns [MWh]."""
    return sum(q for origin, q in by_origin.items()
               if origin.startswith("unit:") and owner_of.get(origin[len("unit:"):]) == entity)


def _entity_energy(e: EnterpriseActivity, heat: dict[str, float], own_heat_mwh: float,
                   book: FactorBook, basis: str) -> float:
    """Energy an entity consumed [tce]: its fuels, electricity and heat (GB/T 2589-2020).

    Heat its own units made came from fuels or electricity already counted, so it is not
    counted again (a firm's coal boiler: its coal, not its coal and its steam). Electricity
    from its own units is already outside ``electricity_use_mwh``.
    """
    fuel = sum(q * book.fuel_tce(c) for c, q in e.fuel_use.items())
    return fuel + e.electricity_use_mwh * tce_per_mwh("electricity", basis) + \
        (sum(heat.values()) - own_heat_mwh) * tce_per_mwh("heat", basis)
