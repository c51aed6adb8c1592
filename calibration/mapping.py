"""The meter mapping file: which meter of a data file is which model output, in which unit.

A YAML file (read by the bounded ``twin.scenario.yaml_reader``)::

    timezone: Europe/London     # required: of the time stamps in the data file(s);
                                # IANA name, 'UTC' or a fixed offset such as '+08:00'
    layout: wide                # optional: long | wide (default: long when the file has
                                # the meter and value columns, else wide)
    columns:                    # optional: column names of the data file(s)
      timestamp: datetime       #   default 'timestamp'
      meter: meter              #   long form only, default 'meter'
      value: value              #   long form only, default 'value'
      unit: unit                #   long form only, optional column, default 'unit'
    timestamp_format: null      # optional strftime format (inferred if absent)
    interval: null              # optional native interval: 15min, 30min, h, D, MS or
                                # hourly/daily/monthly (inferred if absent)
    label: start                # optional: the time stamp marks the start | end of its interval
    zeros_are_missing: false    # optional default for every meter
    duplicates: mean            # optional: mean | first
    outlier_k: 10               # optional: outlier threshold in robust sigmas, null = off
    ignore_unmapped: false      # optional: meters of a file that the mapping does not name
                                # are an error, unless true (then listed in the report)
    meters:                     # required, at least one
      b0_el:                    # meter id (the column name of the cleaned frame)
        target: enterprise.b0.electricity   # required: enterprise.<id>.<carrier>,
                                # grid.import, grid.export or asset.<id>
        unit: kWh               # required unless the long file has a unit column
        source: "equipment load [kWh]"  # optional: column (wide) or meter id (long)
                                # in the file; default the meter id
        file: b0_el_2019.csv    # optional: data file, relative to the data folder (the
                                # data path if it is a folder, else its folder; no absolute
                                # or ../ paths: files lie inside that folder); without
                                # it the meter is read from the data path itself
        zeros_are_missing: true # optional, overrides the default
        model_unit: MWh         # optional, asset targets only (default MWh)

Readings are converted to the unit the model produces for the target: the carrier's unit
(``twin/data/carriers.csv``: MWh for electricity and heat, m3 for natural gas), MWh for
``grid.*``, ``model_unit`` (default MWh) for ``asset.*``. Only the shape of a target is
checked here (plus its carrier, which fixes the unit); enterprise and asset ids are resolved
against a scenario by the fitting step. Several meters may share a target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from calibration.cleaning import (
    DUPLICATE_POLICIES,
    INTERVALS,
    is_known_unit,
    known_units,
    unit_factor,
)
from twin.errors import InputError, Problem
from twin.scenario.yaml_reader import read_yaml
from twin.units import carriers

TOP_KEYS = {"timezone", "layout", "columns", "timestamp_format", "interval", "label",
            "zeros_are_missing", "duplicates", "outlier_k", "ignore_unmapped", "meters"}
METER_KEYS = {"target", "unit", "source", "file", "zeros_are_missing", "model_unit"}
COLUMN_DEFAULTS = {"timestamp": "timestamp", "meter": "meter", "value": "value", "unit": "unit"}
TARGET = re.compile(
    r"^(?:enterprise\.[\w-]+\.(?P<carrier>\w+)|grid\.(?:import|export)|(?P<asset>asset)\.[\w-]+)$"
)
OFFSET = re.compile(r"^(?:UTC)?([+-])(\d{2}):?(\d{2})$")


@dataclass(frozen=True)
class MeterSpec:
    """One meter of the mapping; ``model_unit`` is the unit of the cleaned readings."""

    id: str
    target: str
    model_unit: str
    source: str
    unit: str | None = None
    file: str | None = None
    zeros_are_missing: bool = False


@dataclass(frozen=True)
class MeterMap:
    """A validated mapping file (see the module docstring for the format)."""

    path: str
    timezone: tzinfo
    meters: dict[str, MeterSpec]
    layout: str | None = None
    columns: dict[str, str] = field(default_factory=lambda: dict(COLUMN_DEFAULTS))
    timestamp_format: str | None = None
    interval: str | None = None
    label: str = "start"
    duplicates: str = "mean"
    outlier_k: float | None = 10.0
    ignore_unmapped: bool = False
    zeros_are_missing: bool = False


def parse_timezone(text: str) -> tzinfo:
    """Time zone from an IANA name, ``UTC`` or a fixed offset (``+08:00``, ``UTC-05``)."""
    if text is None:
        raise ValueError("required: time zone of the time stamps (IANA name, UTC or +HH:MM)")
    match = OFFSET.match(str(text).strip())
    if match:
        sign = 1 if match.group(1) == "+" else -1
        return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))
    try:
        return ZoneInfo(str(text).strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {text!r} (use an IANA name, UTC or +HH:MM)") from exc


def normalise_interval(text: str) -> str:
    """Pandas rule of a native interval (``hourly`` -> ``h``, ``1h`` -> ``h``, ``MS``)."""
    rule = INTERVALS.get(str(text), str(text))
    if rule in ("MS", "D"):
        return rule
    step = pd.Timedelta(pd.tseries.frequencies.to_offset(rule))
    if step > pd.Timedelta(days=1) or pd.Timedelta(days=1) % step != pd.Timedelta(0):
        raise ValueError(f"unsupported interval {text!r} (15min..1 day dividing a day, or MS)")
    return pd.tseries.frequencies.to_offset(step).freqstr


def load_mapping(path: str | Path) -> MeterMap:
    """Read and validate a mapping file; every problem is reported at once.

    Raises
    ------
    twin.errors.InputError
        One line per problem, naming the file, the key and the meter id.
    """
    file = str(path)
    doc = read_yaml(path)
    problems: list[Problem] = []
    options = _options(file, doc, problems)
    meters = _meters(file, doc.get("meters"), options, problems)
    if problems:
        raise InputError(problems)
    return MeterMap(path=file, meters=meters, **options)


def _options(file: str, doc: dict, problems: list[Problem]) -> dict:
    """Validate the top-level keys; return MeterMap keyword arguments (without meters)."""
    for key in sorted(set(doc) - TOP_KEYS):
        problems.append(Problem(file, key, f"unknown key; expected one of {sorted(TOP_KEYS)}"))
    out = {}
    for key, check in CHECKS.items():
        try:
            out[key] = check(doc.get(key, DEFAULTS.get(key)))
        except (ValueError, TypeError) as exc:
            problems.append(Problem(file, key, str(exc)))
    return out


def _choice(value, allowed: tuple):
    """Return ``value`` if it is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{value!r} is not one of {list(allowed)}")
    return value


