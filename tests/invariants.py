"""Invariants of a run that can fail: each check reads ``Results`` and the compiled network.

The settlement closes every bus with slack, so "every bus balances" holds whatever the
units do. These checks look at what the slack and the units did instead, against
limits read from the scenario file (not from the arrays the settlement used where the
scenario states them). Each returns a list of violations, one line each; [] is a pass.
"""

from __future__ import annotations

import numpy as np

import twin
from twin.catalog.technologies import preset
from twin.network.compile import Network

TOL = 1e-6  # MW (or t/h, m3/h): the settlement's sums are exact to ~1e-9 on these sizes
SURPLUS_ROLES = {"curtailment", "vent", "landfill", "discharge", "dump"}
OUTAGE_START = {"failure": True, "maintenance_start": True, "repaired": False, "maintenance_end": False}


def check_all(r: twin.Results, net: Network) -> list[str]:
    """Every invariant below, violations of all of them."""
    return [*slack_within_limits(r), *unserved_only_when_short(r, net), *merit_order_kept(r, net),
            *converter_ports_follow_coefficients(r, net), *storage_within_bounds(r)]


def _port(r: twin.Results, role: str, bus: str) -> np.ndarray | None:
    hit = [p for p, (ro, b) in enumerate(zip(r.port_role, r.port_bus, strict=True)) if ro == role and b == bus]
    return r.flows[:, hit[0]] if hit else None


def slack_within_limits(r: twin.Results) -> list[str]:
    """Grid import and export, offtakes, markets, unserved and surplus ports within their limits.

    The caps come from the scenario: ``grid.import_max_mw``, ``grid.export_max_mw`` and
    each bus's ``offtake.max_per_h``. Surplus (curtailment, vent ...) only once the
    export or offtake is full.
    """
    sc, out = r.scenario, []
    outlets = {sc.grid.bus: ("grid_export", sc.grid.export_max_mw)}
    outlets.update({b.id: (b.offtake.kind, b.offtake.max_per_h) for b in sc.buses if b.offtake is not None})
    imp = _port(r, "grid_import", sc.grid.bus)
    if imp is not None and not (imp.min() >= -TOL and imp.max() <= sc.grid.import_max_mw + TOL):
        out.append(f"grid import {imp.min():.6g}..{imp.max():.6g} outside [0, {sc.grid.import_max_mw}]")
    for bus, (role, cap) in outlets.items():
        exp = _port(r, role, bus)
        if exp is None:
            continue
        if exp.max() > TOL or exp.min() < -cap - TOL:
            out.append(f"{role}@{bus} {exp.min():.6g}..{exp.max():.6g} outside [-{cap}, 0]")
        surplus = sum(r.flows[:, p] for p in np.flatnonzero(r.port_bus == bus) if r.port_role[p] in SURPLUS_ROLES)
        early = (np.asarray(surplus) < -TOL) & (exp > -cap + TOL)
        if early.any():
            out.append(f"surplus on {bus} in {int(early.sum())} h while {role} had room")
    for p, (role, name) in enumerate(zip(r.port_role, r.port_names, strict=True)):
        f = r.flows[:, p]
        if role in ("market", "unserved") and f.min() < -TOL:
            out.append(f"{name} negative ({f.min():.6g})")
        if role in SURPLUS_ROLES and f.max() > TOL:
            out.append(f"{name} positive ({f.max():.6g})")
    return out


def outages(r: twin.Results) -> dict[str, np.ndarray]:
    """Hours each asset is out of service, rebuilt from the event log (failures, maintenance).

    Conservative: the hour of the event that ends an outage counts as out too.
    """
    down: dict[str, np.ndarray] = {}
    hours = r.index.get_indexer(r.events["time"])
    for h, asset, event in zip(hours, r.events["asset"], r.events["event"], strict=True):
        if event not in OUTAGE_START:
            continue
        mask = down.setdefault(asset, np.zeros(len(r.index), bool))
        if OUTAGE_START[event]:
            mask[h:] = True
        else:
            mask[h + 1:] = False
    return down


def _units_on(net: Network, bus: int) -> np.ndarray:
    c = net.converters
    return np.flatnonzero((c.ref_bus == bus) & (c.mode > 0))


def _reference_flow(r: twin.Results, net: Network) -> np.ndarray:
    """Reference flow of every converter [hours, U], + when it runs."""
    c = net.converters
    return r.flows[:, c.ref_port] * c.mode


def _available_cap(r: twin.Results, net: Network) -> np.ndarray:
    """Rated capacity of every converter in every hour, 0 while out of service [hours, U]."""
    down = outages(r)
    caps = np.array([s.capacity for s in net.converters.specs])
    avail = np.ones((len(r.index), len(caps)))
    for u, s in enumerate(net.converters.specs):
        if s.id in down:
            avail[down[s.id], u] = 0.0
    return caps * avail


