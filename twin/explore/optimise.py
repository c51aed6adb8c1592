"""Least-cost sizing: the lowest present cost that meets the core indicator, by differential evolution.

The search runs scipy's ``differential_evolution`` over declared ranges of sizes (PV, wind,
battery, heat pump, thermal store, electrode boiler, green-power share: any numeric field
path). Each generation is evaluated on the :class:`~twin.explore.pool.Pool` (the same Dask
workers as a sweep); a plan already run is not run again. The objective is the present value
of the park's costs over the horizon (``pv_cost_cny``: capital, replacements, residual and
operation with the carbon price, discounted). A plan that misses the core indicator ranks
behind every plan that meets it, ordered by how far it misses, so the search is drawn to the
feasible region and then to its cheapest point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import differential_evolution

from twin.errors import InputError, Problem
from twin.explore.fields import Field, resolve, tidy
from twin.explore.pool import Pool, Progress, using
from twin.explore.sweep import Case, Evaluator, assess_case

COST = "pv_cost_cny"
CORE = "carbon_per_energy_t_co2_per_tce"
CORE_LIMIT = "carbon_per_energy_threshold"
CARBON = "national_net_co2_t"
_INFEASIBLE = 1e18  # above any park's present cost [CNY]; misses rank by how far they miss


@dataclass(frozen=True)
class Dimension:
    """One size to choose: a numeric field between ``low`` and ``high``, on ``step`` if given."""

    field: Field
    low: float
    high: float
    step: float | None = None

    @property
    def levels(self) -> int:
        return int(round((self.high - self.low) / self.step)) + 1 if self.step else 0

    def value(self, x: float) -> float:
        """The size a search coordinate stands for (an index of the step grid, or the size itself)."""
        if self.step:
            return float(tidy(self.low + round(x) * self.step))
        return float(np.clip(x, self.low, self.high))


@dataclass
class Optimum:
    """The cheapest plan meeting the core indicator (None if none did), the front and every trial."""

    best: dict | None
    trials: pd.DataFrame
    front: pd.DataFrame
    sizes: list[str]


def parse_size(text: str, scenario, file: str) -> Dimension:
    """``FIELD=LOW:HIGH`` (continuous) or ``FIELD=LOW:HIGH:STEP`` (on a grid)."""
    path, _, rng = text.partition("=")
    parts = rng.split(":")
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        nums = []
    if len(nums) not in (2, 3) or nums[1] <= nums[0] or (len(nums) == 3 and nums[2] <= 0):
        raise InputError(Problem(file, path or text, f"expected FIELD=LOW:HIGH or LOW:HIGH:STEP with "
                                                     f"LOW < HIGH, got {rng!r}"))
    field = resolve(path.strip(), scenario, file)
    dim = Dimension(field, nums[0], nums[1], nums[2] if len(nums) == 3 else None)
    if dim.step:
        dim = Dimension(field, dim.low, dim.value(dim.levels - 1), dim.step)
    return dim


def optimise(file: str, sizes: Sequence[str], year: int | None = None, generations: int = 20,
             population: int = 6, seed: int = 0, pool: Pool | None = None,
             progress: Progress = None) -> Optimum:
    """Search ``sizes`` (``FIELD=LOW:HIGH[:STEP]``) for the least-cost plan meeting the core indicator.

    Parameters
    ----------
    generations, population : int
        Differential evolution's ``maxiter`` and ``popsize`` (population = popsize x sizes).
    seed : int
        Seed of the search (the runs keep the file's seed).
    """
    from twin.scenario.load import load_scenario

    sc = load_scenario(file)
    dims = [parse_size(s, sc, file) for s in sizes]
    for d in dims:  # bad sizes fail before the search
        for v in (d.low, d.high):
            load_scenario(file, overrides=d.field.overlay(v))
    base = assess_case(file, {}, sc.seed, year)
    if base.core.threshold is None:
        raise InputError(Problem(file, "indicators.thresholds.carbon_per_energy",
                                 "the core indicator has no threshold for this park: set one to size against"))
    with using(pool) as p:
        trials = _Trials(Evaluator(file, tuple(d.field for d in dims), year), dims, sc.seed, p, progress)
        bounds = [(0, d.levels - 1) if d.step else (d.low, d.high) for d in dims]
        differential_evolution(_unused, bounds, maxiter=generations, popsize=population, seed=seed,
                               integrality=[bool(d.step) for d in dims], workers=trials, updating="deferred",
                               polish=False, tol=0, init="sobol" if len(dims) > 1 else "latinhypercube")
    table = pd.DataFrame(trials.rows)
    return Optimum(_best(table), table, pareto_front(table), [d.field.path for d in dims])


def objective(row: dict) -> float:
    """Present cost of a plan meeting the core indicator; misses rank after, by relative miss."""
    if row.get("error") is not None:
        return 10 * _INFEASIBLE
    limit, value = row[CORE_LIMIT], row[CORE]
    miss = max(0.0, value / limit - 1.0)
    return _INFEASIBLE * (1.0 + miss) if miss > 1e-12 else float(row[COST])


def pareto_front(trials: pd.DataFrame, cost: str = COST, carbon: str = CARBON) -> pd.DataFrame:
    """Trials no other trial beats on both cost and carbon (cheapest first)."""
    ok = trials[trials["error"].isna()].sort_values([cost, carbon], kind="stable")
    keep, best = [], np.inf
    for i, c in zip(ok.index, ok[carbon], strict=True):
        if c < best:
            keep.append(i)
            best = c
    return ok.loc[keep].reset_index(drop=True)


class _Trials:
    """The map that differential evolution calls each generation: runs new plans on the pool."""

    def __init__(self, evaluator: Evaluator, dims: list[Dimension], seed: int, pool: Pool, progress: Progress):
        self.evaluator, self.dims, self.seed, self.pool, self.progress = evaluator, dims, seed, pool, progress
        self.rows: list[dict] = []
        self.seen: dict[tuple, dict] = {}
        self.generation = 0

    def __call__(self, _func, xs) -> list[float]:
        plans = [tuple(d.value(x) for d, x in zip(self.dims, xv, strict=True)) for xv in xs]
        new = list(dict.fromkeys(p for p in plans if p not in self.seen))
        paths = [d.field.path for d in self.dims]
        cases = [Case(len(self.rows) + i, tuple(zip(paths, p, strict=True)), self.seed) for i, p in enumerate(new)]
        for plan, row in zip(new, self.pool.map(self.evaluator, cases), strict=True):
            row = {"trial": row.pop("run"), "generation": self.generation, **row}
            row["objective"] = objective(row)
            self.seen[plan] = row
            self.rows.append(row)
        self.generation += 1
        if self.progress:
            self.progress(len(self.rows), len(self.rows))
        return [self.seen[p]["objective"] for p in plans]


def _unused(x: np.ndarray) -> float:
    """Differential evolution needs a function; the runs happen in :class:`_Trials`."""
    raise RuntimeError("evaluated through the pool")


def _best(trials: pd.DataFrame) -> dict | None:
    feasible = trials[trials["objective"] < _INFEASIBLE]
    if feasible.empty:
        return None
    return feasible.sort_values(["objective", "trial"], kind="stable").iloc[0].to_dict()
