"""Invariants that can fail (tests/invariants.py), on every shipped scenario and on small cases.

Shipped scenarios run two weeks (mid-January, heating; early July, PV) to keep CI fast.
The small cases make each invariant bite: a binding import cap (unserved), a binding
export cap (curtailment), two boilers of different cost (merit order), a battery that
really cycles (energy conservation).
"""

from __future__ import annotations

import datetime as dt

import invariants as inv
import numpy as np
import pytest
from conftest import SCENARIOS, mini_dict

import twin
from twin.network.compile import compile_network
from twin.schema.scenario import Period

SHIPPED = sorted(p.name for p in SCENARIOS.glob("*.yaml"))
WEEKS = [(1, 13), (7, 7)]  # two-week windows: winter heating, summer PV


def shipped_run(name: str, month: int, day: int) -> tuple[twin.Results, object]:
    sc = twin.load_scenario(SCENARIOS / name)
    period = Period(year=sc.period.year, start=dt.date(sc.period.year, month, day), days=14)
    r = twin.run(sc.model_copy(update={"period": period}))
    return r, compile_network(r.scenario)


CHECKS = {
    "slack": lambda r, net: inv.slack_within_limits(r),
    "unserved": inv.unserved_only_when_short,
    "merit": inv.merit_order_kept,
    "converters": inv.converter_ports_follow_coefficients,
    "storage": lambda r, net: inv.storage_within_bounds(r),
}


@pytest.mark.parametrize("week", WEEKS, ids=["jan", "jul"])
@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenarios_keep_invariants(name, week):
    # one run per test, no cached fixture: mutation testing then knows which test covers what
    r, net = shipped_run(name, *week)
    violations = {check: found for check, fn in CHECKS.items() if (found := fn(r, net))}
    assert violations == {}


def run_dict(write_scenario, data: dict) -> tuple[twin.Results, object]:
    r = twin.run(twin.load_scenario(write_scenario(data)))
    return r, compile_network(r.scenario)


def test_binding_import_cap_leaves_unserved_only_beyond_capacity(write_scenario):
    data = mini_dict()
    data["grid"]["import_max_mw"] = 12
    r, net = run_dict(write_scenario, data)
    assert r.kpis["unserved_mwh"] > 10  # the case bites
    assert inv.check_all(r, net) == []


def test_binding_export_cap_curtails_only_beyond_it(write_scenario):
    data = mini_dict()
    for e in data["enterprises"]:
        e["demand"] = {"electricity_mwh": 0, "heat_mwh": 0}
    r, net = run_dict(write_scenario, data)
    export = -r.flows_frame()["grid_export@el"]
    assert export.max() == pytest.approx(2.0) and r.kpis["curtailment_mwh"] > 10
    assert inv.check_all(r, net) == []


def test_two_boilers_run_in_merit_order(write_scenario):
    data = mini_dict()
    data["reliability"] = {"failures": False}
    data["assets"] = [a for a in data["assets"] if a["type"] != "heat_pump"] + [
        {"id": "coal_boiler", "type": "boiler", "bus": "heat", "fuel": "coal", "p_th_max_mw": 3, "efficiency_frac": 0.8}]
    r, net = run_dict(write_scenario, data)
    f = r.flows_frame()
    both = (f["coal_boiler@heat"] > 1e-6) & (f["gas_boiler@heat"] > 1e-6)
    assert both.sum() > 24  # the dearer gas boiler tops up the cheaper coal boiler
    assert inv.check_all(r, net) == []


@pytest.fixture(scope="module")
def cycling(tmp_path_factory) -> tuple[twin.Results, object]:
    """Mini with a TOU battery: it charges from the grid at night and discharges at the peak."""
    data = mini_dict()
    data["reliability"] = {"failures": False}
    for a in data["assets"]:
        if a["type"] == "battery":
            a.update(strategy="tou_arbitrage", soc_init_frac=0.3)
    path = tmp_path_factory.mktemp("cycling") / "cycling.yaml"
    import yaml
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    r = twin.run(twin.load_scenario(path))
    return r, compile_network(r.scenario)


def test_cycling_battery_conserves_energy(cycling):
    r, net = cycling
    power = r.flows_frame()["battery@el"].to_numpy()
    assert -power[power < 0].sum() > 10 and power[power > 0].sum() > 10  # it really cycles (16 and 14 MWh)
    assert inv.storage_within_bounds(r) == []
    assert inv.check_all(r, net) == []


# The checks themselves can fail: a tampered ledger is caught by the check that guards it.
def tampered(r: twin.Results, port: str, factor: float) -> twin.Results:
    flows = r.flows.copy()
    flows[:, r.port_names.index(port)] *= factor
    return twin.Results(**{**r.__dict__, "flows": flows})


def test_checks_catch_a_tampered_ledger(cycling, write_scenario):
    r, net = cycling
    assert inv.slack_within_limits(tampered(r, "grid_import@el", 5.0))
    assert inv.converter_ports_follow_coefficients(tampered(r, "gas_boiler@natural_gas", 1.01), net)
    assert inv.storage_within_bounds(tampered(r, "battery@el", 1.01))
    data = mini_dict()
    data["grid"]["import_max_mw"] = 12
    short, short_net = run_dict(write_scenario, data)
    assert inv.unserved_only_when_short(tampered(short, "grid_import@el", 0.9), short_net)


def test_merit_check_catches_a_swapped_order(write_scenario):
    data = mini_dict()
    data["reliability"] = {"failures": False}
    data["assets"] = [a for a in data["assets"] if a["type"] != "heat_pump"] + [
        {"id": "coal_boiler", "type": "boiler", "bus": "heat", "fuel": "coal", "p_th_max_mw": 3, "efficiency_frac": 0.8}]
    r, net = run_dict(write_scenario, data)
    flows = r.flows.copy()
    coal, gas = r.port_names.index("coal_boiler@heat"), r.port_names.index("gas_boiler@heat")
    moved = np.minimum(flows[:, coal], 1.0)
    flows[:, coal] -= moved
    flows[:, gas] += moved
    assert inv.merit_order_kept(twin.Results(**{**r.__dict__, "flows": flows}), net)
