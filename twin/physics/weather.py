"""Hourly weather of the simulated year: read a user's file or build a synthetic year.

Every weather frame in the twin has the columns :data:`WEATHER_COLUMNS`
(``ghi_w_m2``, ``dni_w_m2``, ``dhi_w_m2`` [W/m2], ``temp_air_c`` [degC],
``wind_speed_m_s`` [m/s] at 10 m) and, once aligned, a tz-aware index of
hour-BEGINNING local times whose rows hold averages over ``[t, t + 1 h)``.

:func:`read_weather` reads a file as it is (pvlib readers, or pandas for CSV),
:func:`align_to_year` maps any full typical year onto the calendar year of the
scenario, and :func:`synthetic_weather` (from :mod:`twin.physics.synthetic_weather`)
builds a year for a Chinese site from the monthly climate figures of
:mod:`twin.physics.sites` (:func:`known_sites`, :func:`site_info`). Every problem
with a user's file raises :class:`twin.errors.InputError` naming file and column.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib

from twin.errors import InputError, Problem
from twin.physics.sites import known_sites, site_info
from twin.physics.synthetic_weather import synthetic_weather

__all__ = ["WEATHER_COLUMNS", "WEATHER_FORMATS", "align_to_year", "known_sites",
           "read_weather", "site_info", "synthetic_weather"]

WEATHER_COLUMNS = ("ghi_w_m2", "dni_w_m2", "dhi_w_m2", "temp_air_c", "wind_speed_m_s")
WEATHER_FORMATS = ("epw", "tmy2", "tmy3", "pvgis", "csv")
HOURS_PER_YEAR = 8760
#: Plausible range of each column; outside it a file is refused (e.g. 9999 codes).
VALID_RANGE = {"ghi_w_m2": (-10.0, 1500.0), "dni_w_m2": (-10.0, 1500.0),
               "dhi_w_m2": (-10.0, 1000.0), "temp_air_c": (-80.0, 70.0),
               "wind_speed_m_s": (0.0, 80.0)}
#: Accepted CSV column names (lower case) -> canonical name.
CSV_ALIASES = {"ghi": "ghi_w_m2", "dni": "dni_w_m2", "dhi": "dhi_w_m2",
               "temp_air": "temp_air_c", "temperature_c": "temp_air_c",
               "wind_speed": "wind_speed_m_s", "wind_speed_m/s": "wind_speed_m_s",
               "time": "timestamp", "datetime": "timestamp"}
#: pvlib's names -> canonical names (EPW, TMY3, PVGIS after map_variables).
_PVLIB_NAMES = {"ghi": "ghi_w_m2", "dni": "dni_w_m2", "dhi": "dhi_w_m2",
                "temp_air": "temp_air_c", "wind_speed": "wind_speed_m_s"}


def _read_epw(path: Path) -> tuple[pd.DataFrame, str]:
    # pvlib already turns EPW hour-ending 1..24 into hour-beginning 0..23 labels.
    data, _ = pvlib.iotools.read_epw(path)
    return data.rename(columns=_PVLIB_NAMES), "beginning"


def _read_tmy3(path: Path) -> tuple[pd.DataFrame, str]:
    # pvlib keeps TMY3's hour-ending labels (first row 01:00, last 24:00 = 00:00).
    data, _ = pvlib.iotools.read_tmy3(path, map_variables=True)
    return data.rename(columns=_PVLIB_NAMES), "ending"


def _read_tmy2(path: Path) -> tuple[pd.DataFrame, str]:
    # pvlib shifts TMY2's hour 1..24 to 0..23; temperature and wind are in tenths.
    data, _ = pvlib.iotools.read_tmy2(str(path))
    frame = pd.DataFrame({"ghi_w_m2": data["GHI"], "dni_w_m2": data["DNI"],
                          "dhi_w_m2": data["DHI"], "temp_air_c": data["DryBulb"] / 10.0,
                          "wind_speed_m_s": data["Wspd"] / 10.0}, index=data.index)
    return frame, "beginning"


def _read_pvgis(path: Path) -> tuple[pd.DataFrame, str]:
    # PVGIS TMY rows are labelled HH:00 UTC; taken as hour-beginning.
    data, _ = pvlib.iotools.read_pvgis_tmy(str(path), map_variables=True)
    return data.rename(columns=_PVLIB_NAMES), "beginning"


def _read_csv(path: Path) -> tuple[pd.DataFrame, str]:
    raw = pd.read_csv(path)
    raw.columns = [CSV_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in raw.columns]
    if "timestamp" not in raw.columns:
        raise InputError(Problem(str(path), "timestamp", "column missing (hour-beginning "
                                 "local time, e.g. 2025-01-01 00:00)"))
    try:
        stamps = pd.DatetimeIndex(pd.to_datetime(raw.pop("timestamp")))
    except (ValueError, TypeError) as exc:
        raise InputError(Problem(str(path), "timestamp", f"not readable as times: {exc}")) from exc
    steps = stamps[1:] - stamps[:-1]
    if len(steps) and not (steps == pd.Timedelta(hours=1)).all():
        raise InputError(Problem(str(path), "timestamp", "times must be hourly and increasing"))
    raw.index = stamps
    return raw, _infer_label(stamps)


_READERS: dict[str, Callable[[Path], tuple[pd.DataFrame, str]]] = {
    "epw": _read_epw, "tmy2": _read_tmy2, "tmy3": _read_tmy3, "pvgis": _read_pvgis,
    "csv": _read_csv,
}


def _infer_label(stamps: pd.DatetimeIndex) -> str:
    """'ending' when a year of rows runs from 01:00 to 00:00, else 'beginning'."""
    if len(stamps) >= HOURS_PER_YEAR and stamps[0].hour == 1 and stamps[-1].hour == 0:
        return "ending"
    return "beginning"


def read_weather(path: Path, fmt: str) -> pd.DataFrame:
    """Read a user's weather file.

    Parameters
    ----------
    path : pathlib.Path
        Local file (nothing is downloaded).
    fmt : str
        One of :data:`WEATHER_FORMATS`: ``epw``, ``tmy2``, ``tmy3`` and ``pvgis``
        (a PVGIS TMY file in csv/json/epw form) are read with ``pvlib.iotools``.
        ``csv`` is a comma-separated file with a header row and the columns
        ``timestamp`` (hourly, hour-BEGINNING local time such as
        ``2025-01-01 00:00``; a UTC offset may be included), ``ghi_w_m2``,
        ``dni_w_m2``, ``dhi_w_m2`` [W/m2], ``temp_air_c`` [degC] and
        ``wind_speed_m_s`` [m/s, 10 m]. Aliases accepted: ``time``/``datetime``,
        ``ghi``, ``dni``, ``dhi``, ``temp_air``, ``wind_speed``. A year whose first
        timestamp is 01:00 and last 00:00 is read as hour-ending.

    Returns
    -------
    pandas.DataFrame
        :data:`WEATHER_COLUMNS` on the file's own index;
        ``attrs['time_label']`` is ``'beginning'`` or ``'ending'``.

    Raises
    ------
    InputError
        File missing or unreadable, a column missing, NaN or implausible
        values, or fewer than 8760 hourly rows.
    """
    path = Path(path)
    name = str(path)
    if fmt not in _READERS:
        raise InputError(Problem(name, "format", f"unknown weather format {fmt!r}; use one of "
                                 f"{', '.join(WEATHER_FORMATS)}"))
    if not path.is_file():
        raise InputError(Problem(name, "file", "weather file not found"))
    try:
        frame, label = _READERS[fmt](path)
    except InputError:
        raise
    except Exception as exc:  # any parser failure is the file's fault
        raise InputError(Problem(name, "file", f"cannot be read as {fmt}: {exc}")) from exc
    frame = check_weather(frame, name)
    frame.attrs.update(time_label=label, source=name)
    return frame


def check_weather(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """Columns, NaN, plausible ranges and length of a weather frame.

    Returns the :data:`WEATHER_COLUMNS` as float64 (irradiance clipped at 0);
    raises :class:`InputError` naming ``source`` and the offending column.
    """
    missing = [c for c in WEATHER_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError([Problem(source, c, f"column missing (need {', '.join(WEATHER_COLUMNS)})")
                          for c in missing])
    out = frame.loc[:, list(WEATHER_COLUMNS)].apply(pd.to_numeric, errors="coerce")
    problems = []
    for col in WEATHER_COLUMNS:
        values = out[col].to_numpy(dtype=float)
        bad = np.flatnonzero(np.isnan(values))
        if len(bad):
            problems.append(Problem(source, col, f"NaN or non-numeric in {len(bad)} rows "
                                    f"(first at {frame.index[bad[0]]})"))
            continue
        low, high = VALID_RANGE[col]
        wrong = np.flatnonzero((values < low) | (values > high))
        if len(wrong):
            problems.append(Problem(source, col, f"{len(wrong)} values outside [{low}, {high}] "
                                    f"(first {values[wrong[0]]} at {frame.index[wrong[0]]})"))
    if problems:
        raise InputError(problems)
    if len(out) < HOURS_PER_YEAR:
        raise InputError(Problem(source, "file", f"{len(out)} hourly rows; a full year of "
                                 f"at least {HOURS_PER_YEAR} is needed"))
    for col in ("ghi_w_m2", "dni_w_m2", "dhi_w_m2"):
        out[col] = out[col].clip(lower=0.0)
    return out.astype(np.float64)


def _hour_keys(stamps: pd.DatetimeIndex) -> np.ndarray:
    """month*10000 + day*100 + hour, with 29 February folded onto the 28th."""
    day = np.where((stamps.month == 2) & (stamps.day == 29), 28, stamps.day)
    return stamps.month.to_numpy() * 10000 + day * 100 + stamps.hour.to_numpy()


def align_to_year(df: pd.DataFrame, year: int, tz: str, source: str) -> pd.DataFrame:
    """Map a full year of hourly weather onto the calendar ``year``.

    Each hour of the target year takes the row of the same month, day and
    hour of the source year, the two being compared in the source's own time
    zone (a naive source index is taken as local time in ``tz``). Hour-ending
    sources (``df.attrs['time_label'] == 'ending'``, or a year of rows from
    01:00 to 00:00) are first moved back by one hour. A leap year's 29 February
    copies the 28th; a source's 29 February is used only for hours its 28th
    lacks; where the source holds several years the first occurrence of each
    hour is used.

    Parameters
    ----------
    df : pandas.DataFrame
        :data:`WEATHER_COLUMNS` on a DatetimeIndex covering a whole year.
    year : int
        Calendar year to produce.
    tz : str
        IANA time zone of the park, e.g. ``Asia/Shanghai``.
    source : str
        File name used in error messages.

    Returns
    -------
    pandas.DataFrame
        :data:`WEATHER_COLUMNS` on hour-BEGINNING local times of ``year``
        (8760 rows, 8784 in a leap year, for zones without daylight saving),
        values being averages over ``[t, t + 1 h)``.

    Raises
    ------
    InputError
        Missing columns, NaN, fewer than 8760 rows, no timestamps, or hours
        of the year absent from the source.
    """
    values = check_weather(df, source)
    if not isinstance(df.index, pd.DatetimeIndex):
        raise InputError(Problem(source, "timestamp", "rows need hourly timestamps"))
    stamps = df.index if df.index.tz is not None else df.index.tz_localize(tz)
    label = df.attrs.get("time_label") or _infer_label(stamps)
    if label == "ending":
        stamps = stamps - pd.Timedelta(hours=1)
    keys = _hour_keys(stamps)  # a source 29 February folds onto (and yields to) the 28th
    keep = ~pd.Index(keys).duplicated()
    lookup = pd.Index(keys[keep])
    target = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="h", tz=tz,
                           inclusive="left")
    rows = lookup.get_indexer(_hour_keys(target.tz_convert(stamps.tz)))
    if (rows < 0).any():
        first = target[np.flatnonzero(rows < 0)[0]]
        raise InputError(Problem(source, "timestamp", f"{int((rows < 0).sum())} hours of the "
                                 f"year missing (first {first:%m-%d %H:00})"))
    out = pd.DataFrame(values.to_numpy()[keep][rows], index=target, columns=WEATHER_COLUMNS)
    out.attrs.update(time_label="beginning", source=source)
    return out