def unserved_only_when_short(r: twin.Results, net: Network) -> list[str]:
    """Unserved energy only in hours where import and every available unit on the bus are full.

    The independent sum: the grid (or market) cap from the scenario plus the rated
    capacity of every unit on the bus that is in service and draws on no limited bus.
    """
    c, x, cap, out = net.converters, _reference_flow(r, net), _available_cap(r, net), []
    limited = set(c.oth_conv[c.limited].tolist())
    for b, bus in enumerate(net.bus_ids):
        short = _port(r, "unserved", bus)
        if short is None or not (short > TOL).any():
            continue
        hours = short > TOL
        units = [u for u in _units_on(net, b) if u not in limited]
        supplied = x[hours][:, units].sum(axis=1)
        capacity = cap[hours][:, units].sum(axis=1)
        imp = _port(r, "grid_import", bus) if bus == r.scenario.grid.bus else None
        if imp is not None:
            supplied, capacity = supplied + imp[hours], capacity + r.scenario.grid.import_max_mw
        gap = capacity - supplied
        if gap.max() > TOL:
            out.append(f"unserved on {bus} in {int((gap > TOL).sum())} h with {gap.max():.6g} of capacity idle")
    return out


def marginal_cost(r: twin.Results, net: Network) -> np.ndarray:
    """Hourly cost per unit of reference flow [hours, U], from the tariff and fuel prices.

    var O&M minus each port's coefficient times the price of its bus (inputs cost,
    outputs to a priced bus earn), the grid bus at the run's import price.
    """
    c = net.converters
    cost = np.tile([s.var_om for s in c.specs], (len(r.index), 1)).astype(float)
    markets = {bus for b, bus in enumerate(net.bus_ids) if net.slack[b].import_port >= 0}
    for k, (p, u) in enumerate(zip(c.oth_port, c.oth_conv, strict=True)):
        bus, carrier = r.port_bus[p], r.port_carrier[p]
        if bus == r.scenario.grid.bus:
            price = r.import_price
        elif bus in markets and carrier in r.fuel_price:
            price = r.fuel_price[carrier]
        else:
            continue
        cost[:, u] -= c.oth_coef[:, k] * price
    return cost


def merit_order_kept(r: twin.Results, net: Network) -> list[str]:
    """No dearer unit runs while a cheaper one on the same bus has headroom, hour by hour."""
    c, x, cap, cost, out = net.converters, _reference_flow(r, net), _available_cap(r, net), marginal_cost(r, net), []
    limited = set(c.oth_conv[c.limited].tolist())
    for b, bus in enumerate(net.bus_ids):
        units = _units_on(net, b)
        for v in (u for u in units if u not in limited):
            room = cap[:, v] - x[:, v] > TOL
            for u in units:
                dearer = cost[:, u] > cost[:, v] * (1 + 1e-9) + 1e-9
                bad = room & dearer & (x[:, u] > TOL)
                if bad.any():
                    out.append(f"{c.specs[u].id} runs on {bus} in {int(bad.sum())} h while cheaper "
                               f"{c.specs[v].id} has room")
    return out


def converter_ports_follow_coefficients(r: twin.Results, net: Network) -> list[str]:
    """Each converter runs within [0, its available capacity]; each port = coefficient x flow."""
    c, x, cap, out = net.converters, _reference_flow(r, net), _available_cap(r, net), []
    over = (x < -TOL) | (x > cap + TOL)
    for u in np.flatnonzero(over.any(axis=0)):
        out.append(f"{c.specs[u].id} outside [0, capacity] in {int(over[:, u].sum())} h")
    want = x[:, c.oth_conv] * c.oth_coef
    got = r.flows[:, c.oth_port]
    err = np.abs(got - want) > TOL * np.maximum(1.0, np.abs(want))
    for k in np.flatnonzero(err.any(axis=0)):
        out.append(f"{r.port_names[c.oth_port[k]]} differs from coefficient x flow in {int(err[:, k].sum())} h")
    return out


def store_limits(r: twin.Results, sid: str) -> tuple[float, float, float, float, float]:
    """(p_max, e_min, e_max, eta_charge, eta_discharge) of a store, from the scenario file."""
    a = next(a for a in r.scenario.assets if a.id == sid)
    if a.type == "battery":
        return (a.p_max_mw, a.soc_min_frac * a.e_max_mwh, a.soc_max_frac * a.e_max_mwh,
                a.eta_charge_frac, a.eta_discharge_frac)
    p = preset("stores", a.preset)
    return a.p_max, p["soc_min_frac"] * a.e_max, p["soc_max_frac"] * a.e_max, p["eta_charge_frac"], p["eta_discharge_frac"]


def storage_within_bounds(r: twin.Results) -> list[str]:
    """Stored amount within its bounds, power within its limit, energy conserved hour by hour."""
    out, down = [], outages(r)
    for j, sid in enumerate(r.store_ids):
        p_max, e_min, e_max, eta_c, eta_d = store_limits(r, sid)
        port = next(p for p, n in enumerate(r.port_names) if n.split("@")[0] == sid and r.port_role[p] == "storage")
        power, soc = r.flows[:, port], r.soc_mwh[:, j]
        if soc.min() < e_min - TOL or soc.max() > e_max + TOL:
            out.append(f"{sid} stored {soc.min():.6g}..{soc.max():.6g} outside [{e_min:.6g}, {e_max:.6g}]")
        if np.abs(power).max() > p_max + TOL:
            out.append(f"{sid} power {np.abs(power).max():.6g} above {p_max}")
        if sid in down and np.abs(power[down[sid]]).max(initial=0.0) > TOL:
            out.append(f"{sid} moves energy while out of service")
        change = np.diff(np.concatenate([[r.soc0_mwh[j]], soc]))
        expected = np.where(power > 0, -power / eta_d, -power * eta_c)
        if np.abs(change - expected).max() > TOL:
            out.append(f"{sid} stored energy not conserved (off by {np.abs(change - expected).max():.6g})")
    return out
