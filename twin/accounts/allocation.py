"""Who used which electricity and heat: a run's flows allocated to the park's entities.

Entities are the enterprises and ``park`` (equipment the park operates); an asset belongs
to its ``owner``, a fleet to its owner.

Electricity, hour by hour, over all electricity buses together:

1. PV and wind output (net of curtailment, pro rata) first supplies its owner's use in
   the same hour (behind-the-meter self-consumption);
2. what owners do not use joins a pool with the grid import, in-park fuel-fired
   generation (CHP, fuel cells) and storage discharge; exports leave the pool from the
   renewable surplus first, then fuel-fired generation, then storage;
3. every entity's remaining use takes the pool's mix of that hour.

A store is a consumer of its own; what it discharges carries the mix it was charged with,
and its losses stay with its owner. Output of the assets in ``green_power.direct_assets``
counts as directly connected green power instead of in-park renewables.

Heat, over the year, bus by bus: a bus's supply mix (units by id, heat bought from a
market, links carrying the mix of their source bus) is shared by everything drawing on
it, pro rata. Units are priced at their energy-allocated CO2 (fuel + grid electricity)
per MWh they put out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from twin.kernel.materials import THERMAL

STORE = "store:"


@dataclass
class Ports:
    """Port metadata of a run, with owners resolved."""

    role: np.ndarray
    carrier: np.ndarray
    bus: np.ndarray
    asset: np.ndarray
    owner: np.ndarray
    links: set[str]


def port_table(r) -> Ports:
    """Ports of Results ``r`` with the entity owning each (enterprise ports: itself)."""
    sc = r.scenario
    owners = {e.id: e.id for e in sc.enterprises}
    owners.update({a.id: a.owner for a in sc.assets})
    owners.update({f.id: f.owner for f in sc.fleets})
    owners.update({f"{f.id}_cargo": f.owner for f in sc.fleets})
    asset = np.array([n.split("@")[0] for n in r.port_names], dtype=object)
    owner = np.array([owners.get(a, "park") for a in asset], dtype=object)
    links = {a.id for a in sc.assets if a.type == "link"}
    return Ports(np.asarray(r.port_role), np.asarray(r.port_carrier), np.asarray(r.port_bus),
                 asset, owner, links)


@dataclass
class ElectricityAllocation:
    """Annual electricity of each entity by origin [MWh].

    Origins: ``grid``, ``inpark`` (in-park PV/wind), ``direct`` (direct connection),
    ``unit:<converter id>`` (in-park fuel-fired generation).
    """

    by_entity: dict[str, dict[str, float]]
    exported_mwh: float
    exported_fuel_fired_mwh: float
    generation_owner: dict[str, str] = field(default_factory=dict)  # unit id -> owner


def _cols(mask: np.ndarray) -> np.ndarray:
    return np.flatnonzero(mask)


def _consumers(flows: np.ndarray, p: Ports, el: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Hourly use of every consumer entity (stores separately) [H, C]."""
    use: dict[str, np.ndarray] = {}

    def add(key: str, x: np.ndarray) -> None:
        use[key] = use.get(key, 0.0) + x

    for i in _cols(el & np.isin(p.role, ("demand", "converter_in", "fleet", "converter_absorb"))):
        if p.asset[i] not in p.links:
            add(p.owner[i], -flows[:, i])
    for i in _cols(el & (p.role == "storage")):
        add(STORE + p.asset[i], np.maximum(-flows[:, i], 0.0))
    for link in p.links:
        cols = _cols(el & (p.asset == link))
        if cols.size:
            add(p.owner[cols[0]], np.maximum(-flows[:, cols].sum(axis=1), 0.0))
    keys = sorted(use)
    H = flows.shape[0]
    return keys, np.column_stack([np.broadcast_to(use[k], (H,)) for k in keys]) if keys else np.zeros((H, 0))


