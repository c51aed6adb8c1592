"""Controls to scenario to outcome: the workshop's answer to a move (no Streamlit).

A move's control values become retrofit measures on the activity's shipped scenario
(``change`` overlays with the value filled in, costed by the twin's cost tables unless the
control names its capital), merged and validated by the twin like a variant file, run for
the full year and assessed. Outcomes are cached by activity and values (controls move on
a grid of steps, so a class revisits the same states), and at most ``MAX_PARALLEL`` runs go
at once so a burst of moves queues instead of thrashing the CPU. Shipped files are read and
merged once (parsing the reference park's YAML took a third of a move).
"""

from __future__ import annotations

import copy
import re
import threading
from collections import OrderedDict
from functools import cache
from pathlib import Path
from typing import Any

import twin
from twin.accounts.grid_path import year_overrides
from twin.economics.run_economics import against
from twin.scenario.load import read_yaml, validate
from twin.scenario.measures import apply_measures, in_service
from twin.scenario.merge import deep_merge
from workshop.activities import Activity, Control, clean_controls

SHIPPED = Path(__file__).resolve().parents[1] / "scenarios"
MAX_PARALLEL = 2      # this project's machines have 2 cores
CACHE_SIZE = 512      # outcomes are ~2 KB each
KPI_KEYS = ("pv_generation_mwh", "grid_import_mwh", "coal_t", "electricity_demand_mwh", "heat_demand_mwh",
            "co2_scope1_t", "co2_scope2_t", "curtailment_mwh")
_VALUE = re.compile(r"^\$value(?:([*/])([0-9.]+))?$")
_slots = threading.BoundedSemaphore(MAX_PARALLEL)
_cache: OrderedDict[tuple, dict] = OrderedDict()
_cache_lock = threading.Lock()


def fill(template: Any, value: float) -> Any:
    """``template`` with every ``"$value"``, ``"$value*k"`` or ``"$value/k"`` string replaced by a number."""
    if isinstance(template, dict):
        return {k: fill(v, value) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(v, value) for v in template]
    m = _VALUE.match(template) if isinstance(template, str) else None
    if m is None:
        return copy.deepcopy(template)
    op, k = m.groups()
    return value if op is None else value * float(k) if op == "*" else value / float(k)


def measure(c: Control, value: float, year: int) -> dict | None:
    """The retrofit measure a control's value stands for (None when it changes nothing)."""
    change = fill(c.change, value) if value else c.off_change
    if not change:
        return None
    m = {"id": f"ws_{c.id}", "name": c.label.en, "year": year, "change": change, "source": c.source}
    if value and c.capex_cny is not None:
        m["capex_cny"] = c.capex_cny * value
    return m


def scenario(a: Activity, values: dict[str, float]) -> twin.Scenario:
    """The activity's scenario with the measures its controls stand for applied.

    A choice control picks the shipped park; toggles and sliders add their own measures
    or switch on measures the park file ships (``Control.measures``); with
    ``base_measures: all`` every shipped measure is in as well.
    """
    name = next((c.scenarios[int(values[c.id])] for c in a.controls if c.scenarios), a.base)
    base = _base(name)
    year = base.period.year
    own = [m for c in a.controls if not c.scenarios and (m := measure(c, values[c.id], year)) is not None]
    picked = {m["id"] for m in own} | {mid for c in a.controls if values[c.id] for mid in c.measures}
    sc = _load(name, {"measures": own}) if own else base
    chosen = [m for m in in_service(sc) if a.base_measures == "all" or m.id in picked]
    return apply_measures(sc, measures=chosen)


@cache
def _raw(name: str) -> dict:
    """A shipped scenario's mapping with its ``extends`` chain merged, read once (never mutated)."""
    data = read_yaml(SHIPPED / name)
    parent = data.pop("extends", None)
    return data if parent is None else deep_merge(_raw(str(parent)), data)


def _load(name: str, overrides: dict | None) -> twin.Scenario:
    """A shipped scenario with ``overrides`` merged, validated as ``twin.load_scenario`` does."""
    raw = deep_merge(_raw(name), overrides) if overrides else copy.deepcopy(_raw(name))
    return validate(raw, source=str(SHIPPED / name), base_dir=SHIPPED)


@cache
def _base(name: str) -> twin.Scenario:
    return _load(name, None)


def _assess(a: Activity, values: dict[str, float]) -> twin.Assessment:
    sc = scenario(a, values)
    factors = year_overrides(sc, a.year) if a.year else None
    with _slots:
        return twin.assess(twin.run(sc), factor_overrides=factors, year=a.year)


def _summary(a: twin.Assessment, base: twin.Assessment) -> dict:
    core = a.core
    eco = against(a.economics, base.economics)
    judged = [i for i in a.indicators.values() if i.passed is not None]
    kpis = a.kpis or {}
    return {
        "core_t_per_tce": core.value, "core_threshold_t_per_tce": core.threshold, "core_met": bool(core.passed),
        "co2_t": a.economics.co2_t, "co2_base_t": base.economics.co2_t,
        "co2_cut_frac": 1 - a.economics.co2_t / base.economics.co2_t if base.economics.co2_t else 0.0,
        "capex_cny": eco["extra_capex_cny"], "npv_cny": eco["npv_cny"],
        "annual_saving_cny": eco["annual_saving_cny"], "energy_tce": a.energy.total_tce,
        "clean_energy_share_frac": a.indicators["clean_energy_share"].value,
        "indicators_met": sum(bool(i.passed) for i in judged), "indicators_judged": len(judged),
        "co2_scope1_t": a.accounts["ghg_location"].scope_co2_t(1),  # the national method has no scopes
        "co2_scope2_t": a.accounts["ghg_location"].scope_co2_t(2),
        **{k: float(kpis[k]) for k in KPI_KEYS if k in kpis},
        "enterprise_co2_t": {e: acc[1].net_co2_t for e, acc in a.enterprise_accounts.items()},
    }


def outcome(a: Activity, values: dict | None = None) -> dict:
    """Outcome of the controls ``values`` (checked, defaults filled) against the activity's baseline.

    Keys: ``core_t_per_tce`` and its threshold, ``co2_t`` [tCO2/yr national net],
    ``capex_cny`` (extra against the baseline), ``npv_cny`` (with the carbon price, the
    scenario's discount rate and horizon), indicators met, scope 1 and 2 CO2, key KPIs,
    CO2 per enterprise (GHG Protocol market-based, so green purchases count),
    and ``baseline`` (the same for the controls at their defaults).
    """
    vals = clean_controls(a, values or {})
    key = (a.id, tuple(sorted(vals.items())))
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return copy.deepcopy(_cache[key])
    base = _cached_assessment(a, a.defaults())
    now = base if vals == a.defaults() else _assess(a, vals)
    out = {**_summary(now, base), "controls": vals, "baseline": _summary(base, base)}
    with _cache_lock:
        _cache[key] = out
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return copy.deepcopy(out)


_base_cache: dict[str, twin.Assessment] = {}


def _cached_assessment(a: Activity, vals: dict[str, float]) -> twin.Assessment:
    if a.id not in _base_cache:
        _base_cache[a.id] = _assess(a, vals)
    return _base_cache[a.id]


def metric(out: dict, name: str) -> float:
    """A metric of an outcome by name; ``enterprise_co2_t:<id>`` reads one firm's CO2."""
    if name.startswith("enterprise_co2_t:"):
        return out["enterprise_co2_t"][name.split(":", 1)[1]]
    return float(out[name])
