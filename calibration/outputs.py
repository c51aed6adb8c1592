"""What a calibration produces: metrics before and after, the overlay, the paired series.

``CalibrationResult.write(DIR)`` writes, through a temporary folder renamed at the end (a
failed write leaves nothing half-written):

- ``metrics.json``: the fit summary (converged, message, evaluations, seconds, each free
  field's start, fitted value and bounds), the periods, and per meter, period and interval
  (``hourly``/``daily``/``monthly``, from the meters' own interval up) the statistics of
  ``calibration.metrics.evaluate`` before and after, with the verdict of each standard;
  the cleaning report of the meters (with the data-quality screens, ``calibration.screening``);
  per meter, a change of regime between the calibration and validation readings
  (``regime``, ``calibration.regime``); the weather used (``weather``: the measured file, or
  the scenario's, with the synthetic year's spread and the PV-yield uncertainty it carries,
  ``calibration.weather_spread``). Guideline 14's p (``n - p``) is ``fit.metrics_n_params``
  (1) on the calibration period and 0 on the validation period, whose readings fitted
  nothing (with p = 1, three validation months would inflate NMBE by 3/2);
- ``calibrated.yaml``: an overlay holding only the fitted fields (items by id), to merge
  onto the scenario (``extends`` in a variant, or ``twin.scenario.merge.deep_merge``);
- ``fit.csv``: ``timestamp, meter, measured, simulated_before, simulated_after, period`` at
  the fit interval (``timestamp`` is the interval start, ISO 8601 with UTC offset);
- ``report.html``: plots of measured against simulated and of the residuals by hour of day
  and by month (``calibration.report``);
- ``weather.csv``: the hourly weather the fit used, when the spec gave measured weather.

``park-twin evaluate`` (``calibration.evaluate``) writes the same files but
``calibrated.yaml``: it fits nothing, so its metrics and ``fit.csv`` hold only the
calibrated scenario's simulation (``after``; no ``before``), for one period ``evaluation``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from calibration.compare import paired, simulate
from calibration.fields import FreeField, apply_values, overlay
from calibration.metrics import evaluate
from calibration.regime import regimes_within
from calibration.setup import NAMES, ORDER, FitProblem
from calibration.weather import write_weather_csv
from calibration.weather_spread import add_pv_uncertainty, weather_info
from twin.files import write_folder


@dataclass
class CalibrationResult:
    """Fitted fields, overlay, metrics and the paired series of one calibration."""

    fitted: dict[str, float]
    start: dict[str, float]
    free: list[FreeField]
    overlay: dict
    metrics: dict
    series: pd.DataFrame
    summary: dict
    scenario_path: str
    weather: pd.DataFrame | None = None
    units: dict[str, str] = field(default_factory=dict)

    @property
    def converged(self) -> bool:
        """True when the solver reported success within the evaluation budget."""
        return bool(self.summary["converged"])

    def write(self, out_dir: str | Path, plotlyjs: str = "embed") -> Path:
        """Write metrics.json, calibrated.yaml, fit.csv, report.html (and weather.csv).

        ``plotlyjs``: ``embed`` puts plotly.js in the report (works offline, ~4.5 MB);
        ``cdn`` links it from the plotly CDN (small file, needs the internet to view).
        """
        from calibration.report import render

        def fill(folder: Path) -> None:
            (folder / "metrics.json").write_text(json.dumps(self.metrics, indent=2) + "\n", encoding="utf-8")
            if self.free:  # an evaluation fits nothing
                (folder / "calibrated.yaml").write_text(self.overlay_yaml(), encoding="utf-8")
            self.series.to_csv(folder / "fit.csv", index=False)
            (folder / "report.html").write_text(render(self, plotlyjs), encoding="utf-8")
            if self.weather is not None:
                write_weather_csv(self.weather, folder / "weather.csv")

        return write_folder(out_dir, fill)

    def overlay_yaml(self) -> str:
        """``calibrated.yaml``: a comment naming the scenario, then the fitted fields."""
        head = (f"# Fitted fields of {self.scenario_path} (park-twin calibrate).\n"
                "# Merge onto that scenario: a variant with `extends:` and these keys.\n")
        return head + yaml.safe_dump(self.overlay, sort_keys=False, allow_unicode=True)


def _rounded(values: dict[str, float], free: list[FreeField]) -> dict[str, float]:
    """Fitted values as written: six significant digits, a hair from a bound snapped onto
    it, whole-number fields as ints (the "after" run uses exactly these)."""
    out = {}
    for f in free:
        value = values[f.path]
        for bound in (f.lower, f.upper):
            if abs(value - bound) <= 1e-9 * (f.upper - f.lower):
                value = bound
        out[f.path] = int(round(value)) if f.integer else float(f"{value:.6g}")
    return out


def build_result(problem: FitProblem, values: dict[str, float],
                 summary: dict) -> CalibrationResult:
    """Simulate before and after over all periods; metrics, overlay and series."""
    windows = [w for _, w in problem.periods.items()]
    first, last = min(w[0] for w in windows), max(w[1] for w in windows)
    fitted = _rounded(values, problem.free)
    before = problem.start if problem.raw_before is None else {}  # learned: the scenario as given
    runs = {"before": simulate(problem, before, first, last, raw=problem.raw_before),
            "after": simulate(problem, fitted, first, last)}
    calibrated = apply_values(problem.raw, fitted)
    summary = {**summary, "free": {f.path: {"start": problem.start[f.path],
                                            "fitted": fitted[f.path], "lower": f.lower,
                                            "upper": f.upper, "integer": f.integer}
                                   for f in problem.free}}
    metrics = {"scenario": problem.source, "fit": summary,
               "fit_interval": problem.interval,
               "periods": {n: [str(a), str(b)] for n, (a, b) in problem.periods.items()},
               "meters": meter_metrics(problem, runs),
               "cleaning": problem.data.report.to_dict(),
               "regime": regimes_within(problem), "weather": weather_info(problem)}
    add_pv_uncertainty(metrics, problem)
    return CalibrationResult(fitted, dict(problem.start), problem.free,
                             overlay(calibrated, [*fitted, *_learned_paths(problem)]), metrics,
                             series_table(problem, runs), summary, problem.source, problem.weather,
                             problem.data.units)


def _learned_paths(problem: FitProblem) -> list[str]:
    """Scenario fields the learned demand models set (calibration.learn)."""
    return [] if problem.learned is None else list(dict.fromkeys(problem.learned.paths))


def _intervals(problem: FitProblem) -> list[str]:
    """Intervals reported: the meters' own and every coarser one."""
    return ORDER[ORDER.index(NAMES[problem.native]):]


