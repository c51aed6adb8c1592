"""Retrofit measures: overlays on a scenario, in service from their commissioning year.

A measure's ``change`` is deep-merged into the scenario exactly like a variant file
(:func:`twin.scenario.merge.deep_merge`: mappings recursively, lists of items by id, ``remove:
true`` deletes); ``demand_scale`` multiplies enterprises' annual demand (efficiency
upgrades) and ``motor_systems`` sets enterprises' motor and compressor classes (both by
enterprise id or ``sector:<name>``). Measures apply in order of year, then of their place
in the file.

Costs: a measure with ``capex_cny`` is one capital item. Otherwise each asset or fleet it
adds or changes is costed from the cost tables (:mod:`twin.catalog.costs`): what it adds in full,
what it enlarges by the difference, a fleet that changes vehicle in full; removed items
cost nothing. The items go to ``economics.investments`` (with the year and the ids they
cover) so the resulting scenario carries its own costs. ``economics.existing_assets: all``
is resolved to the assets and fleets that were there before the measures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import TypeAdapter, ValidationError

from twin.catalog.costs import asset_cost, fleet_cost
from twin.errors import InputError, Problem
from twin.scenario.merge import deep_merge
from twin.scenario.parse import parse
from twin.schema.assets import Asset
from twin.schema.enterprise import Fleet
from twin.schema.plan import Measure
from twin.schema.scenario import Scenario

LISTS = {"assets": "type", "enterprises": "sector", "fleets": "vehicle", "buses": "carrier"}
FORBIDDEN = {"measures", "extends"}
_ASSET = TypeAdapter(Asset)


def in_service(sc: Scenario, year: int | None = None) -> list[Measure]:
    """Measures commissioned by ``year`` (all when None), in the order they apply."""
    order = {m.id: i for i, m in enumerate(sc.measures)}
    chosen = [m for m in sc.measures if year is None or m.year <= year]
    return sorted(chosen, key=lambda m: (m.year, order[m.id]))


def selected(sc: Scenario, year: int | None = None, off: Iterable[str] = ()) -> list[Measure]:
    """Measures in service by ``year`` but for those switched ``off``, in apply order.

    A measure that requires one switched off (directly or through another) is off too: it
    was designed on top of it (e.g. electrode boilers on a grid upgrade).
    """
    dropped = set(off)
    chosen = in_service(sc, year)
    while True:
        kept = [m for m in chosen if m.id not in dropped and not dropped & set(m.requires)]
        if len(kept) == len(chosen):
            return kept
        dropped |= {m.id for m in chosen} - {m.id for m in kept}
        chosen = kept


def with_requirements(sc: Scenario, ids: Iterable[str]) -> list[Measure]:
    """The measures named and every measure they require (recursively), in apply order."""
    by_id = {m.id: m for m in sc.measures}
    wanted: set[str] = set()
    stack = list(ids)
    while stack:
        mid = stack.pop()
        if mid not in wanted:
            wanted.add(mid)
            stack += by_id[mid].requires
    return [m for m in in_service(sc) if m.id in wanted]


def apply_measures(sc: Scenario, measures: Sequence[Measure] | None = None,
                   year: int | None = None) -> Scenario:
    """The scenario with ``measures`` (default: those in service by ``year``) merged in.

    The result has no measures left, ``economics.existing_assets`` as explicit ids and the
    measures' capital items appended to ``economics.investments``.
    """
    chosen = in_service(sc, year) if measures is None else list(measures)
    raw = sc.model_dump(mode="json")
    raw["measures"] = []
    econ = raw["economics"]
    if econ["existing_assets"] == "all":
        econ["existing_assets"] = [a["id"] for a in raw["assets"]] + [f["id"] for f in raw["fleets"]]
    for m in chosen:
        raw = _apply_one(sc._source, raw, m)
    _drop_removed(raw)
    try:
        return parse(raw, sc._source, sc._base_dir, sc._allow_outside)
    except InputError as exc:
        raise InputError(_blame(sc, chosen, exc)) from None


def _drop_removed(raw: dict) -> None:
    """Existing equipment a measure removed is no longer listed."""
    econ = raw["economics"]
    if isinstance(econ["existing_assets"], list):
        present = {a["id"] for a in raw["assets"]} | {f["id"] for f in raw["fleets"]}
        econ["existing_assets"] = [i for i in econ["existing_assets"] if i in present]


def _apply_one(source: str, raw: dict, m: Measure) -> dict:
    problems = reference_problems(source, raw, m)
    if problems:
        raise InputError(problems)
    merged = deep_merge(raw, m.change)
    merged["enterprises"] = _scaled(merged["enterprises"], m)
    merged["economics"]["investments"] = [*raw["economics"]["investments"],
                                          *_investments(raw, merged, m)]
    return merged


def reference_problems(source: str, raw: dict, m: Measure) -> list[Problem]:
    """Items a measure changes or removes that do not exist; keys it may not change."""
    where = f"measures[{m.id}]"
    out = [Problem(source, f"{where}.change.{k}", f"a measure may not change {k!r}", m.id)
           for k in m.change if k in FORBIDDEN]
    out += [Problem(source, f"{where}.change.{k}", "unknown scenario section", m.id)
            for k in m.change if k not in Scenario.model_fields and k not in FORBIDDEN]
    for key, required in LISTS.items():
        items = m.change.get(key, [])
        if not isinstance(items, list):
            out.append(Problem(source, f"{where}.change.{key}", "expected a list of items with ids", m.id))
            continue
        known = {i.get("id") for i in raw.get(key, [])}
        for item in items:
            if not isinstance(item, dict) or "id" not in item:
                out.append(Problem(source, f"{where}.change.{key}", "every item needs an id", m.id))
            elif item["id"] not in known and (item.get("remove") is True or required not in item):
                out.append(Problem(source, f"{where}.change.{key}[{item['id']}]",
                                   f"measure {m.id!r} references missing {key[:-1]} {item['id']!r} "
                                   f"(a new item needs '{required}')", m.id))
    ents = {e["id"] for e in raw.get("enterprises", [])}
    sectors = {e["sector"] for e in raw.get("enterprises", [])}
    for name in ("demand_scale", "motor_systems"):
        for key in getattr(m, name):
            ok = key.removeprefix("sector:") in sectors if key.startswith("sector:") else key in ents
            if not ok:
                out.append(Problem(source, f"{where}.{name}.{key}",
                                   f"measure {m.id!r} references missing enterprise or sector {key!r}", m.id))
    return out


def _scaled(enterprises: list[dict], m: Measure) -> list[dict]:
    """Enterprises after the measure's demand factors and motor classes."""
    if not m.demand_scale and not m.motor_systems:
        return enterprises
    out = []
    for e in enterprises:
        e = {**e, "demand": dict(e.get("demand") or {})}
        for key in (f"sector:{e['sector']}", e["id"]):  # an enterprise's own entry wins
            s = m.demand_scale.get(key)
            if s is not None:
                d = e["demand"]
                d["electricity_mwh"] = d.get("electricity_mwh", 0.0) * s.electricity_frac
                d["heat_mwh"] = d.get("heat_mwh", 0.0) * s.heat_frac
            if key in m.motor_systems:
                e["motor_systems"] = m.motor_systems[key].model_dump(mode="json")
        out.append(e)
    return out


