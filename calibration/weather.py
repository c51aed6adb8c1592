"""Measured weather for a calibration: the meters' own temperature (and sun) as a twin year.

The spec's ``weather`` section names a CSV file (``.csv`` or ``.csv.gz``) and its columns:

- ``timestamp`` (required), read in the section's ``timezone``; it marks the start of its
  interval, or the end with ``label: end`` (Met Office hourly irradiance is the hour's
  amount up to the stamp);
- ``temp_air_c`` [degC] at any interval of an hour or less (averaged to hours), **or**
  ``temp_max_c`` and ``temp_min_c`` of each day: the hourly temperature is then a cosine
  between them with its minimum at 03:00 and maximum at 15:00 local time (a common
  approximation of the daily cycle; the day's mean is (max + min) / 2);
- optionally ``ghi_w_m2`` (global horizontal [W/m2]; split into beam and diffuse with the
  Erbs model), or ``poa_w_m2`` (plane-of-array [W/m2] of a plane ``poa_tilt_deg`` /
  ``poa_azimuth_deg``; turned into GHI/DNI/DHI with pvlib's GTI-DIRINT, so the twin's
  Perez transposition onto that plane gives the measured value back within a few %);
  without either, a clear sky (Haurwitz) - irrelevant to demand, rough for PV;
- optionally ``wind_speed_m_s`` [m/s], else the constant ``wind_speed_m_s`` (2 m/s).

Hours of the simulated year the file lacks are interpolated linearly in time (beyond its
ends: its first or last value). More than 10 % missing is an error, counted over the days
the fit and its validation use when they are given (a file of January-September serves a
fit of January-June validated on July-August), else over the whole year. The result is
written as the twin's CSV weather format with UTC time stamps, so it aligns with any site
time zone, daylight saving included.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib

from calibration.mapping import parse_timezone
from calibration.meters import missing_column
from calibration.spec import WeatherSpec
from twin.errors import InputError, Problem
from twin.physics.pv import solar_position

MAX_MISSING = 0.10  # fraction of the year's hours that may be interpolated
DNI_MAX = 1100.0  # W/m2: Erbs can return absurd beam at grazing sun; clip to a clear-sky level
COLUMNS = ("ghi_w_m2", "dni_w_m2", "dhi_w_m2", "temp_air_c", "wind_speed_m_s")


def build_weather(spec: WeatherSpec, site, year: int,
                  windows: list[tuple[dt.date, dt.date]] | None = None) -> pd.DataFrame:
    """Hourly weather of ``year`` (in the site's time zone) from a measured file.

    Parameters
    ----------
    spec : WeatherSpec
        File, time zone and columns (``spec.path`` must be set).
    site : twin.schema.scenario.Site
        Latitude, longitude, altitude and time zone of the scenario's site.
    year : int
        The simulated calendar year.
    windows : list of (first, last) dates, optional
        The days (inclusive, site time) the file must cover; default the whole year.

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS` on hour-beginning UTC time stamps covering the site's year.
    """
    source = str(spec.path)
    raw = _read(spec)
    index = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="h", tz=site.timezone,
                          inclusive="left").tz_convert("UTC")
    temp = _temperature(raw, spec).reindex(index)
    needed = _needed(index, site.timezone, windows)
    missing = float(temp[needed].isna().mean())
    if missing > MAX_MISSING:
        what = (f"the hours of {year}" if windows is None else "the hours of the periods "
                + ", ".join(f"{a}..{b}" for a, b in windows))
        raise InputError(Problem(source, spec.columns.get("timestamp", "timestamp"),
                                 f"covers only {1 - missing:.0%} of {what} in "
                                 f"{site.timezone} (need {1 - MAX_MISSING:.0%})"))
    out = pd.DataFrame({"temp_air_c": _fill(temp)}, index=index)
    wind = spec.columns.get("wind_speed_m_s")
    out["wind_speed_m_s"] = (_fill(_hourly(raw[wind]).reindex(index)).clip(0, 80)
                             if wind else spec.wind_speed_m_s)
    with warnings.catch_warnings():  # pvlib's own notices about pandas' future APIs
        warnings.simplefilter("ignore", DeprecationWarning)
        sun = solar_position(index, site.latitude_deg, site.longitude_deg, site.altitude_m)
        out[["ghi_w_m2", "dni_w_m2", "dhi_w_m2"]] = _irradiance(raw, spec, sun, index)
    out.attrs["interpolated_hours"] = int(temp.isna().sum())
    return out[list(COLUMNS)]


def _needed(index: pd.DatetimeIndex, timezone: str, windows) -> np.ndarray:
    """Boolean mask of the hours that must be covered (all, or those of the windows)."""
    if windows is None:
        return np.ones(len(index), dtype=bool)
    days = index.tz_convert(timezone).tz_localize(None).normalize()
    inside = np.zeros(len(index), dtype=bool)
    for first, last in windows:
        inside |= (days >= pd.Timestamp(first)) & (days <= pd.Timestamp(last))
    return inside


def write_weather_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write :func:`build_weather` output in the twin's CSV weather format (UTC stamps)."""
    table = frame.copy()
    table.insert(0, "timestamp", frame.index.strftime("%Y-%m-%d %H:%M+00:00"))
    table.round(3).to_csv(path, index=False)
    return path


def _read(spec: WeatherSpec) -> pd.DataFrame:
    """The file's named columns, numeric, indexed by UTC time stamps."""
    source = str(spec.path)
    try:
        table = pd.read_csv(spec.path)
    except (OSError, ValueError) as exc:
        raise InputError(Problem(source, "(file)", f"cannot read CSV: {exc}")) from exc
    cols = spec.columns
    needed = ["timestamp"] + (["temp_air_c"] if "temp_air_c" in cols else
                              ["temp_max_c", "temp_min_c"])
    problems = [Problem(source, f"weather.columns.{k}", "required") for k in needed
                if k not in cols]
    problems += [Problem(source, name, missing_column(name, list(cols.values()), table))
                 for name in cols.values() if name not in table.columns]
    if problems:
        raise InputError(problems)
    stamps = pd.to_datetime(table[cols["timestamp"]], errors="coerce")
    if stamps.isna().any():
        row = int(np.flatnonzero(stamps.isna())[0])
        raise InputError(Problem(source, cols["timestamp"], f"row {row + 2}: cannot parse "
                                 f"{table[cols['timestamp']].iloc[row]!r} as a time stamp"))
    if stamps.dt.tz is None:
        tz = parse_timezone(spec.timezone)
        stamps = stamps.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    data = {role: pd.to_numeric(table[name], errors="coerce").to_numpy()
            for role, name in cols.items() if role != "timestamp"}
    frame = pd.DataFrame(data, index=pd.DatetimeIndex(stamps))
    frame = frame[frame.index.notna()]
    step = pd.Series(frame.index).diff().median() if len(frame) > 1 else pd.Timedelta(0)
    if spec.label == "end" and step < pd.Timedelta(days=1):  # daily values keep their date
        frame.index = frame.index - step
    return frame.tz_convert("UTC").sort_index()


def _hourly(values: pd.Series) -> pd.Series:
    """Average readings of an hour or less into hour-beginning UTC hours."""
    return values.resample("h").mean()


def _fill(values: pd.Series) -> pd.Series:
    """Interpolate gaps linearly in time (ends: nearest value)."""
    return values.interpolate(method="time", limit_direction="both")


def _temperature(raw: pd.DataFrame, spec: WeatherSpec) -> pd.Series:
    """Hourly air temperature [degC] on UTC hours."""
    if "temp_air_c" in raw:
        return _hourly(raw["temp_air_c"])
    local = raw.index.tz_convert(parse_timezone(spec.timezone))
    days = pd.DataFrame({"tmax": raw["temp_max_c"].to_numpy(),
                         "tmin": raw["temp_min_c"].to_numpy()}, index=local.normalize())
    days = days[~days.index.duplicated()]
    hours = pd.date_range(days.index.min(), days.index.max() + pd.Timedelta(days=1), freq="h",
                          inclusive="left")
    day = days.reindex(hours.normalize())
    phase = np.cos(2 * np.pi * (hours.hour.to_numpy() - 15) / 24)
    mean = (day["tmax"] + day["tmin"]).to_numpy() / 2
    temp = mean + (day["tmax"] - day["tmin"]).to_numpy() / 2 * phase
    return pd.Series(temp, index=hours.tz_convert("UTC"))


def _irradiance(raw: pd.DataFrame, spec: WeatherSpec, sun: pd.DataFrame,
                index: pd.DatetimeIndex) -> np.ndarray:
    """[hours, 3] GHI, DNI, DHI [W/m2] from measured GHI, POA or a clear sky."""
    zenith = sun["apparent_zenith"]
    if "poa_w_m2" in raw:
        poa = _fill(_hourly(raw["poa_w_m2"]).reindex(index)).clip(lower=0)
        return _from_poa(poa, sun, spec)
    if "ghi_w_m2" in raw:
        ghi = _fill(_hourly(raw["ghi_w_m2"]).reindex(index)).clip(lower=0)
    else:
        ghi = pvlib.clearsky.haurwitz(zenith)["ghi"]
    ghi = pd.Series(np.where(zenith < 90, ghi.to_numpy(), 0.0), index=index)
    parts = pvlib.irradiance.erbs(ghi, zenith, index)
    return _consistent(ghi.to_numpy(), np.nan_to_num(parts["dni"].to_numpy()), zenith)


def _consistent(ghi: np.ndarray, dni: np.ndarray, zenith: pd.Series) -> np.ndarray:
    """GHI, DNI, DHI with DNI clipped and DHI = GHI - DNI cos(zenith) >= 0."""
    cos_z = np.clip(np.cos(np.radians(zenith.to_numpy())), 0, None)
    dni = np.clip(dni, 0, DNI_MAX)
    dni = np.where(dni * cos_z > ghi, ghi / np.maximum(cos_z, 1e-6), dni)
    dni = np.clip(dni, 0, DNI_MAX)
    dhi = np.clip(ghi - dni * cos_z, 0, 1000)
    return np.column_stack([np.clip(ghi, 0, 1500), dni, dhi])


def _from_poa(poa: pd.Series, sun: pd.DataFrame, spec: WeatherSpec) -> np.ndarray:
    """GHI, DNI, DHI whose Perez transposition onto the plane gives ``poa`` (GTI-DIRINT)."""
    zenith, azimuth = sun["apparent_zenith"], sun["azimuth"]
    aoi = pvlib.irradiance.aoi(spec.poa_tilt_deg, spec.poa_azimuth_deg, zenith, azimuth)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GTI-DIRINT lists hours it cannot solve; handled below
        parts = pvlib.irradiance.gti_dirint(poa, aoi, zenith, azimuth, poa.index,
                                            spec.poa_tilt_deg, spec.poa_azimuth_deg,
                                            calculate_gt_90=True, max_iterations=30)
    failed = parts["ghi"].isna().to_numpy()
    ghi = np.where(failed, poa.to_numpy(), parts["ghi"].to_numpy())  # no solution: all diffuse
    dni = np.where(failed, 0.0, parts["dni"].to_numpy())
    ghi = np.where(zenith.to_numpy() < 90, ghi, 0.0)
    return _consistent(np.nan_to_num(ghi), np.nan_to_num(dni), zenith)
