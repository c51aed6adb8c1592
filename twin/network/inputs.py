"""Exogenous inputs as full-year hourly arrays, built once and cached by their inputs.

Weather, solar geometry, PV and wind output per unit, enterprise demand parts,
tariff prices and heat-pump COPs depend only on the scenario data, not on any
decision, so they are computed up front for the whole calendar year (demand is
normalised on the year) and the simulated period is a slice of them.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from twin.catalog.tariffs import hourly_prices, resolve_tariff
from twin.errors import InputError, Problem
from twin.physics import calendar, pv, weather, wind
from twin.schema.assets import PV, Wind
from twin.schema.scenario import Scenario

CACHE_BYTES = 2 * 2**30  # exogenous arrays kept between runs; calibration runs hundreds of variants
T = TypeVar("T")
_CACHE: OrderedDict[tuple, tuple[object, int]] = OrderedDict()


@dataclass(frozen=True)
class TimeAxis:
    """The calendar year and the simulated slice of it."""

    index: pd.DatetimeIndex  # full year, hour-beginning, local time
    start_h: int
    stop_h: int

    @property
    def period(self) -> pd.DatetimeIndex:
        """Hour-beginning timestamps of the simulated hours."""
        return self.index[self.start_h:self.stop_h]

    @property
    def hours(self) -> int:
        """Number of simulated hours."""
        return self.stop_h - self.start_h


def time_axis(sc: Scenario) -> TimeAxis:
    """Hourly axis of the scenario year and the simulated period within it."""
    year = sc.period.year
    index = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="h",
                          tz=sc.site.timezone, inclusive="left")
    start = sc.period.start or dt.date(year, 1, 1)
    start_h = (start - dt.date(year, 1, 1)).days * 24
    days = sc.period.days or (dt.date(year + 1, 1, 1) - start).days
    return TimeAxis(index, start_h, start_h + days * 24)


def cached(key: tuple, make: Callable[[], T]) -> T:
    """Return the cached value for ``key`` or build it with ``make``.

    A least-recently-used cache bounded by the bytes of the arrays it holds.
    """
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key][0]
    value = make()
    _CACHE[key] = (value, nbytes(value))
    while len(_CACHE) > 1 and sum(size for _, size in _CACHE.values()) > CACHE_BYTES:
        _CACHE.popitem(last=False)
    return value


def nbytes(value: object) -> int:
    """Memory held by arrays in ``value`` (arrays, frames, tuples, dataclasses) [bytes]."""
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, pd.DataFrame | pd.Series):
        return int(value.memory_usage(deep=False).sum()) if isinstance(value, pd.DataFrame) else value.nbytes
    if isinstance(value, tuple | list):
        return sum(nbytes(v) for v in value)
    if hasattr(value, "__dataclass_fields__"):
        return sum(nbytes(getattr(value, f)) for f in value.__dataclass_fields__)
    return 0


def weather_key(sc: Scenario) -> tuple:
    """What the weather frame depends on (the file's mtime included)."""
    w, s = sc.site.weather, sc.site
    if w.source == "synthetic":
        return ("synthetic", s.latitude_deg, s.longitude_deg, s.altitude_m, sc.seed, w.site,
                sc.period.year, s.timezone)
    path = resolve_path(sc, w.path, "site.weather.path")
    return (w.source, str(path), path.stat().st_mtime_ns, sc.period.year, s.timezone)


def site_weather(sc: Scenario) -> pd.DataFrame:
    """Hourly weather of the scenario year (WEATHER_COLUMNS), cached."""
    key = weather_key(sc)
    return cached(key, lambda: _build_weather(sc, key))


def _build_weather(sc: Scenario, key: tuple) -> pd.DataFrame:
    s = sc.site
    if key[0] == "synthetic":
        frame = weather.synthetic_weather(s.latitude_deg, s.longitude_deg, s.altitude_m,
                                          sc.seed, sc.site.weather.site)
        return weather.align_to_year(frame, sc.period.year, s.timezone, source="synthetic")
    frame = weather.read_weather(Path(key[1]), key[0])
    return weather.align_to_year(frame, sc.period.year, s.timezone, source=sc.site.weather.path)


def resolve_path(sc: Scenario, rel: str, field: str) -> Path:
    """A path given in the scenario, relative to the scenario file."""
    base = sc._base_dir or Path.cwd()
    path = (base / rel).resolve()
    if not sc._allow_outside and not path.is_relative_to(base.resolve()):
        raise InputError(Problem(sc._source, field, f"{rel} lies outside the scenario folder "
                                 "(pass such files on the command line, e.g. --weather)"))
    if not path.is_file():
        raise InputError(Problem(sc._source, field, f"file {rel} not found"))
    return path


def solar_position(sc: Scenario) -> pd.DataFrame:
    """Solar position at the mid-point of every hour of the year (cached)."""
    s = sc.site
    return cached((*weather_key(sc), "solpos"),
                  lambda: pv.solar_position(site_weather(sc).index, s.latitude_deg,
                                            s.longitude_deg, s.altitude_m))


def pv_per_mw(sc: Scenario, asset: PV) -> np.ndarray:
    """AC output per MW DC of a PV array for every hour of the year [MW/MW] (cached)."""
    key = (*weather_key(sc), "pv", asset.tilt_deg, asset.azimuth_deg, asset.losses_frac,
           asset.dc_ac_ratio, asset.mounting)
    return cached(key, lambda: pv.pv_ac_per_mw_dc(
        site_weather(sc), solar_position(sc), asset.tilt_deg, asset.azimuth_deg,
        losses_frac=asset.losses_frac, dc_ac_ratio=asset.dc_ac_ratio, mounting=asset.mounting))


def wind_mw(sc: Scenario, asset: Wind) -> np.ndarray:
    """Output of a wind asset (all its turbines) for every hour of the year [MW]."""
    wx = site_weather(sc)
    curve = asset.power_curve
    one = wind.wind_ac_mw(
        wx["wind_speed_m_s"].to_numpy(), wx["temp_air_c"].to_numpy(), asset.turbine_type,
        asset.hub_height_m,
        curve_speed_m_s=np.array(curve.speed_m_s) if curve else None,
        curve_power_mw=np.array(curve.power_mw) if curve else None,
        losses_frac=asset.losses_frac)
    return one * asset.count


def import_prices(sc: Scenario, axis: TimeAxis) -> np.ndarray:
    """Grid energy price of every hour of the year [CNY/MWh]."""
    return hourly_prices(resolve_tariff(sc.grid.tariff), axis.index)


def day_types(year: int) -> pd.Series:
    """'workday' | 'weekend' | 'holiday' for each date of the year (cached)."""
    return _day_types(year)


@lru_cache(maxsize=64)
def _day_types(year: int) -> pd.Series:
    return calendar.day_types(year)
