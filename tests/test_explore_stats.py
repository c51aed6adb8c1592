"""Monte Carlo statistics on hand-computable cases; Sobol and Morris of the Ishigami function."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import SCENARIOS
from scipy import stats

from twin.explore.sensitivity import morris, sobol, tornado
from twin.explore.stats import convergence, pass_probability, percentiles
from twin.explore.sweep import sweep


def test_percentiles_and_probability_by_hand():
    t = pd.DataFrame({"x": [float(v) for v in range(1, 12)], "core_passed": [True, False, None] * 3 + [True, True],
                      "error": [None] * 11})
    t.loc[10, "error"] = "RuntimeError: boom"  # the failed run is left out: x = 1..10
    p = percentiles(t, ["x"]).loc["x"]
    # type-7 quantiles of 1..10: position q * 9 -> P10 = 1.9, P50 = 5.5, P90 = 9.1
    assert (p.p10, p.p50, p.p90, p["n"]) == pytest.approx((1.9, 5.5, 9.1, 10))
    prob = pass_probability(t).loc["core"]
    # judged: runs 1,2,4,5,7,8,10 -> met 1,4,7,10 = 4 of 7
    assert (prob.met, prob.judged) == (4, 7) and prob.probability == pytest.approx(4 / 7)
    conv = convergence(t, ["x"], points=50)
    assert conv["n"].iloc[-1] == 10 and conv["p50"].iloc[-1] == pytest.approx(5.5)
    assert conv.loc[conv["n"] == 4, "p50"].item() == pytest.approx(2.5)


def test_monte_carlo_of_grid_factor_and_threshold(write_scenario):
    """Grid CO2 (co2_grid_t) is import x factor, so its percentiles are import x the factor's; the core
    indicator does not move, so it passes exactly where the drawn threshold lies above it."""
    data = yaml.safe_load((SCENARIOS / "mini.yaml").read_text(encoding="utf-8"))
    data["indicators"] = {"thresholds": {"carbon_per_energy": 5.0}}
    f = str(write_scenario(data))
    s = sweep(f, ["grid.emission_factor.t_co2_per_mwh=uniform(0.4,0.6)",
                  "indicators.thresholds.carbon_per_energy=uniform(4,5.5)"], draws=12, workers=0)
    t = s.table
    rng = np.random.default_rng(7)  # the file's seed draws, in the order the fields were given
    factor = stats.uniform(0.4, 0.6 - 0.4).rvs(size=12, random_state=rng)
    limit = stats.uniform(4, 5.5 - 4).rvs(size=12, random_state=rng)
    assert t["grid.emission_factor.t_co2_per_mwh"].tolist() == factor.tolist()
    imp = t["grid_import_mwh"].iloc[0]
    assert t["grid_import_mwh"].nunique() == 1
    p = percentiles(t, ["co2_grid_t"]).loc["co2_grid_t"]
    assert (p.p10, p.p50, p.p90) == pytest.approx(tuple(imp * np.quantile(factor, [0.1, 0.5, 0.9])), rel=1e-12)
    core = t["carbon_per_energy_t_co2_per_tce"].iloc[0]
    assert pass_probability(t).loc["carbon_per_energy", "probability"] == pytest.approx(np.mean(limit >= core))


def ishigami(inputs: pd.DataFrame, a: float = 7.0, b: float = 0.1) -> pd.DataFrame:
    x1, x2, x3 = (inputs[k].to_numpy() for k in ("x1", "x2", "x3"))
    return pd.DataFrame({"y": np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)})


PI = np.pi
ISHIGAMI = {k: stats.uniform(-PI, 2 * PI) for k in ("x1", "x2", "x3")}


def test_sobol_indices_of_ishigami():
    # analytic (a = 7, b = 0.1): V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2
    a, b = 7.0, 0.1
    v1 = 0.5 * (1 + b * PI**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * PI**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    s = sobol(ISHIGAMI, ishigami, ["y"], n=2048, seed=1).indices["y"]
    assert s.loc["x1", "S1"] == pytest.approx(v1 / v, abs=0.03)  # 0.314
    assert s.loc["x2", "S1"] == pytest.approx(v2 / v, abs=0.03)  # 0.442
    assert s.loc["x3", "S1"] == pytest.approx(0.0, abs=0.03)
    assert s.loc["x1", "ST"] == pytest.approx((v1 + v13) / v, abs=0.03)  # 0.558
    assert s.loc["x3", "ST"] == pytest.approx(v13 / v, abs=0.03)  # 0.244


def test_morris_and_tornado_rank_ishigami():
    m = morris(ISHIGAMI, ishigami, ["y"], trajectories=40, seed=1).indices["y"]
    assert m["mu_star"].idxmax() in ("x1", "x2") and m["mu_star"].idxmin() == "x3"
    t = tornado({"x1": stats.uniform(-1, 2), "x2": stats.uniform(0, 1)},
                lambda d: pd.DataFrame({"y": 3 * d["x1"] + d["x2"]}), ["y"])
    # y = 3 x1 + x2: swings 3 * (0.8 - -0.8) = 4.8 and 0.9 - 0.1 = 0.8, largest first
    assert t["input"].tolist() == ["x1", "x2"]
    assert t["swing"].tolist() == pytest.approx([4.8, 0.8]) and t["base"].iloc[0] == pytest.approx(0.5)


def test_sensitivity_command_ranks_the_grid_factor(tmp_path, capsys):
    from twin.cli import main

    out = tmp_path / "sens"
    mini = str(SCENARIOS / "mini.yaml")
    assert main(["sensitivity", mini, "--vary", "grid.emission_factor.t_co2_per_mwh=uniform(0.4,0.8)",
                 "--vary", "assets[battery].e_max_mwh=uniform(3,5)", "--n", "2", "--workers", "0",
                 "--out", str(out)]) == 0
    torn = pd.read_csv(out / "tornado.csv")
    co2 = torn[torn["output"] == "operating_cost_cny_per_yr"]
    assert len(co2) == 2 and co2["swing"].iloc[0] >= co2["swing"].iloc[1]
    idx = pd.read_csv(out / "indices.csv")
    assert {"output", "input", "mu_star"} <= set(idx) and len(idx) == 6


def test_explore_charts_draw_threshold_contour_bands_and_indices():
    from twin.present import charts_explore

    grid = pd.DataFrame({"x": [1, 2, 1, 2], "y": [1, 1, 2, 2], "z": [0.1, 0.2, 0.3, 0.4], "error": [None] * 4})
    fig = charts_explore.grid_heatmap(grid, "x", "y", "z", threshold=0.25, lang="en")
    assert [t.type for t in fig.data] == ["heatmap", "contour"] and fig.data[1].contours.start == 0.25
    assert len(charts_explore.grid_heatmap(grid, "x", "y", "z", threshold=0.9, lang="en").data) == 1  # off the grid
    runs = pd.DataFrame({"monthly.grid_import_mwh.2025-01": [1.0, 2.0, 3.0], "monthly.grid_import_mwh.2025-02": [4.0, 5.0, 6.0],
                         "error": [None] * 3})
    band = charts_explore.monthly_bands(runs, "grid_import_mwh", "en")
    assert list(band.data[2].y) == [2.0, 5.0] and list(band.data[0].x) == ["2025-01", "2025-02"]
    idx = pd.DataFrame({"S1": [0.3, 0.4], "S1_conf": [0.01, 0.01], "ST": [0.5, 0.4], "ST_conf": [0.02, 0.02]},
                       index=["a", "b"])
    assert [t.name for t in charts_explore.sobol_chart(idx, "en").data] == ["S1", "ST"]