def meter_metrics(problem: FitProblem, runs: dict[str, pd.DataFrame]) -> dict:
    """Per meter: target, unit, and per period and interval the statistics of each run
    (``before``, ``after``)."""
    out = {m: {"target": problem.data.targets[m], "unit": problem.data.units[m],
               "column": t.column, "factor": t.factor}
           for m, t in problem.targets.items()}
    for name, (a, b) in problem.periods.items():
        native = problem.window(a, b)
        p = problem.spec.fit.metrics_n_params if name == "calibration" else 0
        for interval in _intervals(problem):
            pairs = {k: paired(native, sim, problem.native, interval) for k, sim in runs.items()}
            for meter in problem.targets:
                entry = out[meter].setdefault(name, {}).setdefault(interval, {})
                for k, (m, s) in pairs.items():
                    entry[k] = _evaluate(m[meter], s[meter], interval, p)
    return out


def _evaluate(measured: pd.Series, simulated: pd.Series, interval: str, n_params: int) -> dict:
    """``metrics.evaluate``, or the reason it cannot judge (too few readings, zero mean)."""
    try:
        return evaluate(measured, simulated, interval, n_params)
    except ValueError as exc:
        n = int((measured.notna() & simulated.notna()).sum())
        return {"interval": interval, "n": n, "n_params": n_params, "error": str(exc)}


def series_table(problem: FitProblem, runs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Long table of measured and simulated values (``simulated_<run>``) at the fit
    interval, every period."""
    parts = []
    for name, (a, b) in problem.periods.items():
        native = problem.window(a, b)
        sims = {k: paired(native, sim, problem.native, problem.interval) for k, sim in runs.items()}
        m = next(iter(sims.values()))[0]
        for meter in problem.targets:
            columns = {f"simulated_{k}": s[meter].to_numpy() for k, (_, s) in sims.items()}
            parts.append(pd.DataFrame({
                "timestamp": m.index.map(lambda t: t.isoformat()), "meter": meter,
                "measured": m[meter].to_numpy(), **columns, "period": name}))
    return pd.concat(parts, ignore_index=True)
