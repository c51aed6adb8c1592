"""Judge a calibrated scenario on another period's meters, without fitting (year-ahead checks).

::

    park-twin calibrate scenario.yaml --meters m2019/ --map map.yaml --spec spec.yaml --out fit2019
    park-twin evaluate scenario.yaml --calibrated fit2019 --meters m2022/ --map map_2022.yaml \\
                       --spec spec.yaml --weather bedford_2022.csv --out judge2022

The scenario (with the fitted fields of ``--calibrated``: the folder ``calibrate`` wrote, or
its ``calibrated.yaml``, merged on top) is moved to the year of the evaluated period and run
once over that period, with that period's measured weather converted as ``calibrate`` does
(the spec's ``weather`` section, ``--weather`` for its path). Dated calendar entries of the
scenario (extra holidays, capacity changes) apply only in their own year, so a year ahead
needs the new year's closures in the scenario (see docs/calibration.md).

The outputs are those of ``calibrate`` (``calibration.outputs``) but ``calibrated.yaml``:
Guideline 14 statistics and verdicts per meter and interval for the period ``evaluation``
with p = 0 (the readings fitted nothing), ``fit.csv``, ``report.html`` and the cleaning
report. With ``--calibrated DIR``, each meter's readings are compared with those it was
fitted on (``DIR/fit.csv``, and ``DIR/weather.csv`` for the temperature response), and a
change of regime (level, schedule, temperature response) is reported per meter
(``calibration.regime``).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from calibration.compare import simulate
from calibration.meters import load_meters
from calibration.outputs import CalibrationResult, meter_metrics, series_table
from calibration.pv_screening import screen_pv
from calibration.regime import regimes_from_folder
from calibration.setup import FitProblem, _attach_weather, _interval, _native, _select
from calibration.spec import CalibrationSpec, load_spec
from calibration.targets import resolve_targets
from calibration.weather_spread import add_pv_uncertainty, weather_info
from twin.errors import InputError, Problem
from twin.scenario.load import load_scenario, validate
from twin.scenario.merge import deep_merge

PERIOD = "evaluation"


@dataclass(frozen=True)
class EvaluationPeriod:
    """The one period an evaluation judges (inclusive dates); ``items`` as ``Periods``."""

    evaluation: tuple[dt.date, dt.date]

    def items(self) -> list[tuple[str, tuple[dt.date, dt.date]]]:
        """(name, window) of the period."""
        return [(PERIOD, self.evaluation)]


def evaluate_scenario(scenario_path: str | Path, meters_path: str | Path, map_path: str | Path,
                      spec: CalibrationSpec | str | Path | None = None,
                      period: tuple[dt.date, dt.date] | None = None,
                      calibrated: str | Path | None = None) -> CalibrationResult:
    """Run a scenario over a metered period and judge it against the meters.

    Parameters
    ----------
    scenario_path : str or Path
        Scenario YAML (the base the calibration started from).
    meters_path, map_path : str or Path
        Meter data (file or folder) and mapping, as for ``calibrate``.
    spec : CalibrationSpec, path or None
        Its ``weather`` (measured weather of the period), ``meters`` and ``fit.interval``
        are used; its free fields and periods are not.
    period : (first, last) dates, optional
        The days judged, local time, within one calendar year; default: every metered day
        (which must then lie in one year).
    calibrated : str or Path, optional
        ``calibrate``'s output folder or its ``calibrated.yaml``: merged onto the scenario.

    Returns
    -------
    CalibrationResult
        Metrics, paired series and cleaning report; ``.write(out_dir)`` saves them.
    """
    started = time.perf_counter()
    spec = spec if isinstance(spec, CalibrationSpec) else load_spec(spec)
    overlay_path = _overlay_path(calibrated)
    base = load_scenario(scenario_path).model_dump(mode="json")
    problem = _problem(scenario_path, base, _overlay(overlay_path), meters_path, map_path,
                       spec, period)
    try:
        first, last = problem.periods.evaluation
        runs = {"after": simulate(problem, {}, first, last)}
        metrics = {"scenario": str(scenario_path), "calibrated": _text(overlay_path),
                   "fit_interval": problem.interval,
                   "periods": {PERIOD: [str(first), str(last)]},
                   "meters": meter_metrics(problem, runs),
                   "cleaning": problem.data.report.to_dict(), "weather": weather_info(problem)}
        add_pv_uncertainty(metrics, problem)
        if calibrated is not None and Path(calibrated).is_dir():
            metrics["regime"] = regimes_from_folder(Path(calibrated), problem)
        summary = {"kind": PERIOD, "calibrated": metrics["calibrated"],
                   "weather": _text(spec.weather.path) if spec.weather else "the scenario's",
                   "seconds": time.perf_counter() - started}
        metrics["fit"] = summary
        return CalibrationResult({}, {}, [], {}, metrics, series_table(problem, runs), summary,
                                 str(scenario_path), problem.weather, problem.data.units)
    finally:
        if problem.workdir is not None:
            problem.workdir.cleanup()


def _problem(scenario_path, base: dict, overlay: dict, meters_path, map_path,
             spec: CalibrationSpec, period) -> FitProblem:
    """The scenario moved to the evaluated year, the meters read, the weather attached."""
    data = load_meters(meters_path, map_path, base["site"]["timezone"], spec.keep)
    data = _select(data, spec)
    measured, native = _native(data)
    period = _period(period, measured, spec.source)
    raw = deep_merge(base, overlay)
    raw["period"] = {"year": period[0].year}
    folder = Path(scenario_path).resolve().parent
    sc = validate(raw, str(scenario_path), folder)
    targets = resolve_targets(sc, data.mapping)
    problem = FitProblem(sc, sc.model_dump(mode="json"), str(scenario_path), folder, data,
                         targets, measured, native, _interval(spec, native),
                         EvaluationPeriod(period), [], {}, spec)
    if spec.weather is not None:
        _attach_weather(problem)
    screen_pv(problem)
    return problem


def _overlay_path(calibrated: str | Path | None) -> Path | None:
    """``calibrated.yaml`` of an output folder, or the file itself; checked to exist."""
    if calibrated is None:
        return None
    path = Path(calibrated)
    path = path / "calibrated.yaml" if path.is_dir() else path
    if not path.is_file():
        raise InputError(Problem(str(path), "--calibrated", "file not found (give the folder "
                                 "park-twin calibrate wrote, or its calibrated.yaml)"))
    return path


def _overlay(path: Path | None) -> dict:
    """The fitted fields (a mapping of scenario keys), or {} without an overlay."""
    if path is None:
        return {}
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(Problem(str(path), "(file)", f"cannot read YAML: {exc}")) from exc
    if not isinstance(doc, dict):
        raise InputError(Problem(str(path), "(file)", "expected a mapping of scenario fields"))
    return doc


def _period(period, measured: pd.DataFrame, source: str) -> tuple[dt.date, dt.date]:
    """The evaluated days: given (checked against the readings) or every metered day."""
    have = measured.dropna(how="all").index
    if len(have) == 0:
        raise InputError(Problem(source, "meters", "no meter reading survived cleaning"))
    days = pd.DatetimeIndex(sorted(set(have.tz_localize(None).normalize())))
    first, last = period or (days[0].date(), days[-1].date())
    field = "--period" if period else "meters"
    if first.year != last.year:
        raise InputError(Problem("(command line)", field, f"{first}..{last} spans two calendar "
                                 "years; the twin simulates one (give --period within a year)"))
    if not ((days >= pd.Timestamp(first)) & (days <= pd.Timestamp(last))).any():
        raise InputError(Problem("(command line)", field, f"{first}..{last} has no overlap with "
                                 f"the meter readings ({days[0]:%Y-%m-%d}..{days[-1]:%Y-%m-%d})"))
    return first, last


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """``FIRST:LAST`` ISO dates as a window (one line naming ``--period`` if malformed)."""
    try:
        first, last = (dt.date.fromisoformat(p) for p in text.split(":"))
    except ValueError:
        raise InputError(Problem("(command line)", "--period", f"expected FIRST:LAST dates such "
                                 f"as 2022-01-01:2022-12-31, got {text!r}")) from None
    if last < first:
        raise InputError(Problem("(command line)", "--period", f"last day {last} before first "
                                 f"{first}"))
    return first, last


def _text(path) -> str | None:
    return None if path is None else str(path)
