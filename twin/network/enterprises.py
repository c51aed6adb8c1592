"""Enterprise demand inputs: sector defaults, calendar levels, hourly demand parts."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from twin.catalog.motors import electricity_factor
from twin.catalog.sectors import sector_table
from twin.errors import InputError, Problem
from twin.network.inputs import TimeAxis, cached, day_types, resolve_path, site_weather, weather_key
from twin.physics import calendar, learned
from twin.physics.demand import SHIFT_HOURS, DemandParams, DemandParts, Drivers, demand_parts, profile_parts
from twin.schema.enterprise import Enterprise, LearnedLoad
from twin.schema.scenario import Scenario


@dataclass(frozen=True)
class EnterpriseInputs:
    """Demand of all enterprises over the full year."""

    parts: DemandParts  # [hours_of_year, n]
    planned_level: np.ndarray  # calendar production level [days_of_year, n]
    day_kind: np.ndarray  # per day of year and enterprise: workday, weekend, holiday, spring_festival, maintenance
    capacity: np.ndarray  # size relative to the start of the year [days_of_year, n]
    flexible_frac: np.ndarray  # [n]


def resolved(e: Enterprise) -> dict:
    """The enterprise's parameters with sector defaults filled in."""
    d = sector_table()[e.sector]
    pick = lambda value, key: d[key] if value is None else value  # noqa: E731
    return {
        "shift": pick(e.shift, "shift"),
        "base_load_frac": pick(e.base_load_frac, "base_load_frac"),
        "weekend_load_frac": pick(e.calendar.weekend_load_frac, "weekend_load_frac"),
        "holiday_load_frac": pick(e.calendar.holiday_load_frac, "holiday_load_frac"),
        "spring_festival_load_frac": pick(e.calendar.spring_festival_load_frac, "spring_festival_load_frac"),
        "space_heat_frac": pick(e.temperature.space_heat_frac, "space_heat_frac"),
        "cooling_frac_per_k": pick(e.temperature.cooling_frac_per_k, "cooling_frac_per_k"),
    }


def day_kinds(year: int, ents: list[Enterprise]) -> np.ndarray:
    """Kind of each day for each enterprise [days, n], Spring Festival shutdown included."""
    kinds = day_types(year)
    dates = kinds.index
    plain = np.where(dates.day_of_week >= 5, "weekend", "workday").astype(object)
    out = np.repeat(kinds.to_numpy().astype(object)[:, None], len(ents), axis=1)
    for i, e in enumerate(ents):
        if e.calendar.public_holidays == "none":
            out[:, i] = plain
        else:
            first, last = calendar.spring_festival_window(
                year, e.calendar.spring_festival_days_before, e.calendar.spring_festival_days_after)
            out[(dates >= pd.Timestamp(first)) & (dates <= pd.Timestamp(last)), i] = "spring_festival"
        out[np.isin(dates.date, e.calendar.extra_holidays), i] = "holiday"
        out[np.isin(dates.date, e.maintenance), i] = "maintenance"
    return out


def calendar_levels(kinds: np.ndarray, params: list[dict]) -> np.ndarray:
    """Planned production level [days, n] for each day kind and enterprise."""
    level = np.ones(kinds.shape)
    for i, p in enumerate(params):
        for kind in ("weekend", "holiday", "spring_festival"):
            level[kinds[:, i] == kind, i] = p[f"{kind}_load_frac"]
        level[kinds[:, i] == "maintenance", i] = 0.0
    return level


def capacity_levels(days: int, year: int, ents: list[Enterprise]) -> np.ndarray:
    """Size of each enterprise per day of the year relative to its start [days, n].

    A step function of the dated capacity changes; a change dated before the
    year applies from 1 January, one after it never.
    """
    first = dt.date(year, 1, 1)
    out = np.ones((days, len(ents)))
    for i, e in enumerate(ents):
        for change in sorted(e.calendar.capacity_changes, key=lambda c: c.date):
            out[max((change.date - first).days, 0):, i] = change.capacity_frac
    return out


def enterprise_inputs(sc: Scenario, axis: TimeAxis) -> EnterpriseInputs:
    """Hourly demand parts of all enterprises for the whole year (cached by their inputs)."""
    files = tuple(resolve_path(sc, e.profile, f"enterprises[{e.id}].profile").stat().st_mtime_ns
                  for e in sc.enterprises if e.profile)
    specs = json.dumps([e.model_dump(mode="json") for e in sc.enterprises])
    return cached((*weather_key(sc), "demand", specs, files), lambda: _build(sc, axis))


def _build(sc: Scenario, axis: TimeAxis) -> EnterpriseInputs:
    ents = sc.enterprises
    params = [resolved(e) for e in ents]
    kinds = day_kinds(sc.period.year, ents)
    level = calendar_levels(kinds, params)
    idx = axis.index
    day_of_hour = (idx.day_of_year.to_numpy() - 1)
    weather = site_weather(sc)
    capacity = capacity_levels(kinds.shape[0], sc.period.year, ents)
    drivers = Drivers(idx.hour.to_numpy(), idx.month.to_numpy(), weather["temp_air_c"].to_numpy(),
                      weather["ghi_w_m2"].to_numpy(), level[day_of_hour], capacity[day_of_hour])
    demand = _demand_params(ents, params)
    parts = demand_parts(drivers, demand)
    _apply_profiles(sc, ents, parts, len(idx))
    _apply_learned(ents, parts, demand, drivers, kinds[day_of_hour], day_of_hour, idx.day_of_week.to_numpy())
    return EnterpriseInputs(parts, level, kinds, capacity, np.array([e.flexible_frac for e in ents], dtype=float))


