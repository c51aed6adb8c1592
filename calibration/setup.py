"""Set up a calibration: scenario, meters, targets, weather, periods and free fields, checked.

Every problem with the user's files is a :class:`twin.errors.InputError` naming file, field
and id, raised before any fitting starts.
"""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from calibration.cleaning import INTERVALS, aggregate
from calibration.fields import FreeField, default_bounds, get_value, is_integer
from calibration.meters import MeterData, load_meters
from calibration.spec import CalibrationSpec, Periods
from calibration.targets import Target, resolve_targets
from calibration.weather import build_weather, write_weather_csv
from twin.errors import InputError, Problem
from twin.network.inputs import resolve_path
from twin.scenario.load import load_scenario
from twin.schema.scenario import Scenario

NAMES = {rule: name for name, rule in INTERVALS.items()}  # 'h' -> 'hourly'
ORDER = ["hourly", "daily", "monthly"]


@dataclass
class FitProblem:
    """Everything a fit needs, validated (``measured``: per meter at ``native`` interval)."""

    scenario: Scenario
    raw: dict
    source: str
    base_dir: Path
    data: MeterData
    targets: dict[str, Target]
    measured: pd.DataFrame
    native: str
    interval: str
    periods: Periods
    free: list[FreeField]
    start: dict[str, float]
    spec: CalibrationSpec
    weather: pd.DataFrame | None = None
    workdir: tempfile.TemporaryDirectory | None = field(default=None, repr=False)
    raw_before: dict | None = field(default=None, repr=False)  # the scenario before learning
    learned: object | None = None  # calibration.learn.Learned: the models learned from meters

    @property
    def year(self) -> int:
        """The simulated calendar year."""
        return self.scenario.period.year

    def window(self, first: dt.date, last: dt.date) -> pd.DataFrame:
        """Measured readings (native interval) of the days first..last, local time."""
        tz = self.measured.index.tz
        start = pd.Timestamp(first).tz_localize(tz)
        stop = pd.Timestamp(last + dt.timedelta(days=1)).tz_localize(tz)
        idx = self.measured.index
        return self.measured[(idx >= start) & (idx < stop)]


def prepare(scenario_path: str | Path, meters_path: str | Path, map_path: str | Path,
            spec: CalibrationSpec, periods: Periods | None = None) -> FitProblem:
    """Load and check everything; build the weather file if the spec has one."""
    sc = load_scenario(scenario_path)
    data = _select(load_meters(meters_path, map_path, sc.site.timezone, spec.keep), spec)
    targets = resolve_targets(sc, data.mapping)
    raw = _pinned(sc, sc.model_dump(mode="json"), weather_given=spec.weather is not None)
    measured, native = _native(data)
    interval = _interval(spec, native)
    periods = _periods(periods or spec.periods, measured, sc, spec.source)
    problem = FitProblem(sc, raw, str(scenario_path), Path(scenario_path).resolve().parent,
                         data, targets, measured, native, interval, periods, [], {}, spec)
    if spec.weather is not None:
        _attach_weather(problem)
    if spec.learn:
        free = _learn(problem)
    else:
        free = spec.free or default_free(sc, targets, data, interval)
    problem.free, problem.start = _free_fields(free, problem.raw, spec.source)
    _check_points(problem)
    return problem


def _pinned(sc: Scenario, raw: dict, weather_given: bool = False) -> dict:
    """``raw`` with the scenario's weather and profile files resolved now, inside its folder.

    The fit validates changed copies with ``allow_outside`` (the measured weather it writes
    lies in a temporary folder), so the scenario's own files are checked here, once, as the
    scenario was loaded: a path outside its folder is refused before any fitting. Where the
    spec gives measured weather (``weather_given``), it replaces the scenario's, which is then
    never read.
    """
    weather = sc.site.weather
    if weather.source != "synthetic" and not weather_given:
        raw["site"]["weather"]["path"] = str(resolve_path(sc, weather.path, "site.weather.path"))
    for ent, item in zip(sc.enterprises, raw["enterprises"], strict=True):
        if ent.profile:
            item["profile"] = str(resolve_path(sc, ent.profile, f"enterprises[{ent.id}].profile"))
    return raw