def allocate_electricity(r, p: Ports, direct: set[str]) -> ElectricityAllocation:
    """Hourly owner-first and pool allocation of electricity (module docstring)."""
    f = r.flows
    el = p.carrier == "electricity"
    keys, use = _consumers(f, p, el)
    ren = _cols(el & np.isin(p.role, ("pv", "wind")))
    gen = f[:, ren]
    curt = -f[:, _cols(el & (p.role == "curtailment"))].sum(axis=1)
    total_gen = gen.sum(axis=1)
    keep = np.where(total_gen > 0, 1 - curt / np.where(total_gen > 0, total_gen, 1), 0.0)
    gen = gen * np.clip(keep, 0, 1)[:, None]
    is_direct = np.array([p.asset[i] in direct for i in ren], dtype=bool)
    self_in, self_dir, surplus_in, surplus_dir = _self_use(gen, is_direct, p.owner[ren], keys, use)
    units = [i for i in _cols(el & (p.role == "converter_out")) if p.asset[i] not in p.links]
    stores = _cols(el & (p.role == "storage"))
    pool = {"inpark": surplus_in, "direct": surplus_dir,
            **{f"unit:{p.asset[i]}": np.maximum(f[:, i], 0) for i in units},
            **{STORE + p.asset[i]: np.maximum(f[:, i], 0) for i in stores},
            "grid": f[:, _cols(el & (p.role == "grid_import"))].sum(axis=1),
            "unserved": f[:, _cols(el & (p.role == "unserved"))].sum(axis=1)}
    export = -f[:, _cols(el & (p.role == "grid_export"))].sum(axis=1)
    fuel_export = _take_exports(pool, export)
    residual = use - self_in - self_dir
    origins = list(pool)
    mix = np.column_stack([pool[o] for o in origins])
    denom = mix.sum(axis=1, keepdims=True)
    shares = np.divide(mix, denom, out=np.zeros_like(mix), where=denom > 0)
    table = residual.T @ shares  # [C, origins]
    out = {k: dict(zip(origins, table[c], strict=True)) for c, k in enumerate(keys)}
    for c, k in enumerate(keys):
        out[k]["inpark"] += float(self_in[:, c].sum())
        out[k]["direct"] += float(self_dir[:, c].sum())
    by_entity = _resolve_stores(out, p, stores)
    return ElectricityAllocation(by_entity, float(export.sum()), float(fuel_export),
                                 {p.asset[i]: p.owner[i] for i in units})


def _self_use(gen, is_direct, owners, keys, use):
    """Each owner's renewables first cover its own use in the same hour."""
    H, C = use.shape
    self_in, self_dir = np.zeros((H, C)), np.zeros((H, C))
    surplus_in = gen[:, ~is_direct].sum(axis=1)
    surplus_dir = gen[:, is_direct].sum(axis=1)
    for c, k in enumerate(keys):
        mine = owners == k
        g_in = gen[:, mine & ~is_direct].sum(axis=1)
        g_dir = gen[:, mine & is_direct].sum(axis=1)
        g = g_in + g_dir
        used = np.minimum(g, use[:, c])
        frac = np.divide(used, g, out=np.zeros(H), where=g > 0)
        self_in[:, c], self_dir[:, c] = g_in * frac, g_dir * frac
        surplus_in = surplus_in - self_in[:, c]
        surplus_dir = surplus_dir - self_dir[:, c]
    return self_in, self_dir, np.maximum(surplus_in, 0), np.maximum(surplus_dir, 0)


def _take_exports(pool: dict[str, np.ndarray], export: np.ndarray) -> float:
    """Remove exports from the pool: renewable surplus, fuel-fired units, stores, grid."""
    left = export.copy()
    groups = [["inpark", "direct"], [k for k in pool if k.startswith("unit:")],
              [k for k in pool if k.startswith(STORE)], ["grid"]]
    fuel = 0.0
    for g, names in enumerate(groups):
        if not names:
            continue
        avail = sum(pool[n] for n in names)
        take = np.minimum(left, avail)
        frac = np.divide(take, avail, out=np.zeros_like(take), where=avail > 0)
        for n in names:
            pool[n] = pool[n] * (1 - frac)
        left = left - take
        fuel += float(take.sum()) if g == 1 else 0.0
    return fuel


