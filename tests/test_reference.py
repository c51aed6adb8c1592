"""Whole runs against independent references.

1. A small park's year against tests/reference_impl.py (plain loops over hours), hour by
   hour: PV, battery on the TOU rule, gas boiler, grid with TOU prices and an import cap.
2. The README's Quick-start KPI table against a run of scenarios/reference_baseline.yaml,
   parsed from the README so that neither can drift from the other.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import reference_impl as ref
from conftest import ROOT, SCENARIOS

import twin
from twin.network.compile import compile_network

PARK = {
    "name": "Reference-implementation park", "seed": 3, "period": {"year": 2025},
    "site": {"name": "Suzhou", "latitude_deg": 31.30, "longitude_deg": 120.62, "timezone": "Asia/Shanghai",
             "altitude_m": 5, "weather": {"source": "synthetic", "site": "suzhou"}},
    "grid": {"import_max_mw": 2.6, "export_max_mw": 0.5, "tariff": "jiangsu_2024_industrial"},
    "reliability": {"failures": False},
    "enterprises": [{"id": "works", "sector": "electronics", "demand": {"electricity_mwh": 20000, "heat_mwh": 12000}}],
    "assets": [
        {"id": "boiler", "type": "boiler", "bus": "heat", "fuel": "natural_gas", "p_th_max_mw": 1.9, "efficiency_frac": 0.9},
        {"id": "pv", "type": "pv", "p_dc_mw": 5, "tilt_deg": 20},
        {"id": "bess", "type": "battery", "p_max_mw": 1, "e_max_mwh": 3, "eta_charge_frac": 0.93,
         "eta_discharge_frac": 0.94, "soc_min_frac": 0.1, "soc_max_frac": 0.9, "soc_init_frac": 0.6,
         "strategy": "tou_arbitrage"},
    ],
}
GRID, BOILER, BESS = PARK["grid"], PARK["assets"][0], PARK["assets"][2]
PARAMS = ref.Park(GRID["import_max_mw"], GRID["export_max_mw"], GRID["tariff"], BOILER["p_th_max_mw"],
                  BOILER["efficiency_frac"],
                  ref.Battery(BESS["p_max_mw"], BESS["soc_min_frac"] * BESS["e_max_mwh"],
                              BESS["soc_max_frac"] * BESS["e_max_mwh"], BESS["eta_charge_frac"],
                              BESS["eta_discharge_frac"], BESS["soc_init_frac"] * BESS["e_max_mwh"]))


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """The twin's year of the park and the reference implementation's, from the same inputs."""
    import yaml
    path = tmp_path_factory.mktemp("refpark") / "park.yaml"
    path.write_text(yaml.safe_dump(PARK), encoding="utf-8")
    r = twin.run(twin.load_scenario(path))
    f = r.flows_frame()
    pv = compile_network(r.scenario).source_mw[:, 0]  # available PV, before any settlement
    want = ref.simulate(PARAMS, r.index, -f["works@el"].to_numpy(), -f["works@heat"].to_numpy(), pv)
    return r, want


# twin port -> reference series (sign: + into the bus)
HOURLY = {
    "grid_import@el": ("import_mw", 1), "grid_export@el": ("export_mw", -1), "unserved@el": ("unserved_mw", 1),
    "curtailment@el": ("curtailment_mw", -1), "bess@el": ("battery_mw", 1), "boiler@heat": ("boiler_mw", 1),
    "unserved@heat": ("heat_unserved_mw", 1), "boiler@natural_gas": ("gas_m3", -1),
}


def test_year_matches_the_reference_hour_by_hour(pair):
    """Flows, state of charge, prices and the yearly cost, all in one test.

    One test, because it is the one that builds the fixture: mutation testing attributes
    the run to it, and runs only it against a mutant.
    """
    r, want = pair
    f = r.flows_frame()
    # every mechanism the reference checks is active somewhere in the year
    for key in ("unserved_mw", "curtailment_mw", "export_mw", "heat_unserved_mw"):
        assert want[key].sum() > 1.0, key
    b = want["battery_mw"]
    assert -b[b < 0].sum() > 300 and b[b > 0].sum() > 300
    # measured agreement: 0 to ~1e-12 MW (float order of sums); margin 1e-9
    off = {port: float(np.abs(f[port].to_numpy() - sign * want[key]).max()) for port, (key, sign) in HOURLY.items()}
    assert {port: d for port, d in off.items() if d > 1e-9} == {}
    np.testing.assert_allclose(r.soc_mwh[:, 0], want["soc_mwh"], rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(r.import_price, want["price"])
    assert r.kpis["energy_cost_cny"] == pytest.approx(want["energy_cost_cny"], rel=1e-9)
    assert r.kpis["grid_import_mwh"] == pytest.approx(want["import_mw"].sum(), rel=1e-9)


def readme_kpis() -> dict[str, float]:
    """The Quick-start KPI table of the README: ``name   1,234`` lines of its output block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```\n(Reference baseline[^\n]*)\n-+\n(.*?)\n\.\.\.", text, re.S)
    assert block, "README Quick start: KPI block of the reference baseline not found"
    rows = re.findall(r"^(\w+)\s+(-?[\d,]+(?:\.\d+)?)$", block.group(2), re.M)
    return {k: float(v.replace(",", "")) for k, v in rows}


@pytest.fixture(scope="module")
def reference_baseline() -> twin.Results:
    return twin.run(twin.load_scenario(SCENARIOS / "reference_baseline.yaml"))


def test_readme_quick_start_figures_match_a_run(reference_baseline):
    shown = readme_kpis()
    assert len(shown) >= 10
    for key, value in shown.items():
        decimals = len(f"{value}".split(".")[1]) if "." in str(value) and value != int(value) else 0
        # the README rounds: to the unit, or to its printed decimals (ratios)
        assert reference_baseline.kpis[key] == pytest.approx(value, abs=0.5 * 10 ** -decimals), key
