"""Benchmark: the dispatch rules and the lookahead strategy against the optimum (issue 13).

    .venv/bin/python scripts/yardstick_bench.py [FILE ...]

For each scenario (default: the reference park, its retrofit's end state, and that
retrofit with a 60 MW / 400 MWh steam accumulator on tou_arbitrage added): the
annual cost of the rules, of the lookahead strategy and of the perfect-foresight
LP, the gap of each to the optimum (CNY and share of the annual dispatch cost),
the share of the storage value each captures (the value being what the optimum
saves against the same LP with the stores idle), and the wall time of each with
the machine's load average (timings on a shared machine vary).
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RETROFIT = ROOT / "scenarios" / "reference_retrofit.yaml"
# a heat store for the electrode boilers to fill at valley prices (the retrofit has none)
ACCUMULATOR = {"assets": [{"id": "steam_store", "type": "storage", "preset": "thermal_storage", "bus": "heat",
                           "p_max": 60, "e_max": 400, "strategy": "tou_arbitrage"}]}
DEFAULT = [(ROOT / "scenarios" / "reference_baseline.yaml", None), (RETROFIT, None), (RETROFIT, ACCUMULATOR)]


def idle_stores_cost(scenario) -> float:
    """Total cost of the optimum when no store may charge or discharge [CNY]."""
    from twin.kernel.simulation import simulation
    from twin.yardstick.cost import cost_basis, cost_lines
    from twin.yardstick.lp import optimal_dispatch
    from twin.yardstick.problem import dispatch_problem

    sim = simulation(scenario)
    problem = dispatch_problem(sim.net, sim.model, sim.results)
    idle = dataclasses.replace(problem, store_max_mw=np.zeros_like(problem.store_max_mw),
                               soc_end_min_mwh=problem.soc0_mwh)
    return cost_lines(cost_basis(sim.net, problem), optimal_dispatch(idle).flows)["total_cny"]


def main(files: list[str]) -> None:
    from twin.physics.lp import LPError
    from twin.scenario.load import load_scenario
    from twin.scenario.measures import apply_measures
    from twin.yardstick.yardstick import format_yardstick, yardstick

    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start (shared machine)\n")
    for f, overrides in [(f, None) for f in files] or DEFAULT:
        sc = load_scenario(f, overrides=overrides)
        sc = apply_measures(sc) if sc.measures else sc
        t0 = time.perf_counter()
        y = yardstick(sc)
        wall = time.perf_counter() - t0
        print(format_yardstick(y))
        opt = y.costs["optimum"]["total_cny"]
        try:
            idle = idle_stores_cost(sc)
        except LPError:  # the stores carry load the park cannot serve without them
            idle = float("nan")
        for name in y.costs:
            cost = y.costs[name]["total_cny"]
            captured = (idle - cost) / (idle - opt) if idle > opt else float("nan")  # nan > x is False
            print(f"  {name:<10} gap {cost - opt:>14,.0f} CNY ({y.gap_frac(name):.3%}); "
                  f"captures {captured:.1%} of the storage value ({idle - opt:,.0f} CNY)")
        print(f"  wall {wall:.1f} s for the three; load average now {os.getloadavg()[0]:.1f}\n")


if __name__ == "__main__":
    main(sys.argv[1:])
