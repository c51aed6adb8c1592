"""Enterprise demand shapes from annual totals, vectorised over enterprises.

Hourly demand of enterprise *i* is split into a part that runs whatever the
production plan (base load, space heat) and a part proportional to the day's
production level, which the enterprise agent decides each day::

    demand[h, i] = fixed[h, i] + per_level[h, i] * level[day(h), i]

Both parts are scaled so that following the planned calendar reproduces the
annual total exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter

# Production hours [start, end) of the named shift patterns (definitions):
# continuous and three-shift plants produce around the clock; two shifts run
# 06-22; one day shift 08-17.
SHIFT_HOURS = {"continuous": (0, 24), "3x8": (0, 24), "2x8": (6, 22), "1x8": (8, 17)}


@dataclass(frozen=True)
class DemandParams:
    """Parameters of n enterprises, each an array of shape [n]."""

    electricity_mwh: np.ndarray
    heat_mwh: np.ndarray
    base_load_frac: np.ndarray
    shift_start_h: np.ndarray
    shift_end_h: np.ndarray
    space_heat_frac: np.ndarray
    heating_balance_c: np.ndarray
    cooling_balance_c: np.ndarray
    cooling_frac_per_k: np.ndarray
    el_heating_frac_per_k: np.ndarray
    space_heat_start_h: np.ndarray
    space_heat_end_h: np.ndarray
    space_heat_follows_calendar: np.ndarray  # 1: space heat scales with the day's level, 0: not
    thermal_time_constant_h: np.ndarray  # building inertia: 0 responds to the hour's air temperature
    solar_gain_k_per_kw_m2: np.ndarray  # sol-air temperature rise per kW/m2 of GHI
    heating_months: np.ndarray  # [12, n]: 1 in the months the space heating may run


@dataclass(frozen=True)
class DemandParts:
    """Hourly demand parts [MWh per hour], each of shape [hours, n]."""

    el_fixed: np.ndarray
    el_per_level: np.ndarray
    heat_fixed: np.ndarray
    heat_per_level: np.ndarray
    prod_per_level: np.ndarray  # share of annual production per hour at level 1 [1/h]

    def electricity(self, level_h: np.ndarray) -> np.ndarray:
        """Electricity demand [MWh/h] for hourly production levels [hours, n]."""
        return self.el_fixed + self.el_per_level * level_h

    def heat(self, level_h: np.ndarray) -> np.ndarray:
        """Heat demand [MWh/h] for hourly production levels [hours, n]."""
        return self.heat_fixed + self.heat_per_level * level_h


def hours_mask(hour_of_day: np.ndarray, start_h: np.ndarray, end_h: np.ndarray) -> np.ndarray:
    """1 in the hours [start, end) of each enterprise, 0 outside, shape [hours, n]."""
    h = hour_of_day[:, None]
    return ((h >= start_h) & (h < end_h)).astype(float)


@dataclass(frozen=True)
class Drivers:
    """What drives the hourly demand of the year: clock, weather and plan."""

    hour_of_day: np.ndarray  # local hour 0-23 [hours]
    month: np.ndarray  # 1-12 [hours]
    temp_air_c: np.ndarray  # outdoor air temperature [degC], [hours]
    ghi_w_m2: np.ndarray  # global horizontal irradiance [W/m2], [hours]
    level_h: np.ndarray  # planned production level (the calendar) [0-1], [hours, n]
    capacity_h: np.ndarray  # size relative to the start of the year [-], [hours, n]


def demand_parts(d: Drivers, p: DemandParams) -> DemandParts:
    """Split annual demand into fixed and production-proportional hourly parts.

    The planned levels ``d.level_h`` normalise the parts, so following the
    plan reproduces the annual totals. The size ``d.capacity_h`` (dated
    capacity changes: a line closed or added) scales electricity, process heat
    and production, not space heat.
    """
    on, cap, level_h = hours_mask(d.hour_of_day, p.shift_start_h, p.shift_end_h), d.capacity_h, d.level_h
    base, prod = p.base_load_frac * cap, (1.0 - p.base_load_frac) * on * cap
    t = felt_temperature(d.temp_air_c, d.ghi_w_m2, p)
    cool = (1.0 + p.cooling_frac_per_k * np.maximum(t - p.cooling_balance_c, 0.0)
            + p.el_heating_frac_per_k * np.maximum(p.heating_balance_c - t, 0.0))
    el_fixed, el_per_level = _normalised(base * cool, prod * cool, level_h, p.electricity_mwh)
    process_mwh = p.heat_mwh * (1.0 - p.space_heat_frac)
    heat_fixed, heat_per_level = _normalised(np.broadcast_to(base, on.shape), prod, level_h, process_mwh)
    space_fixed, space_per_level = _space_heat(d, t, p, heat_per_level)
    _, prod_share = _normalised(np.zeros_like(on), on * cap, level_h, np.ones(on.shape[1]))
    return DemandParts(el_fixed, el_per_level, heat_fixed + space_fixed, heat_per_level + space_per_level,
                       prod_share)


def _normalised(fixed: np.ndarray, per_level: np.ndarray, level_h: np.ndarray,
                annual_mwh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scale both parts so that fixed + per_level * level sums to annual_mwh."""
    total = (fixed + per_level * level_h).sum(axis=0)
    scale = np.divide(annual_mwh, total, out=np.zeros_like(annual_mwh, dtype=float), where=total > 0)
    return fixed * scale, per_level * scale


