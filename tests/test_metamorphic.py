"""Metamorphic tests: change the input in a known way, the output must change in a known way.

All on the one-week mini park (tests/conftest.py ``mini_dict``) and variations of it.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from conftest import mini_dict

import twin
from twin.network.inputs import site_weather

TOL = 1e-9


def run_dict(write_scenario, data: dict, name: str = "scenario.yaml") -> twin.Results:
    return twin.run(twin.load_scenario(write_scenario(data, name)))


def column(r: twin.Results, port: str) -> np.ndarray:
    return r.flows_frame()[port].to_numpy()


def no_onsite_supply() -> dict:
    """Mini without PV, battery and heat pump: a big gas boiler and the grid supply everything."""
    data = mini_dict()
    data["reliability"] = {"failures": False}
    data["grid"]["import_max_mw"] = 1000
    data["assets"] = [{"id": "gas_boiler", "type": "boiler", "bus": "heat", "fuel": "natural_gas",
                       "p_th_max_mw": 1000, "efficiency_frac": 0.92}]
    return data


def test_doubling_demand_without_onsite_supply_doubles_grid_import(write_scenario):
    data = no_onsite_supply()
    a = run_dict(write_scenario, data, "a.yaml")
    for e in data["enterprises"]:
        e["demand"] = {k: 2 * v for k, v in e["demand"].items()}
    b = run_dict(write_scenario, data, "b.yaml")
    assert a.kpis["grid_import_mwh"] > 1000
    np.testing.assert_allclose(column(b, "grid_import@el"), 2 * column(a, "grid_import@el"), rtol=1e-12)
    assert b.kpis["natural_gas_m3"] == pytest.approx(2 * a.kpis["natural_gas_m3"], rel=1e-12)


def test_adding_pv_never_raises_grid_import(write_scenario):
    """Import hour by hour is non-increasing in the PV size (battery on self-consumption)."""
    imports = []
    for p_dc in (0.0, 4.0, 8.0, 16.0):
        data = mini_dict()
        data["reliability"] = {"failures": False}
        data["assets"] = [a for a in data["assets"] if a["type"] != "pv" or p_dc > 0]
        for a in data["assets"]:
            if a["type"] == "pv":
                a["p_dc_mw"] = p_dc
        imports.append(column(run_dict(write_scenario, data, f"pv{p_dc}.yaml"), "grid_import@el"))
    for less, more in zip(imports, imports[1:], strict=False):
        assert (more <= less + TOL).all()
        assert more.sum() < less.sum() - 1.0  # and PV does lower it


def shifted(tariff: dict, hours: int) -> dict:
    """The same tariff with every period ``hours`` later (ranges wrapping past midnight split)."""
    out = copy.deepcopy(tariff)
    for season in out["seasons"]:
        for period, ranges in season["hours"].items():
            moved = []
            for a, b in ranges:
                a, b = a + hours, b + hours
                moved += [[a, min(b, 24)]] if a < 24 else []
                moved += [[max(a, 24) - 24, b - 24]] if b > 24 else []
            season["hours"][period] = moved
    return out


def test_shifting_the_tariff_by_an_hour_shifts_tou_charging_by_an_hour(write_scenario):
    import yaml
    from conftest import ROOT
    tariff = yaml.safe_load((ROOT / "twin/data/tariffs/jiangsu_2024_industrial.yaml").read_text(encoding="utf-8"))
    runs = []
    for shift in (0, 1):
        data = mini_dict()
        data["reliability"] = {"failures": False}
        data["grid"]["tariff"] = shifted(tariff, shift)
        for a in data["assets"]:
            if a["type"] == "battery":
                a["strategy"] = "tou_arbitrage"
        runs.append(run_dict(write_scenario, data, f"shift{shift}.yaml"))
    a, b = (column(r, "battery@el") for r in runs)
    charging_a, charging_b = np.flatnonzero(a < -TOL), np.flatnonzero(b < -TOL)
    assert len(charging_a) >= 7 * 6  # the valley hours of every day
    np.testing.assert_array_equal(charging_b, charging_a + 1)
    np.testing.assert_array_equal(runs[1].import_price[1:], runs[0].import_price[:-1])


EXTENSIVE_SUFFIXES = ("_mwh", "_t", "_m3", "_km", "_cny", "_tce", "_mw")


def extensive(key: str) -> bool:
    """Amounts (energy, mass, money, peak power) scale; ratios, shares, counts do not."""
    return key.endswith(EXTENSIVE_SUFFIXES) and "_per_" not in key


@pytest.mark.parametrize("k", [3.0, 0.25])
def test_scaling_the_park_scales_every_extensive_kpi(write_scenario, k):
    """Demands, capacities and grid limits x k: every extensive KPI x k, intensive ones kept."""
    data = mini_dict()
    data["reliability"] = {"failures": False}
    data["grid"]["import_max_mw"] = 12  # binding: unserved scales too
    a = run_dict(write_scenario, data, "a.yaml")
    for e in data["enterprises"]:
        e["demand"] = {key: k * v for key, v in e["demand"].items()}
    for asset in data["assets"]:
        for key in ("p_dc_mw", "p_th_max_mw", "p_max_mw", "e_max_mwh"):
            if key in asset:
                asset[key] *= k
    data["grid"]["import_max_mw"] *= k
    data["grid"]["export_max_mw"] *= k
    b = run_dict(write_scenario, data, "b.yaml")
    assert a.kpis["unserved_mwh"] > 0
    assert sum(map(extensive, a.kpis)) >= 30
    for key, value in a.kpis.items():
        want = k * value if extensive(key) else value
        assert b.kpis[key] == pytest.approx(want, rel=1e-9, abs=1e-9), key


def test_a_new_seed_changes_only_what_is_random(write_scenario, tmp_path):
    """Weather from a file, failures on: a new seed moves the failures and what they touch only."""
    data = mini_dict()
    frame = site_weather(twin.load_scenario(write_scenario(data, "w.yaml")))
    frame.rename_axis("timestamp").reset_index().assign(
        timestamp=lambda f: f["timestamp"].dt.strftime("%Y-%m-%d %H:%M")).to_csv(tmp_path / "weather.csv", index=False)
    data["site"]["weather"] = {"source": "csv", "path": "weather.csv"}
    for a in data["assets"]:
        a.update(mtbf_h=60, mttr_h=12)  # several failures in a week
    runs = [run_dict(write_scenario, {**data, "seed": seed}, f"s{seed}.yaml") for seed in (7, 8)]
    fa, fb = (r.flows_frame() for r in runs)
    events = [set(zip(r.events["time"], r.events["asset"], r.events["event"], strict=True)) for r in runs]
    assert events[0] != events[1]  # the failures moved
    fixed = [p for p, role in zip(runs[0].port_names, runs[0].port_role, strict=True) if role in ("demand", "pv")]
    np.testing.assert_array_equal(fa[fixed].to_numpy(), fb[fixed].to_numpy())
    np.testing.assert_array_equal(runs[0].import_price, runs[1].import_price)
    # hours where no asset is out in either run: same flows, to rounding
    import invariants as inv
    down = np.zeros(len(fa), bool)
    for r in runs:
        for mask in inv.outages(r).values():
            down |= mask
    assert (~down).sum() > 24
    same = ~np.isclose(fa.to_numpy(), fb.to_numpy(), atol=1e-9).all(axis=1)
    # a store carries an outage's effect into later hours: compare the day of an outage-free day only
    days = down.reshape(-1, 24).any(axis=1)
    clean = np.repeat(~days, 24) & np.repeat(np.r_[True, ~days[:-1]], 24)
    assert not (same & clean).any()
