"""Rules, lookahead and optimum side by side.

The same period is dispatched three ways: by the scenario's own rules, by the
``lookahead`` storage strategy (every store planned by a daily 48-hour LP), and
by one perfect-foresight LP over the whole period (HiGHS). The three are priced
by one cost function on their hourly flows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from twin.kernel.simulation import simulation
from twin.schema.scenario import Scenario
from twin.yardstick.cost import cost_basis, cost_lines
from twin.yardstick.lp import optimal_dispatch
from twin.yardstick.problem import dispatch_problem

STORE_TYPES = ("battery", "storage")


@dataclass
class Yardstick:
    """Costs [CNY] by line of each dispatch over the period, and the time each took [s]."""

    name: str
    hours: int
    costs: dict[str, dict[str, float]]  # rules, lookahead (when the park has stores), optimum
    seconds: dict[str, float]
    lp_rows: int
    lp_cols: int
    strategies: dict[str, str] = field(default_factory=dict)  # store id -> the rules' strategy

    def gap_frac(self, dispatch: str) -> float:
        """Extra cost of ``dispatch`` over the optimum, as a share of the optimum."""
        opt = self.costs["optimum"]["total_cny"]
        return (self.costs[dispatch]["total_cny"] - opt) / abs(opt) if opt else 0.0

    def to_dict(self) -> dict:
        gaps = {k: self.gap_frac(k) for k in self.costs if k != "optimum"}
        return {"name": self.name, "hours": self.hours, "costs_cny": self.costs, "gap_frac": gaps,
                "seconds": self.seconds, "lp_rows": self.lp_rows, "lp_cols": self.lp_cols,
                "strategies": self.strategies}


def yardstick(scenario: Scenario) -> Yardstick:
    """Run the rules, the lookahead strategy and the optimal LP on ``scenario``'s period."""
    t0 = time.perf_counter()
    rules = simulation(scenario)
    seconds = {"rules": time.perf_counter() - t0}
    t0 = time.perf_counter()
    problem = dispatch_problem(rules.net, rules.model, rules.results)
    best = optimal_dispatch(problem)
    seconds["optimum"] = time.perf_counter() - t0
    basis = cost_basis(rules.net, problem)
    costs = {"rules": cost_lines(basis, rules.results.flows)}
    stores = {a.id: a.strategy for a in scenario.assets if a.type in STORE_TYPES}
    if stores:
        t0 = time.perf_counter()
        ahead = simulation(with_strategy(scenario, "lookahead"))
        seconds["lookahead"] = time.perf_counter() - t0
        costs["lookahead"] = cost_lines(basis, ahead.results.flows)
    costs["optimum"] = cost_lines(basis, best.flows)
    return Yardstick(scenario.name, problem.hours, costs, seconds, best.rows, best.cols, stores)


def with_strategy(scenario: Scenario, strategy: str) -> Scenario:
    """The scenario with every battery and store dispatched by ``strategy``."""
    assets = [a.model_copy(update={"strategy": strategy}) if a.type in STORE_TYPES else a
              for a in scenario.assets]
    return scenario.model_copy(update={"assets": assets})


def format_yardstick(y: Yardstick) -> str:
    """The costs side by side, the gaps to the optimum and the times, as text."""
    names = list(y.costs)
    lines = [f"Yardstick: {y.name} ({y.hours:,} h)", f"{'CNY':<22}" + "".join(f"{n:>18}" for n in names)]
    for key in y.costs["optimum"]:
        lines.append(f"{key:<22}" + "".join(f"{y.costs[n][key]:>18,.0f}" for n in names))
    lines.append(f"{'gap to optimum':<22}" + "".join(
        f"{y.gap_frac(n):>18.3%}" if n != "optimum" else f"{'-':>18}" for n in names))
    lines.append(f"{'time s':<22}" + "".join(f"{y.seconds.get(n, 0.0):>18.2f}" for n in names))
    lines.append(f"\nLP: {y.lp_rows:,} rows x {y.lp_cols:,} columns, perfect foresight (HiGHS); "
                 f"stores and their rules: {', '.join(f'{k} {v}' for k, v in y.strategies.items()) or 'none'}")
    return "\n".join(lines)