def _learn(problem: FitProblem) -> dict:
    """Learn the meters' demand models into ``problem.raw``; the fields left free.

    Those are the spec's, else the defaults of the meters no model was learned for (PV
    losses ...; a boiler whose gas taught its enterprise's heat keeps its efficiency).
    """
    from calibration.learn import learn  # learn builds on this module

    problem.raw_before = copy.deepcopy(problem.raw)
    problem.learned = learn(problem)
    if problem.spec.free:
        return problem.spec.free
    rest = [m for m in problem.targets if m not in problem.learned.meters]
    if not rest:
        return {}
    mapping = replace(problem.data.mapping, meters={m: problem.data.mapping.meters[m] for m in rest})
    return default_free(problem.scenario, problem.targets, replace(problem.data, mapping=mapping),
                        problem.interval)


def _select(data: MeterData, spec: CalibrationSpec) -> MeterData:
    """Only the meters the spec names (all when it names none)."""
    if not spec.meters:
        return data
    unknown = [m for m in spec.meters if m not in data.mapping.meters]
    if unknown:
        raise InputError([Problem(spec.source, "meters", f"meter {m!r} is not in the mapping "
                                  f"{data.mapping.path}", m) for m in unknown])
    mapping = replace(data.mapping, meters={m: data.mapping.meters[m] for m in spec.meters})
    return replace(data, frame=data.frame[list(spec.meters)], mapping=mapping)


def _native(data: MeterData) -> tuple[pd.DataFrame, str]:
    """Readings at the twin's resolution at least (sub-hourly data summed to hours)."""
    if data.interval in ("h", "D", "MS"):
        return data.frame, data.interval
    hourly, _ = data.aggregate("hourly")
    return hourly, "h"


def _interval(spec: CalibrationSpec, native: str) -> str:
    """Fit interval: the spec's, else the native one (never finer than the data)."""
    wanted = spec.fit.interval or NAMES[native]
    if ORDER.index(wanted) < ORDER.index(NAMES[native]):
        raise InputError(Problem(spec.source, "fit.interval", f"{wanted} is finer than the "
                                 f"meters' {NAMES[native]} readings"))
    return wanted


def _periods(periods: Periods | None, measured: pd.DataFrame, sc: Scenario,
             source: str) -> Periods:
    """Given periods, checked against the simulated year and the data, or the default split."""
    year = sc.period.year
    have = measured.dropna(how="all").index
    if len(have) == 0:
        raise InputError(Problem(source, "periods", "no meter reading survived cleaning"))
    days = pd.DatetimeIndex(sorted(set(have.tz_localize(None).normalize())))
    if periods is None:
        days = days[days.year == year]
        if len(days) < 2:
            raise InputError(Problem(source, "periods", f"the meters have no readings in the "
                                     f"simulated year {year}; set period.year in the scenario"))
        split = days[0] + (days[-1] - days[0]) * 0.75
        cal = (days[0].date(), split.normalize().date())
        return Periods(cal, (cal[1] + dt.timedelta(days=1), days[-1].date()))
    for name, (first, last) in periods.items():
        inside = days[(days >= pd.Timestamp(first)) & (days <= pd.Timestamp(last))]
        if last.year < year or first.year > year:
            raise InputError(Problem(source, f"periods.{name}", f"{first}..{last} has no overlap "
                                     f"with the simulation (year {year})"))
        if first.year != year or last.year != year:
            raise InputError(Problem(source, f"periods.{name}", f"{first}..{last} reaches beyond "
                                     f"the simulated year {year}"))
        if len(inside) == 0:
            raise InputError(Problem(source, f"periods.{name}", f"{first}..{last} has no overlap "
                                     f"with the meter readings ({days[0]:%Y-%m-%d}.."
                                     f"{days[-1]:%Y-%m-%d})"))
    return periods