def felt_temperature(temp_air_c: np.ndarray, ghi_w_m2: np.ndarray, p: DemandParams) -> np.ndarray:
    """Outdoor temperature as the buildings feel it [degC], shape [hours, n].

    The air temperature raised by the sun (a sol-air temperature:
    ``solar_gain_k_per_kw_m2`` K per kW/m2 of global horizontal irradiance),
    then lagged by the buildings' thermal inertia (first order with time
    constant tau: y[k] = a y[k-1] + (1 - a) x[k], a = exp(-1 / tau)). The year
    is cyclic: the filter warms up on its last hours, so the first days do not
    depend on an arbitrary start value.
    """
    out = temp_air_c[:, None] + p.solar_gain_k_per_kw_m2 * (ghi_w_m2[:, None] / 1000.0)
    hours = len(temp_air_c)
    for tau in np.unique(p.thermal_time_constant_h[p.thermal_time_constant_h > 0]):
        a, cols = np.exp(-1.0 / tau), p.thermal_time_constant_h == tau
        warm = min(hours, int(np.ceil(10 * tau)))
        x = np.concatenate([out[hours - warm:, cols], out[:, cols]])
        out[:, cols] = lfilter([1.0 - a], [1.0, -a], x, axis=0, zi=a * x[:1])[0][warm:]
    return out


def _space_heat(d: Drivers, temp_c: np.ndarray, p: DemandParams,
                heat_per_level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weather-driven space heat [MWh/h] as (fixed, per-level) parts.

    Space heat is proportional to the heating degree-hours (of the felt
    temperature ``temp_c`` [hours, n]) within the heating hours
    [space_heat_start_h, space_heat_end_h) (a boiler timer) of the months of
    the heating season. Where it follows the calendar it scales with the day's
    production level (closed on holidays, set back on weekends), otherwise it
    runs whatever the plan.
    Where a site never drops below the balance point in the heating hours the
    space-heat share follows the process shape instead (evenly over the hours,
    per level, when all the heat is space heat), so the annual total is kept.
    """
    space_mwh = p.heat_mwh * p.space_heat_frac
    timer = hours_mask(d.hour_of_day, p.space_heat_start_h, p.space_heat_end_h)
    timer *= p.heating_months[d.month - 1]  # [hours, n]: 1 in the heating season
    hdh = np.maximum(p.heating_balance_c - temp_c, 0.0) * timer
    level_h, follows = d.level_h, p.space_heat_follows_calendar > 0
    weight = np.where(follows, level_h, 1.0)
    total = (hdh * weight).sum(axis=0)
    shape = np.divide(hdh * space_mwh, total, out=np.zeros_like(hdh), where=total > 0)
    no_hdh = total <= 0
    if no_hdh.any():  # the process shape is per level: it follows the calendar
        alt = heat_per_level[:, no_hdh]
        alt = np.where((alt > 0).any(axis=0), alt, 1.0)  # no process heat either: even
        norm = (alt * level_h[:, no_hdh]).sum(axis=0)
        shape[:, no_hdh] = np.divide(alt * space_mwh[no_hdh], norm, out=np.zeros_like(alt), where=norm > 0)
        follows = follows | no_hdh
    return np.where(follows, 0.0, shape), np.where(follows, shape, 0.0)


def profile_parts(shape: np.ndarray, electricity_mwh: float) -> np.ndarray:
    """Hourly electricity [MWh/h] from a user shape scaled to the annual total."""
    total = shape.sum()
    return shape * (electricity_mwh / total) if total > 0 else np.zeros_like(shape)
