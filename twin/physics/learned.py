"""Hourly demand of a meter-learned model: a daily change-point model split by an hourly shape.

The model (see ``calibration.selection`` for how it is learned) gives the energy of day d::

    E[d] = cap[d] * (base[kind(d)] + b_h * max(T_h - t[d], 0) + b_c * max(t[d] - T_c, 0))

with ``kind`` the weekday (Monday to Sunday), a holiday or the Spring Festival shutdown,
``t[d]`` the day's mean air temperature, ``T_h``/``T_c`` the heating and cooling balance
points and ``b_h``/``b_c`` the slopes [MWh per K-day] (a 3P, 4P or 5P change-point model;
zero slopes switch a term off). The day's energy is spread over its hours by a
time-of-week shape (each day's 24 values sum to 1; holidays take Sunday's), the weather
term by a shape of its own where one is learned (a boiler timer), and the whole
is scaled by ``annual / reference``: the enterprise's annual demand over the model's
annual total in the year it was learned, so an efficiency measure that lowers the annual
demand lowers the model's hours alike.

The hours are then split like the sector model's: the week's lowest hourly load (the
always-on base) and the weather part run whatever the plan; the rest scales with the
day's production level, normalised by the planned level so that following the calendar
reproduces the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HOLIDAY_KINDS = ("holiday", "maintenance")  # days that take the holiday energy and Sunday's shape


@dataclass(frozen=True)
class LearnedModel:
    """One learned model: daily energies, change points, shape [MWh, degC, MWh/K-day, -]."""

    day_mwh: np.ndarray  # [7] Monday..Sunday at capacity 1, weather-neutral
    holiday_mwh: float
    spring_festival_mwh: float
    heating_balance_c: float
    heating_mwh_per_k: float
    cooling_balance_c: float
    cooling_mwh_per_k: float
    shape: np.ndarray  # [7, 24]: share of each weekday's energy per hour (rows sum to 1)
    reference_mwh: float
    weather_shape: np.ndarray | None = None  # [7, 24] of the weather term; None: shape


@dataclass(frozen=True)
class Calendar:
    """Per hour of the simulated year: its day's weekday, kind, mean temperature, level, size."""

    weekday: np.ndarray  # 0 Monday .. 6 Sunday [hours]
    hour_of_day: np.ndarray  # [hours]
    day_kind: np.ndarray  # workday, weekend, holiday, spring_festival, maintenance [hours]
    day_temp_c: np.ndarray  # mean air temperature of the hour's day [degC], [hours]
    level: np.ndarray  # planned production level [0-1], [hours]
    capacity: np.ndarray  # size relative to the start of the year [-], [hours]


def hourly_parts(m: LearnedModel, c: Calendar, annual_mwh: float) -> tuple[np.ndarray, np.ndarray]:
    """(fixed, per-level) hourly demand [MWh/h] of one learned model over the year."""
    off = np.isin(c.day_kind, (*HOLIDAY_KINDS, "spring_festival"))
    row = np.where(off, 6, c.weekday)
    shape = m.shape[row, c.hour_of_day]
    weather_shape = shape if m.weather_shape is None else m.weather_shape[row, c.hour_of_day]
    day, weather = day_terms(m, c.weekday, c.day_kind, c.day_temp_c)
    scale = annual_mwh / m.reference_mwh  # the schema keeps reference_mwh > 0
    base_h = day * shape
    floor = min(float((m.day_mwh[:, None] * m.shape).min()), float(m.holiday_mwh * m.shape[6].min()))
    always = np.minimum(base_h, floor)
    prod = (base_h - always) * c.capacity * scale
    fixed = (always + weather * weather_shape) * c.capacity * scale
    planned = c.level > 0
    per_level = np.divide(prod, c.level, out=np.zeros_like(prod), where=planned)
    return fixed + np.where(planned, 0.0, prod), per_level


def day_terms(m: LearnedModel, weekday: np.ndarray, kind: np.ndarray,
              temp_c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weather-neutral energy of each day's kind and its weather term [MWh per day, capacity 1]."""
    day = np.where(np.isin(kind, HOLIDAY_KINDS), m.holiday_mwh,
                   np.where(kind == "spring_festival", m.spring_festival_mwh, m.day_mwh[weekday]))
    weather = (m.heating_mwh_per_k * np.maximum(m.heating_balance_c - temp_c, 0.0)
               + m.cooling_mwh_per_k * np.maximum(temp_c - m.cooling_balance_c, 0.0))
    return day, weather
