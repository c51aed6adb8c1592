"""Kernel invariants: balance, storage bounds, determinism, invariance, extremes."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from conftest import SCENARIOS, mini_dict

import twin
from twin.kernel.ledger import imbalance


def run_dict(write_scenario, data: dict) -> twin.Results:
    return twin.run(twin.load_scenario(write_scenario(data)))


def max_imbalance(r: twin.Results) -> float:
    buses = sorted(set(r.port_bus))
    codes = np.array([buses.index(b) for b in r.port_bus])
    return float(np.abs(imbalance(r.flows, codes, len(buses))).max())


@pytest.fixture(scope="module")
def mini() -> twin.Results:
    return twin.run(twin.load_scenario(SCENARIOS / "mini.yaml"))


@pytest.fixture(scope="module")
def reference() -> twin.Results:
    return twin.run(twin.load_scenario(SCENARIOS / "reference_baseline.yaml"))


@pytest.mark.parametrize("name", ["mini", "reference"])
def test_every_bus_balances_every_hour(name, request):
    r = request.getfixturevalue(name)
    assert max_imbalance(r) < 1e-9


def test_reference_is_a_full_year(reference):
    assert reference.kpis["hours"] == 8760
    assert len(reference.index) == 8760


def test_annual_demand_totals_are_kept(reference):
    sc = reference.scenario
    want_el = sum(e.demand.electricity_mwh for e in sc.enterprises)
    want_heat = sum(e.demand.heat_mwh for e in sc.enterprises)
    assert reference.kpis["electricity_demand_mwh"] == pytest.approx(want_el, rel=1e-9)
    assert reference.kpis["heat_demand_mwh"] == pytest.approx(want_heat, rel=1e-9)


@pytest.mark.parametrize("name", ["mini", "reference"])
def test_storage_stays_within_bounds(name, request):
    r = request.getfixturevalue(name)
    for j, sid in enumerate(r.store_ids):
        spec = next(a for a in r.scenario.assets if a.id == sid)
        soc = r.soc_mwh[:, j]
        assert soc.min() >= spec.soc_min_frac * spec.e_max_mwh - 1e-9
        assert soc.max() <= spec.soc_max_frac * spec.e_max_mwh + 1e-9
        power = r.flows_frame()[f"{sid}@{spec.bus}"].to_numpy()
        assert np.abs(power).max() <= spec.p_max_mw + 1e-9


def test_storage_energy_is_conserved(mini):
    """Stored energy change = charge x eta_c - discharge / eta_d, hour by hour."""
    spec = next(a for a in mini.scenario.assets if a.type == "battery")
    p = mini.flows_frame()[f"{spec.id}@{spec.bus}"].to_numpy()
    soc = np.concatenate([[spec.soc_init_frac * spec.e_max_mwh], mini.soc_mwh[:, 0]])
    expected = np.where(p > 0, -p / spec.eta_discharge_frac, -p * spec.eta_charge_frac)
    np.testing.assert_allclose(np.diff(soc), expected, atol=1e-9)


def test_same_seed_same_results(write_scenario):
    a = run_dict(write_scenario, mini_dict())
    b = run_dict(write_scenario, mini_dict())
    np.testing.assert_array_equal(a.flows, b.flows)
    assert a.kpis == b.kpis


def test_other_seed_other_weather(write_scenario):
    data = mini_dict()
    a = run_dict(write_scenario, data)
    b = run_dict(write_scenario, {**data, "seed": data["seed"] + 1})
    assert a.kpis["pv_generation_mwh"] != b.kpis["pv_generation_mwh"]


def doubled(data: dict) -> dict:
    out = copy.deepcopy(data)
    for e in out["enterprises"]:
        e["demand"] = {k: 2 * v for k, v in e["demand"].items()}
    for a in out["assets"]:
        for key in ("p_dc_mw", "p_th_max_mw", "p_max_mw", "e_max_mwh", "count"):
            if key in a:
                a[key] = 2 * a[key]
    out["grid"]["import_max_mw"] *= 2
    out["grid"]["export_max_mw"] *= 2
    return out


def test_doubling_capacities_and_demands_doubles_flows(write_scenario):
    data = mini_dict()
    data["grid"]["import_max_mw"] = 12  # binding: unserved energy must double too
    a = run_dict(write_scenario, data)
    b = run_dict(write_scenario, doubled(data))
    assert a.kpis["unserved_mwh"] > 0
    np.testing.assert_allclose(b.flows, 2 * a.flows, rtol=1e-9, atol=1e-9)


def test_reordering_the_file_changes_nothing(write_scenario):
    data = mini_dict()
    a = run_dict(write_scenario, data)
    data["assets"].reverse()
    data["enterprises"].reverse()
    b = run_dict(write_scenario, data)
    fa, fb = a.flows_frame(), b.flows_frame()
    np.testing.assert_array_equal(fa[sorted(fa.columns)].to_numpy(), fb[sorted(fb.columns)].to_numpy())


def test_no_pv(write_scenario):
    data = mini_dict()
    data["assets"] = [a for a in data["assets"] if a["type"] != "pv"]
    r = run_dict(write_scenario, data)
    assert r.kpis["pv_generation_mwh"] == 0
    assert r.kpis["curtailment_mwh"] == 0
    assert max_imbalance(r) < 1e-9


def test_zero_demand_imports_nothing(write_scenario):
    data = mini_dict()
    for e in data["enterprises"]:
        e["demand"] = {"electricity_mwh": 0, "heat_mwh": 0}
    r = run_dict(write_scenario, data)
    assert r.kpis["grid_import_mwh"] == pytest.approx(0, abs=1e-9)
    assert r.kpis["natural_gas_m3"] == pytest.approx(0, abs=1e-9)
    # all PV leaves as export up to the limit, or is curtailed (the battery fills first)
    assert r.kpis["grid_export_mwh"] + r.kpis["curtailment_mwh"] > 0
    assert max_imbalance(r) < 1e-9


def test_huge_storage_never_curtails_or_exports(write_scenario):
    data = mini_dict()
    for a in data["assets"]:
        if a["type"] == "battery":
            a.update(p_max_mw=1e4, e_max_mwh=1e6, soc_init_frac=0.05)
    r = run_dict(write_scenario, data)
    assert r.kpis["curtailment_mwh"] == pytest.approx(0, abs=1e-9)
    assert r.kpis["grid_export_mwh"] == pytest.approx(0, abs=1e-9)
    assert max_imbalance(r) < 1e-9


def test_supply_short_of_demand_reports_unserved(write_scenario):
    data = mini_dict()
    data["grid"]["import_max_mw"] = 0
    data["assets"] = [a for a in data["assets"] if a["type"] not in ("pv", "battery")]
    r = run_dict(write_scenario, data)
    el_demand = r.kpis["electricity_demand_mwh"] + r.kpis["electricity_to_converters_mwh"]
    assert r.kpis["unserved_mwh"] == pytest.approx(el_demand, rel=1e-12)
    assert max_imbalance(r) < 1e-9


def test_daily_decisions_follow_the_calendar(mini):
    daily = mini.daily
    assert len(daily) == 7
    # the textile mill's weekend level (sector default 0.7) on Saturday and Sunday, full on weekdays
    assert list(daily["textile_a.level"]) == [1.0] * 5 + [0.7, 0.7]


def test_imbalance_sums_the_ports_of_each_bus():
    """The helper the balance tests rely on: two hours, three ports on bus 0, one on bus 1."""
    flows = np.array([[1.0, -0.25, -0.75, 2.0],
                      [3.0, -1.0, -1.5, -4.0]])
    np.testing.assert_array_equal(imbalance(flows, np.array([0, 0, 0, 1]), 2), [[0.0, 2.0], [0.5, -4.0]])


def test_a_finished_run_lets_mesa_forget_its_model(write_scenario):
    """Mesa < 3.4 keeps every model in a class-level id counter (mesa issue #3179).

    Calibration and sweeps build thousands of models: each run must take its model out of
    ``mesa.Agent._ids`` when it ends, or their memory is never given back.
    """
    import mesa

    from twin.kernel.simulation import simulation

    sim = simulation(twin.load_scenario(write_scenario(mini_dict())))
    assert sim.model not in mesa.Agent._ids


LOOP = {
    "name": "loop", "period": {"year": 2025, "start": "2025-07-07", "days": 7},
    "site": {"name": "t", "latitude_deg": 31.3, "longitude_deg": 120.6,
             "weather": {"source": "synthetic", "site": "suzhou"}},
    "reliability": {"failures": False}, "grid": {"import_max_mw": 100},
    "buses": [{"id": "el", "carrier": "electricity"}, {"id": "steam", "carrier": "steam"},
              {"id": "flue", "carrier": "co2"},
              {"id": "captured", "carrier": "co2", "offtake": {"kind": "co2_storage", "max_per_h": 100}}],
    "enterprises": [{"id": "dyer", "sector": "textile", "heat_bus": "steam",
                     "calendar": {"public_holidays": "none", "weekend_load_frac": 1.0},
                     "demand": {"heat_mwh": 20000}}],
    "assets": [{"id": "boiler", "type": "converter", "preset": "gas_boiler", "capacity": 10,
                "buses": {"heat": "steam"}, "efficiency_frac": 0.9, "flue_bus": "flue"},
               {"id": "capture", "type": "converter", "preset": "ccus_amine", "owner": "dyer", "capacity": 5,
                "buses": {"flue": "flue", "captured": "captured", "steam": "steam"}},
               {"id": "tank", "type": "storage", "preset": "thermal_storage", "bus": "steam",
                "p_max": 1, "e_max": 5, "soc_init_frac": 0.0, "strategy": "tou_arbitrage"}]}


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    """A loop between two buses: the boiler's flue feeds the capture unit, which draws steam
    from the boiler's own bus. The steam bus settles first; the capture's steam comes in late
    and the steam bus is settled again (the boiler runs more, the thermal store must not plan
    its day a second time)."""
    import yaml

    from twin.kernel.simulation import simulation

    path = tmp_path_factory.mktemp("loop") / "loop.yaml"
    path.write_text(yaml.safe_dump(LOOP, sort_keys=False), encoding="utf-8")
    return simulation(twin.load_scenario(path))


def test_a_bus_settled_again_keeps_its_units_and_its_store_physical(loop):
    import invariants

    r, net = loop.results, loop.net
    assert net.late_flows  # the case under test: the steam bus is re-settled
    f = r.flows_frame()
    capture_steam = -f["capture@steam"].to_numpy()
    assert capture_steam.min() > 0.1  # the capture's steam really comes in late, every hour
    # every port of the boiler and the capture unit is its coefficient x its flow, hour by hour:
    # gas in and flue CO2 out follow the boiler's steam, including the steam added on the re-settlement
    assert invariants.converter_ports_follow_coefficients(r, net) == []
    gas_per_mwh = f["boiler@natural_gas"] / f["boiler@steam"]
    assert np.ptp(gas_per_mwh) < 1e-9 * abs(gas_per_mwh.iloc[0])
    # the thermal store plans its day once: its energy is conserved hour by hour, within bounds
    assert invariants.storage_within_bounds(r) == []
    assert np.abs(f["tank@steam"]).max() > 0.1  # and it does work
    steam = [c for c in f.columns if c.endswith("@steam")]
    assert np.abs(f[steam].sum(axis=1)).max() < 1e-9
    assert f["unserved@steam"].max() < 1e-9  # the 10 MW boiler covers the dyer and the capture


def test_every_bus_balances_every_hour_after_a_re_settlement(loop):
    assert max_imbalance(loop.results) < 1e-9


HEADER_LOOP = {
    "name": "header", "period": {"year": 2025, "start": "2025-07-07", "days": 3},
    "site": LOOP["site"], "reliability": {"failures": False}, "grid": {"import_max_mw": 100},
    "buses": [{"id": "el", "carrier": "electricity"}, {"id": "steam", "carrier": "steam"},
              {"id": "header", "carrier": "steam"}, {"id": "wh", "carrier": "waste_heat"},
              {"id": "flue", "carrier": "co2"},
              {"id": "captured", "carrier": "co2", "offtake": {"kind": "co2_storage", "max_per_h": 100}}],
    "enterprises": [{"id": "dyer", "sector": "textile", "heat_bus": "steam", "calendar": LOOP["enterprises"][0]["calendar"],
                     "demand": {"heat_mwh": 8760}},
                    {"id": "plant", "sector": "chemicals", "heat_bus": None, "base_load_frac": 0.0,
                     "calendar": LOOP["enterprises"][0]["calendar"], "demand": {"electricity_mwh": 8760},
                     "production": {"t_per_year": 8760, "waste_heat_mwh_per_t": 2.0, "waste_heat_bus": "wh",
                                    "process_co2_t_per_t": 1.0, "flue_bus": "flue"}}],
    "assets": [{"id": "whr", "type": "converter", "preset": "waste_heat_recovery", "capacity": 2,
                "buses": {"waste_heat": "wh", "heat": "header"}},
               {"id": "main", "type": "link", "from_bus": "header", "to_bus": "steam", "capacity": 5},
               {"id": "boiler", "type": "converter", "preset": "gas_boiler", "capacity": 10,
                "buses": {"heat": "steam"}, "efficiency_frac": 0.9, "flue_bus": "flue"},
               {"id": "capture", "type": "converter", "preset": "ccus_amine", "owner": "plant", "capacity": 5,
                "buses": {"flue": "flue", "captured": "captured", "steam": "steam"}}]}


def test_a_re_settled_bus_still_takes_the_limited_header_before_the_boiler(write_scenario):
    """Recovered waste heat fills a steam header (1.7 MW: 2 MW x 0.85) that only a link drains
    into the steam bus. The dyer's 1 MW comes first; the capture unit's steam comes late (its
    flue is fed by the boiler on that bus), and the re-settled steam bus must take the header's
    0.7 MW left before it burns gas: steam is never wasted on the header while the boiler runs."""
    import invariants

    from twin.kernel.simulation import simulation

    sim = simulation(twin.load_scenario(write_scenario(HEADER_LOOP)))
    r, net = sim.results, sim.net
    assert net.late_flows
    f = r.flows_frame()
    wasted = -f.filter(regex=r"@header$").drop(columns=["whr@header", "main@header"]).sum(axis=1).to_numpy()
    boiler = f["boiler@steam"].to_numpy()
    late = -f["capture@steam"].to_numpy()
    assert late.min() > 0.5  # the late steam is real: 0.9 t/h captured x 0.9 MWh/t
    np.testing.assert_allclose(f["main@steam"].to_numpy(), np.minimum(1.0 + late, 1.7), rtol=1e-9)
    assert np.minimum(wasted, boiler).max() < 1e-9
    assert invariants.converter_ports_follow_coefficients(r, net) == []
    assert np.abs(imbalance(r.flows, net.port_bus, len(net.bus_ids))).max() < 1e-9


def test_storage_operator_sees_the_months_peak_so_far(write_scenario):
    """A run from 30 January: the operator's month starts at hour 0 for January and at hour 48
    (1 February) after; each morning it is shown the highest grid import of its month up to
    that morning, 0 on the first morning of a month."""
    from twin.kernel.agents.storage import StorageOperator
    from twin.kernel.simulation import simulation
    from twin.physics.storage import DayContext

    data = mini_dict()
    data["period"] = {"year": 2025, "start": "2025-01-30", "days": 4}
    data["reliability"] = {"failures": False}
    sim = simulation(twin.load_scenario(write_scenario(data)))
    op = next(a for a in sim.model.agents if isinstance(a, StorageOperator))
    np.testing.assert_array_equal(op.month_start, np.repeat([0, 48], 48))
    seen = []
    op.strategy = lambda ctx: seen.append(ctx.peak_mw) or np.zeros(24)
    ctx = DayContext(np.zeros(24), np.zeros(24), 0.0, sim.net.stores[0].params, np.zeros(0), 0.0)
    imported = sim.results.flows[:, op.import_port]
    for day in range(4):
        sim.model.day = day
        op.plan(ctx)
    assert seen == [0.0, imported[:24].max(), 0.0, imported[48:72].max()]
    assert op.peak_cny_per_mw > 0 and min(seen[1], seen[3]) > 0


def test_a_park_without_agents_runs(write_scenario):
    """Only a PV array and the grid: no enterprise, store, fleet or capture unit decides, and
    the run still completes, exporting all the PV."""
    data = {"name": "empty", "period": {"year": 2025, "start": "2025-07-07", "days": 1},
            "site": LOOP["site"], "reliability": {"failures": False},
            "grid": {"import_max_mw": 10, "export_max_mw": 10}, "assets": [{"id": "pv", "type": "pv", "p_dc_mw": 1}]}
    r = twin.run(twin.load_scenario(write_scenario(data)))
    f = r.flows_frame()
    assert f["pv@el"].sum() > 0.1 and np.allclose(f["grid_export@el"], -f["pv@el"])
