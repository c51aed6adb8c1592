"""Physical key performance indicators of a run; every key carries its unit.

Energy, fuels, materials and CO2: ``co2_generated_t`` (fuels burnt and processes, before
capture) and ``co2_grid_t`` (grid import at the scenario's ``grid.emission_factor``) are
physical figures of the run, deliberately not called scope 1 and scope 2: the GHG Protocol
scopes are :func:`twin.assess`'s (``ghg_scope1_co2_t`` without the CO2 sent to storage,
``ghg_scope2_location_co2_t`` at ``accounting.location_basis``). The money KPIs are added
one layer up (:mod:`twin.economics.bills`).

Formulas are documented in the README (section "KPIs"); the signs follow the
ledger (+ into the bus), so withdrawals are negated here.
"""

from __future__ import annotations

import numpy as np

from twin.catalog.factors import grid_factor_t_per_mwh
from twin.kernel.materials import THERMAL, material_kpis
from twin.kernel.results import Results
from twin.units import fuels, tce_per_mwh


def compute_kpis(r: Results) -> dict[str, float]:
    """The physical KPIs of a run, keyed with their unit."""
    el = r.port_carrier == "electricity"
    heat = np.isin(r.port_carrier, THERMAL)
    total = r.flows.sum(axis=0)
    s = lambda role, mask=None: float(total[(r.port_role == role) & (True if mask is None else mask)].sum())  # noqa: E731
    k: dict[str, float] = {"hours": float(r.flows.shape[0])}
    k["electricity_demand_mwh"] = -s("demand", el)
    k["heat_demand_mwh"] = -s("demand", heat)
    k["pv_generation_mwh"] = s("pv")
    k["wind_generation_mwh"] = s("wind")
    k["grid_import_mwh"] = s("grid_import")
    k["grid_export_mwh"] = -s("grid_export")
    k["curtailment_mwh"] = -s("curtailment")
    k["unserved_mwh"] = s("unserved", el)
    k.update(converter_electricity(r, total))
    k["storage_losses_mwh"] = -s("storage") - _stored_change(r)
    renewable_used = k["pv_generation_mwh"] + k["wind_generation_mwh"] - k["curtailment_mwh"] - k["grid_export_mwh"]
    consumed = k["grid_import_mwh"] + renewable_used
    k["electricity_consumption_mwh"] = consumed
    k["self_sufficiency_frac"] = _ratio(renewable_used, consumed)
    k.update(_fuel_kpis(r, total))
    el_tce = tce_per_mwh("electricity", "equivalent")
    k["energy_tce"] = consumed * el_tce + k["fuel_tce"]
    k["renewable_share_frac"] = _ratio(renewable_used * el_tce, k["energy_tce"])
    k.update(material_kpis(r, total))
    k["co2_generated_t"] += k["co2_process_t"]
    k["co2_grid_t"] = k["grid_import_mwh"] * grid_factor(r)
    k["co2_net_t"] = k["co2_vented_t"] + k["co2_grid_t"]
    k["equipment_failures"] = float((r.events["event"] == "failure").sum()) if len(r.events) else 0.0
    k["carbon_per_energy_t_per_tce"] = _ratio(k["co2_net_t"], k["energy_tce"])
    k["peak_import_mw"] = float(r.flows[:, r.port_role == "grid_import"].sum(axis=1).max(initial=0.0))
    return {key: value + 0.0 for key, value in k.items()}  # + 0.0 turns -0.0 into 0.0


PURPOSES = ("capture", "hydrogen", "heat", "cooling", "other")  # first match wins


def converter_electricity(r: Results, total: np.ndarray) -> dict[str, float]:
    """Electricity drawn by converters, by purpose, and in all [MWh].

    A converter's purpose follows what it makes: CO2 it takes in from a flue (``capture``),
    hydrogen, heat (any thermal carrier), cooling, else ``other`` (water recycling, links).
    """
    asset = np.array([n.split("@")[0] for n in r.port_names])
    takes_co2 = (r.port_role == "converter_absorb") & (r.port_carrier == "co2")
    out_carrier = np.where(r.port_role == "converter_out", r.port_carrier, "")
    made = {
        "capture": set(asset[takes_co2]),
        "hydrogen": set(asset[out_carrier == "hydrogen"]),
        "heat": set(asset[np.isin(out_carrier, THERMAL)]),
        "cooling": set(asset[out_carrier == "cooling"]),
    }
    el_in = (r.port_role == "converter_in") & (r.port_carrier == "electricity")
    k = {f"electricity_for_{p}_mwh": 0.0 for p in PURPOSES}
    for i in np.flatnonzero(el_in):
        purpose = next((p for p in PURPOSES[:-1] if asset[i] in made[p]), "other")
        k[f"electricity_for_{purpose}_mwh"] -= float(total[i])
    k["electricity_to_converters_mwh"] = -float(total[el_in].sum())
    return k


def grid_factor(r: Results) -> float:
    """Grid emission factor used for scope 2 [tCO2/MWh]."""
    ef = r.scenario.grid.emission_factor
    return ef.t_co2_per_mwh if ef.t_co2_per_mwh is not None else grid_factor_t_per_mwh(ef.basis, ef.region, ef.year)


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else 0.0


def _stored_change(r: Results) -> float:
    """Energy stored at the end minus at the start, all stores [MWh]."""
    if r.soc_mwh.shape[1] == 0:
        return 0.0
    return float(r.soc_mwh[-1].sum() - r.soc0_mwh.sum())


def _fuel_kpis(r: Results, total: np.ndarray) -> dict[str, float]:
    """Fuel use per fuel in its unit, with its tce and CO2 (scope 1)."""
    out = {"fuel_tce": 0.0, "co2_generated_t": 0.0}
    for name, fuel in fuels().items():
        used = float(total[(r.port_role == "market") & (r.port_carrier == name)].sum())
        out[f"{name}_{fuel.unit.lower()}"] = used
        out["fuel_tce"] += used * fuel.tce_per_unit
        out["co2_generated_t"] += used * fuel.co2_t_per_unit
    return out
