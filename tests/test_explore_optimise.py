"""Least-cost sizing finds the optimum an exhaustive sweep finds, on the mini park."""

from __future__ import annotations

import pytest
import yaml
from conftest import SCENARIOS

from twin.explore.optimise import CARBON, COST, objective, optimise, pareto_front
from twin.explore.pool import Pool
from twin.explore.sweep import sweep

PV, BAT = "assets[pv_roof].p_dc_mw", "assets[battery].e_max_mwh"


@pytest.fixture
def mini_with_limit(write_scenario):
    # 4.7350 tCO2/tce: with 8 MWp the battery must hold at least 7 MWh; smaller PV never meets it
    data = yaml.safe_load((SCENARIOS / "mini.yaml").read_text(encoding="utf-8"))
    data["indicators"] = {"thresholds": {"carbon_per_energy": 4.7350}}
    return str(write_scenario(data))


def test_optimiser_finds_the_exhaustive_optimum(mini_with_limit):
    grid = sweep(mini_with_limit, [f"{PV}=4:8:4", f"{BAT}=5:9:1"], workers=0).table
    grid["objective"] = [objective(r) for r in grid.to_dict(orient="records")]
    known = grid.loc[grid["objective"].idxmin()]
    assert (known[PV], known[BAT]) == (8, 7)  # the limit binds: (8, 6) and the cheaper (8, 5) miss it
    assert not grid.loc[(grid[PV] == 8) & (grid[BAT] == 6), "carbon_per_energy_passed"].item()
    opt = optimise(mini_with_limit, [f"{PV}=4:8:4", f"{BAT}=5:9:1"], generations=6, population=4, seed=3,
                   pool=Pool(workers=0))
    assert (opt.best[PV], opt.best[BAT]) == (8, 7)
    assert opt.best[COST] == known[COST]
    assert opt.trials[[PV, BAT]].duplicated().sum() == 0  # a plan is run once
    assert len(opt.trials) <= len(grid)


def test_pareto_front_keeps_only_undominated_trials():
    import pandas as pd

    t = pd.DataFrame({COST: [3.0, 1.0, 2.0, 2.5, 4.0], CARBON: [1.0, 5.0, 3.0, 3.5, 0.5], "error": [None] * 5})
    assert pareto_front(t)[COST].tolist() == [1.0, 2.0, 3.0, 4.0]