def _demand_params(ents: list[Enterprise], params: list[dict]) -> DemandParams:
    col = lambda f: np.array([f(e, p) for e, p in zip(ents, params, strict=True)], dtype=float)  # noqa: E731
    return DemandParams(
        electricity_mwh=col(lambda e, p: e.demand.electricity_mwh * electricity_factor(e.motor_systems)),
        heat_mwh=col(lambda e, p: e.demand.heat_mwh),
        base_load_frac=col(lambda e, p: p["base_load_frac"]),
        shift_start_h=col(lambda e, p: (e.shift_hours or SHIFT_HOURS[p["shift"]])[0]),
        shift_end_h=col(lambda e, p: (e.shift_hours or SHIFT_HOURS[p["shift"]])[1]),
        space_heat_frac=col(lambda e, p: p["space_heat_frac"]),
        heating_balance_c=col(lambda e, p: e.temperature.heating_balance_c),
        cooling_balance_c=col(lambda e, p: e.temperature.cooling_balance_c),
        cooling_frac_per_k=col(lambda e, p: p["cooling_frac_per_k"]),
        el_heating_frac_per_k=col(lambda e, p: e.temperature.el_heating_frac_per_k),
        space_heat_start_h=col(lambda e, p: (e.temperature.space_heat_hours or (0, 24))[0]),
        space_heat_end_h=col(lambda e, p: (e.temperature.space_heat_hours or (0, 24))[1]),
        space_heat_follows_calendar=col(lambda e, p: e.temperature.space_heat_follows_calendar),
        thermal_time_constant_h=col(lambda e, p: e.temperature.thermal_time_constant_h),
        solar_gain_k_per_kw_m2=col(lambda e, p: e.temperature.solar_gain_k_per_kw_m2),
        heating_months=np.array([[m in (e.temperature.heating_months or range(1, 13)) for e in ents]
                                 for m in range(1, 13)], dtype=float),
    )


def _apply_profiles(sc: Scenario, ents: list[Enterprise], parts: DemandParts, hours: int) -> None:
    """Replace the sector shape by the user's hourly profile where one is given."""
    for i, e in enumerate(ents):
        if e.profile is None:
            continue
        field = f"enterprises[{e.id}].profile"
        shape = read_profile(sc, e.profile, field, e.id, hours)
        parts.el_fixed[:, i] = profile_parts(shape, e.demand.electricity_mwh)
        parts.el_per_level[:, i] = 0.0


def _apply_learned(ents: list[Enterprise], parts: DemandParts, p: DemandParams, d: Drivers,
                   kind_h: np.ndarray, day: np.ndarray, weekday_h: np.ndarray) -> None:
    """Replace the sector model by the learned models where an enterprise has them.

    ``kind_h``: each hour's day kind [hours, n]; ``day``: its local day of the year (0-based).
    """
    day_temp = np.bincount(day, d.temp_air_c) / np.bincount(day)  # local days (23-25 h)
    for i, e in enumerate(ents):
        if e.learned is None:
            continue
        cal = learned.Calendar(profile_day(weekday_h, kind_h[:, i]), d.hour_of_day, kind_h[:, i],
                               day_temp[day], d.level_h[:, i], d.capacity_h[:, i])
        for model, annual, fixed, per_level in (
                (e.learned.electricity, p.electricity_mwh[i], parts.el_fixed, parts.el_per_level),
                (e.learned.heat, p.heat_mwh[i], parts.heat_fixed, parts.heat_per_level)):
            if model is not None:
                fixed[:, i], per_level[:, i] = learned.hourly_parts(
                    learned_model(model, p.base_load_frac[i], p.shift_start_h[i], p.shift_end_h[i]),
                    cal, annual)


def profile_day(weekday: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """The weekday whose energy and shape a day takes: a weekend worked takes a Wednesday's,
    a weekday off a Sunday's (Chinese make-up working days and bridge days)."""
    out = np.where((kind == "workday") & (weekday >= 5), 2, weekday)
    return np.where((kind == "weekend") & (weekday < 5), 6, out)


def learned_model(m: LearnedLoad, base_load_frac: float, start_h: float, end_h: float) -> learned.LearnedModel:
    """The physics' view of a learned model; without an hourly shape, the shift pattern's."""
    if m.hour_shape is None:
        hour = np.arange(24)
        row = base_load_frac + (1.0 - base_load_frac) * ((hour >= start_h) & (hour < end_h))
        shape = np.tile(row / row.sum(), (7, 1))
    else:
        shape = np.array(m.hour_shape, dtype=float)
    festival = m.holiday_mwh if m.spring_festival_mwh is None else m.spring_festival_mwh
    weather = None if m.weather_hour_shape is None else np.array(m.weather_hour_shape, dtype=float)
    return learned.LearnedModel(np.array(m.day_mwh, dtype=float), m.holiday_mwh, festival,
                                m.heating_balance_c, m.heating_mwh_per_k, m.cooling_balance_c,
                                m.cooling_mwh_per_k, shape, m.reference_mwh, weather)


def read_profile(sc: Scenario, rel: str, field: str, item_id: str, hours: int) -> np.ndarray:
    """Read a one-column hourly profile CSV; its length must be the year's hours."""
    path = resolve_path(sc, rel, field)
    try:
        values = pd.read_csv(path).iloc[:, -1].to_numpy(dtype=float)
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError, IndexError):
        raise InputError(Problem(rel, field, "expected a CSV with one numeric column", item_id)) from None
    if len(values) != hours:
        raise InputError(Problem(rel, field, f"profile has {len(values)} rows, expected {hours} "
                                 "(one per hour of the year)", item_id))
    if not np.isfinite(values).all() or (values < 0).any():
        raise InputError(Problem(rel, field, "profile values must be finite and >= 0", item_id))
    return values