def _resolve_stores(out: dict[str, dict[str, float]], p: Ports, stores) -> dict[str, dict[str, float]]:
    """Replace store origins by the mix the store was charged with; losses to its owner."""
    for i in stores:
        sid = STORE + p.asset[i]
        charged = {k: v for k, v in out.pop(sid, {}).items() if not k.startswith(STORE)}
        total = sum(charged.values())
        mix = {k: v / total for k, v in charged.items()} if total > 0 else {"grid": 1.0}
        given = 0.0
        for origins in out.values():
            q = origins.pop(sid, 0.0)
            given += q
            for k, w in mix.items():
                origins[k] = origins.get(k, 0.0) + q * w
        owner = out.setdefault(p.owner[i], {})
        for k, w in mix.items():
            owner[k] = owner.get(k, 0.0) + (total - given) * w
    for origins in out.values():
        for k in [k for k in origins if k.startswith(STORE)]:
            origins["grid"] = origins.get("grid", 0.0) + origins.pop(k)
        origins.pop("unserved", None)
    return out


@dataclass
class HeatAllocation:
    """Annual heat of each entity by origin [MWh]: ``unit:<id>`` or ``market``."""

    by_entity: dict[str, dict[str, float]]
    unit_owner: dict[str, str] = field(default_factory=dict)  # unit id -> owner


def allocate_heat(r, p: Ports) -> HeatAllocation:
    """Annual supply mix per thermal bus shared pro rata by its consumers (links pass it on)."""
    total = r.flows.sum(axis=0)
    thermal = np.isin(p.carrier, THERMAL)
    buses = sorted(set(p.bus[thermal]))
    direct = {b: _direct_origins(total, p, thermal & (p.bus == b)) for b in buses}
    link_in = _link_inputs(total, p, thermal)
    mix = {b: _normalised(direct[b]) for b in buses}
    for _ in range(len(buses) + 1):  # links carry their source bus's mix
        for b in buses:
            origins = dict(direct[b])
            for src, q in link_in.get(b, []):
                for k, w in mix.get(src, {}).items():
                    origins[k] = origins.get(k, 0.0) + q * w
            mix[b] = _normalised(origins)
    out: dict[str, dict[str, float]] = {}
    for i in _cols(thermal & np.isin(p.role, ("demand", "converter_in", "converter_absorb", "storage"))):
        if p.asset[i] in p.links or total[i] >= 0:
            continue
        ent = out.setdefault(p.owner[i], {})
        for k, w in mix[p.bus[i]].items():
            ent[k] = ent.get(k, 0.0) - total[i] * w
    for ent in out.values():
        ent.pop("unserved", None)
    units = thermal & (p.role == "converter_out")
    return HeatAllocation(out, {p.asset[i]: p.owner[i] for i in _cols(units)})


def _direct_origins(total: np.ndarray, p: Ports, on_bus: np.ndarray) -> dict[str, float]:
    origins: dict[str, float] = {}
    for i in _cols(on_bus & (p.role == "converter_out")):
        if p.asset[i] not in p.links and total[i] > 0:
            origins[f"unit:{p.asset[i]}"] = origins.get(f"unit:{p.asset[i]}", 0.0) + total[i]
    for name in ("market", "unserved"):
        q = float(total[_cols(on_bus & (p.role == name))].sum())
        if q > 0:
            origins[name] = q
    return origins


def _link_inputs(total: np.ndarray, p: Ports, thermal: np.ndarray) -> dict[str, list[tuple[str, float]]]:
    """Destination bus -> [(source bus, MWh delivered)] for thermal links."""
    out: dict[str, list[tuple[str, float]]] = {}
    for link in p.links:
        cols = _cols(thermal & (p.asset == link))
        src = [i for i in cols if total[i] < 0]
        dst = [i for i in cols if total[i] > 0]
        if src and dst:
            out.setdefault(p.bus[dst[0]], []).append((p.bus[src[0]], float(total[dst[0]])))
    return out


def _normalised(origins: dict[str, float]) -> dict[str, float]:
    s = sum(origins.values())
    return {k: v / s for k, v in origins.items()} if s > 0 else {}
