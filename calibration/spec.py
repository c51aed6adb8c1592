"""The calibration spec: which fields are free, the periods, the weather, fit options.

A YAML file (read by the bounded ``twin.scenario.yaml_reader``), every section optional::

    free:                                         # field path -> [lower, upper] or empty
      enterprises[b0].demand.electricity_mwh: [50, 1000]
      enterprises[b0].base_load_frac:             # empty: default bounds (calibration.fields)
      enterprises[b0].shift_hours.start:          # whole hours, searched on a grid
    meters: [b0_el, b0_gas]                       # optional: the mapping's meters to fit
                                                  # and judge (default: all)
    periods:                                      # inclusive dates, local time of the site
      calibration: [2019-01-01, 2019-09-30]
      validation: [2019-10-01, 2019-12-31]        # optional
    weather:                                      # measured weather replacing the scenario's
      path: bedford_2019.csv                      # in this file's folder, or --weather
      timezone: UTC                               # of its time stamps (IANA, UTC, +HH:MM)
      label: end                                  # stamps mark the start (default) or end
                                                  # of their interval (Met Office hourly)
      columns: {timestamp: datetime, temp_air_c: "air_temperature [degC]",
                ghi_w_m2: "glbl_irad_amt [W/m2]"}
    model:                                        # demand models learned from the meters
      learn: true                                 # default: true when free is empty
      terms: [heating, cooling]                   # temperature terms allowed (narrow: [])
      heating_balance_c: [0, 24]                  # balance points searched [degC]
      cooling_balance_c: [8, 30]
      level_steps: true                           # detect a step in level by BIC (a dated
                                                  # capacity change; not where dates are given)
    keep: [stuck]                                 # data-quality screens whose values are
                                                  # kept for fitting (calibration.screening);
                                                  # default none: all screened values excluded
    fit:
      interval: hourly                            # hourly | daily | monthly; default: the
                                                  # meters' interval (15-min data: hourly)
      max_evals: 400                              # model runs the whole fit may use
      rounds: 3                                   # alternations of gradient and grid search
      metrics_n_params: 1                         # p of Guideline 14's n - p on the
                                                  # calibration period (validation: 0)
      bias_weight: 3                              # weight of NMBE against CV(RMSE) in the
                                                  # cost (0: plain least squares)

``free`` may also be a list of paths (all with default bounds). Without ``free`` (or with
``model: {learn: true}``) each enterprise meter's demand model is selected and learned from
its readings (``calibration.learn``), and only the assets' defaults (PV losses ...) stay
free; ``free`` fields are then fitted on top of the learned models. ``learn: false``
without ``free`` frees the defaults of each meter's target (``calibration.setup.default_free``); without
``periods`` the first three quarters of the metered days calibrate and the rest validate.
See ``calibration.weather`` for the weather columns (daily ``temp_max_c``/``temp_min_c``,
plane-of-array ``poa_w_m2`` ...).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from calibration.cleaning import INTERVALS
from calibration.fields import canonical
from calibration.mapping import parse_timezone
from calibration.screening import keep_screens
from twin.errors import InputError, Problem
from twin.scenario.load import inside
from twin.scenario.yaml_reader import read_yaml

TOP_KEYS = {"free", "meters", "periods", "weather", "fit", "model", "keep"}
MODEL_KEYS = {"learn", "terms", "heating_balance_c", "cooling_balance_c", "level_steps"}
TERMS = ("heating", "cooling")
WEATHER_KEYS = {"path", "timezone", "label", "columns", "poa_tilt_deg", "poa_azimuth_deg",
                "wind_speed_m_s"}
FIT_KEYS = {"interval", "max_evals", "rounds", "metrics_n_params", "bias_weight"}


@dataclass(frozen=True)
class Periods:
    """Calibration and (optional) validation windows, inclusive dates."""

    calibration: tuple[dt.date, dt.date]
    validation: tuple[dt.date, dt.date] | None = None

    def items(self) -> list[tuple[str, tuple[dt.date, dt.date]]]:
        """(name, window) of each period present."""
        out = [("calibration", self.calibration)]
        return out + ([("validation", self.validation)] if self.validation else [])


@dataclass(frozen=True)
class WeatherSpec:
    """A measured weather file and how to read it (see ``calibration.weather``)."""

    path: Path | None
    timezone: str
    columns: dict[str, str]
    label: str = "start"
    poa_tilt_deg: float = 30.0
    poa_azimuth_deg: float = 180.0
    wind_speed_m_s: float = 2.0


@dataclass(frozen=True)
class FitOptions:
    """Least-squares settings."""

    interval: str | None = None
    max_evals: int = 400
    rounds: int = 3
    metrics_n_params: int = 1
    bias_weight: float = 3.0


@dataclass(frozen=True)
class ModelOptions:
    """Learned demand models (``calibration.selection``): on or off, terms, search ranges."""

    learn: bool | None = None  # None: learn when the spec frees no field
    terms: tuple[str, ...] = TERMS
    heating_balance_c: tuple[float, float] = (0.0, 24.0)
    cooling_balance_c: tuple[float, float] = (8.0, 30.0)
    level_steps: bool = True  # detect a step in level (a dated capacity change) by BIC


@dataclass(frozen=True)
class CalibrationSpec:
    """A validated calibration spec (``free``: canonical path -> bounds or None)."""

    free: dict[str, tuple[float, float] | None] = field(default_factory=dict)
    meters: tuple[str, ...] = ()
    periods: Periods | None = None
    weather: WeatherSpec | None = None
    fit: FitOptions = field(default_factory=FitOptions)
    source: str = "(spec)"
    model: ModelOptions = field(default_factory=ModelOptions)
    keep: tuple[str, ...] = ()

    @property
    def learn(self) -> bool:
        """True when demand models are learned from the meters."""
        return not self.free if self.model.learn is None else self.model.learn


def load_spec(path: str | Path | None) -> CalibrationSpec:
    """Read and validate a spec file (None: all defaults); every problem at once."""
    if path is None:
        return CalibrationSpec()
    file = str(path)
    doc = read_yaml(path, empty_ok=True)
    return spec_from_dict(doc, file, Path(path).resolve().parent)


def spec_from_dict(doc: dict, source: str = "(spec)", base_dir: Path | None = None
                   ) -> CalibrationSpec:
    """Validate a spec mapping.

    With ``base_dir`` (a spec file's folder) the weather path must lie inside it; without
    (a mapping given in Python) it resolves against the working folder, unconfined.
    """
    if not isinstance(doc, dict):
        raise InputError(Problem(source, "(file)", f"expected a mapping with {sorted(TOP_KEYS)}"))
    problems = [Problem(source, k, f"unknown key; expected one of {sorted(TOP_KEYS)}")
                for k in sorted(set(doc) - TOP_KEYS, key=str)]
    free = _free(doc.get("free"), source, problems)
    periods = _periods(doc.get("periods"), source, problems)
    weather = _weather(doc.get("weather"), source, base_dir, problems)
    fit = _fit(doc.get("fit") or {}, source, problems)
    model = _model(doc.get("model") or {}, source, problems)
    meters = doc.get("meters") or []
    if not isinstance(meters, list):
        problems.append(Problem(source, "meters", "expected a list of meter ids of the mapping"))
        meters = []
    keep = keep_screens(doc.get("keep") or [], source, "keep", problems)
    if problems:
        raise InputError(problems)
    return CalibrationSpec(free, tuple(str(m) for m in meters), periods, weather, fit, source,
                           model, keep)


def _free(raw, source: str, problems: list[Problem]) -> dict:
    """``free`` as canonical path -> (lower, upper) or None."""
    if raw is None:
        return {}
    entries = {str(p): None for p in raw} if isinstance(raw, list) else raw  # items may be lists
    if not isinstance(entries, dict):
        problems.append(Problem(source, "free", "expected a mapping of field path -> "
                                "[lower, upper] (or empty), or a list of field paths"))
        return {}
    out = {}
    for key, bounds in entries.items():
        try:
            path = canonical(str(key))
        except ValueError as exc:
            problems.append(Problem(source, f"free.{key}", str(exc)))
            continue
        if bounds is not None and not _is_bounds(bounds):
            problems.append(Problem(source, f"free.{key}", f"expected [lower, upper] with "
                                    f"lower < upper, or empty, got {bounds!r}"))
            continue
        out[path] = None if bounds is None else (float(bounds[0]), float(bounds[1]))
    return out


def _is_bounds(value) -> bool:
    """True for [lower, upper] numbers with lower < upper."""
    return (isinstance(value, list | tuple) and len(value) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
            and value[0] < value[1])


def _date(value) -> dt.date:
    """A date from YAML (already a date, or ISO text)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _window(raw, source: str, key: str, problems: list[Problem]):
    """One [first, last] window of dates, or None (with a problem) if malformed."""
    try:
        first, last = (_date(v) for v in raw)
    except (TypeError, ValueError):
        problems.append(Problem(source, f"periods.{key}", f"expected [first, last] ISO dates "
                                f"such as [2019-01-01, 2019-09-30], got {raw!r}"))
        return None
    if last < first:
        problems.append(Problem(source, f"periods.{key}", f"last day {last} before first {first}"))
        return None
    return first, last


def _periods(raw, source: str, problems: list[Problem]) -> Periods | None:
    """``periods`` with a calibration and an optional validation window."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or "calibration" not in raw or set(raw) - {
            "calibration", "validation"}:
        problems.append(Problem(source, "periods", "expected calibration: [first, last] and "
                                "optionally validation: [first, last]"))
        return None
    cal = _window(raw["calibration"], source, "calibration", problems)
    val = _window(raw["validation"], source, "validation", problems) if raw.get(
        "validation") is not None else None
    if cal and val and not (val[0] > cal[1] or val[1] < cal[0]):
        problems.append(Problem(source, "periods.validation", "overlaps the calibration period"))
    return Periods(cal, val) if cal else None


def _weather(raw, source: str, base_dir: Path | None, problems: list[Problem]
             ) -> WeatherSpec | None:
    """``weather``: file, time zone and column names."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("columns"), dict):
        problems.append(Problem(source, "weather", "expected timezone, columns (timestamp, "
                                "temp_air_c or temp_max_c/temp_min_c, ...) and optionally path"))
        return None
    for key in sorted(set(raw) - WEATHER_KEYS):
        problems.append(Problem(source, f"weather.{key}", f"unknown key; expected one of "
                                f"{sorted(WEATHER_KEYS)}"))
    try:
        parse_timezone(raw.get("timezone"))
    except ValueError as exc:
        problems.append(Problem(source, "weather.timezone", str(exc)))
    path = None if raw.get("path") is None else _weather_path(str(raw["path"]), source, base_dir,
                                                             problems)
    label = raw.get("label", "start")
    if label not in ("start", "end"):
        problems.append(Problem(source, "weather.label", f"{label!r} is not start or end"))
    numbers = {k: float(raw[k]) for k in ("poa_tilt_deg", "poa_azimuth_deg", "wind_speed_m_s")
               if isinstance(raw.get(k), int | float)}
    return WeatherSpec(path, str(raw.get("timezone")),
                       {str(k): str(v) for k, v in raw["columns"].items()}, str(label),
                       **numbers)


def _weather_path(rel: str, source: str, base_dir: Path | None,
                  problems: list[Problem]) -> Path | None:
    """The weather file, inside the spec's folder (else a problem; --weather may name any)."""
    path = ((base_dir or Path.cwd()) / rel).resolve()
    if base_dir is not None and not inside(path, base_dir):
        problems.append(Problem(source, "weather.path", "must name a file in the spec's folder "
                                "(no absolute or ../ paths; pass other files with --weather)"))
        return None
    return path


def _fit(raw, source: str, problems: list[Problem]) -> FitOptions:
    """``fit`` options."""
    if not isinstance(raw, dict):
        problems.append(Problem(source, "fit", f"expected a mapping with {sorted(FIT_KEYS)}"))
        return FitOptions()
    for key in sorted(set(raw) - FIT_KEYS):
        problems.append(Problem(source, f"fit.{key}", f"unknown key; expected one of "
                                f"{sorted(FIT_KEYS)}"))
    interval = raw.get("interval")
    if interval is not None and interval not in INTERVALS:
        problems.append(Problem(source, "fit.interval", f"{interval!r} is not one of "
                                f"{sorted(INTERVALS)}"))
        interval = None
    counts = {}
    for key, low in (("max_evals", 1), ("rounds", 1), ("metrics_n_params", 0)):
        value = raw.get(key, getattr(FitOptions, key))
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            problems.append(Problem(source, f"fit.{key}", f"expected a whole number >= {low}, "
                                    f"got {value!r}"))
            value = getattr(FitOptions, key)
        counts[key] = value
    weight = raw.get("bias_weight", FitOptions.bias_weight)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
        problems.append(Problem(source, "fit.bias_weight", f"expected a number >= 0, got "
                                f"{weight!r}"))
        weight = FitOptions.bias_weight
    return FitOptions(interval=interval, bias_weight=float(weight), **counts)


def _model(raw, source: str, problems: list[Problem]) -> ModelOptions:
    """``model`` options: learn, terms, balance-point ranges."""
    if not isinstance(raw, dict):
        problems.append(Problem(source, "model", f"expected a mapping with {sorted(MODEL_KEYS)}"))
        return ModelOptions()
    for key in sorted(set(raw) - MODEL_KEYS, key=str):
        problems.append(Problem(source, f"model.{key}", f"unknown key; expected one of "
                                f"{sorted(MODEL_KEYS)}"))
    learn = raw.get("learn")
    if learn is not None and not isinstance(learn, bool):
        problems.append(Problem(source, "model.learn", f"expected true or false, got {learn!r}"))
        learn = None
    terms = raw.get("terms", list(TERMS))
    if not isinstance(terms, list) or set(terms) - set(TERMS):
        problems.append(Problem(source, "model.terms", f"expected a list of {list(TERMS)}, "
                                f"got {terms!r}"))
        terms = list(TERMS)
    ranges = {}
    for key in ("heating_balance_c", "cooling_balance_c"):
        value = raw.get(key, getattr(ModelOptions, key))
        if not _is_bounds(value):
            problems.append(Problem(source, f"model.{key}", f"expected [lower, upper] in degC, "
                                    f"got {value!r}"))
            value = getattr(ModelOptions, key)
        ranges[key] = (float(value[0]), float(value[1]))
    steps = raw.get("level_steps", ModelOptions.level_steps)
    if not isinstance(steps, bool):
        problems.append(Problem(source, "model.level_steps", f"expected true or false, got {steps!r}"))
        steps = ModelOptions.level_steps
    return ModelOptions(learn, tuple(terms), **ranges, level_steps=steps)
