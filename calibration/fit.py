"""Fit free scenario fields to meter readings by least squares, and report before and after.

>>> from calibration.fit import calibrate
>>> result = calibrate("scenario.yaml", "meters/", "map.yaml", "spec.yaml")  # doctest: +SKIP
>>> result.fitted, result.metrics["meters"]["b0_el"]["validation"]["hourly"]["after"]

By default (a spec without ``free``) the enterprise meters' demand models are first
learned from the readings (``calibration.learn``: a change-point model chosen by BIC,
written into the scenario), and only the fields left free (a PV array's derate ...) are
fitted as below; with none left, the fit is a single evaluation.

Objective: the residuals (simulated - measured) of every meter over the calibration period,
at the fit interval, each meter's divided by its measured mean and by the square root of its
number of readings, plus one residual per meter of w x its mean bias over its measured
mean (w = ``fit.bias_weight``, 3 by default). The cost is thus the sum over meters of
CV(RMSE)^2 + (3 NMBE)^2: each statistic relative to its Guideline 14 limit (30 % and 10 %
hourly, 15 % and 5 % monthly), so the fit does not keep a bias that least squares on the
shape alone would accept, and a small meter counts as much as a large one. Continuous
fields are fitted by ``scipy.optimize.least_squares`` (trust-region reflective, bounds,
forward differences on fields scaled to 0-1); whole-number fields (shift hours, Spring Festival days) are then
searched value by value with the others held, and the two alternate for up to
``fit.rounds`` rounds. Each evaluation is one ``twin.run`` of the calibration period.
A fit that stops on its evaluation budget, or whose solver reports failure, is marked
not converged; the metrics are still computed and written.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

from calibration.compare import paired, simulate
from calibration.outputs import CalibrationResult, build_result
from calibration.pv_screening import screen_pv
from calibration.setup import FitProblem, prepare
from calibration.spec import CalibrationSpec, Periods, load_spec, spec_from_dict
from twin.errors import InputError, Problem

DIFF_STEP = 1e-3  # forward-difference step on fields scaled to 0-1
ROUND_FTOL = 1e-6  # a round improving the cost by less (relative) ends the alternation
Progress = Callable[[int, int], None]  # (model runs done, evaluation budget)
CACHE = 64  # evaluations remembered (the grid search revisits its starting point)


class _Budget(Exception):
    """The evaluation budget of a round is spent."""


class Objective:
    """Residuals of the calibration period for a vector of free-field values."""

    def __init__(self, problem: FitProblem, progress: Progress | None = None):
        self.problem = problem
        self.progress = progress  # told (runs done, budget) after each model run
        self.first, self.last = problem.periods.calibration
        native = problem.window(self.first, self.last)
        self.measured, _ = paired(native, native, problem.native, problem.interval)
        self.native = native
        empty = [m for m, c in self.measured.items() if not c.notna().any()]
        if empty:  # e.g. every reading screened out as a copy of another meter's series
            raise InputError([Problem(problem.source, f"meters.{m}", "no readings left in the calibration period "
                                      "after screening (see the cleaning report); fix the data or keep them "
                                      "with the spec's keep:", m) for m in empty])
        self.mean = {m: float(c.mean()) for m, c in self.measured.items()}
        self.scale = {m: self.mean[m] * np.sqrt(c.notna().sum()) for m, c in self.measured.items()}
        self.bias_weight = problem.spec.fit.bias_weight
        self.evals, self.budget = 0, 0
        self._cache: OrderedDict[tuple, np.ndarray] = OrderedDict()

    def residuals(self, values: dict[str, float]) -> np.ndarray:
        """(simulated - measured) / (mean * sqrt(n)) of every meter, stacked."""
        key = tuple(sorted(values.items()))
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        if self.evals >= self.budget:
            raise _Budget
        self.evals += 1
        self._cache[key] = self._compute(values)
        if self.progress is not None:
            self.progress(self.evals, self.budget)
        if len(self._cache) > CACHE:
            self._cache.popitem(last=False)
        return self._cache[key]

    def _compute(self, values: dict[str, float]) -> np.ndarray:
        try:
            sim = simulate(self.problem, values, self.first, self.last)
        except InputError:  # a combination the schema refuses (e.g. shift start >= end)
            size = int(self.measured.notna().sum().sum()) + self.measured.shape[1]
            return np.full(size, 1e3)
        _, s = paired(self.native, sim, self.problem.native, self.problem.interval)
        parts = []
        for meter, m in self.measured.items():
            ok = m.notna().to_numpy()
            diff = np.nan_to_num(s[meter].to_numpy()[ok] - m.to_numpy()[ok], nan=0.0)
            n = max(len(diff), 1)
            bias = self.bias_weight * diff.sum() / (n * self.mean[meter])
            parts += [diff / self.scale[meter], [bias]]
        return np.concatenate(parts)

    def cost(self, values: dict[str, float]) -> float:
        """Sum of squared residuals."""
        return float(np.sum(self.residuals(values) ** 2))


def _continuous(obj: Objective, values: dict, fields: list) -> tuple[dict, str, bool]:
    """Least squares over the continuous fields (others held); returns values, message, ok."""
    if not fields:
        return values, "no continuous fields", True
    lower = np.array([f.lower for f in fields])
    width = np.array([f.upper - f.lower for f in fields])

    def to_values(u: np.ndarray) -> dict:
        return {**values, **{f.path: float(x) for f, x in zip(fields, lower + u * width,
                                                               strict=True)}}

    u0 = np.clip((np.array([values[f.path] for f in fields]) - lower) / width, 0, 1)
    best = {"u": u0, "cost": np.inf}

    def fun(u: np.ndarray) -> np.ndarray:
        r = obj.residuals(to_values(u))
        if (cost := float(r @ r)) < best["cost"]:
            best.update(u=u.copy(), cost=cost)
        return r

    try:
        out = least_squares(fun, u0, bounds=(0.0, 1.0), method="trf", diff_step=DIFF_STEP,
                            x_scale=1.0, ftol=1e-6, xtol=1e-6, gtol=1e-8)
    except _Budget:
        return to_values(best["u"]), "stopped: evaluation budget spent", False
    return to_values(out.x), str(out.message), bool(out.success)


def _grid(obj: Objective, values: dict, fields: list) -> tuple[dict, bool]:
    """Try every whole value of each integer field (others held); keep improvements."""
    changed = False
    for f in fields:
        best_v, best_c = values[f.path], obj.cost(values)
        for v in range(int(np.ceil(f.lower)), int(np.floor(f.upper)) + 1):
            cost = obj.cost({**values, f.path: float(v)})
            if cost < best_c - 1e-12:
                best_v, best_c = float(v), cost
        changed |= best_v != values[f.path]
        values = {**values, f.path: best_v}
    return values, changed


def fit(problem: FitProblem, progress: Progress | None = None) -> tuple[dict[str, float], dict]:
    """Fit the free fields; returns the fitted values and a fit summary.

    ``progress(runs_done, budget)`` is called after each model run (e.g. by the app's bar).
    """
    obj = Objective(problem, progress)
    obj.budget = problem.spec.fit.max_evals
    values = dict(problem.start)
    cont = [f for f in problem.free if not f.integer]
    ints = [f for f in problem.free if f.integer]
    cost_before = last = obj.cost(values)
    message, ok, rounds, changed = "not run", True, 0, True
    try:
        while changed and ok and rounds < problem.spec.fit.rounds:
            rounds += 1
            values, message, ok = _continuous(obj, values, cont)
            values, changed = _grid(obj, values, ints) if ints else (values, False)
            cost = obj.cost(values)
            if changed and last - cost <= ROUND_FTOL * last:  # whole numbers creep: done
                changed = False
                message += f"; round {rounds} changed the cost by < {ROUND_FTOL:g}"
            last = cost
    except _Budget:
        ok, message = False, "stopped: evaluation budget (fit.max_evals) spent"
    if ok and changed:
        ok, message = False, f"whole-number fields still moving after {rounds} rounds"
    evals = obj.evals
    obj.budget = obj.evals + 1  # the final cost may need one more run
    summary = {"converged": ok, "message": message, "rounds": rounds, "evaluations": evals,
               "cost_before": cost_before, "cost_after": obj.cost(values)}
    return values, summary


def calibrate(scenario_path: str | Path, meters_path: str | Path, map_path: str | Path,
              free: CalibrationSpec | str | Path | dict | None = None,
              periods: Periods | dict | None = None, progress: Progress | None = None) -> CalibrationResult:
    """Fit a scenario's free fields to meters; before/after metrics for every period.

    Parameters
    ----------
    scenario_path : str or Path
        Scenario YAML.
    meters_path : str or Path
        Meter data file or folder (see ``calibration.meters``).
    map_path : str or Path
        Meter mapping YAML (see ``calibration.mapping``).
    free : CalibrationSpec, path, mapping or None
        The calibration spec (free fields, periods, weather, fit options; see
        ``calibration.spec``); None frees the defaults of each meter's target.
    periods : Periods or mapping, optional
        ``{calibration: [first, last], validation: [first, last]}``, replacing the spec's.
    progress : callable, optional
        ``progress(runs_done, budget)`` after each model run of the fit.

    Returns
    -------
    CalibrationResult
        Fitted values, overlay, metrics, paired series; ``.write(out_dir)`` saves them.

    Raises
    ------
    twin.errors.InputError
        Any problem with the inputs (one line each); nothing is fitted.
    """
    started = time.perf_counter()
    spec = _spec(free)
    if isinstance(periods, dict):
        periods = spec_from_dict({"periods": periods}, spec.source).periods
    problem = prepare(scenario_path, meters_path, map_path, spec, periods)
    screen_pv(problem)  # needs the weather: PV outage, curtailment, clipping
    try:
        values, summary = fit(problem, progress)
        if problem.learned is not None:
            summary["models"] = problem.learned.models
        summary["seconds"] = time.perf_counter() - started
        return build_result(problem, values, summary)
    finally:
        if problem.workdir is not None:
            problem.workdir.cleanup()


def _spec(free) -> CalibrationSpec:
    """A CalibrationSpec from a spec, a file path, a mapping or None."""
    if isinstance(free, CalibrationSpec):
        return free
    if isinstance(free, dict):
        return spec_from_dict(free)
    spec = load_spec(free)
    return replace(spec, source=str(free)) if free is not None else spec