def _investments(before: dict, after: dict, m: Measure) -> list[dict]:
    """Capital items of a measure: explicit, or one per item it adds or enlarges."""
    touched = _touched(m)
    if m.capex_cny is not None:
        return [{"id": m.id, "capex_cny": m.capex_cny, "lifetime_yr": m.lifetime_yr or 20,
                 "fixed_om_cny_per_yr": m.fixed_om_cny_per_yr or 0.0, "year": m.year,
                 "covers": touched, "source": m.source or m.name}]
    out = []
    over = after["economics"].get("capex_overrides_cny", {})
    for key in ("assets", "fleets"):
        old = {i["id"]: i for i in before.get(key, [])}
        for item in after.get(key, []):
            if item["id"] not in touched:
                continue
            capex, life = _delta(key, old.get(item["id"]), item, over)
            if capex > 0:
                out.append({"id": f"{m.id}.{item['id']}", "capex_cny": capex, "lifetime_yr": life,
                            "fixed_om_cny_per_yr": 0.0, "year": m.year, "covers": [item["id"]],
                            "source": f"cost tables ({m.id})"})
    return out


def _touched(m: Measure) -> list[str]:
    return [i["id"] for key in ("assets", "fleets") for i in m.change.get(key, [])
            if isinstance(i, dict) and "id" in i and i.get("remove") is not True]


def _delta(key: str, old: dict | None, new: dict, over: dict) -> tuple[float, int]:
    """Capex of the new item, less the old one's when the technology is the same."""
    cost = _cost(key, new, over)
    if cost is None:
        return 0.0, 20  # invalid item: validation of the merged scenario reports it
    prev = _cost(key, old, over) if old is not None else None
    if prev is None or prev.tech != cost.tech:
        return cost.capex_cny, cost.lifetime_yr
    return max(cost.capex_cny - prev.capex_cny, 0.0), cost.lifetime_yr


def _cost(key: str, item: dict | None, over: dict):
    if item is None:
        return None
    try:
        if key == "assets":
            return asset_cost(_ASSET.validate_python(item), over)
        return fleet_cost(Fleet.model_validate(item), over)
    except (ValidationError, KeyError):
        return None


def _blame(sc: Scenario, chosen: list[Measure], exc: InputError) -> list[Problem]:
    """Re-validate measure by measure to name the first one whose change breaks the scenario."""
    raw = sc.model_dump(mode="json")
    raw["measures"] = []
    for m in chosen:
        raw = _apply_one(sc._source, raw, m)
        _drop_removed(raw)
        try:
            parse(raw, sc._source, sc._base_dir, sc._allow_outside)
        except InputError as inner:
            return [Problem(p.file, f"measures[{m.id}] -> {p.field}", p.message, p.id or m.id)
                    for p in inner.problems]
    return exc.problems


def measure_problems(sc: Scenario) -> list[Problem]:
    """Problems of applying every measure in turn (empty when they all apply).

    Run after :func:`twin.scenario.parse.parse`, which has checked the measures' ids.
    """
    if not sc.measures:
        return []
    try:
        apply_measures(sc)
    except InputError as exc:
        return exc.problems
    return []