def _positive(value) -> float:
    """A positive number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"expected a positive number or null, got {value!r}")
    return float(value)


def _str_dict(value) -> dict[str, str]:
    """A mapping of known column roles to column names."""
    if not isinstance(value, dict) or set(value) - set(COLUMN_DEFAULTS):
        raise ValueError(f"expected a mapping with keys among {sorted(COLUMN_DEFAULTS)}")
    return {str(k): str(v) for k, v in value.items()}


DEFAULTS = {"layout": None, "columns": {}, "timestamp_format": None, "interval": None,
            "label": "start", "duplicates": "mean", "outlier_k": 10.0, "ignore_unmapped": False,
            "zeros_are_missing": False}
CHECKS = {
    "timezone": parse_timezone,
    "layout": lambda v: _choice(v, (None, "long", "wide")),
    "columns": lambda v: {**COLUMN_DEFAULTS, **_str_dict(v)},
    "timestamp_format": lambda v: None if v is None else str(v),
    "interval": lambda v: None if v is None else normalise_interval(v),
    "label": lambda v: _choice(v, ("start", "end")),
    "duplicates": lambda v: _choice(v, DUPLICATE_POLICIES),
    "outlier_k": lambda v: None if v is None else _positive(v),
    "ignore_unmapped": lambda v: _choice(v, (False, True)),
    "zeros_are_missing": lambda v: _choice(v, (False, True)),
}


def _meters(file: str, raw, options: dict, problems: list[Problem]) -> dict[str, MeterSpec]:
    """Validate the ``meters`` section."""
    if not isinstance(raw, dict) or not raw:
        problems.append(Problem(file, "meters", "required: a mapping of meter id -> target"))
        return {}
    meters = {}
    for key, entry in raw.items():
        meter_id = str(key)
        spec = _meter(file, meter_id, entry, options, problems)
        if spec is not None:
            meters[meter_id] = spec
    return meters


def _meter(file: str, meter_id: str, entry, options: dict,
           problems: list[Problem]) -> MeterSpec | None:
    """Validate one meter entry; append problems, return None if it is unusable."""
    here = f"meters.{meter_id}"
    if not isinstance(entry, dict):
        problems.append(Problem(file, here, "expected a mapping with target and unit", meter_id))
        return None
    for key in sorted(set(entry) - METER_KEYS):
        problems.append(Problem(file, f"{here}.{key}",
                                f"unknown key; expected one of {sorted(METER_KEYS)}", meter_id))
    try:
        model_unit = model_unit_of(str(entry.get("target", "")), entry.get("model_unit"))
    except ValueError as exc:
        problems.append(Problem(file, f"{here}.target", str(exc), meter_id))
        return None
    unit = entry.get("unit")
    if unit is not None and unit_factor(str(unit), model_unit) is None:
        problems.append(Problem(file, f"{here}.unit", unit_problem(str(unit), model_unit),
                                meter_id))
    zeros = entry.get("zeros_are_missing", options.get("zeros_are_missing", False))
    return MeterSpec(id=meter_id, target=str(entry["target"]), model_unit=model_unit,
                     source=str(entry.get("source", meter_id)),
                     unit=None if unit is None else str(unit),
                     file=None if entry.get("file") is None else str(entry["file"]),
                     zeros_are_missing=bool(zeros))


def model_unit_of(target: str, model_unit: str | None = None) -> str:
    """Unit the model produces for ``target`` (raises ValueError for a malformed target)."""
    match = TARGET.match(target)
    if match is None:
        raise ValueError("expected enterprise.<id>.<carrier>, grid.import, grid.export or "
                         f"asset.<id>, got {target!r}")
    if match.group("asset"):
        return str(model_unit or "MWh")
    carrier = match.group("carrier")
    if carrier is not None and carrier not in carriers():
        raise ValueError(f"unknown carrier {carrier!r}; expected one of {sorted(carriers())}")
    derived = "MWh" if carrier is None else carriers()[carrier]
    if model_unit not in (None, derived):
        raise ValueError(f"model_unit {model_unit!r} contradicts the target's unit {derived!r}")
    return derived


def unit_problem(unit: str, model_unit: str) -> str:
    """Message for a unit that cannot be converted to ``model_unit``."""
    if not is_known_unit(unit):
        return f"unknown unit {unit!r}; expected one of {known_units()}"
    return f"cannot convert {unit!r} to the model unit {model_unit!r}"
