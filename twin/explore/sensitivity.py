"""Sensitivity: Morris screening, Sobol indices (SALib) and a one-at-a-time tornado.

Inputs are named with frozen scipy.stats distributions. SALib samples the unit hypercube;
each column goes through its distribution's inverse CDF, so uniform, normal or triangular
inputs share one mechanism. ``evaluate`` maps a table of inputs to a table of outputs: the
twin (:func:`scenario_evaluator`) or any function (the Ishigami test checks the indices
through this same path).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from twin.explore.fields import Spec
from twin.explore.pool import Pool
from twin.explore.sweep import run_inputs

Evaluate = Callable[[pd.DataFrame], pd.DataFrame]
OUTPUTS = ("carbon_per_energy_t_co2_per_tce", "pv_cost_cny", "operating_cost_cny_per_yr")
_EDGE = 1e-6  # keep unit samples off 0 and 1, where a normal's inverse CDF is infinite


@dataclass
class Sensitivity:
    """Indices of each output (rows: inputs) and the runs behind them."""

    method: str
    indices: dict[str, pd.DataFrame]
    runs: pd.DataFrame

    def long(self) -> pd.DataFrame:
        """All indices in one table: output, input, then the method's columns."""
        return pd.concat({k: v for k, v in self.indices.items()}, names=["output", "input"]).reset_index()


def sobol(dists: dict, evaluate: Evaluate, outputs: Sequence[str], n: int = 64, seed: int = 0) -> Sensitivity:
    """First-order and total Sobol indices (Saltelli scheme, ``n * (2k + 2)`` runs)."""
    problem = _problem(dists)
    unit = sobol_sample.sample(problem, n, calc_second_order=True, seed=seed)
    runs = _runs(dists, unit, evaluate)
    out = _per_output(dists, runs, outputs, ["S1", "S1_conf", "ST", "ST_conf"],
                      lambda values: sobol_analyze.analyze(problem, values, calc_second_order=True, seed=seed))
    return Sensitivity("sobol", out, runs)


def morris(dists: dict, evaluate: Evaluate, outputs: Sequence[str], trajectories: int = 10, levels: int = 4,
           seed: int = 0) -> Sensitivity:
    """Morris elementary effects (``trajectories * (k + 1)`` runs): mu_star ranks the inputs."""
    problem = _problem(dists)
    unit = morris_sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    runs = _runs(dists, unit, evaluate)
    # effects per step of the inputs' quantile (unit) scale: comparable across units
    out = _per_output(dists, runs, outputs, ["mu", "mu_star", "sigma", "mu_star_conf"],
                      lambda values: morris_analyze.analyze(problem, unit, values, num_levels=levels, seed=seed))
    return Sensitivity("morris", out, runs)


def _per_output(dists: dict, runs: pd.DataFrame, outputs: Sequence[str], columns: list[str],
                analyze: Callable[[np.ndarray], dict]) -> dict[str, pd.DataFrame]:
    """One index table per output; blank where a run of that output failed (NaN)."""
    out = {}
    for y in outputs:
        values = runs[y].to_numpy(dtype=float)
        if np.isnan(values).any():
            out[y] = _empty(dists, columns)
            continue
        si = analyze(values)
        out[y] = pd.DataFrame({k: si[k] for k in columns}, index=list(dists))
    return out


def tornado(dists: dict, evaluate: Evaluate, outputs: Sequence[str], low_q: float = 0.1,
            high_q: float = 0.9) -> pd.DataFrame:
    """One input at a time at its P10 and P90, the others at their medians.

    Returns
    -------
    DataFrame
        ``output``, ``input``, ``low``, ``high`` (input values), ``base``, ``at_low``, ``at_high``
        (output values) and ``swing`` = ``|at_high - at_low|``, largest swing first per output.
    """
    names = list(dists)
    base = {k: float(d.median()) for k, d in dists.items()}
    rows = [base] + [{**base, k: float(dists[k].ppf(q))} for k in names for q in (low_q, high_q)]
    runs = evaluate(pd.DataFrame(rows, columns=names))
    out = []
    for y in outputs:
        v = runs[y].to_numpy(dtype=float)
        for i, k in enumerate(names):
            lo, hi = v[1 + 2 * i], v[2 + 2 * i]
            out.append({"output": y, "input": k, "low": rows[1 + 2 * i][k], "high": rows[2 + 2 * i][k],
                        "base": v[0], "at_low": lo, "at_high": hi, "swing": abs(hi - lo)})
    t = pd.DataFrame(out)
    return t.sort_values(["output", "swing"], ascending=[True, False], kind="stable").reset_index(drop=True)


def scenario_evaluator(file: str, specs: Sequence[Spec], seed: int, year: int | None = None,
                       pool: Pool | None = None) -> Evaluate:
    """Evaluate input tables with the twin: one run per row (on ``pool``), the runs table back."""
    fields = [s.field for s in specs]

    def evaluate(inputs: pd.DataFrame) -> pd.DataFrame:
        return run_inputs(file, fields, inputs, seed, year, pool)

    return evaluate


def _problem(dists: dict) -> dict:
    return {"num_vars": len(dists), "names": list(dists), "bounds": [[0.0, 1.0]] * len(dists)}


def _runs(dists: dict, unit: np.ndarray, evaluate: Evaluate) -> pd.DataFrame:
    """Map unit samples through each distribution's inverse CDF, evaluate, keep inputs beside outputs."""
    u = np.clip(unit, _EDGE, 1 - _EDGE)
    inputs = pd.DataFrame({k: d.ppf(u[:, i]) for i, (k, d) in enumerate(dists.items())})
    runs = evaluate(inputs)
    return pd.concat([inputs, runs.drop(columns=[c for c in inputs if c in runs])], axis=1)


def _empty(dists: dict, columns: list[str]) -> pd.DataFrame:
    """Indices left blank: an output with a failed run has none."""
    return pd.DataFrame(np.nan, index=list(dists), columns=columns)


def run_sensitivity(file: str, vary: Sequence[str], method: str = "morris", n: int = 10, year: int | None = None,
                    pool: Pool | None = None, outputs: Sequence[str] = OUTPUTS) -> tuple[Sensitivity, pd.DataFrame]:
    """Indices and the tornado of a scenario's named inputs (``FIELD=DISTRIBUTION``), on ``pool``."""
    from twin.errors import InputError, Problem
    from twin.explore.fields import parse_vary
    from twin.scenario.load import load_scenario

    sc = load_scenario(file)
    specs = [parse_vary(v, sc, file) for v in vary]
    fixed = [s.field.path for s in specs if not s.random]
    if fixed:
        raise InputError(Problem(file, fixed[0], "sensitivity needs a distribution, e.g. uniform(low,high)"))
    for s in specs:  # bad values fail before anything runs
        for q in (_EDGE, 0.5, 1 - _EDGE):
            load_scenario(file, overrides=s.field.overlay(float(s.dist.ppf(q))))
    evaluate = scenario_evaluator(file, specs, sc.seed, year, pool)
    dists = {s.field.path: s.dist for s in specs}
    run = sobol if method == "sobol" else morris
    return run(dists, evaluate, outputs, n, seed=sc.seed), tornado(dists, evaluate, outputs)