def default_free(sc: Scenario, targets: dict[str, Target], data: MeterData,
                 interval: str) -> dict[str, None]:
    """Fields freed when the spec names none, from each meter's target (default bounds).

    Electricity of an enterprise: annual demand, weekend and holiday levels; with hourly
    data also base load and shift hours; with daily data the Spring Festival depth where
    Chinese holidays apply. Heat: annual heat, space-heat share, heating balance point.
    PV and wind: losses. Boilers: efficiency. Grid meters free nothing by themselves.
    """
    free: dict[str, None] = {}
    ents = {e.id: e for e in sc.enterprises}
    for spec in data.mapping.meters.values():
        kind, _, rest = spec.target.partition(".")
        if kind == "enterprise":
            ent_id, carrier = rest.rsplit(".", 1)
            cn = ents[ent_id].calendar.public_holidays == "cn"
            free.update(dict.fromkeys(_enterprise_fields(ent_id, carrier, interval, cn)))
        elif kind == "asset":
            asset = next(a for a in sc.assets if a.id == rest)
            name = "efficiency_frac" if asset.type == "boiler" else "losses_frac"
            if hasattr(asset, name):
                free[f"assets[{asset.id}].{name}"] = None
    if not free:
        raise InputError(Problem(data.mapping.path, "meters", "no default free fields for "
                                 "these targets; list them under free: in the spec"))
    return free


def _enterprise_fields(ent_id: str, carrier: str, interval: str, cn: bool) -> list[str]:
    """Default free fields of one enterprise meter."""
    base = f"enterprises[{ent_id}]."
    if carrier == "heat":
        names = ["demand.heat_mwh", "temperature.space_heat_frac",
                 "temperature.heating_balance_c"]
    else:
        names = ["demand.electricity_mwh", "calendar.weekend_load_frac",
                 "calendar.holiday_load_frac"]
        if interval == "hourly":
            names += ["base_load_frac", "shift_hours.0", "shift_hours.1"]
        if interval == "daily" and cn:
            names += ["calendar.spring_festival_load_frac"]
    return [base + n for n in names]


def _free_fields(free: dict, raw: dict, source: str) -> tuple[list[FreeField], dict]:
    """Bounds and start value of every free field; problems reported together."""
    fields, start, problems = [], {}, []
    for path, bounds in free.items():
        try:
            value = get_value(raw, path)
            lower, upper, integer = default_bounds(path, value) if bounds is None else (
                bounds[0], bounds[1], is_integer(path))
        except (KeyError, ValueError) as exc:
            problems.append(Problem(source, f"free.{path}", str(exc.args[0])))
            continue
        value = (lower + upper) / 2 if value is None else min(max(value, lower), upper)
        fields.append(FreeField(path, float(lower), float(upper), integer))
        start[path] = float(round(value) if integer else value)
    if problems:
        raise InputError(problems)
    return fields, start


def _check_points(problem: FitProblem) -> None:
    """At least one more reading than free fields in the calibration period."""
    first, last = problem.periods.calibration
    native = problem.window(first, last)
    rule = INTERVALS[problem.interval]
    counted = native if rule == problem.native else aggregate(native, problem.interval,
                                                              problem.native)[0]
    n = int(counted.notna().sum().sum())
    if n <= len(problem.free):
        raise InputError(Problem(problem.spec.source, "periods.calibration", f"{n} "
                                 f"{problem.interval} readings in {first}..{last} are too few for "
                                 f"{len(problem.free)} free fields (need more readings than "
                                 "fields)"))


def _attach_weather(problem: FitProblem) -> None:
    """Build the measured weather year, write it to a temporary folder, point the raw at it."""
    wx = problem.spec.weather
    if wx.path is None:
        raise InputError(Problem(problem.spec.source, "weather.path", "required (or pass "
                                 "--weather FILE)"))
    frame = build_weather(wx, problem.scenario.site, problem.year,
                          [w for _, w in problem.periods.items()])
    problem.workdir = tempfile.TemporaryDirectory(prefix="park-twin-calibration-")
    path = write_weather_csv(frame, Path(problem.workdir.name) / "weather.csv")
    problem.raw["site"]["weather"] = {"source": "csv", "path": str(path)}
    problem.weather = frame
