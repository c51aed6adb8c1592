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


def demand_parts(hour_of_day: np.ndarray, temp_air_c: np.ndarray, level_h: np.ndarray,
                 p: DemandParams, capacity_h: np.ndarray | None = None) -> DemandParts:
    """Split annual demand into fixed and production-proportional hourly parts.

    Parameters
    ----------
    hour_of_day : ndarray [hours]
        Local hour 0-23 of every hour of the year.
    temp_air_c : ndarray [hours]
        Outdoor air temperature [degC].
    level_h : ndarray [hours, n]
        Planned production level of every hour (the calendar) [0-1], used to
        normalise so the plan reproduces the annual totals.
    p : DemandParams
        Enterprise parameters.
    capacity_h : ndarray [hours, n], optional
        Size of the enterprise in each hour relative to the start of the year
        (dated capacity changes: a line closed or added) [-]; scales electricity,
        process heat and production, not space heat. Default 1.
    """
    on = hours_mask(hour_of_day, p.shift_start_h, p.shift_end_h)
    cap = np.ones_like(on) if capacity_h is None else capacity_h
    base, prod = p.base_load_frac * cap, (1.0 - p.base_load_frac) * on * cap
    t = temp_air_c[:, None]
    cool = (1.0 + p.cooling_frac_per_k * np.maximum(t - p.cooling_balance_c, 0.0)
            + p.el_heating_frac_per_k * np.maximum(p.heating_balance_c - t, 0.0))
    el_fixed, el_per_level = _normalised(base * cool, prod * cool, level_h, p.electricity_mwh)
    process_mwh = p.heat_mwh * (1.0 - p.space_heat_frac)
    heat_fixed, heat_per_level = _normalised(np.broadcast_to(base, on.shape), prod, level_h, process_mwh)
    space_fixed, space_per_level = _space_heat(hour_of_day, temp_air_c, p, heat_per_level, level_h)
    _, prod_share = _normalised(np.zeros_like(on), on * cap, level_h, np.ones(on.shape[1]))
    return DemandParts(el_fixed, el_per_level, heat_fixed + space_fixed, heat_per_level + space_per_level,
                       prod_share)


def _normalised(fixed: np.ndarray, per_level: np.ndarray, level_h: np.ndarray,
                annual_mwh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scale both parts so that fixed + per_level * level sums to annual_mwh."""
    total = (fixed + per_level * level_h).sum(axis=0)
    scale = np.divide(annual_mwh, total, out=np.zeros_like(annual_mwh, dtype=float), where=total > 0)
    return fixed * scale, per_level * scale


def _space_heat(hour_of_day: np.ndarray, temp_air_c: np.ndarray, p: DemandParams,
                heat_per_level: np.ndarray, level_h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weather-driven space heat [MWh/h] as (fixed, per-level) parts.

    Space heat is proportional to the heating degree-hours within the heating
    hours [space_heat_start_h, space_heat_end_h) (a boiler timer). Where it
    follows the calendar it scales with the day's production level (closed on
    holidays, set back on weekends), otherwise it runs whatever the plan.
    Where a site never drops below the balance point in the heating hours the
    space-heat share follows the process shape instead, so the annual total
    is kept.
    """
    space_mwh = p.heat_mwh * p.space_heat_frac
    timer = hours_mask(hour_of_day, p.space_heat_start_h, p.space_heat_end_h)
    hdh = np.maximum(p.heating_balance_c - temp_air_c[:, None], 0.0) * timer
    follows = p.space_heat_follows_calendar > 0
    weight = np.where(follows, level_h, 1.0)
    total = (hdh * weight).sum(axis=0)
    shape = np.divide(hdh * space_mwh, total, out=np.zeros_like(hdh), where=total > 0)
    no_hdh = total <= 0
    if no_hdh.any():  # the process shape is per level: it follows the calendar
        alt = heat_per_level[:, no_hdh]
        norm = (alt * level_h[:, no_hdh]).sum(axis=0)
        shape[:, no_hdh] = np.divide(alt * space_mwh[no_hdh], norm, out=np.zeros_like(alt), where=norm > 0)
        follows = follows | no_hdh
    return np.where(follows, 0.0, shape), np.where(follows, shape, 0.0)


def profile_parts(shape: np.ndarray, electricity_mwh: float) -> np.ndarray:
    """Hourly electricity [MWh/h] from a user shape scaled to the annual total."""
    total = shape.sum()
    return shape * (electricity_mwh / total) if total > 0 else np.zeros_like(shape)
